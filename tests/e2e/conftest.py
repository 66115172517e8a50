"""Fixtures of the end-to-end tests: a real hub process on a free loopback port."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from hub_helpers import SERVER, free_port


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    port = free_port()
    data = tmp_path / "hub"
    # AML intake is off unless configured: these tests post as the gateway from 127.0.0.1
    proc = subprocess.Popen([*SERVER, "--data-dir", str(data), "--port", str(port), "--aml-allow", "127.0.0.1"],
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            pytest.fail(f"hub did not start: {proc.stderr.read() if proc.stderr else ''}")
        yield url, data
    finally:
        proc.terminate()
        proc.wait(10)
