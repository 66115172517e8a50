"""Region packs from Kemendagri-coded boundary files as they are published (issue 15).

`operator-desk region build --source DIR --code KODE --out PACK` reads the cahyadsn/wilayah_boundaries
format (MIT): `wilayah_boundaries_kab_PP.sql`, `wilayah_boundaries_kec_PP.sql` and one
`wilayah_boundaries_kel_PP.KK.sql` per kabupaten/kota, each a MySQL INSERT of rows
`('kode','nama',lat,lng,'path')` whose path is a JSON string of polygon rings with points [lat, lng] (not
GeoJSON's [lon, lat]) — a Polygon, or a MultiPolygon one level deeper. Out comes an ordinary pack
(region.toml, kabupaten/kecamatan/desa GeoJSON, gazetteer.csv, optionally pois.geojson) that the same
validation as every pack accepts (geo/build.py).

What the pack gets, and from where:
- the kabupaten/kota itself, its kecamatan and every desa/kelurahan (a 4-digit desa code starting with 1 is
  a kelurahan, with 2 a desa: Kemendagri's numbering);
- the neighbouring kabupaten/kota (those whose boundary touches it), clipped to the pack's box, for the map
  and for "di luar wilayah — teruskan ke 112 …" (the form's out-of-region hint); listed in region.toml;
- the time zone from the province (WIB, WITA, WIT: UU/Keppres 41/1987 zones by province code);
- the incident-number prefix (`--prefix`, else a consonant skeleton of the name, made unique within the
  province by the code's last two digits when two would collide);
- health facilities from an OSM GeoJSON of points (`--pois`, ODbL), those inside the box;
- `agencies.toml`: the agency list to fill in (names by kind, contacts empty), and SOURCES.txt + licences.

Every row is hostile input to the parser: a name or path that does not parse names its file and row.
"""

from __future__ import annotations

import json
import math
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from .build import RawPack
from .errors import RegionError
from .packwrite import write_pack

# Province code -> IANA zone (WIB Asia/Jakarta, WITA Asia/Makassar, WIT Asia/Jayapura).
WIB_PROVINCES = {"11", "12", "13", "14", "15", "16", "17", "18", "19", "21", "31", "32", "33", "34", "35", "36",
                 "61", "62"}
WITA_PROVINCES = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
WIT_PROVINCES = {"81", "82", "91", "92", "93", "94", "95", "96"}
_CODE_RE = re.compile(r"^\d{2}\.\d{2}$")
_ROW_RE = re.compile(
    r"\(\s*'(?P<code>[0-9.]+)'\s*,\s*'(?P<name>(?:[^'\\]|\\.|'')*)'\s*,\s*(?P<lat>-?[0-9.]+(?:[eE]-?\d+)?)\s*,"
    r"\s*(?P<lng>-?[0-9.]+(?:[eE]-?\d+)?)\s*,\s*'(?P<path>[\[\]0-9.,eE\s-]*)'\s*\)"
)
MAX_SOURCE_BYTES = 200 * 1024 * 1024  # a province's kel file is a few MB; refuse anything absurd
PAD_DEG = 0.1  # the box around the kabupaten: room for the map and for hospitals just across the border


@dataclass(frozen=True)
class AreaRow:
    code: str
    name: str
    lat: float
    lon: float
    geometry: BaseGeometry


def timezone_for(code: str) -> str:
    """The IANA zone of a kabupaten/kota code's province; RegionError for an unknown province."""
    prov = code[:2]
    if prov in WIB_PROVINCES:
        return "Asia/Jakarta"
    if prov in WITA_PROVINCES:
        return "Asia/Makassar"
    if prov in WIT_PROVINCES:
        return "Asia/Jayapura"
    raise RegionError("--code", f"unknown province {prov!r} (expected a Kemendagri code like 63.03)")


def _unescape(name: str) -> str:
    return name.replace("''", "'").replace("\\'", "'").replace('\\"', '"').replace("\\\\", "\\")


