"""schemathesis (`--checks all`) against a real hub's /openapi.json: no server errors, every route
and status code documented, the schemas as strict as the server (issue 10, attack 10).

Bounded: a few examples per operation, a time budget, the hub's long-poll capped at 1 s."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hubproc import Hub

pytest.importorskip("schemathesis")


def test_schemathesis_finds_nothing(tmp_path: Path) -> None:
    hub = Hub(tmp_path, "--max-wait", "1", "--header-timeout", "5").start()
    try:
        desk = hub.enroll("desk A", supervisor=True)
        cmd = [
            sys.executable, "-c", "import sys; from schemathesis.cli import schemathesis; sys.exit(schemathesis())",
            "run", f"{hub.url}/openapi.json",
            "--checks", "all",
            "-H", f"Authorization: Bearer {desk['token']}",
            "--max-examples", "8",
            "--seed", "112",
            "--workers", "1",
            "--request-timeout", "10",
            "--max-time", "90",
            "--no-shrink",
            "--warnings", "off",
        ]  # fmt: skip
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=150, cwd=tmp_path)  # its cache there
        report = out.stdout[-6000:] + out.stderr[-2000:]
        assert out.returncode == 0, report
        assert "Server error" not in report and "Undocumented" not in report
        assert "Traceback" not in hub.output()
    finally:
        hub.stop()
