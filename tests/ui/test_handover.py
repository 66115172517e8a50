"""The handover view lists exactly the open items and writes the handover when the shift ends; it agrees
with who is logged in, names the shift by the region's clock, records the receiving operator and
counts the shift's calls by type; times that are not today carry their date."""

from __future__ import annotations

import json
from datetime import datetime

from operator_desk.domain.timeutil import WITA
from operator_desk.services.accounts import AccountService
from operator_desk.services.calls import CallService
from operator_desk.services.shifts import ShiftService
from operator_desk.store.store import Store
from operator_desk.ui.handover import HandoverView

MIN = 60_000
PW = "kata-sandi-1"


def wita_ms(*args: int) -> int:
    return int(datetime(*args, tzinfo=WITA).timestamp() * 1000)


def make_view(qtbot, store: Store, clock) -> HandoverView:  # type: ignore[no-untyped-def]
    view = HandoverView(ShiftService(store), now_ms=clock)
    qtbot.addWidget(view)
    return view


def settle(qtbot, view: HandoverView) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: view.runner.busy() == 0, timeout=5000)


def test_handover_lists_exactly_the_open_items(qtbot, store: Store, clock, shift_scenario) -> None:  # type: ignore[no-untyped-def]
    want = shift_scenario(store, clock)
    view = make_view(qtbot, store, clock)
    assert view.listed_ids() == {k: want[k] for k in ("incidents", "referrals", "callbacks")}
    assert view.callbacks.item(0).text().startswith("0812")  # shown in the national form
    assert view.end_btn.isEnabled()  # the operator logged in can always hand over (the shift is theirs)
    assert "No shift started" not in view.shift_label.text()
    assert view.shift_label.text().startswith("On duty: tester")


def test_start_and_end_shift_passes_notes_to_the_next(qtbot, store: Store, clock) -> None:  # type: ignore[no-untyped-def]
    view = make_view(qtbot, store, clock)
    with qtbot.waitSignal(view.shiftStarted):
        view.start_btn.click()
    assert "tester" in view.shift_label.text() and view.end_btn.isEnabled()
    assert not view.start_btn.isEnabled()
    view.notes.setPlainText("Genset kantor sedang diperbaiki")
    clock.advance(8 * 3_600_000)
    with qtbot.waitSignal(view.shiftEnded):
        view.end_btn.click()
    assert view.notes.toPlainText() == ""
    assert "Genset kantor" in view.previous.text()
    assert view.start_btn.isEnabled()


def test_the_duty_is_who_logged_in_since_the_log_in(qtbot, store: Store, clock) -> None:  # type: ignore[no-untyped-def]
    accounts = AccountService(store, trusted=True)
    accounts.add("Sari", "operator", PW)
    clock.ms = wita_ms(2026, 12, 4, 22, 15)
    accounts.authenticate("Sari", PW)  # the log-in (audited), then the desk's operator is Sari
    store.operator = "Sari"
    clock.ms = wita_ms(2026, 12, 5, 1, 30)
    view = make_view(qtbot, store, clock)
    assert view.shift_label.text() == "On duty: Sari, logged in since yesterday 22:15 · night shift (23-07)"
    store.operator = None  # logged out
    view.refresh()
    settle(qtbot, view)
    assert view.shift_label.text().startswith("Nobody is logged in")
    assert not view.end_btn.isEnabled()


def test_the_shift_name_follows_the_local_clock(qtbot, store: Store, clock) -> None:  # type: ignore[no-untyped-def]
    clock.ms = wita_ms(2026, 12, 5, 6, 59)
    view = make_view(qtbot, store, clock)
    assert "night shift" in view.shift_label.text()
    clock.ms = wita_ms(2026, 12, 5, 7, 0)
    view.refresh()
    settle(qtbot, view)
    assert "morning shift" in view.shift_label.text()
    clock.ms = wita_ms(2026, 12, 5, 15, 0)
    view.refresh()
    settle(qtbot, view)
    assert "afternoon shift" in view.shift_label.text()


