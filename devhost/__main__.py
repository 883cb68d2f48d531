"""`python -m devhost run`: Azurite, a demo setting and the app on http://localhost:7071 until Ctrl-C.

The server binds 127.0.0.1 only; people reach it as localhost, because passkeys (WebAuthn) need
an RP ID that is a domain name, and an IP address cannot be one.

`python -m devhost code`: the current authenticator code of the demo account that has an app.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devhost")
    parser.add_argument("command", choices=["run", "code"])
    parser.add_argument("--port", type=int, default=7071)
    args = parser.parse_args(argv)
    if args.command == "code":
        return _print_codes(ROOT / "var" / "demo-accounts.json")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", datefmt="%H:%M:%S")
    # The SDKs log every storage request at INFO; one line per request from the host is enough.
    logging.getLogger("azure").setLevel(logging.WARNING)
    # Local development unless the caller says otherwise; the config refuses unsafe values elsewhere.
    os.environ.setdefault("JOURNAL_ENVIRONMENT", "local")
    os.environ.setdefault("JOURNAL_PUBLIC_BASE_URL", f"http://localhost:{args.port}")

    from devhost.azurite import start_azurite

    var = ROOT / "var"
    try:
        emulator = start_azurite(location=var / "azurite", fixed_ports=True)
    except RuntimeError as error:
        print(f"Could not start Azurite: {error}. Is another `make run` still running?", file=sys.stderr)
        return 1
    os.environ["JournalStorage"] = emulator.connection_string  # noqa: SIM112 (the Functions host name)
    try:
        return _serve(var, args.port, emulator.connection_string)
    finally:
        emulator.stop()


def _serve(var: Path, port: int, connection_string: str) -> int:
    import function_app
    from devhost.demo import seed_demo
    from devhost.host import LocalHost
    from shared import bootstrap
    from shared.config import local_master_key

    accounts = seed_demo(bootstrap.deps(), var / "demo-accounts.json")
    # The web client is served by the app's own catch-all function, as in Azure.
    host = LocalHost(
        function_app.app,
        host_json=ROOT / "host.json",
        master_key=local_master_key(var),
        queue_connection_string=connection_string,
    )
    base = bootstrap.config().public_base_url
    print(f"\nThe learning journal is running on {base}  (Ctrl-C stops it; bound to 127.0.0.1 only)")
    print(f"Health: {base}/api/health   Mail lands in {var / 'mail'}")
    print(f"Demo accounts (also in {var / 'demo-accounts.json'}); setting: {accounts[0].setting}")
    for account in accounts:
        print(f"  {account.role:<13} {account.email:<30} password: {account.password:<32} PIN: {account.pin}")
    for account in accounts:
        if account.authenticator_secret:
            print(f"  {account.email} also signs in with an authenticator code. Add this key to a phone app:")
            print(
                f"    {account.authenticator_secret}   (or run `python -m devhost code` for the current code)"
            )
    print()
    host.serve(port=port)
    return 0


def _print_codes(accounts_file: Path) -> int:
    """The current code of each demo account with an authenticator app, computed as a phone would."""
    import json

    import pyotp

    if not accounts_file.exists():
        print("No demo accounts yet: run `make run` once first.", file=sys.stderr)
        return 1
    found = [row for row in json.loads(accounts_file.read_text()) if row.get("authenticator_secret")]
    for row in found:
        print(f"{row['email']}: {pyotp.TOTP(row['authenticator_secret']).now()}")
    return 0 if found else 1


if __name__ == "__main__":
    sys.exit(main())
