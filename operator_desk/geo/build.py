"""Validation of a region pack's parsed content and construction of the Region object.

Both layouts (a proper pack folder and the Banjar source folder converted in memory) end up here as a
RawPack, so a pack is judged by exactly one set of rules.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import shapely
from shapely.errors import ShapelyError
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from .errors import RegionError
from .model import (
    DESA_LEVELS,
    GAZETTEER_LEVELS,
    KABUPATEN_LEVELS,
    KECAMATAN_LEVELS,
    LINE_KINDS,
    POI_KINDS,
    AreaFeature,
    GazetteerRow,
    LineFeature,
    Poi,
    Region,
)
from .rawio import CsvRow

META_FILE = "region.toml"
REQUIRED_META = ("name", "code", "timezone", "bbox", "site_code_prefix")
_EPS = 1e-9  # degrees; tolerance for coordinates lying exactly on the bbox edge
_PREFIX_RE = re.compile(r"^[A-Z0-9]{2,8}$")


@dataclass
class RawPack:
    """Parsed but unvalidated pack content; `labels` names the file each layer came from."""

    meta: dict[str, Any]
    labels: dict[str, str]
    kabupaten: dict[str, Any]
    kecamatan: dict[str, Any]
    desa: dict[str, Any]
    gazetteer: list[CsvRow]
    pois: dict[str, Any] | None = None
    lines: dict[str, Any] | None = None
    basemap: Path | None = None
    source: Path | None = None
    meta_label: str = META_FILE
    seen_codes: dict[str, str] = field(default_factory=dict)


def check_meta(meta: dict[str, Any], label: str = META_FILE) -> tuple[float, float, float, float]:
    """Check region.toml's required keys and their types; returns the bbox."""
    missing = [k for k in REQUIRED_META if k not in meta]
    if missing:
        raise RegionError(label, f"missing key(s): {', '.join(missing)}")
    for key in ("name", "code", "timezone", "site_code_prefix"):
        if not isinstance(meta[key], str) or not meta[key].strip():
            raise RegionError(label, f"key '{key}' must be a non-empty string")
    try:
        ZoneInfo(meta["timezone"])
    except (ZoneInfoNotFoundError, ValueError):
        raise RegionError(label, f"unknown timezone {meta['timezone']!r}") from None
    if not _PREFIX_RE.match(meta["site_code_prefix"]):
        raise RegionError(label, "site_code_prefix must be 2-8 capital letters or digits")
    bbox = meta["bbox"]
    if (
        not isinstance(bbox, list | tuple)
        or len(bbox) != 4
        or not all(isinstance(v, int | float) and math.isfinite(v) for v in bbox)
    ):
        raise RegionError(label, "bbox must be [minlon, minlat, maxlon, maxlat] numbers")
    minx, miny, maxx, maxy = (float(v) for v in bbox)
    if not (-180 <= minx < maxx <= 180 and -90 <= miny < maxy <= 90):
        raise RegionError(label, f"bbox {list(bbox)} is not a valid lon/lat box")
    return minx, miny, maxx, maxy


def _inside(bounds: tuple[float, ...], bbox: tuple[float, float, float, float]) -> bool:
    return (
        bounds[0] >= bbox[0] - _EPS
        and bounds[1] >= bbox[1] - _EPS
        and bounds[2] <= bbox[2] + _EPS
        and bounds[3] <= bbox[3] + _EPS
    )


def _geometry(feat: Any, label: str, where: str, allowed: tuple[str, ...]) -> BaseGeometry:
    if not isinstance(feat, dict) or feat.get("type") != "Feature":
        raise RegionError(label, f"{where}: not a GeoJSON Feature")
    geom = feat.get("geometry")
    if not isinstance(geom, dict) or geom.get("type") not in allowed:
        kind = geom.get("type") if isinstance(geom, dict) else None
        raise RegionError(label, f"{where}: geometry must be {' or '.join(allowed)}, got {kind}")
    # What shape() raises on malformed coordinates (fuzzed): KeyError/IndexError, TypeError, ValueError,
    # OverflowError (huge integers), AttributeError, GEOSException/EmptyPartError/GeometryTypeError.
    try:
        g = shape(geom)
    except (LookupError, TypeError, ValueError, ArithmeticError, AttributeError, ShapelyError) as exc:
        raise RegionError(label, f"{where}: malformed coordinates ({exc})") from None
    if g.is_empty:
        raise RegionError(label, f"{where}: empty geometry")
    if not all(math.isfinite(v) for v in g.bounds):
        raise RegionError(label, f"{where}: non-finite coordinates")
    return g


