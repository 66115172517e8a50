"""A real `operator-desk-server` process on a free loopback port, for the attack tests and the bench.

Its output goes to a file (never an unread pipe), its memory and CPU are read from /proc.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

SERVER = [sys.executable, "-m", "operator_desk.server.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Hub:
    """`Hub(dir, "--header-timeout", "1")`; `start()`, `enroll(...)`, `stop()`."""

    def __init__(
        self,
        root: Path,
        *args: str,
        env: dict[str, str] | None = None,
        preexec_fn: Callable[[], None] | None = None,
    ) -> None:
        self.dir = root / "hub"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.args = list(args)
        base = {k: v for k, v in os.environ.items() if not k.startswith("OPERATOR_DESK_AML_")}
        self.env = {**base, **(env or {})}  # AML settings only from the test
        self.preexec_fn = preexec_fn
        self.log = root / "hub.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*SERVER, *args, "--data-dir", str(self.dir)],
            capture_output=True,
            text=True,
            timeout=60,
            check=check,
            env=self.env,
        )

    def enroll(self, name: str, kind: str = "desk", supervisor: bool = False) -> dict[str, Any]:
        extra = ["--supervisor"] if supervisor else []
        out = self.cli("enroll", "--site", name, "--kind", kind, *extra)
        return dict(json.loads(out.stdout))

    def start(self, timeout: float = 20.0) -> Hub:
        self.dir.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [*SERVER, "--data-dir", str(self.dir), "--port", str(self.port), *self.args],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.env,
                preexec_fn=self.preexec_fn,  # only setrlimit, before exec
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"hub exited {self.proc.returncode}: {self.output()}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        raise AssertionError(f"hub did not start: {self.output()}")

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def _status(self, key: str) -> int:
        assert self.proc is not None
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
        return 0

    def rss_mb(self) -> float:
        return self._status("VmRSS") / 1024

    def peak_rss_mb(self) -> float:
        return self._status("VmHWM") / 1024

    def cpu_s(self) -> float:
        assert self.proc is not None
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


NOW = int(time.time() * 1000)


def change(
    seq: int, pk: str, col: str, value: Any, tbl: str = "calls", ms: int = NOW, *,
    operator: str = "Rina", base: str | None = None,
) -> dict[str, Any]:
    """One change as a desk pushes it (the hub takes site_id from the credential)."""
    return {
        "site_id": None,
        "site_seq": seq,
        "hlc": f"{ms:013d}-{seq % 100000:05d}",
        "tbl": tbl,
        "pk": pk,
        "col": col,
        "value": value,
        "base_hlc": base,
        "operator": operator,
    }
