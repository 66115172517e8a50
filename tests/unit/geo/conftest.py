"""Fixtures for the geo tests: the shared Banjar data and tiny hand-made packs to break."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from geo_packs import tiny_pack_content, write_pack

from operator_desk.geo import Region, load_region

# Same path rule as tests/conftest.py::banjar_dir: the data is never copied into the repository.
BANJAR = Path(__file__).resolve().parents[3].parent / "shared" / "regions" / "banjar"


@pytest.fixture(scope="session")
def banjar_dir() -> Path:
    if not (BANJAR / "banjar_desa.geojson").is_file():
        pytest.skip(f"Banjar region data not found at {BANJAR}")
    return BANJAR


@pytest.fixture(scope="session")
def banjar(banjar_dir: Path) -> Region:
    return load_region(banjar_dir)


@pytest.fixture
def make_pack(tmp_path: Path) -> Callable[..., Path]:
    """make_pack(name, **overrides): writes the tiny pack with some files replaced (None = omitted)."""

    def make(name: str = "pack", **overrides: Any) -> Path:
        content = tiny_pack_content()
        for key, value in overrides.items():
            content[key.replace("__", ".")] = value
        return write_pack(tmp_path / name, content)

    return make
