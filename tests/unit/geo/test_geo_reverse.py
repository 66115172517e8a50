"""Reverse geocoding against the real Banjar polygons and a tiny pack with a known gap."""

from __future__ import annotations

import json
import math
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import shapely
from shapely.geometry import Point

from operator_desk.geo import Region, ReverseGeocoder, load_region


@pytest.fixture(scope="module")
def geocoder(banjar: Region) -> ReverseGeocoder:
    return ReverseGeocoder(banjar)


def _probe_point(geom: shapely.Geometry, lat: float, lon: float) -> tuple[float, float, bool]:
    """The desa's label point, or point_on_surface when that centroid lies outside its own polygon."""
    if geom.contains(Point(lon, lat)):
        return lat, lon, False
    p = geom.point_on_surface()
    return p.y, p.x, True


def test_every_desa_label_point_finds_its_own_desa(banjar: Region, geocoder: ReverseGeocoder) -> None:
    # 8 Banjar desa are concave enough that their centroid falls outside the polygon (Apuai: 840 m);
    # for those the test probes shapely's point_on_surface instead of the centroid.
    substituted = []
    for d in banjar.desa:
        lat, lon, swapped = _probe_point(d.geometry, d.lat, d.lon)
        if swapped:
            substituted.append(d.code)
        place = geocoder.locate(lat, lon)
        assert place is not None, d.code
        assert (place.desa_code, place.desa_name, place.desa_level) == (d.code, d.name, d.level)
        assert place.kecamatan_code == d.parent_code
        kec = banjar.kecamatan_by_code(d.parent_code or "")
        assert kec is not None and place.kecamatan_name == kec.name
        assert place.exact
    assert len(substituted) == 8 and "63.03.11.2005" in substituted


def test_locate_many_matches_locate(banjar: Region, geocoder: ReverseGeocoder) -> None:
    probes = [_probe_point(d.geometry, d.lat, d.lon)[:2] for d in banjar.desa]
    lats, lons = np.array(probes).T
    many = geocoder.locate_many(lats, lons)
    assert [p.desa_code if p else None for p in many] == [d.code for d in banjar.desa]
    rng = np.random.default_rng(7)
    minx, miny, maxx, maxy = banjar.bbox
    rl, ro = rng.uniform(miny, maxy, 300), rng.uniform(minx, maxx, 300)
    assert geocoder.locate_many(rl, ro) == [geocoder.locate(a, b) for a, b in zip(rl, ro, strict=True)]


def test_health_facilities_are_in_their_listed_desa(banjar_dir: Path, geocoder: ReverseGeocoder) -> None:
    # banjar_health_osm.geojson: kabkota_code '63.03' marks the Banjar ones; their desa is in
    # 'desa_code'/'desa' and the kecamatan NAME in 'kecamatan' (its code = desa_code minus the last part).
    feats = json.loads((banjar_dir / "banjar_health_osm.geojson").read_text())["features"]
    banjar = [f for f in feats if f["properties"].get("kabkota_code") == "63.03"]
    assert len(banjar) == 17
    for f in banjar:
        p = f["properties"]
        lon, lat = f["geometry"]["coordinates"]
        place = geocoder.locate(lat, lon)
        assert place is not None, p["name"]
        assert (place.desa_code, place.desa_name) == (p["desa_code"], p["desa"]), p["name"]
        assert place.kecamatan_name == p["kecamatan"]
        assert place.kecamatan_code == p["desa_code"].rsplit(".", 1)[0]


def test_points_in_other_kabupaten_are_outside(banjar_dir: Path, geocoder: ReverseGeocoder) -> None:
    feats = json.loads((banjar_dir / "kalsel_kabkota.geojson").read_text())["features"]
    others = [f["properties"] for f in feats if f["properties"]["code"] != "63.03"]
    assert len(others) == 12
    for p in others:
        assert geocoder.locate(p["lat"], p["lon"]) is None, p["name"]
    assert geocoder.locate(-6.2, 106.8) is None  # Jakarta
    assert geocoder.locate(math.nan, 114.8) is None


def test_gap_between_desa_falls_back_to_nearest_within_200_m(make_pack) -> None:
    geo = ReverseGeocoder(load_region(make_pack()))
    # gap between Barat (x <= 0.049) and Timur (x >= 0.050), ~111 m wide, inside the kabupaten
    place = geo.locate(0.02, 0.0492)
    assert place is not None and place.desa_code == "99.01.01.2001" and not place.exact
    assert place.distance_m == pytest.approx(0.0002 * 111_320, rel=0.01)
    assert geo.locate(0.02, 0.0499).desa_code == "99.01.01.2002"  # type: ignore[union-attr]
    # just outside the kabupaten: within 200 m -> edge desa; beyond -> outside
    assert geo.locate(0.02, 0.1015).desa_code == "99.01.01.2002"  # type: ignore[union-attr]
    assert geo.locate(0.02, 0.1 + 199 / 111_320).desa_code == "99.01.01.2002"  # type: ignore[union-attr]
    # off the corner: 189 m (on the buffered arc, where a coarse pre-check could miss it) and 220 m
    assert geo.locate(0.1012, 0.1012).desa_code == "99.01.01.2002"  # type: ignore[union-attr]
    assert geo.locate(0.1014, 0.1014) is None
    assert geo.locate(0.02, 0.1 + 201 / 111_320) is None
    assert geo.locate(0.02, 0.1025) is None
    assert geo.locate(0.02, -0.003) is None


def test_overlapping_polygons_choose_the_deeper_one(make_pack, kit: SimpleNamespace) -> None:
    desa = kit.fc(
        kit.feat(kit.square(0, 0, 0.06), code="99.01.01.2001", name="Barat", parent_code="99.01.01"),
        kit.feat(kit.square(0.05, 0, 0.05), code="99.01.01.2002", name="Timur", parent_code="99.01.01"),
    )
    geo = ReverseGeocoder(load_region(make_pack(desa__geojson=desa)))
    assert geo.locate(0.03, 0.052).desa_code == "99.01.01.2001"  # type: ignore[union-attr]
    assert geo.locate(0.03, 0.058).desa_code == "99.01.01.2002"  # type: ignore[union-attr]
    lats, lons = np.array([0.03, 0.03, 0.03]), np.array([0.052, 0.058, 0.2])
    idx, dist = geo.locate_indices(lats, lons)
    assert idx.tolist() == [0, 1, -1] and dist.tolist() == [0.0, 0.0, 0.0]


def test_mismatched_arrays_are_rejected(geocoder: ReverseGeocoder) -> None:
    with pytest.raises(ValueError):
        geocoder.locate_many([1.0, 2.0], [1.0])
