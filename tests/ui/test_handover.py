"""The handover view lists exactly the open items and writes the handover when the shift ends."""

from __future__ import annotations

from operator_desk.domain.location import Location
from operator_desk.services.agencies import AgencyService
from operator_desk.services.calls import CallService
from operator_desk.services.incidents import IncidentService
from operator_desk.services.referrals import ReferralService
from operator_desk.services.shifts import ShiftService
from operator_desk.store.store import Store
from operator_desk.ui.handover import HandoverView

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


def test_handover_lists_exactly_the_open_items(qtbot, store: Store, clock) -> None:  # type: ignore[no-untyped-def]
    want = scenario(store, clock)
    view = HandoverView(ShiftService(store), now_ms=clock)
    qtbot.addWidget(view)
    assert view.listed_ids() == {k: want[k] for k in ("incidents", "referrals", "callbacks")}
    assert view.callbacks.item(0).text().startswith("0812")  # shown in the national form
    assert not view.end_btn.isEnabled()


def test_start_and_end_shift_passes_notes_to_the_next(qtbot, store: Store, clock) -> None:  # type: ignore[no-untyped-def]
    view = HandoverView(ShiftService(store), now_ms=clock)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.shiftStarted):
        view.start_btn.click()
    assert "tester" in view.shift_label.text() and view.end_btn.isEnabled()
    view.notes.setPlainText("Genset kantor sedang diperbaiki")
    clock.advance(8 * 3_600_000)
    with qtbot.waitSignal(view.shiftEnded):
        view.end_btn.click()
    assert view.notes.toPlainText() == ""
    assert "Genset kantor" in view.previous.text()
    assert view.start_btn.isEnabled()