def _props(feat: dict[str, Any]) -> dict[str, Any]:
    p = feat.get("properties")
    return p if isinstance(p, dict) else {}


def _str(p: dict[str, Any], key: str) -> str | None:
    v = p.get(key)
    if v is None:
        return None
    s = str(v).strip()
    return s or None


def _areas(raw: RawPack, layer: str, levels: frozenset[str], default_level: str) -> list[AreaFeature]:
    label = raw.labels[layer]
    data: dict[str, Any] = getattr(raw, layer)
    out: list[AreaFeature] = []
    for i, feat in enumerate(data["features"]):
        p = _props(feat)
        code, name = _str(p, "code"), _str(p, "name")
        where = f"feature {i}" + (f" ({code})" if code else "")
        if not code or not name:
            raise RegionError(label, f"{where}: properties 'code' and 'name' are required")
        level = _str(p, "level") or default_level
        if level not in levels:
            raise RegionError(
                label, f"{where}: unknown level {level!r} (expected {', '.join(sorted(levels))})"
            )
        parent = _str(p, "parent_code")
        if layer != "kabupaten" and not parent:
            raise RegionError(label, f"{where}: property 'parent_code' is required")
        if code in raw.seen_codes:
            raise RegionError(label, f"{where}: duplicate code {code} (also in {raw.seen_codes[code]})")
        raw.seen_codes[code] = label
        geom = _geometry(feat, label, where, ("Polygon", "MultiPolygon"))
        if not _inside(geom.bounds, raw_bbox(raw)):
            raise RegionError(label, f"{where}: coordinates outside the bbox {list(raw_bbox(raw))}")
        if not geom.is_valid:  # simplified source polygons may self-touch; repair, keep the areas
            geom = shapely.make_valid(geom)
            geom = shapely.union_all([g for g in shapely.get_parts(geom) if g.geom_type.endswith("Polygon")])
        lat, lon = p.get("lat"), p.get("lon")
        if not (isinstance(lat, int | float) and isinstance(lon, int | float)):
            c = geom.centroid
            lat, lon = c.y, c.x
        shapely.prepare(geom)
        out.append(
            AreaFeature(code, name, level, parent, geom, float(lat), float(lon), _str(p, "postal_code"))
        )
    return out


def raw_bbox(raw: RawPack) -> tuple[float, float, float, float]:
    b = raw.meta["bbox"]
    return (float(b[0]), float(b[1]), float(b[2]), float(b[3]))


def _check_parents(children: list[AreaFeature], parents: list[AreaFeature], label: str, what: str) -> None:
    codes = {p.code for p in parents}
    for c in children:
        if c.parent_code not in codes:
            raise RegionError(
                label, f"{c.level} {c.code} ({c.name}): parent {what} {c.parent_code} is missing"
            )


def _gazetteer(raw: RawPack, area_codes: set[str]) -> list[GazetteerRow]:
    label, bbox = raw.labels["gazetteer"], raw_bbox(raw)
    rows: list[GazetteerRow] = []
    seen: set[str] = set()
    for line, r in raw.gazetteer:
        where = f"line {line}"
        code, name, level = r.get("code", ""), r.get("name", ""), r.get("level", "")
        if not code or not name:
            raise RegionError(label, f"{where}: 'code' and 'name' must not be empty")
        if level not in GAZETTEER_LEVELS:
            raise RegionError(label, f"{where} ({code}): unknown level {level!r}")
        if code in seen:
            raise RegionError(label, f"{where}: duplicate code {code}")
        seen.add(code)
        try:
            lat, lon = float(r.get("lat", "")), float(r.get("lon", ""))
        except ValueError:
            raise RegionError(label, f"{where} ({code}): lat/lon are not numbers") from None
        if not _inside((lon, lat, lon, lat), bbox):
            raise RegionError(label, f"{where} ({code}): coordinates outside the bbox {list(bbox)}")
        rows.append(
            GazetteerRow(code, name, level, r.get("parent_code") or None, lat, lon,
                         r.get("postal_code") or None, r.get("kecamatan") or None)
        )  # fmt: skip
    kec_codes = {g.code for g in rows if g.level in KECAMATAN_LEVELS} | area_codes
    for g in rows:
        if g.level in DESA_LEVELS and g.parent_code not in kec_codes:
            raise RegionError(
                label, f"{g.level} {g.code} ({g.name}): parent kecamatan {g.parent_code} is missing"
            )
    return rows


def _pois(raw: RawPack) -> list[Poi]:
    if raw.pois is None:
        return []
    label, bbox = raw.labels["pois"], raw_bbox(raw)
    out: list[Poi] = []
    seen: set[str] = set()
    for i, feat in enumerate(raw.pois["features"]):
        p = _props(feat)
        pid = _str(p, "id")
        where = f"feature {i}" + (f" ({pid})" if pid else "")
        if not pid:
            raise RegionError(label, f"{where}: property 'id' is required")
        if pid in seen:
            raise RegionError(label, f"{where}: duplicate id {pid}")
        seen.add(pid)
        kind = _str(p, "kind")
        if kind not in POI_KINDS:
            raise RegionError(
                label, f"{where}: unknown kind {kind!r} (expected {', '.join(sorted(POI_KINDS))})"
            )
        g = _geometry(feat, label, where, ("Point",))
        if not _inside(g.bounds, bbox):
            raise RegionError(label, f"{where}: coordinates outside the bbox {list(bbox)}")
        out.append(Poi(pid, _str(p, "name"), kind, g.y, g.x, _str(p, "desa_code"), _str(p, "kecamatan_code")))
    return out


def _lines(raw: RawPack) -> list[LineFeature]:
    if raw.lines is None:
        return []
    label, bbox = raw.labels["lines"], raw_bbox(raw)
    out: list[LineFeature] = []
    for i, feat in enumerate(raw.lines["features"]):
        where = f"feature {i}"
        kind = _str(_props(feat), "kind")
        if kind not in LINE_KINDS:
            raise RegionError(
                label, f"{where}: unknown kind {kind!r} (expected {', '.join(sorted(LINE_KINDS))})"
            )
        g = _geometry(feat, label, where, ("LineString", "MultiLineString"))
        if not _inside(g.bounds, bbox):
            raise RegionError(label, f"{where}: coordinates outside the bbox {list(bbox)}")
        parts = tuple(np.asarray(shapely.get_coordinates(part), dtype=float) for part in shapely.get_parts(g))
        out.append(LineFeature(kind, parts))
    return out


def build_region(raw: RawPack) -> Region:
    """Validate every layer of `raw` and build the Region; raises RegionError naming file and problem."""
    bbox = check_meta(raw.meta, raw.meta_label)
    raw.seen_codes.clear()
    kab = _areas(raw, "kabupaten", KABUPATEN_LEVELS, "kabupaten")
    kec = _areas(raw, "kecamatan", KECAMATAN_LEVELS, "kecamatan")
    desa = _areas(raw, "desa", DESA_LEVELS, "desa")
    if not kab or not kec or not desa:
        empty = raw.labels["kabupaten" if not kab else "kecamatan" if not kec else "desa"]
        raise RegionError(empty, "no features")
    _check_parents(kec, kab, raw.labels["kecamatan"], "kabupaten")
    _check_parents(desa, kec, raw.labels["desa"], "kecamatan")
    gaz = _gazetteer(raw, {k.code for k in kec})
    meta = raw.meta
    return Region(
        name=meta["name"].strip(),
        code=meta["code"].strip(),
        timezone=meta["timezone"],
        bbox=bbox,
        site_code_prefix=meta["site_code_prefix"],
        kabupaten=tuple(kab),
        kecamatan=tuple(kec),
        desa=tuple(desa),
        gazetteer=tuple(gaz),
        pois=tuple(_pois(raw)),
        lines=tuple(_lines(raw)),
        basemap=raw.basemap,
        source=raw.source,
    )
