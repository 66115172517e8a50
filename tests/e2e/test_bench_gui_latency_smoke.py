"""bench/bench_gui_latency.py runs end to end at a tiny size (a real hub process, the real window).

Only that it runs and prints every figure: the targets are the bench's business (timings on a shared
test machine say little at 100 calls).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_gui_latency.py"


def test_the_gui_latency_bench_runs_at_a_tiny_size(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TMPDIR": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, str(BENCH), "--calls", "100", "--actions", "2", "--gap-ms", "20"],
        capture_output=True, text=True, timeout=120, env=env,
    )
    assert out.returncode in (0, 1), out.stderr[-2000:]  # 1: a target missed, still a full report
    text = out.stdout
    assert re.search(r"caught up \d+ changes \(100 calls\)", text), text
    assert re.search(r"during catch-up: \d+/\d+, \d+/\d+\n", text), text
    assert re.search(r"idle desk: +\d+/\d+, \d+/\d+\n", text), text
    assert re.search(r"longest stall during catch-up: \d+ ms \(target <= 100 ms\) (OK|OVER TARGET)", text), text
    assert re.search(r"every action <= 2x idle \+ 20 ms = \d+ ms\) (OK|OVER TARGET)", text), text
