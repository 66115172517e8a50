"""The check's page cache is sized to the store (issue 13): a store that outgrows a fixed cache made
SQLite's integrity_check and the joins re-read (and re-decrypt) pages, growing 12.6x for 10x data."""

from __future__ import annotations

from pathlib import Path

import pytest

from operator_desk.services import check
from operator_desk.services.check import CHECK_CACHE_KIB, CHECK_CACHE_MAX_KIB, cache_kib, check_store
from operator_desk.store.store import Store


def _sparse(path: Path, size: int) -> Path:
    with open(path, "wb") as fh:
        fh.truncate(size)
    return path


def test_the_cache_holds_the_whole_store_within_bounds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cache_kib(_sparse(tmp_path / "small", 10 << 20)) == CHECK_CACHE_KIB  # the floor
    big = cache_kib(_sparse(tmp_path / "big", 800 << 20))
    assert big > 800 * 1024 and big < 900 * 1024 + 1024  # the store's size, a little more
    assert cache_kib(_sparse(tmp_path / "huge", 20 << 30)) <= CHECK_CACHE_MAX_KIB  # never past the cap
    monkeypatch.setattr(check, "CHECK_CACHE_MAX_KIB", 1 << 40)  # and never past half the free memory
    free = next(
        int(x.split()[1])
        for x in Path("/proc/meminfo").read_text().splitlines()
        if x.startswith("MemAvailable:")
    )
    assert cache_kib(tmp_path / "huge") <= max(CHECK_CACHE_KIB, free // 2)


def test_check_still_passes_a_sound_store(tmp_path: Path) -> None:
    path = tmp_path / "desk.sqlite"
    Store(path).close()
    assert check_store(path)["ok"] and check_store(path, quick=True)["ok"]
