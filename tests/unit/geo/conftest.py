"""Fixtures for the geo tests: the loaded Banjar region (banjar_dir comes from tests/conftest.py) and
tiny hand-made packs to break. Helpers reach the tests through the `kit` fixture (importlib import mode)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import tomli_w

from operator_desk.geo import Region, load_region


@pytest.fixture(scope="session")
def banjar(banjar_dir: Path) -> Region:
    return load_region(banjar_dir)


def square(x0: float, y0: float, size: float) -> dict[str, Any]:
    ring = [[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]
    return {"type": "Polygon", "coordinates": [ring]}


def fc(*features: dict[str, Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


def feat(geometry: dict[str, Any], **props: Any) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geometry, "properties": props}


# Tiny region at the equator: kabupaten 0..0.1 x 0..0.1; kecamatan = the same square; two desa side by
# side with a ~111 m gap between them (x 0.049..0.050).
def tiny_pack_content() -> dict[str, Any]:
    return {
        "region.toml": {
            "name": "Kabupaten Uji",
            "code": "99.01",
            "timezone": "Asia/Makassar",
            "bbox": [-0.05, -0.05, 0.15, 0.15],
            "site_code_prefix": "UJI",
        },
        "kabupaten.geojson": fc(feat(square(0, 0, 0.1), code="99.01", name="Kabupaten Uji")),
        "kecamatan.geojson": fc(feat(square(0, 0, 0.1), code="99.01.01", name="Satu", parent_code="99.01")),
        "desa.geojson": fc(
            feat(square(0, 0, 0.049), code="99.01.01.2001", name="Barat", parent_code="99.01.01"),
            feat(
                {
                    "type": "Polygon",
                    "coordinates": [[[0.05, 0], [0.1, 0], [0.1, 0.1], [0.05, 0.1], [0.05, 0]]],
                },
                code="99.01.01.2002",
                name="Timur",
                parent_code="99.01.01",
                level="kelurahan",
            ),
        ),
        "gazetteer.csv": (
            "code,name,level,parent_code,lat,lon,postal_code,kecamatan\n"
            "99.01,Kabupaten Uji,kabupaten,99,0.05,0.05,,\n"
            "99.01.01,Satu,kecamatan,99.01,0.05,0.05,,Satu\n"
            "99.01.01.2001,Barat,desa,99.01.01,0.02,0.02,70001,Satu\n"
            "99.01.01.2002,Timur,kelurahan,99.01.01,0.07,0.05,70002,Satu\n"
        ),
        "pois.geojson": fc(
            feat({"type": "Point", "coordinates": [0.07, 0.05]}, id="p1", name="RS Uji", kind="hospital")
        ),
    }


def write_pack(dst: Path, content: dict[str, Any]) -> Path:
    dst.mkdir(parents=True, exist_ok=True)
    for name, value in content.items():
        if value is None:
            continue
        target = dst / name
        if name.endswith(".toml"):
            target.write_text(tomli_w.dumps(value), encoding="utf-8")
        elif isinstance(value, str):
            target.write_text(value, encoding="utf-8")
        else:
            target.write_text(json.dumps(value, indent=1), encoding="utf-8")
    return dst


@pytest.fixture
def make_pack(tmp_path: Path) -> Callable[..., Path]:
    """make_pack(name, **overrides): writes the tiny pack with some files replaced (None = omitted)."""

    def make(name: str = "pack", **overrides: Any) -> Path:
        content = tiny_pack_content()
        for key, value in overrides.items():
            content[key.replace("__", ".")] = value
        return write_pack(tmp_path / name, content)

    return make


@pytest.fixture
def kit() -> SimpleNamespace:
    """GeoJSON builders and the tiny pack's content, for tests that break one piece of it."""
    return SimpleNamespace(square=square, fc=fc, feat=feat, tiny_pack_content=tiny_pack_content)