def test_the_receiving_operator_is_recorded_and_audited(qtbot, store: Store, clock) -> None:  # type: ignore[no-untyped-def]
    accounts = AccountService(store, trusted=True)
    for name in ("Sari", "Budi", "Yusuf"):
        accounts.add(name, "operator", PW)
    accounts.disable("Yusuf")
    clock.ms = wita_ms(2026, 12, 5, 6, 50)
    accounts.authenticate("Sari", PW)
    store.operator = "Sari"
    view = make_view(qtbot, store, clock)
    names = [view.receiver.itemText(i) for i in range(1, view.receiver.count())]
    assert names == ["Budi"]  # not oneself, not a disabled account
    view.end_btn.click()  # nobody chosen: refused, nothing written
    assert view.status.text() == "Choose who takes over the shift"
    assert store.query("SELECT count(*) FROM shift_handovers")[0][0] == 0
    view.receiver.setCurrentIndex(names.index("Budi") + 1)
    clock.ms = wita_ms(2026, 12, 5, 7, 2)
    with qtbot.waitSignal(view.shiftEnded) as got:
        view.end_btn.click()
    last = ShiftService(store).last_handover()
    assert last["id"] == got.args[0] and last["operator"] == "Sari"
    assert last["open_items"]["received_by"] == "Budi" and last["open_items"]["shift"] == "night"
    assert last["started_at"] == wita_ms(2026, 12, 5, 6, 50)  # the duty began at the log-in
    (audit,) = store.query("SELECT operator, detail FROM audit WHERE action='shift_end'")
    assert audit["operator"] == "Sari" and json.loads(audit["detail"])["received_by"] == "Budi"
    assert "Sari → Budi" in view.previous.text()


def test_a_handover_to_oneself_or_a_stranger_is_refused(store: Store, clock) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from operator_desk.domain.errors import DomainError

    shifts = ShiftService(store)
    for receiver, code in (("tester", "receiver_is_sender"), ("Nobody", "receiver_unknown")):
        with pytest.raises(DomainError) as e:
            shifts.hand_over("", receiver)
        assert e.value.code == code
    assert store.query("SELECT count(*) FROM shift_handovers")[0][0] == 0


def test_times_not_of_today_show_their_date(qtbot, store: Store, clock, shift_scenario) -> None:  # type: ignore[no-untyped-def]
    clock.ms = wita_ms(2026, 12, 4, 22, 15)
    shift_scenario(store, clock)
    clock.ms = wita_ms(2026, 12, 5, 0, 30)
    view = make_view(qtbot, store, clock)
    callback = view.callbacks.item(0).text()
    assert " — yesterday 22:" in callback  # the abandoned call of 22:1x last night
    assert view.incidents.item(0).text().startswith("yesterday 22:15")
    clock.ms = wita_ms(2026, 12, 6, 8, 30)  # two days later
    view.refresh()
    settle(qtbot, view)
    assert view.incidents.item(0).text().startswith("04-12 22:15")


def test_the_shift_counts_its_calls_by_type(qtbot, store: Store, clock) -> None:  # type: ignore[no-untyped-def]
    calls = CallService(store)
    clock.ms = wita_ms(2026, 12, 5, 6, 0)  # before the morning shift: not counted
    cid = calls.ring("081211110009")
    calls.answer(cid)
    calls.close(cid, "prank")
    clock.ms = wita_ms(2026, 12, 5, 7, 10)
    for outcome in ("prank", "prank", "ghost", "emergency", "information", "wrong_number", "abandoned"):
        cid = calls.ring("081211110001")
        clock.advance(2000)
        if outcome == "abandoned":
            calls.abandon(cid)
        else:
            calls.answer(cid)
            calls.close(cid, outcome)
        clock.advance(MIN)
    view = make_view(qtbot, store, clock)
    text = view.counts.text()
    assert text.startswith("Calls since 07:00: 7")
    for part in (
        "Prank 2",
        "Ghost / silent 1",
        "Emergency 1",
        "Information 1",
        "Wrong number 1",
        "Abandoned 1",
    ):
        assert part in text
    assert text.index("Emergency") < text.index("Prank")  # emergencies first
    with qtbot.waitSignal(view.shiftEnded):
        view.end_btn.click()
    counts = ShiftService(store).last_handover()["open_items"]["calls"]
    assert counts["prank"] == 2 and counts["abandoned"] == 1 and sum(counts.values()) == 7
