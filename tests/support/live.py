"""``wirewatch run`` in a subprocess, as a user starts it, for the live tests."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

LIVE_ENV = {
    "WIREWATCH_ALLOW_NETWORKS": "127.0.0.0/8",
    "WIREWATCH_MIN_POLL_INTERVAL": "0.2",
    "WIREWATCH_POLL_INTERVAL": "0.5",
    "WIREWATCH_FETCH_DEADLINE": "5",
    "WIREWATCH_DELIVERY_TIMEOUT": "2",
    "WIREWATCH_RESPECT_ROBOTS": "false",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveProcess:
    """``wirewatch run --db DB --port P``; ``stop()`` sends Ctrl-C, ``kill()`` kill -9."""

    def __init__(self, db: Path, *, env: dict[str, str] | None = None, log: Path | None = None) -> None:
        self.db = db
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        full = {k: v for k, v in os.environ.items() if not k.startswith("WIREWATCH_")}
        full.update(LIVE_ENV)
        full["WIREWATCH_PUBLIC_URL"] = self.base
        full.update(env or {})
        self.env = full
        self.log = log or db.with_suffix(".log")
        self._out = self.log.open("ab")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "wirewatch",
                "run",
                "--db",
                str(db),
                "--port",
                str(self.port),
                "--workers",
                "1",
            ],
            stdout=self._out,
            stderr=subprocess.STDOUT,
            env=full,
        )
        self._wait_up()

    def _wait_up(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"wirewatch run exited: {self.log.read_text(errors='replace')}")
            try:
                self.get("/api/health")
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("wirewatch run did not start")

    def get(self, path: str) -> Any:
        with urllib.request.urlopen(self.base + path, timeout=10) as reply:
            return json.loads(reply.read())

    def post(self, path: str, data: dict[str, Any], *, token: str | None = None) -> Any:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(self.base + path, data=json.dumps(data).encode(), headers=headers)
        with urllib.request.urlopen(request, timeout=10) as reply:
            return json.loads(reply.read())

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(timeout=30)
        finally:
            self._out.close()

    def kill(self) -> None:
        self.proc.kill()  # SIGKILL: no cleanup at all
        self.proc.wait(timeout=30)
        self._out.close()

    def __enter__(self) -> LiveProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc.poll() is None:
            self.stop()
