"""Shared fixtures: the Banjar region from ../shared, a fresh store per test, a fake clock."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def banjar_dir() -> Path:
    path = SHARED / "regions" / "banjar"
    if not path.is_dir():
        pytest.fail(f"region data missing: {path} (the tests use ../shared/regions/banjar)")
    return path


class FakeClock:
    """Milliseconds since the epoch that move only when the test says so."""

    def __init__(self, start_ms: int = 1_795_000_000_000) -> None:
        self.ms = start_ms

    def __call__(self) -> int:
        return self.ms

    def advance(self, ms: int) -> None:
        self.ms += ms


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(tmp_path: Path, clock: FakeClock) -> Iterator[object]:
    from operator_desk.store.store import Store

    s = Store(tmp_path / "desk.sqlite", now_ms=clock)
    s.operator = "tester"
    yield s
    s.close()
