"""The operator's keys on the real window: ring → F2 → F6, and a full emergency without the mouse."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from operator_desk.app import Desk


def _calls(desk: Desk) -> list[dict]:
    desk.settle()
    return [dict(r) for r in desk.store.query("SELECT * FROM calls ORDER BY started_at")]


def test_ring_f2_f6_logs_one_prank(qtbot, desk: Desk, press) -> None:  # type: ignore[no-untyped-def]
    desk.simulator.ring("0812-3456-7890")
    assert "0812-3456-7890" in desk.window.incoming.state.text()
    press(Qt.Key.Key_F2)
    assert desk.session.current is not None
    press(Qt.Key.Key_F6)
    calls = _calls(desk)
    assert len(calls) == 1
    assert calls[0]["outcome"] == "prank"
    assert calls[0]["caller_number"] == "+6281234567890"
    assert calls[0]["operator"] == "Rina"
    assert calls[0]["answered_at"] is not None and calls[0]["ended_at"] is not None
    assert desk.session.current is None
    assert desk.simulator.answered == ["sim-1"] and desk.simulator.hung_up == ["sim-1"]
    # the log shows it (live update through the bridge)
    qtbot.waitUntil(lambda: desk.window.call_log.model.rowCount() == 1, timeout=2000)


def test_ghost_with_f5_and_history_while_ringing(qtbot, desk: Desk, press) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        desk.simulator.ring("081234567890")
        press(Qt.Key.Key_F2)
        press(Qt.Key.Key_F6)
    desk.simulator.ring("081234567890")
    desk.settle()  # the history is looked up off the GUI thread while it rings
    hist = desk.window.history
    assert hist.history is not None and hist.history.prank_count == 3
    assert desk.window.incoming.flag.isVisibleTo(desk.window)
    assert hist.count() == 3
    press(Qt.Key.Key_F2)
    press(Qt.Key.Key_F5)
    assert [c["outcome"] for c in _calls(desk)] == ["prank", "prank", "prank", "ghost"]


def test_caller_hangs_up_while_ringing_is_abandoned(qtbot, desk: Desk, press) -> None:  # type: ignore[no-untyped-def]
    ext = desk.simulator.ring("081298765432")
    desk.simulator.caller_hangup(ext)
    calls = _calls(desk)
    assert calls[0]["outcome"] == "abandoned" and calls[0]["answered_at"] is None
    assert desk.session.ringing == []


def test_emergency_by_keys_only(qtbot, desk: Desk, press) -> None:  # type: ignore[no-untyped-def]
    desk.simulator.ring("+62 811 5000 112")
    press(Qt.Key.Key_F2)
    press(Qt.Key.Key_F9)
    form = desk.window.form
    assert QApplication.focusWidget() is form.category
    qtbot.keyClicks(form.category, "Fire")  # keyboard search in the combo
    assert form.category.currentData() == "fire"
    press(Qt.Key.Key_Tab)  # priority
    press(Qt.Key.Key_Up)  # P2 -> P1
    assert form.priority.currentData() == "P1"
    press(Qt.Key.Key_Tab)  # place search
    assert QApplication.focusWidget() is form.place.edit
    qtbot.keyClicks(form.place.edit, "sei tabuk keramat")
    press(Qt.Key.Key_Return)
    loc = form.location
    assert loc.desa_name == "Sungai Tabuk Keramat", loc
    assert loc.kecamatan_name == "Sungai Tabuk"
    assert loc.desa_code and loc.desa_code.startswith("63.03.")
    press(Qt.Key.Key_Tab)
    qtbot.keyClicks(QApplication.focusWidget(), "Jl. Martapura Lama km 7")
    press(Qt.Key.Key_Tab)  # gang
    assert QApplication.focusWidget() is form.units.gang
    press(Qt.Key.Key_Tab)  # RT
    qtbot.keyClicks(QApplication.focusWidget(), "3")
    press(Qt.Key.Key_Tab)  # RW
    press(Qt.Key.Key_Tab)
    qtbot.keyClicks(QApplication.focusWidget(), "belakang masjid")
    press(Qt.Key.Key_Tab)  # kabupaten/kota (Kabupaten Banjar)
    press(Qt.Key.Key_Tab)  # time of the event
    press(Qt.Key.Key_Tab)
    qtbot.keyClicks(QApplication.focusWidget(), "Pak Udin")
    press(Qt.Key.Key_Tab)  # caller number (prefilled)
    press(Qt.Key.Key_Tab)  # call-back number
    press(Qt.Key.Key_Tab)  # relation
    press(Qt.Key.Key_Tab)  # source (112)
    press(Qt.Key.Key_Tab)  # narrative
    assert QApplication.focusWidget() is form.narrative
    qtbot.keyClicks(QApplication.focusWidget(), "Rumah terbakar, dua orang terjebak")
    press(Qt.Key.Key_Tab)  # victims: dead
    qtbot.keyClicks(QApplication.focusWidget(), "0")
    press(Qt.Key.Key_Tab)  # victims: seriously injured
    qtbot.keyClicks(QApplication.focusWidget(), "2")
    press(Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert form.checked_agencies(), "Ctrl+R picks the suggested agency"
    press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    incidents = [dict(r) for r in desk.store.query("SELECT * FROM incidents")]
    assert len(incidents) == 1, form.errors.text()
    inc = incidents[0]
    assert (inc["category"], inc["priority"], inc["status"]) == ("fire", "P1", "referred")
    assert inc["desa_code"] == loc.desa_code and inc["casualties"] == 2
    assert (inc["victims_dead"], inc["victims_severe"], inc["victims_minor"]) == (0, 2, None)  # 0 is not unknown
    assert inc["report_source"] == "phone_112" and json.loads(inc["location"])["rt"] == "3"
    assert inc["number"].startswith(f"BJR-{desk.store.site_code}-")
    refs = desk.referrals.for_incident(inc["id"])
    assert len(refs) == 1 and refs[0]["agency_kind"] == "fire" and refs[0]["sent_at"] is not None
    call = _calls(desk)[0]
    assert (
        call["outcome"] == "emergency" and call["incident_id"] == inc["id"] and call["ended_at"] is not None
    )
    assert desk.session.current is None


def test_duplicate_offers_to_attach(qtbot, desk: Desk, press) -> None:  # type: ignore[no-untyped-def]
    from operator_desk.domain.location import Location

    first = desk.incidents.create(
        {
            "category": "fire",
            "priority": "P1",
            "location": Location(
                lat=-3.36, lon=114.80, desa_code="63.03.09.2001", source="map", confirmed=True
            ),
        }
    )
    desk.simulator.ring("081211112222")
    press(Qt.Key.Key_F2)
    press(Qt.Key.Key_F9)
    form = desk.window.form
    form.category.setCurrentIndex(form.category.findData("fire"))
    form.set_point(-3.362, 114.801)
    press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert form.dup_box.isVisibleTo(form)
    assert desk.store.query("SELECT count(*) FROM incidents")[0][0] == 1
    qtbot.mouseClick(form.attach_btn, Qt.MouseButton.LeftButton)
    call = _calls(desk)[-1]
    assert call["incident_id"] == first and call["outcome"] == "emergency"
    assert desk.store.query("SELECT count(*) FROM incidents")[0][0] == 1


def test_validation_errors_are_inline(qtbot, desk: Desk, press) -> None:  # type: ignore[no-untyped-def]
    press(Qt.Key.Key_F2)  # manual call
    press(Qt.Key.Key_F9)
    press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    form = desk.window.form
    assert form.errors.text()
    assert QApplication.focusWidget() is form.category
    assert desk.store.query("SELECT count(*) FROM incidents")[0][0] == 0
