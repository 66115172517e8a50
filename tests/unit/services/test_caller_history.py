"""The caller history while a number rings: earlier calls and the incidents of that number (typed)."""

from __future__ import annotations

from typing import Any

from operator_desk.domain.location import Location
from operator_desk.domain.records import IncidentSummary
from operator_desk.services.calls import CallService
from operator_desk.services.incidents import IncidentService
from operator_desk.store.store import Store


def test_history_lists_incidents_reported_by_the_number(store: Store, clock: Any) -> None:
    calls, incidents = CallService(store), IncidentService(store)
    loc = Location(address="Desa Tambak Baru", kecamatan_name="Martapura", confirmed=True)
    by_call = incidents.create(
        {"category": "fire", "priority": "P1", "location": loc}, call_id=calls.ring("0812-1111-2222")
    )
    clock.advance(1000)
    as_caller = incidents.create(
        {"category": "medical", "priority": "P2", "location": loc, "caller_number": "+6281211112222"}
    )
    incidents.create(
        {"category": "medical", "priority": "P2", "location": loc, "caller_number": "+6281299990000"}
    )
    hist = calls.history("081211112222")
    assert [i.id for i in hist.incidents] == [as_caller, by_call]  # newest first, other numbers left out
    assert all(isinstance(i, IncidentSummary) for i in hist.incidents)
    assert hist.incidents[1]["kecamatan_name"] == "Martapura" and hist.incidents[1].status == "new"
    assert calls.history("081200000000").incidents == []