def _geometry(path: str, label: str, code: str) -> BaseGeometry:
    """[lat, lng] rings (Polygon) or polygons of them (MultiPolygon) -> a valid shapely geometry."""
    try:
        data = json.loads(path)
    except ValueError:
        raise RegionError(label, f"{code}: the polygon is not valid JSON") from None

    def depth(x: Any) -> int:
        d = 0
        while isinstance(x, list) and x:
            x, d = x[0], d + 1
        return d

    def swap(ring: Any) -> list[list[float]]:
        if not isinstance(ring, list) or len(ring) < 4:
            raise RegionError(label, f"{code}: a ring with fewer than 4 points")
        out = []
        for pt in ring:
            if not (isinstance(pt, list) and len(pt) >= 2 and all(isinstance(v, int | float) for v in pt[:2])):
                raise RegionError(label, f"{code}: a point is not [lat, lng]")
            lat, lng = float(pt[0]), float(pt[1])
            if not (math.isfinite(lat) and math.isfinite(lng) and -90 <= lat <= 90 and -180 <= lng <= 180):
                raise RegionError(label, f"{code}: a point outside the globe ({lat}, {lng})")
            out.append([lng, lat])
        return out

    d = depth(data)
    if d == 3:
        gj = {"type": "Polygon", "coordinates": [swap(r) for r in data]}
    elif d == 4:
        gj = {"type": "MultiPolygon", "coordinates": [[swap(r) for r in poly] for poly in data]}
    else:
        raise RegionError(label, f"{code}: a polygon nested {d} deep (expected a Polygon or MultiPolygon)")
    g = shape(gj)
    if not g.is_valid:
        g = shapely.make_valid(g)
        g = shapely.union_all([p for p in shapely.get_parts(g) if p.geom_type.endswith("Polygon")])
    if g.is_empty:
        raise RegionError(label, f"{code}: an empty polygon")
    return g


def read_rows(path: Path) -> Iterator[AreaRow]:
    """The rows of one wilayah_boundaries SQL file."""
    label = path.name
    try:
        if path.stat().st_size > MAX_SOURCE_BYTES:
            raise RegionError(label, f"larger than {MAX_SOURCE_BYTES // 2**20} MB")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RegionError(label, f"cannot read ({exc})") from None
    found = False
    for m in _ROW_RE.finditer(text):
        found = True
        code = m["code"]
        try:
            lat, lng = float(m["lat"]), float(m["lng"])
        except ValueError:
            raise RegionError(label, f"{code}: lat/lng are not numbers") from None
        yield AreaRow(code, _unescape(m["name"]).strip(), lat, lng, _geometry(m["path"], label, code))
    if not found:
        raise RegionError(label, "no wilayah_boundaries rows ('kode','nama',lat,lng,'path') in this file")


def _source_files(src: Path, code: str) -> tuple[Path, Path, Path]:
    prov = code[:2]
    files = (
        src / f"wilayah_boundaries_kab_{prov}.sql",
        src / f"wilayah_boundaries_kec_{prov}.sql",
        src / f"wilayah_boundaries_kel_{code}.sql",
    )
    for f in files:
        if not f.is_file():
            raise RegionError(str(src), f"{f.name} is missing (the wilayah_boundaries files of province {prov})")
    return files


def _skeleton(name: str) -> str:
    bare = re.sub(r"^(kabupaten|kab\.?|kota)\s+", "", name.strip(), flags=re.IGNORECASE)
    letters = re.sub(r"[^A-Za-z]", "", bare).upper()
    if not letters:
        return "RG"
    return (letters[0] + re.sub(r"[AEIOU]", "", letters[1:]))[:3].ljust(2, "X")


def default_prefix(code: str, name: str, province: list[AreaRow]) -> str:
    """Three letters from the name; with the code's last two digits when another kabupaten/kota of the
    province would get the same letters (Banjar, Banjarmasin and Banjarbaru all start B-N-J)."""
    mine = _skeleton(name)
    clash = any(_skeleton(r.name) == mine for r in province if r.code != code)
    return f"{mine}{code[-2:]}" if clash else mine


def _level_kab(name: str) -> str:
    return "kota" if name.lower().startswith("kota") else "kabupaten"


def _level_desa(code: str) -> str:
    return "kelurahan" if code.rsplit(".", 1)[-1].startswith("1") else "desa"


def _feature(row: AreaRow, level: str, parent: str | None, **extra: Any) -> dict[str, Any]:
    props: dict[str, Any] = {"code": row.code, "name": row.name, "level": level, "lat": row.lat, "lon": row.lon}
    if parent:
        props["parent_code"] = parent
    props.update(extra)
    return {"type": "Feature", "properties": props, "geometry": mapping(row.geometry)}


