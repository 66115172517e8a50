"""Small helpers shared by the benchmarks: timing, medians, printing a ratio against a floor."""

from __future__ import annotations

import json
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path


def timeit(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def med_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def p95_ms(samples: list[float]) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, int(round(0.95 * (len(s) - 1))))] * 1000


def report(name: str, ours: float, floor: float, target: float, unit: str = "ms") -> None:
    ratio = ours / floor if floor > 0 else float("inf")
    verdict = "OK" if ratio <= target else "OVER TARGET"
    print(
        f"{name}: ours {ours:.2f} {unit}, floor {floor:.2f} {unit}, ratio {ratio:.2f}x (target <= {target}x) {verdict}"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Hub:
    """operator-desk-server on a free loopback port with its own data dir (the sync and GUI-latency benches)."""

    def __init__(self, root: Path, start_timeout_s: float = 20.0) -> None:
        self.dir = root / "hub"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "operator_desk.server.cli", "--data-dir", str(self.dir), "--port", str(self.port)],
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + start_timeout_s
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("hub did not start")

    def enroll(self, name: str) -> str:
        out = subprocess.run(
            [sys.executable, "-m", "operator_desk.server.cli", "enroll", "--data-dir", str(self.dir), "--site", name],
            check=True,
            capture_output=True,
            text=True,
        )
        return str(json.loads(out.stdout)["token"])

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
