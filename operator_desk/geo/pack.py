"""Region packs: load, validate, convert and install the geodata of one kabupaten.

Region pack folder format (format_version 1)
============================================

A region pack is a folder::

    region.toml              metadata + file names (required)
    kabupaten.geojson        kabupaten/kota boundary (required)
    kecamatan.geojson        kecamatan boundaries (required)
    desa.geojson             desa/kelurahan boundaries (required)
    gazetteer.csv            named administrative places (required)
    pois.geojson             points of interest (optional)
    lines.geojson            coast and river lines (optional)
    basemap.mbtiles          raster basemap, MBTiles 1.3 SQLite file (optional)
    SOURCES.txt, LICENSES/   provenance and licences (recommended; copied on import)

``region.toml``::

    format_version = 1
    name = "Kabupaten Banjar"            # required
    code = "63.03"                       # required, Kemendagri code of the kabupaten/kota
    timezone = "Asia/Makassar"           # required, IANA zone (WITA)
    bbox = [114.35, -3.85, 115.70, -2.70]  # required, [minlon, minlat, maxlon, maxlat], WGS84
    site_code_prefix = "BJR"             # required, 2-8 of A-Z/0-9; starts incident numbers

    [files]                              # optional; these are the defaults
    kabupaten = "kabupaten.geojson"
    kecamatan = "kecamatan.geojson"
    desa = "desa.geojson"
    gazetteer = "gazetteer.csv"
    pois = "pois.geojson"
    lines = "lines.geojson"
    basemap = "basemap.mbtiles"

File names are relative to the pack folder and may not leave it. A layer named explicitly in
``[files]`` must exist; an optional layer left at its default name is skipped when absent.

All coordinates are WGS84 lon/lat (GeoJSON order) and must lie inside ``bbox``.

Boundary GeoJSON (FeatureCollection of Polygon/MultiPolygon features), properties:

- ``code`` (required, unique across all boundary layers), ``name`` (required);
- ``parent_code`` (required for kecamatan and desa: the kabupaten resp. kecamatan code; every desa's
  kecamatan and every kecamatan's kabupaten must be present);
- ``level`` (optional): ``kabupaten``/``kota``/``kabupaten_kota`` in kabupaten.geojson,
  ``kecamatan`` in kecamatan.geojson, ``desa``/``kelurahan`` in desa.geojson;
- ``lat``/``lon`` (optional label point; polygon centroid when absent), ``postal_code`` (optional).

``gazetteer.csv`` (UTF-8, header row): required columns ``code,name,level,parent_code,lat,lon``,
optional ``postal_code,kecamatan`` (kecamatan name). ``level`` is one of kabupaten, kota, kecamatan,
desa, kelurahan; codes are unique; a desa/kelurahan's ``parent_code`` must be a known kecamatan.

``pois.geojson``: Point features with ``id`` (required, unique), ``name``, ``kind`` (hospital, clinic,
puskesmas, doctor, dentist, midwife, police, fire_station, other) and optional ``desa_code`` and
``kecamatan_code``.

``lines.geojson``: LineString/MultiLineString features with ``kind`` (coast, river, road, other).

Errors raise ``RegionError`` whose message names the file and the problem, e.g.
``desa.geojson: feature 3 (63.03.01.2001): coordinates outside the bbox [...]`` or
``desa.geojson: line 7 column 12: invalid JSON (Expecting ',' delimiter)``.

The Banjar source folder (``../shared/regions/banjar``, banjar_*.geojson + banjar_gazetteer.csv, no
region.toml) is also accepted by ``load_region`` and converted in memory; ``convert_banjar`` writes it
out as a proper pack. ``import_region`` validates a pack (either layout) and installs it as
``<data_dir>/region/``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import tomllib
from pathlib import Path, PurePosixPath
from typing import Any

from .banjar import convert_banjar, is_banjar_layout, read_banjar
from .build import META_FILE, RawPack, build_region
from .errors import RegionError
from .model import Region
from .packwrite import DEFAULT_FILES, write_pack
from .rawio import read_gazetteer_csv, read_geojson

OPTIONAL_LAYERS = ("pois", "lines", "basemap")
INSTALL_DIR = "region"
__all__ = ["convert_banjar", "import_region", "load_region", "read_pack", "region_summary", "write_pack"]


def _read_meta(path: Path) -> dict[str, Any]:
    try:
        with (path / META_FILE).open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise RegionError(META_FILE, f"not found in {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise RegionError(META_FILE, f"invalid TOML ({exc})") from None


def _files(meta: dict[str, Any]) -> tuple[dict[str, str], set[str]]:
    """Layer -> file name, and the layers named explicitly in [files]."""
    given = meta.get("files", {})
    if not isinstance(given, dict):
        raise RegionError(META_FILE, "[files] must be a table")
    unknown = sorted(set(given) - set(DEFAULT_FILES))
    if unknown:
        raise RegionError(META_FILE, f"[files]: unknown layer(s) {', '.join(unknown)}")
    files = dict(DEFAULT_FILES)
    for layer, name in given.items():
        rel = PurePosixPath(str(name))
        if not isinstance(name, str) or not name or rel.is_absolute() or ".." in rel.parts:
            raise RegionError(META_FILE, f"[files].{layer}: {name!r} must be a relative path inside the pack")
        files[layer] = name
    return files, set(given)


def _check_mbtiles(path: Path, label: str) -> None:
    with path.open("rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise RegionError(label, "not an MBTiles (SQLite) file")


def read_pack(path: Path) -> RawPack:
    """Read a proper pack folder (with region.toml) into its unvalidated in-memory form."""
    meta = _read_meta(path)
    files, explicit = _files(meta)
    opt: dict[str, Any] = {}
    for layer in OPTIONAL_LAYERS:
        f = path / files[layer]
        if not f.is_file():
            if layer in explicit:
                raise RegionError(files[layer], "file not found (named in region.toml)")
            continue
        if layer == "basemap":
            _check_mbtiles(f, files[layer])
            opt[layer] = f
        else:
            opt[layer] = read_geojson(f, files[layer])
    return RawPack(
        meta=meta,
        labels=files,
        kabupaten=read_geojson(path / files["kabupaten"], files["kabupaten"]),
        kecamatan=read_geojson(path / files["kecamatan"], files["kecamatan"]),
        desa=read_geojson(path / files["desa"], files["desa"]),
        gazetteer=read_gazetteer_csv(path / files["gazetteer"], files["gazetteer"]),
        pois=opt.get("pois"),
        lines=opt.get("lines"),
        basemap=opt.get("basemap"),
        source=path,
    )


def load_region(path: str | Path) -> Region:
    """Load and validate a region pack folder, or the Banjar source folder as it is."""
    path = Path(path)
    if not path.is_dir():
        raise RegionError(str(path), "region pack folder not found")
    raw = read_banjar(path) if is_banjar_layout(path) else read_pack(path)
    return build_region(raw)


def _copy_pack(src: Path, dst: Path) -> None:
    """Copy a pack folder file by file (plain copies: the source may be read-only)."""
    for f in sorted(src.rglob("*")):
        if f.is_file():
            target = dst / f.relative_to(src)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, target)


def import_region(src: str | Path, data_dir: str | Path) -> Region:
    """Validate the pack at `src` (either layout) and install it as `<data_dir>/region/`.

    The new pack is staged and re-validated next to the old one and swapped in by rename, so a
    failed import leaves the installed region untouched.
    """
    src, data_dir = Path(src), Path(data_dir)
    load_region(src)  # raises RegionError before anything is written
    data_dir.mkdir(parents=True, exist_ok=True)
    final = data_dir / INSTALL_DIR
    staging = Path(tempfile.mkdtemp(prefix=".region-import-", dir=data_dir))
    try:
        if is_banjar_layout(src):
            convert_banjar(src, staging)
        else:
            _copy_pack(src, staging)
        load_region(staging)
        old = data_dir / ".region-old"
        if old.exists():
            shutil.rmtree(old)
        if final.exists():
            os.replace(final, old)
        os.replace(staging, final)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return load_region(final)


def region_summary(region: Region) -> dict[str, Any]:
    """A JSON-ready summary of a loaded region (for the CLI and logs)."""
    return {
        "name": region.name,
        "code": region.code,
        "timezone": region.timezone,
        "bbox": list(region.bbox),
        "site_code_prefix": region.site_code_prefix,
        "path": str(region.source) if region.source else None,
        "kabupaten": len(region.kabupaten),
        "kecamatan": len(region.kecamatan),
        "desa": len(region.desa),
        "gazetteer": len(region.gazetteer),
        "pois": len(region.pois),
        "lines": len(region.lines),
        "basemap": region.basemap is not None,
    }
