"""`location parse` through the real process and through the function with StringIO."""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from operator_desk.telephony.location.cli import add_location_parser, run_location_parse
from operator_desk.telephony.location.samples import (
    AML_HTTPS,
    AML_V1_FIX,
    AML_V1_NO_FIX,
    invite_from_sipp_scenario,
    pidf_of_message,
)

REPO = Path(__file__).resolve().parents[3]
KEYS = {"lat", "lon", "radius_m", "time", "method", "confidence", "number", "warnings"}

SIPP_SCENARIO = (
    Path(__file__).resolve().parents[3].parent / "shared" / "telephony" / "rig" / "sipp_ng112_pidflo_uac.xml"
)


def sipp_invite() -> str:
    return invite_from_sipp_scenario(SIPP_SCENARIO)


def pidf_of_invite() -> str:
    return pidf_of_message(sipp_invite())


def _run(stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "operator_desk.telephony.location.cli", "location", "parse"],
        input=stdin,
        capture_output=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )


def test_process_prints_json_for_an_invite() -> None:
    done = _run(sipp_invite().encode())
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data.keys() >= KEYS
    assert (data["lat"], data["lon"], data["radius_m"]) == (-3.4123, 114.8456, 15.0)
    assert data["time"] == "2025-01-01T10:00:00.000Z"
    assert data["number"] == "+6281234567890" and data["method"] == "gnss"


def test_process_fails_with_one_line_reason() -> None:
    done = _run(AML_V1_NO_FIX.encode() + b"\n")
    assert done.returncode == 1 and done.stdout == b""
    lines = done.stderr.decode().strip().splitlines()
    assert lines == ["location parse: AML SMS: no fix (pm=N, lt/lg zero)"]


def test_process_survives_undecodable_bytes() -> None:
    done = _run(b"\xff\xfe<presence \x00")
    assert done.returncode == 1 and len(done.stderr.decode().strip().splitlines()) == 1


def test_function_with_stringio(capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    add_location_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["location", "parse"])
    out = io.StringIO()
    assert args.func(args, stdin=io.StringIO(AML_V1_FIX + "\n"), stdout=out) == 0
    data = json.loads(out.getvalue())
    assert data["warnings"] == ["ml_mismatch"] and data["confidence"] == 0.68
    assert data["time"] == "2022-01-31T17:17:48.000Z"
    assert run_location_parse(args, stdin=io.StringIO(AML_HTTPS), stdout=out) == 0
    assert run_location_parse(args, stdin=io.StringIO("nothing here"), stdout=io.StringIO()) == 1
    assert "unrecognised location format" in capsys.readouterr().err
