"""The referral board over real services: steps by keys, overdue timers turn red and alert."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt

from operator_desk.domain.location import Location
from operator_desk.domain.timeutil import WITA
from operator_desk.services.agencies import AgencyService
from operator_desk.services.incidents import IncidentService
from operator_desk.services.referrals import AMBER, RED, ReferralService
from operator_desk.store.store import Store
from operator_desk.ui.referral_board import (
    COLUMNS,
    KEY_STEPS,
    LEVEL_COLORS,
    ReferralBoard,
    ToneAlert,
    clock_text,
    duration_text,
)

MIN = 60_000


class FakeAlert:
    """Records what the board asked to sound."""

    def __init__(self) -> None:
        self.levels: list[str] = []

    def play(self, level: str) -> None:
        self.levels.append(level)


@pytest.fixture
def parts(store: Store):  # type: ignore[no-untyped-def]
    agencies = AgencyService(store)
    agencies.ensure_defaults()
    incidents = IncidentService(store)
    loc = Location(
        address="Jl. Sukaramai", kecamatan_code="63.03.05", kecamatan_name="Martapura", confirmed=True
    )
    inc = incidents.create({"category": "fire", "priority": "P1", "location": loc})
    damkar = next(a for a in agencies.all() if a["kind"] == "fire")
    refs = ReferralService(store)
    rid = refs.refer(inc, damkar["id"])
    return {"agencies": agencies, "incidents": incidents, "referrals": refs, "rid": rid, "incident": inc}


def make_board(qtbot, parts, clock, alert=None, tick_ms: int = 5000) -> ReferralBoard:  # type: ignore[no-untyped-def]
    board = ReferralBoard(
        referrals=parts["referrals"],
        agencies=parts["agencies"],
        incidents=parts["incidents"],
        now_ms=clock,
        alert=alert if alert is not None else FakeAlert(),
        tick_ms=tick_ms,
    )
    qtbot.addWidget(board, before_close_func=lambda b: b.stop())  # its tick timer, and nothing left running
    return board


def settle(qtbot, board: ReferralBoard) -> None:  # type: ignore[no-untyped-def]
    """The board writes and reloads on the task runner: wait until it has redrawn."""
    qtbot.waitUntil(lambda: board.runner.busy() == 0, timeout=5000)


def cell(board: ReferralBoard, step: str) -> str:
    return board.model.data(board.model.index(0, COLUMNS.index(step)))


def test_a_referral_goes_through_all_steps_by_keys(qtbot, parts, clock, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    board = make_board(qtbot, parts, clock)
    qtmodeltester.check(board.model)
    assert board.objectName() == "referralBoard"
    assert board.selected_id() == parts["rid"]
    board.table.setFocus()
    recorded: list[tuple[str, str]] = []
    board.stepRecorded.connect(lambda rid, step: recorded.append((rid, step)))
    times = {}
    for key, step in ((Qt.Key.Key_A, "acknowledged"), (Qt.Key.Key_S, "on_scene")):
        clock.advance(2 * MIN)
        qtbot.keyClick(board.table, key)
        settle(qtbot, board)
        times[step] = clock.ms
        assert cell(board, step) != ""
    clock.advance(30 * MIN)
    board.feedback.setText("Api padam, tidak ada korban")
    qtbot.keyClick(board.table, Qt.Key.Key_F)
    settle(qtbot, board)
    times["feedback"] = clock.ms
    qtbot.keyClick(board.table, Qt.Key.Key_S)  # pressed again: refused, first time kept
    settle(qtbot, board)
    assert "already" in board.status.text()
    clock.advance(MIN)
    qtbot.keyClick(board.table, Qt.Key.Key_C)
    settle(qtbot, board)
    times["closed"] = clock.ms
    row = parts["referrals"].get(parts["rid"])
    assert (row["acknowledged_at"], row["on_scene_at"], row["feedback_at"], row["closed_at"]) == (
        times["acknowledged"],
        times["on_scene"],
        times["feedback"],
        times["closed"],
    )
    assert row["feedback"] == "Api padam, tidak ada korban"
    assert {e["operator"] for e in parts["referrals"].events(parts["rid"])} == {"tester"}
    assert [s for _, s in recorded] == ["acknowledged", "on_scene", "feedback", "closed"]
    assert board.model.rowCount() == 0  # closed: off the board


def test_an_overdue_referral_turns_amber_then_red_and_alerts(qtbot, parts, clock) -> None:  # type: ignore[no-untyped-def]
    alert = FakeAlert()
    board = make_board(qtbot, parts, clock, alert, tick_ms=20)
    ack = COLUMNS.index("acknowledged")
    assert board.model.data(board.model.index(0, ack), Qt.ItemDataRole.BackgroundRole) is None
    assert alert.levels == []
    clock.advance(5 * MIN + 1000)  # Damkar: acknowledge within 5 min
    qtbot.waitUntil(lambda: alert.levels == [AMBER], timeout=2000)
    brush = board.model.data(board.model.index(0, ack), Qt.ItemDataRole.BackgroundRole)
    assert brush.color() == LEVEL_COLORS[AMBER]
    with qtbot.waitSignal(board.alertRaised, timeout=2000) as blocker:
        clock.advance(3 * MIN)
    assert blocker.args == [parts["rid"], RED]
    brush = board.model.data(board.model.index(0, ack), Qt.ItemDataRole.BackgroundRole)
    assert brush.color() == LEVEL_COLORS[RED]
    assert cell(board, "acknowledged").startswith("overdue 3:")  # a duration with its deadline, never "+3:…"
    qtbot.wait(100)  # more ticks: each level sounds once
    assert alert.levels == [AMBER, RED]
    # Re-sent: the ack timer starts again, the colour goes.
    board.table.setFocus()
    qtbot.keyClick(board.table, Qt.Key.Key_R)
    settle(qtbot, board)
    assert parts["referrals"].get(parts["rid"])["resend_count"] == 1
    assert board.model.data(board.model.index(0, ack), Qt.ItemDataRole.BackgroundRole) is None


def test_audio_failure_is_shown_not_raised(qtbot, parts, clock) -> None:  # type: ignore[no-untyped-def]
    class Broken:
        def play(self, level: str) -> None:
            raise OSError("PortAudio library not found")

    clock.advance(10 * MIN)
    board = make_board(qtbot, parts, clock, Broken())
    assert "Alert sound unavailable" in board.status.text()
    assert "PortAudio" not in board.status.text()  # issue 9: the library's text goes to the log only


def test_real_tone_player_without_a_device_does_not_crash(qtbot, parts, clock) -> None:  # type: ignore[no-untyped-def]
    clock.advance(10 * MIN)
    board = make_board(qtbot, parts, clock, ToneAlert())
    # With a sound card the tone plays and nothing is said; without one the status says so.
    assert board.status.text() == "" or "Alert sound unavailable" in board.status.text()


def test_escalate_and_close_incident_from_the_board(qtbot, parts, clock, store) -> None:  # type: ignore[no-untyped-def]
    board = make_board(qtbot, parts, clock)
    names = [board.escalate_to.itemText(i) for i in range(board.escalate_to.count())]
    assert (
        "Damkar Kabupaten Banjar" not in names and names[0] == "PSC 119 Kabupaten Banjar"
    )  # suggested for fire
    board.table.setFocus()
    qtbot.keyClick(board.table, Qt.Key.Key_E)
    settle(qtbot, board)
    (row,) = board.model.rows
    assert row["agency_name"] == "PSC 119 Kabupaten Banjar" and row["id"] != parts["rid"]
    board.close_incident()
    settle(qtbot, board)
    assert board.status.text() == "Enter the disposition first"
    board.disposition.setText("Api padam")
    board.close_incident()
    settle(qtbot, board)
    assert board.status.text() == "The agency's feedback is missing"
    board.feedback.setText("selesai")
    qtbot.keyClick(board.table, Qt.Key.Key_F)
    settle(qtbot, board)
    board.close_incident()
    settle(qtbot, board)
    assert board.status.text() == "Incident closed"
    assert parts["incidents"].get(parts["incident"])["status"] == "closed"
    assert board.model.rowCount() == 0


def test_agencies_editor_saves_for_a_supervisor_only(qtbot, store) -> None:  # type: ignore[no-untyped-def]
    from operator_desk.ui.agencies_dialog import AgenciesDialog

    agencies = AgencyService(store)
    agencies.ensure_defaults()
    viewer = AgenciesDialog(agencies)
    qtbot.addWidget(viewer)
    assert not viewer.save_btn.isEnabled()
    store.write(
        lambda tx: tx.insert_record("operators", {"name": "tester", "role": "supervisor", "active": 1})
    )
    dlg = AgenciesDialog(agencies, kecamatan=[("63.03.05", "Martapura"), ("63.03.01", "Aluh-Aluh")])
    qtbot.addWidget(dlg)
    assert dlg.save_btn.isEnabled() and dlg.current_id is not None
    dlg.phone.setText("not a number")
    dlg.save()
    assert dlg.status.text() == "Check: Phone"
    dlg.phone.setText("0511-4721234")
    dlg.kecamatan.item(0).setCheckState(Qt.CheckState.Checked)
    dlg.save()
    saved = agencies.get(dlg.current_id)
    assert (saved["phone"], saved["kecamatan_codes"]) == ("+625114721234", ["63.03.05"])
    assert dlg.status.text() == "Saved"


def wita_ms(*args: int) -> int:
    return int(datetime(*args, tzinfo=WITA).timestamp() * 1000)


def test_the_board_lists_what_is_due_first_and_never_buries_the_newest(qtbot, parts, clock, store) -> None:  # type: ignore[no-untyped-def]
    refs, agencies, incidents = parts["referrals"], parts["agencies"], parts["incidents"]
    by_name = {a["name"]: a["id"] for a in agencies.all()}
    loc = Location(
        address="Jl. A. Yani", kecamatan_code="63.03.05", kecamatan_name="Martapura", confirmed=True
    )
    oldest = parts["rid"]  # Damkar at t0: acknowledge within 5 min
    clock.advance(2 * MIN)
    waiting = refs.refer(
        incidents.create({"category": "medical", "priority": "P2", "location": loc}),
        by_name["PSC 119 Kabupaten Banjar"],
    )
    refs.step(waiting, "acknowledged")
    refs.step(waiting, "on_scene")  # only the feedback is missing: no timer runs
    clock.advance(MIN)
    slow = refs.refer(
        incidents.create({"category": "utility_pln", "priority": "P3", "location": loc}),
        by_name["PLN ULP Martapura"],
    )  # 15 min to acknowledge
    clock.advance(9 * MIN)
    newest = refs.refer(
        incidents.create({"category": "crime_security", "priority": "P1", "location": loc}),
        by_name["Polres Banjar"],
    )  # 5 min to acknowledge: due 1 min before PLN's
    assert [r["id"] for r in refs.board.open_rows()][-1] == newest  # the store's order: oldest first
    board = make_board(qtbot, parts, clock)
    assert [r["id"] for r in board.model.rows] == [oldest, newest, slow, waiting]
    first = [board.model.data(board.model.index(0, c)) for c in range(len(COLUMNS))]
    assert first[COLUMNS.index("category")] == "Fire" and first[COLUMNS.index("kecamatan")] == "Martapura"
    assert cell(board, "acknowledged").startswith("overdue 7:00")  # 12 min after, 5 min to acknowledge
    row1 = {c: board.model.data(board.model.index(1, COLUMNS.index(c))) for c in ("category", "acknowledged")}
    assert row1 == {
        "category": "Crime and security",
        "acknowledged": f"left 5:00 (due {clock_text(clock.ms + 5 * MIN, clock.ms)})",
    }
    # A new referral while the board shows: it arrives under the overdue one, not at the bottom.
    clock.advance(MIN)
    latest = refs.refer(parts["incident"], by_name["BPBD Kabupaten Banjar"])  # 10 min to acknowledge
    board.refresh()
    settle(qtbot, board)
    assert [r["id"] for r in board.model.rows] == [oldest, newest, slow, latest, waiting]


def test_countdowns_read_as_durations_with_their_deadline(qtbot, parts, clock, store) -> None:  # type: ignore[no-untyped-def]
    refs, agencies = parts["referrals"], parts["agencies"]
    damkar = next(a["id"] for a in agencies.all() if a["kind"] == "fire")
    clock.ms = wita_ms(2026, 12, 4, 7, 20, 4)
    loc = Location(
        address="Jl. Sukaramai", kecamatan_code="63.03.05", kecamatan_name="Martapura", confirmed=True
    )
    inc = parts["incidents"].create({"category": "fire", "priority": "P1", "location": loc})
    rid = refs.refer(inc, damkar)  # acknowledge by 07:25:04, on scene by 07:35:04
    clock.ms = wita_ms(2026, 12, 4, 7, 20, 8)
    board = make_board(qtbot, parts, clock)
    board.select(rid)
    row = next(i for i, r in enumerate(board.model.rows) if r["id"] == rid)

    def text(step: str) -> str:
        return board.model.data(board.model.index(row, COLUMNS.index(step)))

    assert text("acknowledged") == "left 4:56 (due 07:25)"  # before the deadline
    assert text("on_scene") == "left 14:56 (due 07:35)"
    assert text("sent") == "07:20"
    clock.ms = wita_ms(2026, 12, 5, 1, 47, 30)  # the next night
    board.tick()
    assert text("acknowledged") == "overdue 18 h 22 min (due yesterday 07:25)"  # after it
    assert text("sent") == "yesterday 07:20"
    assert "+" not in text("acknowledged") and "-" not in text("acknowledged")
    clock.ms = wita_ms(2026, 12, 7, 9, 0)
    board.tick()
    assert text("acknowledged") == "overdue 3 d 1 h (due 04-12 07:25)"
    assert text("sent") == "04-12 07:20"


def test_durations_and_moments_are_never_signed_minutes() -> None:
    assert duration_text(296_000) == "4:56" and duration_text(-296_000) == "4:56"
    assert duration_text(1102 * MIN + 24_000) == "18 h 22 min"  # the old "+1102:24"
    assert duration_text(59 * MIN + 59_000) == "59:59" and duration_text(60 * MIN) == "1 h 0 min"
    now = wita_ms(2026, 12, 5, 0, 10)
    assert clock_text(wita_ms(2026, 12, 4, 23, 55), now) == "yesterday 23:55"
    assert clock_text(wita_ms(2026, 12, 5, 0, 5), now) == "00:05"
    assert clock_text(wita_ms(2026, 12, 2, 7, 10), now) == "02-12 07:10"


def test_the_feedback_key_opens_the_field_and_refuses_empty_text(qtbot, parts, clock) -> None:  # type: ignore[no-untyped-def]
    board = make_board(qtbot, parts, clock)
    board.show()
    qtbot.waitExposed(board)
    board.activateWindow()
    board.table.setFocus()
    recorded: list[str] = []
    board.stepRecorded.connect(lambda _rid, step: recorded.append(step))
    qtbot.keyClick(board.table, Qt.Key.Key_F)  # no text yet: the field opens, nothing is written
    settle(qtbot, board)
    assert parts["referrals"].get(parts["rid"])["feedback_at"] is None and recorded == []
    assert "Type the agency's feedback" in board.status.text()
    qtbot.waitUntil(board.feedback.hasFocus, timeout=2000)
    qtbot.keyClicks(board.feedback, "   ")
    qtbot.keyClick(board.feedback, Qt.Key.Key_Return)  # blanks only: still refused
    settle(qtbot, board)
    assert parts["referrals"].get(parts["rid"])["feedback_at"] is None and recorded == []
    board.feedback.clear()
    qtbot.keyClicks(board.feedback, "Api padam pukul 07.40")
    qtbot.keyClick(board.feedback, Qt.Key.Key_Return)
    settle(qtbot, board)
    row = parts["referrals"].get(parts["rid"])
    assert row["feedback_at"] == clock.ms and row["feedback"] == "Api padam pukul 07.40"
    assert recorded == ["feedback"] and board.feedback.text() == ""
    board.buttons["feedback"].click()  # the button follows the same rule as the key
    assert "Type the agency's feedback" in board.status.text()


def test_every_board_key_is_in_its_button_and_in_the_help(qtbot, parts, clock) -> None:  # type: ignore[no-untyped-def]
    board = make_board(qtbot, parts, clock)
    helped = dict(ReferralBoard.keys_help())
    for key, step in KEY_STEPS.items():
        letter = chr(key)
        assert letter in helped
        assert board.buttons[step].text().endswith(f"({letter})")
    from operator_desk.ui.main_window import MainWindow

    assert set(helped) <= {k for k, _ in MainWindow.keys_help(board)}  # type: ignore[arg-type]
