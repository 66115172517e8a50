"""The handover view lists exactly the open items and writes the handover when the shift ends."""

from __future__ import annotations

from operator_desk.services.shifts import ShiftService
from operator_desk.store.store import Store
from operator_desk.ui.handover import HandoverView

MIN = 60_000


def test_handover_lists_exactly_the_open_items(qtbot, store: Store, clock, shift_scenario) -> None:  # type: ignore[no-untyped-def]
    want = shift_scenario(store, clock)
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
