"""Hostile geometry in a region pack: always a RegionError naming the feature, never another exception.

The check in geo/build.py catches the exception types shapely really raises (not a blind `except`);
this fuzzes it with nested junk, huge integers and non-finite numbers like a broken GeoJSON file has.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from operator_desk.geo import RegionError
from operator_desk.geo.build import _geometry

ATOMS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=3),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
)
COORDS = st.recursive(ATOMS, lambda inner: st.lists(inner, max_size=5), max_leaves=40)
KINDS = [("Polygon", "MultiPolygon"), ("Point",), ("LineString", "MultiLineString")]


def _feature(kind: str, coords: Any) -> dict[str, Any]:
    return {"type": "Feature", "geometry": {"type": kind, "coordinates": coords}, "properties": {}}


@settings(max_examples=400, deadline=None)
@given(allowed=st.sampled_from(KINDS), pick=st.integers(0, 1), coords=COORDS)
def test_junk_coordinates_give_a_region_error_or_a_geometry(
    allowed: tuple[str, ...], pick: int, coords: Any
) -> None:
    kind = allowed[pick % len(allowed)]
    try:
        g = _geometry(_feature(kind, coords), "desa.geojson", "feature 3 (x)", allowed)
    except RegionError as exc:
        assert str(exc).startswith("desa.geojson: feature 3 (x): "), str(exc)
    else:
        assert g.geom_type == kind and not g.is_empty


@pytest.mark.parametrize(
    ("kind", "coords", "why"),
    [
        ("Point", 1, "malformed coordinates"),  # TypeError inside shapely
        ("Point", [1], "malformed coordinates"),  # ValueError
        ("LineString", [[1, 2]], "malformed coordinates"),  # GEOSException: one point
        ("LineString", [[10**400, 0], [1, 1]], "malformed coordinates"),  # OverflowError
        ("Polygon", [[[0, 0], [1]]], "malformed coordinates"),
        ("Polygon", [], "empty geometry"),
        ("Point", [float("inf"), 0], "non-finite coordinates"),
    ],
)
def test_each_kind_of_junk_is_named(kind: str, coords: Any, why: str) -> None:
    allowed = next(k for k in KINDS if kind in k)
    with pytest.raises(RegionError, match=why):
        _geometry(_feature(kind, coords), "f.geojson", "feature 0", allowed)


def test_a_good_geometry_passes() -> None:
    square = [[[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]]
    g = _geometry(_feature("Polygon", square), "f.geojson", "feature 0", ("Polygon", "MultiPolygon"))
    assert g.geom_type == "Polygon" and g.area == pytest.approx(1.0)
