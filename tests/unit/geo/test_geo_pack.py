"""Region packs: loading the Banjar data as it is, conversion, import and validation errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
import shapely

from operator_desk.geo import RegionError, convert_banjar, import_region, load_region
from operator_desk.geo.model import Region
from operator_desk.geo.pack import read_pack


def test_banjar_source_folder_loads_directly(banjar: Region) -> None:
    assert banjar.name == "Kabupaten Banjar"
    assert banjar.code == "63.03"
    assert banjar.timezone == "Asia/Makassar"
    assert banjar.site_code_prefix == "BJR"
    assert (len(banjar.kecamatan), len(banjar.desa)) == (20, 290)
    # its own kabupaten first, then the 9 neighbours inside the box (map context, "di luar wilayah")
    assert banjar.kabupaten[0].code == "63.03" and len(banjar.kabupaten) == 10
    assert {k.code for k in banjar.kabupaten[1:]} >= {"63.71", "63.72", "63.01", "63.04", "63.05"}
    assert len(banjar.gazetteer) == 311
    assert {d.level for d in banjar.desa} == {"desa", "kelurahan"}
    assert sum(d.level == "kelurahan" for d in banjar.desa) == 13
    kab = banjar.kabupaten[0].geometry
    minx, miny, maxx, maxy = banjar.bbox
    assert minx < kab.bounds[0] and maxx > kab.bounds[2] and miny < kab.bounds[1] and maxy > kab.bounds[3]
    aluh = banjar.kecamatan_by_code("63.03.01")
    assert aluh is not None and aluh.name == "Aluh Aluh"
    assert (aluh.lat, aluh.lon) == pytest.approx((-3.452529, 114.537519))
    assert banjar.basemap is None


def test_banjar_desa_have_parents_geometry_and_label_points(banjar: Region) -> None:
    kec_codes = {k.code for k in banjar.kecamatan}
    for d in banjar.desa:
        assert d.parent_code in kec_codes
        assert d.geometry.geom_type in ("Polygon", "MultiPolygon") and d.geometry.is_valid
        assert -3.8 < d.lat < -2.8 and 114.4 < d.lon < 115.7
    bakambat = next(d for d in banjar.desa if d.code == "63.03.01.2001")
    assert bakambat.name == "Bakambat" and bakambat.postal_code == "70655"


def test_banjar_pois_and_lines(banjar: Region) -> None:
    assert len(banjar.pois) == 186
    with_desa = [p for p in banjar.pois if p.desa_code]
    assert len(with_desa) == 17
    assert all(p.kecamatan_code == p.desa_code.rsplit(".", 1)[0] for p in with_desa if p.desa_code)
    by_name = {p.name: p for p in banjar.pois}
    assert by_name["RSUD Ratu Zalecha"].kind == "hospital"
    assert by_name["Puskesmas Lama Sungai Tabuk 1"].kind == "puskesmas"  # tagged hospital in OSM
    assert by_name["Puskesmas Aranio"].kind == "puskesmas"
    kinds = {line.kind for line in banjar.lines}
    assert kinds == {"coast", "river"}
    minx, miny, maxx, maxy = banjar.bbox
    for line in banjar.lines:
        for part in line.parts:
            assert part.shape[1] == 2 and len(part) >= 2
            assert part[:, 0].min() >= minx and part[:, 0].max() <= maxx  # clipped to the bbox
            assert part[:, 1].min() >= miny and part[:, 1].max() <= maxy


def test_convert_then_import_gives_the_same_region(banjar_dir: Path, banjar: Region, tmp_path: Path) -> None:
    pack = convert_banjar(banjar_dir, tmp_path / "banjar-pack")
    assert (
        (pack / "region.toml").is_file() and (pack / "LICENSES").is_dir() and (pack / "SOURCES.txt").is_file()
    )
    raw = read_pack(pack)
    assert raw.meta["site_code_prefix"] == "BJR" and raw.meta["timezone"] == "Asia/Makassar"
    installed = import_region(pack, tmp_path / "data")
    assert installed.source == tmp_path / "data" / "region"
    for layer in ("kabupaten", "kecamatan", "desa"):
        a, b = getattr(banjar, layer), getattr(installed, layer)
        assert [f.code for f in a] == [f.code for f in b]
        assert [f.name for f in a] == [f.name for f in b]
        assert shapely.equals_exact(a[0].geometry, b[0].geometry, tolerance=1e-9)
    assert installed.gazetteer == banjar.gazetteer
    assert installed.pois == banjar.pois
    assert (installed.name, installed.code, installed.bbox) == (banjar.name, banjar.code, banjar.bbox)


def test_import_of_source_layout_and_replacement(banjar_dir: Path, make_pack, tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = import_region(banjar_dir, data)  # the Banjar layout is converted on import
    assert first.name == "Kabupaten Banjar" and (data / "region" / "region.toml").is_file()
    second = import_region(make_pack(), data)
    assert second.name == "Kabupaten Uji"
    assert load_region(data / "region").code == "99.01"
    assert sorted(p.name for p in data.iterdir()) == ["region"]  # no staging left behind


def test_failed_import_keeps_installed_region(make_pack, tmp_path: Path) -> None:
    data = tmp_path / "data"
    import_region(make_pack("good"), data)
    broken = make_pack("broken", desa__geojson=None)
    (broken / "desa.geojson").write_text("{", encoding="utf-8")
    with pytest.raises(RegionError, match="desa.geojson"):
        import_region(broken, data)
    assert load_region(data / "region").name == "Kabupaten Uji"


def test_tiny_pack_loads(make_pack) -> None:
    region = load_region(make_pack())
    assert [d.code for d in region.desa] == ["99.01.01.2001", "99.01.01.2002"]
    assert region.desa[1].level == "kelurahan"
    assert region.pois[0].kind == "hospital" and region.lines == ()
    # label point defaults to the centroid when the feature has no lat/lon
    assert (region.desa[0].lat, region.desa[0].lon) == pytest.approx((0.0245, 0.0245))


def _error(path: Path) -> str:
    with pytest.raises(RegionError) as info:
        load_region(path)
    return str(info.value)


def test_rejects_malformed_json_with_line(make_pack) -> None:
    pack = make_pack()
    text = (pack / "desa.geojson").read_text().splitlines()
    text[3] = text[3] + " oops"
    (pack / "desa.geojson").write_text("\n".join(text))
    msg = _error(pack)
    assert msg.startswith("desa.geojson: line 4 column") and "invalid JSON" in msg


def test_rejects_non_feature_collection(make_pack) -> None:
    msg = _error(make_pack(kecamatan__geojson={"type": "Feature"}))
    assert msg == "kecamatan.geojson: not a GeoJSON FeatureCollection"


def test_rejects_unknown_level(make_pack, kit: SimpleNamespace) -> None:
    desa = kit.tiny_pack_content()["desa.geojson"]
    desa["features"][0]["properties"]["level"] = "dusun"
    msg = _error(make_pack(desa__geojson=desa))
    assert msg.startswith("desa.geojson: feature 0 (99.01.01.2001): unknown level 'dusun'")


def test_rejects_unknown_level_in_gazetteer(make_pack, kit: SimpleNamespace) -> None:
    csv = kit.tiny_pack_content()["gazetteer.csv"].replace("2001,Barat,desa", "2001,Barat,kampung")
    msg = _error(make_pack(gazetteer__csv=csv))
    assert msg.startswith("gazetteer.csv: line 4 (99.01.01.2001): unknown level 'kampung'")


def test_rejects_coordinates_outside_bbox(make_pack, kit: SimpleNamespace) -> None:
    kec = kit.fc(kit.feat(kit.square(0, 0, 0.3), code="99.01.01", name="Satu", parent_code="99.01"))
    msg = _error(make_pack(kecamatan__geojson=kec))
    assert msg.startswith("kecamatan.geojson: feature 0 (99.01.01): coordinates outside the bbox")


def test_rejects_poi_outside_bbox(make_pack, kit: SimpleNamespace) -> None:
    pois = kit.fc(
        kit.feat({"type": "Point", "coordinates": [1.0, 0.05]}, id="p1", name="Jauh", kind="police")
    )
    assert _error(make_pack(pois__geojson=pois)).startswith(
        "pois.geojson: feature 0 (p1): coordinates outside"
    )


def test_rejects_duplicate_codes(make_pack, kit: SimpleNamespace) -> None:
    desa = kit.tiny_pack_content()["desa.geojson"]
    desa["features"][1]["properties"]["code"] = "99.01.01.2001"
    msg = _error(make_pack(desa__geojson=desa))
    assert (
        msg == "desa.geojson: feature 1 (99.01.01.2001): duplicate code 99.01.01.2001 (also in desa.geojson)"
    )
    csv = (
        kit.tiny_pack_content()["gazetteer.csv"] + "99.01.01.2002,Timur Lagi,desa,99.01.01,0.07,0.05,,Satu\n"
    )
    assert (
        _error(make_pack("p2", gazetteer__csv=csv)) == "gazetteer.csv: line 6: duplicate code 99.01.01.2002"
    )


def test_rejects_desa_without_kecamatan(make_pack, kit: SimpleNamespace) -> None:
    desa = kit.tiny_pack_content()["desa.geojson"]
    desa["features"][0]["properties"]["parent_code"] = "99.01.09"
    msg = _error(make_pack(desa__geojson=desa))
    assert msg == "desa.geojson: desa 99.01.01.2001 (Barat): parent kecamatan 99.01.09 is missing"
    csv = kit.tiny_pack_content()["gazetteer.csv"] + "99.01.02.2001,Hilang,desa,99.01.02,0.07,0.05,,\n"
    msg = _error(make_pack("p2", gazetteer__csv=csv))
    assert msg == "gazetteer.csv: desa 99.01.02.2001 (Hilang): parent kecamatan 99.01.02 is missing"


def test_rejects_missing_gazetteer_columns(make_pack) -> None:
    csv = "code,name,level,lat\n99.01,Kabupaten Uji,kabupaten,0.05\n"
    msg = _error(make_pack(gazetteer__csv=csv))
    assert msg == "gazetteer.csv: missing required column(s): parent_code, lon"


def test_rejects_missing_toml_keys_and_bad_values(make_pack, kit: SimpleNamespace) -> None:
    meta = kit.tiny_pack_content()["region.toml"]
    del meta["timezone"], meta["bbox"]
    assert _error(make_pack(region__toml=meta)) == "region.toml: missing key(s): timezone, bbox"
    meta = kit.tiny_pack_content()["region.toml"] | {"timezone": "Asia/Banjar"}
    assert _error(make_pack("p2", region__toml=meta)) == "region.toml: unknown timezone 'Asia/Banjar'"
    meta = kit.tiny_pack_content()["region.toml"] | {"bbox": [1, 0, 0, 1]}
    assert "bbox [1, 0, 0, 1] is not a valid lon/lat box" in _error(make_pack("p3", region__toml=meta))
    pack = make_pack("p4")
    (pack / "region.toml").write_text("name = ", encoding="utf-8")
    assert _error(pack).startswith("region.toml: invalid TOML")
    assert _error(make_pack("p5", region__toml=None)).startswith("region.toml: not found")


def test_rejects_missing_layer_named_in_toml_and_bad_names(make_pack, kit: SimpleNamespace) -> None:
    meta = kit.tiny_pack_content()["region.toml"] | {"files": {"lines": "rivers.geojson"}}
    assert _error(make_pack(region__toml=meta)) == "rivers.geojson: file not found (named in region.toml)"
    meta = kit.tiny_pack_content()["region.toml"] | {"files": {"desa": "../desa.geojson"}}
    assert "must be a relative path inside the pack" in _error(make_pack("p2", region__toml=meta))
    assert _error(make_pack("p3", desa__geojson=None)) == "desa.geojson: file not found"


def test_rejects_wrong_geometry_and_poi_kind(make_pack, kit: SimpleNamespace) -> None:
    desa = kit.tiny_pack_content()["desa.geojson"]
    desa["features"][0]["geometry"] = {"type": "Point", "coordinates": [0.01, 0.01]}
    msg = _error(make_pack(desa__geojson=desa))
    assert (
        msg == "desa.geojson: feature 0 (99.01.01.2001): geometry must be Polygon or MultiPolygon, got Point"
    )
    pois = kit.fc(kit.feat({"type": "Point", "coordinates": [0.01, 0.01]}, id="x", name="Pos", kind="bakery"))
    assert "pois.geojson: feature 0 (x): unknown kind 'bakery'" in _error(make_pack("p2", pois__geojson=pois))
    desa = kit.tiny_pack_content()["desa.geojson"]
    desa["features"][0]["geometry"]["coordinates"] = [[[0.0, 0.0], [0.01]]]
    assert "desa.geojson: feature 0 (99.01.01.2001): malformed coordinates" in _error(
        make_pack("p3", desa__geojson=desa)
    )


def test_banjar_source_with_broken_file_names_it(banjar_dir: Path, tmp_path: Path) -> None:
    src = tmp_path / "banjar"
    src.mkdir()
    for f in banjar_dir.glob("*.*"):
        shutil.copyfile(f, src / f.name)
    data = json.loads((src / "banjar_desa.geojson").read_text())
    data["features"][5]["properties"]["parent_code"] = "63.03.99"
    (src / "banjar_desa.geojson").write_text(json.dumps(data))
    msg = _error(src)
    assert msg.startswith("banjar_desa.geojson: ") and "parent kecamatan 63.03.99 is missing" in msg
