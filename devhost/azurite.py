"""Start and stop Azurite, the official Azure Storage emulator, for local running, tests and benches."""

from __future__ import annotations

import os
import re
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AZURITE_BIN = ROOT / "node_modules" / ".bin" / "azurite"
ACCOUNT_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
_LISTENING = re.compile(
    r"Azurite (Blob|Queue|Table) service is successfully listening at http://127\.0\.0\.1:(\d+)"
)


@dataclass
class Azurite:
    """A running emulator and the connection string that reaches it."""

    process: subprocess.Popen[str]
    ports: dict[str, int]

    @property
    def connection_string(self) -> str:
        base = "http://127.0.0.1"
        return (
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
            f"AccountKey={ACCOUNT_KEY};"
            f"BlobEndpoint={base}:{self.ports['Blob']}/devstoreaccount1;"
            f"QueueEndpoint={base}:{self.ports['Queue']}/devstoreaccount1;"
            f"TableEndpoint={base}:{self.ports['Table']}/devstoreaccount1;"
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_azurite(
    *,
    location: Path | None = None,
    fixed_ports: bool = False,
    ports: dict[str, int] | None = None,
    timeout: float = 30,
    heap_mb: int | None = None,
) -> Azurite:
    """Start Azurite on loopback: in memory on free ports, or persistent under `location`.

    `ports` ({"Blob": ..., "Queue": ..., "Table": ...}) starts it on given ports, so a test can
    stop an emulator and start another where clients already point.

    Telemetry is always off (the machines reach no analytics endpoint, and nothing should try);
    the API version check is skipped because the current blob SDK is newer than the emulator.

    `heap_mb` raises Node's heap limit: in memory, Azurite keeps every row and blob in its heap.
    """
    if not AZURITE_BIN.exists():
        raise RuntimeError("Azurite is not installed: run `npm ci` (the Makefile does it for you)")
    chosen = ("10000", "10001", "10002") if fixed_ports else ("0", "0", "0")
    if ports is not None:
        chosen = (str(ports["Blob"]), str(ports["Queue"]), str(ports["Table"]))
    args = [
        str(AZURITE_BIN),
        "--disableTelemetry",
        "--skipApiVersionCheck",
        "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
        "--blobPort", chosen[0], "--queuePort", chosen[1], "--tablePort", chosen[2],
    ]  # fmt: skip
    if location is None:
        args.append("--inMemoryPersistence")
    else:
        location.mkdir(parents=True, exist_ok=True)
        args += ["--location", str(location), "--debug", str(location / "debug.log")]
    env = None
    if heap_mb is not None:
        env = {**os.environ, "NODE_OPTIONS": f"--max-old-space-size={heap_mb}"}
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    found: dict[str, int] = {}
    deadline = time.monotonic() + timeout
    assert process.stdout is not None
    while len(found) < 3:
        line = process.stdout.readline()
        if not line:
            raise RuntimeError(f"Azurite exited early (code {process.wait()}); is a port in use?")
        match = _LISTENING.search(line)
        if match:
            found[match.group(1)] = int(match.group(2))
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("Azurite did not start in time")
    # Keep draining its output so a full pipe never blocks the emulator.
    threading.Thread(target=lambda: [None for _ in process.stdout or []], daemon=True).start()
    return Azurite(process=process, ports=found)
