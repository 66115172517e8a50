"""LandmarkService over a real store: the record, its outbox rows, its audit row, validation."""

from __future__ import annotations

import pytest

from operator_desk.domain.errors import ValidationError
from operator_desk.services.landmarks import LandmarkService
from operator_desk.store.store import Store


def test_add_saves_record_outbox_and_audit(store: Store, clock) -> None:  # type: ignore[no-untyped-def]
    svc = LandmarkService(store)
    pk = svc.add("  Masjid Agung Al Karomah ", "mosque", -3.4133, 114.8603, "63.03.05.1001", "63.03.05")
    rows = svc.all()
    assert len(rows) == 1
    row = rows[0]
    assert row["id"] == pk
    assert row["name"] == "Masjid Agung Al Karomah"
    assert (row["kind"], row["lat"], row["lon"]) == ("mosque", -3.4133, 114.8603)
    assert (row["desa_code"], row["kecamatan_code"]) == ("63.03.05.1001", "63.03.05")
    assert row["created_by"] == "tester"
    assert row["created_at"] == clock.ms
    cols = {r["col"] for r in store.query("SELECT col FROM outbox WHERE tbl='landmarks' AND pk=?", (pk,))}
    assert {"name", "kind", "lat", "lon", "desa_code", "kecamatan_code", "created_by", "created_at"} <= cols
    audit = store.query("SELECT action, operator, detail FROM audit WHERE tbl='landmarks' AND pk=?", (pk,))
    assert [(a["action"], a["operator"]) for a in audit] == [("landmark_create", "tester")]
    assert "Masjid Agung" in audit[0]["detail"]


def test_unknown_kind_is_stored_as_other_and_all_sorts_by_name(store: Store) -> None:
    svc = LandmarkService(store)
    svc.add("pasar Martapura", "Pasar-besar", -3.41, 114.85)
    svc.add("Jembatan Sungai Martapura", "bridge", -3.40, 114.84)
    names = [(r["name"], r["kind"]) for r in svc.all()]
    assert names == [("Jembatan Sungai Martapura", "bridge"), ("pasar Martapura", "other")]
    assert svc.all()[0]["desa_code"] is None


@pytest.mark.parametrize(
    ("name", "lat", "lon", "field", "code"),
    [
        ("   ", -3.4, 114.8, "name", "required"),
        ("x" * 121, -3.4, 114.8, "name", "too_long"),
        ("Pasar", 95.0, 114.8, "lat", "out_of_range"),
        ("Pasar", -3.4, float("nan"), "lon", "out_of_range"),
        ("Pasar", "utara", 114.8, "lat", "not_a_number"),
    ],
)
def test_invalid_landmark_is_refused_and_nothing_written(
    store: Store, name: str, lat: object, lon: float, field: str, code: str
) -> None:
    svc = LandmarkService(store)
    with pytest.raises(ValidationError) as info:
        svc.add(name, "shop", lat, lon)  # type: ignore[arg-type]
    assert info.value.problems[field] == code
    assert svc.all() == []
    assert store.query("SELECT count(*) FROM outbox")[0][0] == 0