def _box(g: BaseGeometry) -> list[float]:
    minx, miny, maxx, maxy = g.bounds
    step = 0.05
    return [
        math.floor((minx - PAD_DEG) / step) * step,
        math.floor((miny - PAD_DEG) / step) * step,
        math.ceil((maxx + PAD_DEG) / step) * step,
        math.ceil((maxy + PAD_DEG) / step) * step,
    ]


def _label_point(row: AreaRow) -> AreaRow:
    """The published lat/lng is the polygon's centroid, which can fall outside a crescent-shaped area:
    use a point inside then (the gazetteer jumps there)."""
    if row.geometry.covers(shapely.Point(row.lon, row.lat)):
        return row
    p = row.geometry.representative_point()
    return AreaRow(row.code, row.name, p.y, p.x, row.geometry)


def read_wilayah(src: Path, code: str, *, prefix: str | None = None, pois: Path | None = None) -> RawPack:
    """The pack of kabupaten/kota `code` (e.g. "63.03") from a wilayah_boundaries folder, in memory."""
    if not _CODE_RE.match(code or ""):
        raise RegionError("--code", f"expected a kabupaten/kota code like 63.03, got {code!r}")
    kab_file, kec_file, kel_file = _source_files(src, code)
    province = list(read_rows(kab_file))
    home = [r for r in province if r.code == code]
    if not home:
        raise RegionError(kab_file.name, f"no kabupaten/kota {code} in this file")
    kab = _label_point(home[0])
    bbox = _box(kab.geometry)
    clip = shapely.box(*bbox)
    near = kab.geometry.buffer(0.005)  # ~500 m: published neighbours do not always share every vertex
    neighbours = [r for r in province if r.code != code and r.geometry.intersects(near)]
    kec_rows = [_label_point(r) for r in read_rows(kec_file) if r.code.startswith(code + ".")]
    desa_rows = [_label_point(r) for r in read_rows(kel_file) if r.code.startswith(code + ".")]
    if not kec_rows or not desa_rows:
        raise RegionError(kel_file.name if kec_rows else kec_file.name, f"no kecamatan/desa of {code}")
    kec_names = {k.code: k.name for k in kec_rows}
    kab_features = [_feature(kab, _level_kab(kab.name), None)]
    for n in neighbours:
        part = shapely.intersection(n.geometry, clip)
        part = shapely.union_all([p for p in shapely.get_parts(part) if p.geom_type.endswith("Polygon")])
        if part.is_empty:
            continue
        inside = part.covers(shapely.Point(n.lon, n.lat))
        pt = shapely.Point(n.lon, n.lat) if inside else part.representative_point()
        kab_features.append(
            _feature(AreaRow(n.code, n.name, pt.y, pt.x, part), _level_kab(n.name), None, neighbour=True)
        )
    gazetteer: list[tuple[int, dict[str, str]]] = []

    def gaz(row: AreaRow, level: str, parent: str | None, kecamatan: str | None) -> None:
        gazetteer.append((len(gazetteer) + 2, {
            "code": row.code, "name": row.name, "level": level, "parent_code": parent or "",
            "lat": f"{row.lat:.6f}", "lon": f"{row.lon:.6f}", "postal_code": "", "kecamatan": kecamatan or "",
        }))  # fmt: skip

    gaz(kab, _level_kab(kab.name), code[:2], None)
    for k in kec_rows:
        gaz(k, "kecamatan", code, k.name)
    parent_of = {d.code: d.code.rsplit(".", 1)[0] for d in desa_rows}
    for d in desa_rows:
        if parent_of[d.code] not in kec_names:
            raise RegionError(kel_file.name, f"{d.code} ({d.name}): its kecamatan {parent_of[d.code]} is missing")
        gaz(d, _level_desa(d.code), parent_of[d.code], kec_names[parent_of[d.code]])
    name = kab.name if re.match(r"^(kabupaten|kota)\b", kab.name, re.IGNORECASE) else f"Kabupaten {kab.name}"
    meta: dict[str, Any] = {
        "format_version": 1,
        "name": name,
        "code": code,
        "timezone": timezone_for(code),
        "bbox": [round(v, 4) for v in bbox],
        "site_code_prefix": prefix or default_prefix(code, kab.name, province),
        "neighbours": [{"code": n.code, "name": n.name} for n in neighbours],
        "sources": ["github.com/cahyadsn/wilayah_boundaries (MIT): boundaries, Kemendagri codes and names"],
    }
    raw = RawPack(
        meta=meta,
        labels={"kabupaten": kab_file.name, "kecamatan": kec_file.name, "desa": kel_file.name,
                "gazetteer": "gazetteer (from the kecamatan and desa rows)", "pois": str(pois or "")},
        kabupaten={"type": "FeatureCollection", "features": kab_features},
        kecamatan={"type": "FeatureCollection",
                   "features": [_feature(k, "kecamatan", code) for k in kec_rows]},
        desa={"type": "FeatureCollection",
              "features": [_feature(d, _level_desa(d.code), parent_of[d.code], kecamatan=kec_names[parent_of[d.code]])
                           for d in desa_rows]},
        gazetteer=gazetteer,
        source=src,
        meta_label=f"{src.name} ({code})",
    )  # fmt: skip
    if pois is not None:
        raw.pois = _pois(pois, clip, raw)
        meta["sources"].append("OpenStreetMap contributors (ODbL 1.0): health facilities")
    return raw


