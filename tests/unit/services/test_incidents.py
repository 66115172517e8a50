"""IncidentService over a real store: create, edit, duplicates, notes; typed records out."""

from __future__ import annotations

from typing import Any

import pytest

from operator_desk.domain.errors import DomainError, ValidationError
from operator_desk.domain.location import Location
from operator_desk.domain.records import Incident
from operator_desk.services.calls import CallService
from operator_desk.services.incidents import IncidentService
from operator_desk.store.repositories import IncidentRepository
from operator_desk.store.store import Store

MIN = 60_000
HERE = Location(
    lat=-3.4125, lon=114.8500, desa_code="63.03.05.2001", address="Pasar Martapura", confirmed=True
)


def fields(**kw: Any) -> dict[str, Any]:
    return {"category": "fire", "priority": "P1", "location": HERE, **kw}


def test_create_validates_and_records_number_event_audit_and_the_call(store: Store, clock: Any) -> None:
    svc = IncidentService(store, prefix="BJR")
    with pytest.raises(ValidationError) as bad:
        svc.create({"priority": "P9", "location": Location(), "casualties": -1})
    assert bad.value.problems == {
        "category": "required",
        "priority": "unknown_priority",
        "location": "required",
        "casualties": "not_a_count",
    }
    assert store.query("SELECT count(*) FROM incidents")[0][0] == 0
    call = CallService(store).ring("0812 3456 7890")
    pk = svc.create(fields(narrative="Rumah terbakar"), call_id=call)
    inc = svc.get(pk)
    assert isinstance(inc, Incident) and inc.location == HERE and inc.status == "new"
    assert inc.number is not None and inc.number.startswith("BJR-") and inc.number.endswith("-0001")
    assert (inc.created_by, inc.casualties) == ("tester", 0)
    events = IncidentRepository(store.reader()).status_events(pk)
    assert [(e.status_from, e.status_to, e.operator) for e in events] == [(None, "new", "tester")]
    actions = [r[0] for r in store.query("SELECT action FROM audit ORDER BY seq")]
    assert actions[-2:] == ["incident_create", "call_attach"]
    c = CallService(store).get(call)
    assert (c["incident_id"], c["outcome"], c["answered_at"]) == (pk, "emergency", clock.ms)
    assert svc.get(svc.create(fields())).number.endswith("-0002")  # type: ignore[union-attr]


def test_update_changes_only_valid_fields_and_says_which(store: Store, clock: Any) -> None:
    svc = IncidentService(store)
    pk = svc.create(fields(narrative="asap"))
    clock.advance(MIN)
    with pytest.raises(ValidationError) as bad:
        svc.update(pk, {"casualties": -2, "narrative": "x"})
    assert bad.value.problems == {"casualties": "not_a_count"}
    assert svc.get(pk).narrative == "asap"
    moved = Location(lat=-3.40, lon=114.86, address="Jl. Menteri Empat", confirmed=True)
    changed = svc.update(
        pk, {"narrative": "api besar", "location": moved, "status": "closed", "priority": "P1"}
    )
    assert set(changed) == {"narrative", "location"}  # status is not editable, priority did not change
    inc = svc.get(pk)
    assert (inc.narrative, inc.location, inc.status, inc.updated_at) == ("api besar", moved, "new", clock.ms)
    assert set(svc.field_clock(pk)) >= {"narrative", "location", "status"}
    with pytest.raises(DomainError) as missing:
        svc.update("nope", {"narrative": "x"})
    assert missing.value.code == "not_found"


def test_duplicates_are_open_same_category_near_in_space_and_time(store: Store, clock: Any) -> None:
    svc = IncidentService(store)
    near = svc.create(fields())
    svc.create(fields(category="medical"))  # another category
    far = Location(lat=-3.30, lon=114.95, address="jauh", confirmed=True)
    svc.create(fields(location=far))  # > 1 km, another desa
    closed = svc.create(fields())
    svc.lifecycle.advance(closed, "resolved")  # no longer open
    clock.advance(10 * MIN)
    probe = Location(lat=-3.4130, lon=114.8504, confirmed=True)
    assert [d.id for d in svc.duplicates("fire", probe)] == [near]
    assert svc.duplicates("fire", probe, at_ms=clock.ms + 61 * MIN) == []
    same_desa = Location(address="dekat pasar", desa_code=HERE.desa_code, confirmed=True)
    assert [d.id for d in svc.duplicates("fire", same_desa)] == [near]


def test_attach_and_notes_need_an_existing_incident(store: Store) -> None:
    svc = IncidentService(store)
    pk = svc.create(fields())
    call = CallService(store).ring("081234567890")
    with pytest.raises(DomainError) as e1:
        svc.attach_call(call, "no-such-incident")
    assert e1.value.code == "not_found"
    with pytest.raises(DomainError) as e2:
        svc.attach_call("no-such-call", pk)
    assert e2.value.code == "not_found"
    svc.attach_call(call, pk)
    assert CallService(store).get(call)["incident_id"] == pk
    with pytest.raises(DomainError) as e3:
        svc.add_note("no-such-incident", "x")
    assert e3.value.code == "not_found"
    note = svc.add_note(pk, "Pelapor dihubungi kembali")
    (stored,) = IncidentRepository(store.reader()).notes(pk)
    assert (stored.id, stored.text, stored.operator) == (note, "Pelapor dihubungi kembali", "tester")
