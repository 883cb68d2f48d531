# Two commands set up a fresh machine: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install chromium run test test-fast fuzz lint typecheck bench clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "Node.js 20+ and npm are required for Azurite"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The browser tests drive Debian's Chromium through Playwright (Playwright's own download does not work here).
chromium:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" -eq 0 ]; then apt-get update && apt-get install -y --no-install-recommends chromium; \
	  else echo "Chromium is missing: run 'sudo apt-get install -y --no-install-recommends chromium'" \
	    "(the browser tests are skipped without it)"; fi; }

install: $(VENV)/.installed node_modules/.installed chromium

## Start Azurite, seed a demo setting and serve the app on http://localhost:7071 (bound to 127.0.0.1) until Ctrl-C.
run: install
	$(PY) -m devhost run

# Test files are shared out between workers (pytest-xdist), each with its own Azurite, local host and
# Chromium; one per core, at least 2 and at most 4. `make test TEST_WORKERS=0` runs them in one process.
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ $$n -lt 2 ] && n=2; [ $$n -gt 4 ] && n=4; echo $$n)

## Lint, type-check and run every test against in-memory Azurites on free ports.
test: install lint typecheck
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

## Unit and service tests only: use cases on in-memory fakes, no emulator (a test that asks for
## Azurite fails). Seconds, not minutes; `make test` is still the gate.
test-fast: $(VENV)/.installed
	$(PY) -m pytest -q -p tests.service.no_emulator tests/unit tests/service $(PYTEST_ARGS)

## Schemathesis against openapi.yaml on a local host (127.0.0.1 only): at least 1,000 generated requests,
## valid and invalid, unauthenticated and as each role; no 5xx, answers as documented.
fuzz: install
	$(PY) -m pytest -q tests/http/fuzz_full.py $(PYTEST_ARGS)

## Storage round trips, latency ratios and a 60-second load test; prints a table, writes bench/results.json.
bench: install
	$(PY) -m bench

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache
