"""Adapter for the Kabupaten Banjar source folder (../shared/regions/banjar), which is not a pack.

That folder holds banjar_*.geojson + banjar_gazetteer.csv as extracted from the public sources (see
its SOURCES.txt) and no region.toml. `read_banjar` turns it into the pack's in-memory form, so
`load_region` works on it directly, and `convert_banjar` writes a proper pack folder from it.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import mapping, shape

from .build import RawPack
from .errors import RegionError
from .packwrite import write_pack
from .rawio import read_gazetteer_csv, read_geojson

# Kab. Banjar polygon bounds (114.499..115.596 E, -3.729..-2.830) padded by ~0.1 degree and rounded
# outward: room for the map, neighbouring hospitals and clipped coast/river lines.
BANJAR_BBOX = [114.35, -3.85, 115.70, -2.70]
BANJAR_META: dict[str, Any] = {
    "format_version": 1,
    "name": "Kabupaten Banjar",
    "code": "63.03",
    "timezone": "Asia/Makassar",
    "bbox": BANJAR_BBOX,
    "site_code_prefix": "BJR",
}
MARKER_FILES = ("banjar_desa.geojson", "banjar_gazetteer.csv")


def is_banjar_layout(path: Path) -> bool:
    """True for the Banjar source folder (no region.toml, banjar_desa.geojson + banjar_gazetteer.csv)."""
    return not (path / "region.toml").exists() and all((path / f).is_file() for f in MARKER_FILES)


def poi_kind(name: str | None, amenity: str | None, healthcare: str | None) -> str:
    n = (name or "").lower()
    if "puskesmas" in n or n.startswith("pustu"):
        return "puskesmas"
    if amenity == "hospital" or healthcare == "hospital" or re.match(r"^(rs\w*|rumah sakit)\b", n):
        return "hospital"
    if healthcare == "midwife" or n.startswith(("bidan", "pos bersalin")):
        return "midwife"
    if amenity == "doctors" or healthcare == "doctor":
        return "doctor"
    if amenity == "dentist" or healthcare == "dentist":
        return "dentist"
    return "clinic"


def _pois(health: dict[str, Any]) -> dict[str, Any]:
    feats = []
    for f in health["features"]:
        p = f.get("properties") or {}
        desa_code = p.get("desa_code")
        feats.append({
            "type": "Feature",
            "geometry": f.get("geometry"),
            "properties": {
                "id": f"osm:{p.get('osm_type')}/{p.get('osm_id')}",
                "name": p.get("name"),
                "kind": poi_kind(p.get("name"), p.get("amenity"), p.get("healthcare")),
                "desa_code": desa_code,
                "kecamatan_code": desa_code.rsplit(".", 1)[0] if desa_code else None,
                "source": "OpenStreetMap (ODbL)",
            },
        })  # fmt: skip
    return {"type": "FeatureCollection", "features": feats}


def _lines(gshhs: dict[str, Any]) -> dict[str, Any]:
    """coastline/river layers of the GSHHG/WDBII extract, clipped to the region bbox."""
    kinds = {"coastline": "coast", "river": "river"}
    feats = []
    for f in gshhs["features"]:
        p = f.get("properties") or {}
        clipped = shapely.clip_by_rect(shape(f["geometry"]), *BANJAR_BBOX)
        lines = [g for g in shapely.get_parts(clipped) if g.geom_type == "LineString" and not g.is_empty]
        if not lines:
            continue
        geom = lines[0] if len(lines) == 1 else shapely.MultiLineString(lines)
        kind = kinds.get(str(p.get("layer")), "other")
        feats.append({"type": "Feature", "geometry": mapping(geom), "properties": {"kind": kind}})
    return {"type": "FeatureCollection", "features": feats}


def _with_level(fc: dict[str, Any], level: str) -> dict[str, Any]:
    for f in fc["features"]:
        if isinstance(f, dict) and isinstance(f.get("properties"), dict):
            f["properties"]["level"] = level
    return fc


def _label_points(kec: dict[str, Any], gazetteer: list[tuple[int, dict[str, str]]]) -> dict[str, Any]:
    """The dissolved kecamatan layer has no lat/lon: take the gazetteer's centroid for each code."""
    points = {
        r.get("code"): (r.get("lat"), r.get("lon")) for _, r in gazetteer if r.get("level") == "kecamatan"
    }
    for f in kec["features"]:
        p = f.get("properties") if isinstance(f, dict) else None
        if isinstance(p, dict) and "lat" not in p and p.get("code") in points:
            try:
                p["lat"], p["lon"] = (float(v) for v in points[p["code"]])  # type: ignore[arg-type]
            except (TypeError, ValueError):
                pass  # left to the centroid; the gazetteer row itself is validated later
    return kec


