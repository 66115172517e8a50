"""Fixtures of the attack tests: a real hub process (hubproc.Hub) on a free loopback port."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from hubproc import Hub


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    """A hub with short header/body timeouts so the slow-client tests stay short."""
    h = Hub(tmp_path, "--header-timeout", "1.5", "--body-timeout", "1.5")
    h.start()
    yield h
    h.stop()
