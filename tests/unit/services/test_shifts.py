"""ShiftService: start/end, the handover record, and exactly the open items."""

from __future__ import annotations

import json

import pytest

from operator_desk.domain.errors import DomainError
from operator_desk.domain.location import Location
from operator_desk.services.agencies import AgencyService
from operator_desk.services.calls import CallService
from operator_desk.services.incidents import IncidentService
from operator_desk.services.referrals import ReferralService
from operator_desk.services.shifts import ShiftService
from operator_desk.store.store import Store

MIN = 60_000


def scenario(store: Store, clock) -> dict:  # type: ignore[no-untyped-def]
    """A shift's worth of items: some still open, some done. Returns the ids that must be listed."""
    AgencyService(store).ensure_defaults()
    agencies = {a["kind"]: a["id"] for a in AgencyService(store).all()}
    calls, incidents, refs = CallService(store), IncidentService(store), ReferralService(store)
    loc = Location(address="Desa Tambak Baru", kecamatan_name="Martapura", confirmed=True)

    def incident(cat: str) -> str:
        return incidents.create({"category": cat, "priority": "P2", "location": loc})

    def call(number: str, outcome: str) -> str:
        cid = calls.ring(number)
        clock.advance(5000)
        if outcome == "abandoned":
            calls.abandon(cid)
        else:
            calls.answer(cid)
            calls.close(cid, outcome)
        clock.advance(MIN)
        return cid

    old_fire = incident("fire")
    overdue = refs.refer(old_fire, agencies["fire"])  # ack in 5 min: overdue by the end
    closed = incident("medical")
    r_closed = refs.refer(closed, agencies["ambulance"])
    refs.step(r_closed, "feedback", "dibawa ke RSUD")
    refs.close_incident(closed, "Pasien dirujuk")
    call("081211110001", "abandoned")  # never called again: call back
    call("081211110002", "abandoned")
    call("081211110002", "ghost")  # answered later: no call back
    call("081211110003", "abandoned")
    call("081211110003", "abandoned")  # twice: listed once
    clock.advance(30 * MIN)
    fresh = incident("traffic_accident")
    fresh_ref = refs.refer(fresh, agencies["police"])  # just sent: not overdue
    return {
        "incidents": [old_fire, fresh],
        "referrals": [overdue],
        "callbacks": ["+6281211110001", "+6281211110003"],
        "not_overdue": fresh_ref,
    }


def test_items_are_exactly_the_open_ones(store: Store, clock) -> None:  # type: ignore[no-untyped-def]
    want = scenario(store, clock)
    items = ShiftService(store).items(clock.ms)
    assert items.ids() == {k: want[k] for k in ("incidents", "referrals", "callbacks")}
    (cb3,) = [c for c in items.callbacks if c["caller_number"] == "+6281211110003"]
    assert cb3["attempts"] == 2
    # Abandoned calls older than the look-back window are no longer listed.
    assert ShiftService(store).items(clock.ms + 25 * 3_600_000).callbacks == []


def test_shift_start_end_writes_the_handover_record(store: Store, clock) -> None:  # type: ignore[no-untyped-def]
    want = scenario(store, clock)
    shifts = ShiftService(store)
    assert shifts.current() is None and shifts.last_handover() is None
    sid = shifts.start()
    assert shifts.start() == sid  # idempotent
    start = clock.ms
    clock.advance(8 * 3_600_000)
    hid = shifts.end(sid, "  Radio Damkar rusak, hubungi lewat HP.  ")
    assert shifts.current() is None
    last = shifts.last_handover()
    assert last["id"] == hid and last["notes"] == "Radio Damkar rusak, hubungi lewat HP."
    assert (last["operator"], last["started_at"], last["ended_at"]) == ("tester", start, clock.ms)
    assert last["open_items"]["incidents"] == want["incidents"]
    assert want["not_overdue"] in last["open_items"]["referrals"]  # overdue after 8 hours
    outbox = store.query("SELECT value FROM outbox WHERE tbl='shift_handovers' AND pk=?", (hid,))
    assert json.loads(outbox[0]["value"])["notes"].startswith("Radio Damkar")
    with pytest.raises(DomainError) as e:
        shifts.end(sid, "again")
    assert e.value.code == "shift_ended"


def test_a_shift_needs_an_operator(store: Store) -> None:
    store.operator = None
    with pytest.raises(DomainError) as e:
        ShiftService(store).start()
    assert e.value.code == "no_operator"
