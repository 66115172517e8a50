"""schemathesis (`--checks all`) against a real hub's /openapi.json: no server errors, every route
and status code documented, the schemas as strict as the server (issue 10, attack 10).

Bounded: a few examples per operation, a time budget, the hub's long-poll capped at 1 s."""

from __future__ import annotations

import re
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
        # A recording's SHA-256 and its being a FLAC of the call's length cannot be said in a schema:
        # schema-valid bytes may get 415/422 (tests/server/test_recordings_route.py covers them).
        (tmp_path / "schemathesis.toml").write_text(
            "[[operations]]\n"
            'include-path = "/recordings/{call_id}"\n'
            'include-method = "PUT"\n'
            "checks.positive_data_acceptance.expected-statuses = "
            "[200, 201, 401, 403, 404, 409, 413, 415, 422, 429, 503]\n"
            # A floor state's times must lie within a day of the hub's clock and a message go to a desk on
            # the floor: not said in a schema, so schema-valid bodies may get 400 (tests/e2e/test_floor.py).
            "[[operations]]\n"
            'include-path-regex = "^/floor/(state|message)$"\n'
            "checks.positive_data_acceptance.expected-statuses = [200, 201, 400, 401, 403, 413, 429, 503]\n"
        )
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
            "--generation-codec", "ascii",  # text limits are bytes on the server, characters in JSON Schema
            "--warnings", "off",
        ]  # fmt: skip
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=150, cwd=tmp_path)  # its cache there
        report = out.stdout[-20000:] + out.stderr[-2000:]
        assert out.returncode == 0, report
        generated = re.search(r"(\d+) generated", out.stdout)
        assert generated and int(generated.group(1)) >= 300, report  # it did run, on every operation
        assert "Tested: 18" in out.stdout or "18 selected" in out.stdout or "Selected: 18/18" in out.stdout, report
        assert "Server error" not in report and "Undocumented" not in report
        assert "Traceback" not in hub.output()
    finally:
        hub.stop()
