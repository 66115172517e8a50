"""Helpers for tests that run a real hub: enrol a desk and join it."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

SERVER = [sys.executable, "-m", "operator_desk.server.cli"]
DESK = [sys.executable, "-m", "operator_desk.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def enrol(hub_dir: Path, url: str, desk_dir: Path, name: str, supervisor: bool = False) -> None:
    extra = ["--supervisor"] if supervisor else []  # the hub accepts conflict resolutions from it
    out = subprocess.run([*SERVER, "enroll", "--data-dir", str(hub_dir), "--site", name, *extra],
                         capture_output=True, text=True, check=True)
    token = json.loads(out.stdout)["token"]
    subprocess.run([*DESK, "join", "--data-dir", str(desk_dir), "--server", url, "--token", token], check=True,
                   capture_output=True)
