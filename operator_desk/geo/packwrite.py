"""Writing a region pack folder (region.toml + the layer files); shared by pack.py and banjar.py.

Kept apart from pack.py so that the Banjar converter can write a pack without importing the module
that imports it for layout detection (no import cycle).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import tomli_w

from .build import META_FILE, RawPack, build_region
from .rawio import write_gazetteer_csv

DEFAULT_FILES = {
    "kabupaten": "kabupaten.geojson",
    "kecamatan": "kecamatan.geojson",
    "desa": "desa.geojson",
    "gazetteer": "gazetteer.csv",
    "pois": "pois.geojson",
    "lines": "lines.geojson",
    "basemap": "basemap.mbtiles",
}


def _dump_geojson(data: dict[str, Any], target: Path) -> None:
    target.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def write_pack(raw: RawPack, dst: Path) -> None:
    """Write `raw` as a pack folder at `dst` with the default file names (validated first)."""
    build_region(raw)  # never write a pack we would refuse to load
    dst.mkdir(parents=True, exist_ok=True)
    meta = {k: v for k, v in raw.meta.items() if k != "files"}
    meta.setdefault("format_version", 1)
    files = {k: v for k, v in DEFAULT_FILES.items() if k != "basemap"}
    for layer in ("kabupaten", "kecamatan", "desa", "pois", "lines"):
        data = getattr(raw, layer)
        if data is None:
            files.pop(layer)
        else:
            _dump_geojson(data, dst / files[layer])
    rows: list[dict[str, Any]] = [r for _, r in raw.gazetteer]
    write_gazetteer_csv(dst / files["gazetteer"], rows)
    if raw.basemap is not None:
        shutil.copyfile(raw.basemap, dst / DEFAULT_FILES["basemap"])
        files["basemap"] = DEFAULT_FILES["basemap"]
    meta["files"] = files
    (dst / META_FILE).write_text(tomli_w.dumps(meta), encoding="utf-8")
