"""ShiftService: start/end, the handover record, and exactly the open items."""

from __future__ import annotations

import json

import pytest

from operator_desk.domain.errors import DomainError
from operator_desk.services.shifts import ShiftService
from operator_desk.store.store import Store

MIN = 60_000


def test_items_are_exactly_the_open_ones(store: Store, clock, shift_scenario) -> None:  # type: ignore[no-untyped-def]
    want = shift_scenario(store, clock)
    items = ShiftService(store).items(clock.ms)
    assert items.ids() == {k: want[k] for k in ("incidents", "referrals", "callbacks")}
    (cb3,) = [c for c in items.callbacks if c["caller_number"] == "+6281211110003"]
    assert cb3["attempts"] == 2
    # Abandoned calls older than the look-back window are no longer listed.
    assert ShiftService(store).items(clock.ms + 25 * 3_600_000).callbacks == []


def test_shift_start_end_writes_the_handover_record(store: Store, clock, shift_scenario) -> None:  # type: ignore[no-untyped-def]
    want = shift_scenario(store, clock)
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