def _pois(path: Path, clip: BaseGeometry, raw: RawPack) -> dict[str, Any]:
    from .banjar import poi_kind
    from .rawio import read_geojson

    data = read_geojson(path, path.name)
    feats = []
    seen: set[str] = set()
    for f in data.get("features", []):
        if not isinstance(f, dict) or not isinstance(f.get("geometry"), dict):
            continue
        g = f["geometry"]
        if g.get("type") != "Point":
            continue
        try:
            pt = shape(g)
        except (LookupError, TypeError, ValueError, AttributeError):
            continue
        if pt.is_empty or not clip.covers(pt):
            continue
        p = f.get("properties") or {}
        pid = f"osm:{p.get('osm_type')}/{p.get('osm_id')}"
        if pid in seen:
            continue
        seen.add(pid)
        feats.append({"type": "Feature", "geometry": mapping(pt), "properties": {
            "id": pid, "name": p.get("name"), "kind": poi_kind(p.get("name"), p.get("amenity"), p.get("healthcare")),
            "source": "OpenStreetMap (ODbL)",
        }})  # fmt: skip
    return {"type": "FeatureCollection", "features": feats}


AGENCY_KINDS = (
    ("fire", "Damkar {name}"),
    ("ambulance", "PSC 119 {name}"),
    ("police", "Polres {bare}"),
    ("disaster", "BPBD {name}"),
    ("red_cross", "PMI {name}"),
    ("public_order", "Satpol PP {name}"),
    ("social", "Dinas Sosial {name}"),
)


def _agencies_toml(name: str) -> str:
    bare = re.sub(r"^(kabupaten|kota)\s+", "", name, flags=re.IGNORECASE)
    lines = ["# The agencies this center refers to: check each name, fill in the numbers, remove what does",
             "# not exist here. `operator-desk` reads this when the catalogue is empty.", ""]
    for kind, pattern in AGENCY_KINDS:
        lines += ["[[agency]]", f'name = "{pattern.format(name=name, bare=bare)}"', f'kind = "{kind}"',
                  'phone = ""', 'whatsapp = ""', ""]
    return "\n".join(lines)


def build_pack(src: str | Path, code: str, out: str | Path, *, prefix: str | None = None,
               pois: str | Path | None = None) -> Path:
    """Build and write the pack of `code` at `out` (validated first: a pack we would refuse is never written)."""
    src, out = Path(src), Path(out)
    if not src.is_dir():
        raise RegionError(str(src), "not a folder of wilayah_boundaries files")
    raw = read_wilayah(src, code, prefix=prefix, pois=Path(pois) if pois else None)
    write_pack(raw, out)
    (out / "agencies.toml").write_text(_agencies_toml(raw.meta["name"]), encoding="utf-8")
    lic = out / "LICENSES"
    lic.mkdir(exist_ok=True)
    if (src / "LICENSE").is_file():
        shutil.copyfile(src / "LICENSE", lic / "wilayah_boundaries-MIT.txt")
    if pois:
        odbl = Path(pois).parent / "ODbL-1.0_for_OSM-derived_data.md"
        if odbl.is_file():
            shutil.copyfile(odbl, lic / "OSM-ODbL-1.0.md")
    sources = [f"Built by `operator-desk region build --code {code}` from {src.name}:"]
    for f in (src / "SOURCES.txt", Path(pois).parent / "SOURCES.txt" if pois else None):
        if f is not None and f.is_file():
            sources += ["", f.read_text(encoding="utf-8").strip()]
    (out / "SOURCES.txt").write_text("\n".join(sources) + "\n", encoding="utf-8")
    return out
