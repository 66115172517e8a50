"""`region build` (issue 15): every kabupaten/kota of Kalimantan Selatan from the published files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import shapely

from operator_desk.geo.errors import RegionError
from operator_desk.geo.gazetteer import Gazetteer
from operator_desk.geo.pack import import_region, load_region
from operator_desk.geo.reverse import ReverseGeocoder
from operator_desk.geo.wilayah import build_pack, read_rows, timezone_for

SHARED = Path(__file__).resolve().parents[4] / "shared" / "regions" / "source"
SRC = SHARED / "wilayah_boundaries_63"
POIS = SHARED / "osm_health_63" / "kalsel_facilities_complete.geojson"
KALSEL = ["63.01", "63.02", "63.03", "63.04", "63.05", "63.06", "63.07", "63.08", "63.09", "63.10", "63.11",
          "63.71", "63.72"]


@pytest.fixture(scope="module")
def packs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if not SRC.is_dir():
        pytest.fail(f"source data missing: {SRC}")
    root = tmp_path_factory.mktemp("packs")
    return {code: build_pack(SRC, code, root / code, pois=POIS) for code in KALSEL}


@pytest.mark.parametrize("code", KALSEL)
def test_each_kabupaten_builds_imports_and_finds_itself(packs: dict[str, Path], code: str, tmp_path: Path) -> None:
    region = import_region(packs[code], tmp_path / "desk")
    assert region.code == code and region.timezone == "Asia/Makassar"
    assert region.name.startswith(("Kabupaten ", "Kota "))
    geo = ReverseGeocoder(region)
    # a point inside each desa gives that desa's code
    misses = []
    for d in region.desa:
        p = d.geometry.representative_point()
        place = geo.locate(p.y, p.x)
        if place is None or place.desa_code != d.code:
            misses.append(d.code)
    assert misses == []
    # the gazetteer finds every kecamatan by its name
    gaz = Gazetteer.from_region(region)
    for k in region.kecamatan:
        found = gaz.search(k.name, limit=5)
        assert any(m.code == k.code for m in found), (k.name, [m.code for m in found])
    # the neighbours are there for the map and the out-of-region hint, but the region is only its own
    own = [k for k in region.kabupaten if k.code == code]
    assert len(own) == 1 and len(region.kabupaten) > 1
    outside = [k for k in region.kabupaten if k.code != code][0]
    probe = outside.geometry.representative_point()
    assert not own[0].geometry.covers(probe)
    place = geo.locate(probe.y, probe.x)
    assert place is None or place.desa_code is None or place.desa_code.startswith(code)


def test_banjar_pack_matches_the_hand_made_one(packs: dict[str, Path], banjar_dir: Path) -> None:
    built = load_region(packs["63.03"])
    hand = load_region(banjar_dir)
    assert {d.code for d in built.desa} == {d.code for d in hand.desa}
    assert {k.code for k in built.kecamatan} == {k.code for k in hand.kecamatan}
    assert len(built.pois) > 100  # the province's OSM health facilities inside the box


def test_kelurahan_and_desa_are_told_apart(packs: dict[str, Path]) -> None:
    region = load_region(packs["63.72"])  # Kota Banjarbaru: kelurahan only
    assert region.desa and all(d.level == "kelurahan" for d in region.desa)
    banjar = load_region(packs["63.03"])
    assert {d.level for d in banjar.desa} == {"desa", "kelurahan"}  # Martapura has kelurahan


def test_prefixes_are_unique_in_the_province(packs: dict[str, Path]) -> None:
    prefixes = [load_region(p).site_code_prefix for p in packs.values()]
    assert len(set(prefixes)) == len(prefixes)


def test_time_zones_by_province() -> None:
    assert timezone_for("31.71") == "Asia/Jakarta"  # DKI Jakarta
    assert timezone_for("62.01") == "Asia/Jakarta"  # Kalimantan Tengah is WIB
    assert timezone_for("63.03") == "Asia/Makassar"
    assert timezone_for("91.01") == "Asia/Jayapura"
    with pytest.raises(RegionError):
        timezone_for("99.01")


def test_coordinates_are_swapped_to_lon_lat() -> None:
    row = next(r for r in read_rows(SRC / "wilayah_boundaries_kab_63.sql") if r.code == "63.03")
    assert 114 < row.geometry.centroid.x < 116 and -4 < row.geometry.centroid.y < -2  # lon, lat


@pytest.mark.parametrize(
    "body, words",
    [
        ("no rows at all", "no wilayah_boundaries rows"),
        ("('63.03','X',-3.3,115.0,'[[[1,2],[3,4]]]')", "fewer than 4 points"),
        ("('63.03','X',-3.3,115.0,'[[[-3,115],[-3,116],[-4,116],[-3,115]]]')", None),
        ("('63.03','X',-3.3,115.0,'[[[[[-3,115]]]]]')", "nested"),
        ("('63.03','X',-3.3,115.0,'[[[-3,115],[-3,116],[-4,1e400],[-3,115]]]')", "globe"),
    ],
)
def test_hostile_rows_name_the_problem(tmp_path: Path, body: str, words: str | None) -> None:
    f = tmp_path / "wilayah_boundaries_kab_63.sql"
    f.write_text(f"INSERT INTO wilayah_boundaries(kode,nama,lat,lng,path) VALUES {body};", encoding="utf-8")
    if words is None:
        rows = list(read_rows(f))
        assert len(rows) == 1 and isinstance(rows[0].geometry, shapely.Polygon)
        return
    with pytest.raises(RegionError, match=words):
        list(read_rows(f))


def test_cli_build_and_refusals(tmp_path: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "operator_desk.cli", "region", "build", *args],
                              capture_output=True, text=True, timeout=120)

    res = run("--source", str(SRC), "--code", "63.72", "--out", str(tmp_path / "bjb"), "--prefix", "BJB")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["site_code_prefix"] == "BJB" and out["kecamatan"] == 5
    assert (tmp_path / "bjb" / "agencies.toml").is_file() and (tmp_path / "bjb" / "SOURCES.txt").is_file()
    for args, words in (
        (["--code", "63.99"], "kel_63.99.sql is missing"),
        (["--code", "6303"], "expected a kabupaten/kota code"),
        (["--code", "64.01"], "is missing"),
    ):
        res = run("--source", str(SRC), "--out", str(tmp_path / "x"), *args)
        assert res.returncode != 0 and words in res.stderr and "Traceback" not in res.stderr, res.stderr
    res = run("--source", str(SRC), "--code", "63.03", "--out", str(tmp_path / "bjb"))
    assert res.returncode != 0 and "not empty" in res.stderr
