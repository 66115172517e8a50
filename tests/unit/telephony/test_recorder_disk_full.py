"""A call recording that runs out of space keeps the call going and reports "write_failed".

The disk is made "full" for real: a child process with RLIMIT_FSIZE (writes past the limit fail with
EFBIG, as on a full disk), so libsndfile raises its own error, which the recorder must catch (it no
longer catches every exception blindly).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

CHILD = r"""
import json, resource, signal, sys
import numpy as np
from operator_desk.telephony.audio.recorder import CallRecorder

path, limit = sys.argv[1], int(sys.argv[2])
if limit:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failing write, not a killed process
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
rec = CallRecorder(path, 8000)
rng = np.random.default_rng(7)
for _ in range(200):  # 4 s of noise: FLAC cannot squeeze it under the limit
    caller = rng.integers(-30000, 30000, 160, dtype=np.int16)
    rec.push(caller, caller[::-1].copy())
res = rec.close()
print(json.dumps({"error": res.error, "frames": res.frames}))
"""


def _record(path: Path, limit: int) -> dict[str, object]:
    root = Path(__file__).resolve().parents[3]
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(limit)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=root,
    )
    assert proc.returncode == 0, proc.stderr
    result: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_FSIZE / SIGXFSZ as on Linux")
def test_full_disk_reports_write_failed_and_does_not_crash(tmp_path: Path) -> None:
    result = _record(tmp_path / "full.flac", 20_000)
    assert result["error"] == "write_failed"
    assert (tmp_path / "full.flac").stat().st_size <= 20_000


def test_enough_space_records_everything(tmp_path: Path) -> None:
    result = _record(tmp_path / "ok.flac", 0)
    assert result == {"error": "", "frames": 200 * 160}