def _neighbours(kabkota: dict[str, Any]) -> list[dict[str, Any]]:
    """The other kabupaten/kota of the province, clipped to the pack's box (as `region build` does)."""
    box = shapely.box(*BANJAR_BBOX)
    out = []
    for f in kabkota.get("features", []):
        p = dict(f.get("properties") or {})
        if p.get("code") == BANJAR_META["code"] or not p.get("code"):
            continue
        part = shapely.intersection(shape(f["geometry"]), box)
        part = shapely.union_all([g for g in shapely.get_parts(part) if g.geom_type.endswith("Polygon")])
        if part.is_empty:
            continue
        pt = part.representative_point()
        p.update({"level": "kota" if str(p.get("name", "")).lower().startswith("kota") else "kabupaten",
                  "lat": pt.y, "lon": pt.x, "neighbour": True})
        out.append({"type": "Feature", "properties": p, "geometry": mapping(part)})
    return out


def read_banjar(src: Path) -> RawPack:
    """Read the Banjar source folder into pack form (kecamatan from the desa-dissolved layer)."""
    kec_file = "banjar_kecamatan_from_desa.geojson"
    if not (src / kec_file).is_file():
        kec_file = "banjar_kecamatan.geojson"
    labels = {
        "kabupaten": "banjar_kabupaten.geojson",
        "kecamatan": kec_file,
        "desa": "banjar_desa.geojson",
        "gazetteer": "banjar_gazetteer.csv",
        "pois": "banjar_health_osm.geojson",
        "lines": "banjar_rivers_coast_gshhs.geojson",
    }
    gazetteer = read_gazetteer_csv(src / labels["gazetteer"], labels["gazetteer"])
    raw = RawPack(
        meta=dict(BANJAR_META),
        labels=labels,
        kabupaten=_with_level(read_geojson(src / labels["kabupaten"], labels["kabupaten"]), "kabupaten"),
        kecamatan=_label_points(read_geojson(src / kec_file, kec_file), gazetteer),
        desa=read_geojson(src / labels["desa"], labels["desa"]),
        gazetteer=gazetteer,
        source=src,
        meta_label=f"{src.name} (Banjar layout)",
    )
    if (src / "kalsel_kabkota.geojson").is_file():  # the neighbours, for the map and "di luar wilayah"
        raw.kabupaten["features"] += _neighbours(read_geojson(src / "kalsel_kabkota.geojson", "kalsel_kabkota.geojson"))
    if (src / labels["pois"]).is_file():
        raw.pois = _pois(read_geojson(src / labels["pois"], labels["pois"]))
    if (src / labels["lines"]).is_file():
        raw.lines = _lines(read_geojson(src / labels["lines"], labels["lines"]))
    return raw


def convert_banjar(src: str | Path, dst: str | Path) -> Path:
    """Write a proper region pack folder at `dst` from the Banjar source folder `src`.

    Licences and SOURCES.txt are copied along: the OSM-derived POIs are ODbL (attribution required).
    """
    src, dst = Path(src), Path(dst)
    if not is_banjar_layout(src):
        raise RegionError(
            str(src), "not the Banjar source layout (banjar_desa.geojson + banjar_gazetteer.csv)"
        )
    write_pack(read_banjar(src), dst)
    # Plain file copies: the source folder is read-only and its modes must not follow into the pack.
    for extra in [src / "SOURCES.txt", *sorted((src / "LICENSES").glob("*"))]:
        if extra.is_file():
            target = dst / extra.relative_to(src)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(extra, target)
    return dst
