"""Working an incident after its first save, on the real window: F3 list → Enter detail → edit by keys,
note, save; the timeline; reopen and merge by a supervisor (and an operator asked for one); a map
marker opens the incident; a backwards status move is refused with a reason."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from operator_desk.app import Desk, create_desk
from operator_desk.domain.location import Location
from operator_desk.domain.timeutil import local
from operator_desk.services.accounts import AccountService
from operator_desk.services.export import export_text
from operator_desk.store.store import Store
from operator_desk.ui.errors import error_label
from operator_desk.ui.login_dialog import ReAuthDialog

PW = "kata-sandi-1"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    store = Store(data / "desk.sqlite")
    try:
        svc = AccountService(store, trusted=True)
        for name, role in (("Rina", "supervisor"), ("Ahmad", "operator")):
            svc.add(name, role, PW)
    finally:
        store.close()
    return data


def _open(qtbot, data_dir: Path, banjar_dir: Path, who: str) -> Desk:  # type: ignore[no-untyped-def]
    desk = create_desk(data_dir, region=banjar_dir, call_source="simulator", login=(who, PW))
    qtbot.addWidget(desk.window)
    desk.window.show()
    qtbot.waitExposed(desk.window)
    desk.window.activateWindow()
    return desk


@pytest.fixture
def rina(qtbot, data_dir: Path, banjar_dir: Path) -> Iterator[Desk]:  # type: ignore[no-untyped-def]
    desk = _open(qtbot, data_dir, banjar_dir, "Rina")
    yield desk
    desk.close()


@pytest.fixture
def ahmad(qtbot, data_dir: Path, banjar_dir: Path) -> Iterator[Desk]:  # type: ignore[no-untyped-def]
    desk = _open(qtbot, data_dir, banjar_dir, "Ahmad")
    yield desk
    desk.close()


def _keys(qtbot, desk: Desk):  # type: ignore[no-untyped-def]
    def press(k, modifier=None) -> None:  # type: ignore[no-untyped-def]
        qtbot.keyClick(
            QApplication.focusWidget() or desk.window, k, modifier or Qt.KeyboardModifier.NoModifier
        )
        desk.ui.settle()

    return press


def _incident(desk: Desk, **kw) -> str:  # type: ignore[no-untyped-def]
    fields = {
        "category": "fire",
        "priority": "P2",
        "location": Location(
            lat=-3.4144,
            lon=114.8513,
            desa_name="Jawa",
            kecamatan_name="Martapura",
            kecamatan_code="63.03.05",
            source="map",
            confirmed=True,
        ),
    }
    fields.update(kw)
    return desk.incidents.create(fields)


def _opened(qtbot, desk: Desk, incident_id: str) -> None:  # type: ignore[no-untyped-def]
    detail = desk.ui.incident_detail
    qtbot.waitUntil(lambda: detail.data is not None and detail.data.incident.id == incident_id, timeout=5000)
    desk.ui.settle()


def test_full_update_by_keys_then_export_and_timeline(qtbot, rina: Desk) -> None:  # type: ignore[no-untyped-def]
    desk, press = rina, _keys(qtbot, rina)
    form, detail, lst = desk.window.form, desk.ui.incident_detail, desk.ui.incident_list
    desk.simulator.ring("+62 811 5000 112")
    press(Qt.Key.Key_F2)
    press(Qt.Key.Key_F9)
    qtbot.keyClicks(form.category, "Fire")
    press(Qt.Key.Key_Tab)
    press(Qt.Key.Key_Up)  # P1
    press(Qt.Key.Key_Tab)
    qtbot.keyClicks(form.place.edit, "sei tabuk keramat")
    press(Qt.Key.Key_Return)
    press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    (inc,) = [dict(r) for r in desk.store.query("SELECT * FROM incidents")]
    assert inc["priority"] == "P1" and inc["desa_code"]

    press(Qt.Key.Key_F3)  # the list takes the focus with its first row
    qtbot.waitUntil(lambda: lst.model.rowCount() == 1, timeout=5000)
    assert QApplication.focusWidget() is lst.table
    assert lst.current_id() == inc["id"]
    press(Qt.Key.Key_Return)  # opens it
    _opened(qtbot, desk, inc["id"])
    assert QApplication.focusWidget() is detail.category
    assert detail.title.text().endswith(inc["number"])
    press(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is detail.priority
    press(Qt.Key.Key_Down)  # P1 -> P2
    press(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is detail.place.edit
    qtbot.keyClicks(detail.place.edit, "kec. martapura")
    press(Qt.Key.Key_Return)
    assert detail.location.kecamatan_name == "Martapura" and detail.location.desa_name is None
    press(Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is detail.note
    qtbot.keyClicks(detail.note, "Warga sudah dievakuasi ke masjid")
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: detail.note.text() == "", timeout=5000)
    press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # saves the detail (it has the focus)
    qtbot.waitUntil(lambda: "Saved" in detail.info.text(), timeout=5000)
    desk.ui.settle()

    (row,) = [json.loads(line) for line in export_text(desk.store, "incidents").splitlines()]
    assert row["priority"] == "P2" and row["kecamatan_code"] == "63.03.05" and row["desa_code"] is None
    assert len(desk.store.query("SELECT 1 FROM incidents")) == 1, "an edit, not a new incident"
    (note,) = desk.store.query("SELECT operator, text FROM incident_notes")
    assert tuple(note) == ("Rina", "Warga sudah dievakuasi ke masjid")

    lines = detail.timeline.lines()
    (prio,) = [ln for ln in lines if "Priority: P1 → P2 (Rina)" in ln]
    (place,) = [ln for ln in lines if ln.split("  ", 1)[1].startswith("Place: Desa Sungai Tabuk Keramat")]
    assert "→ Kec. Martapura" in place and "(Rina)" in place
    (edit_at,) = desk.store.query("SELECT at FROM audit WHERE action='incident_edit'")
    assert prio.startswith(f"{local(edit_at[0], desk.core.region.zone):%d-%m-%Y %H:%M}")
    assert any("Note by Rina: Warga sudah dievakuasi ke masjid" in ln for ln in lines)
    assert any("Call from" in ln for ln in lines) and any("Incident created (Rina)" in ln for ln in lines)
    assert lines == sorted(lines, key=lambda ln: ln[:19][6:10] + ln[:19][3:5] + ln[:19][:2] + ln[11:19])

    press(Qt.Key.Key_Escape)  # back to the current call: the form's dock again
    assert not desk.window.docks["incidentDock"].visibleRegion().isEmpty()


def test_nothing_typed_is_lost_and_a_race_is_shown(qtbot, rina: Desk) -> None:  # type: ignore[no-untyped-def]
    desk, detail = rina, rina.ui.incident_detail
    inc = _incident(desk)
    from operator_desk.ui.compose import open_incident

    open_incident(desk.ui, inc)
    _opened(qtbot, desk, inc)
    detail.narrative.setPlainText("Api membesar di gudang")
    detail.save_draft()
    assert detail.editor.draft_of(inc)["narrative"] == "Api membesar di gudang"
    # another writer changes the priority meanwhile (as a pulled change would): the save shows the race
    desk.incidents.update(inc, {"priority": "P3"})
    detail.priority.setCurrentIndex(detail.priority.findData("P1"))
    detail.save()
    qtbot.waitUntil(lambda: "Saved" in detail.info.text(), timeout=5000)
    assert detail.conflicts.isVisibleTo(detail) and "Priority" in detail.conflicts.text()
    assert desk.incidents.get(inc).priority == "P1" and detail.editor.draft_of(inc) is None
    # a validation problem keeps the fields and says which
    detail.category.setCurrentIndex(-1)
    detail.save()
    qtbot.waitUntil(lambda: detail.errors.text() != "", timeout=5000)
    assert "Category" in detail.errors.text() and desk.incidents.get(inc).category == "fire"


def test_backwards_status_refused_with_a_reason(qtbot, rina: Desk) -> None:  # type: ignore[no-untyped-def]
    desk, detail = rina, rina.ui.incident_detail
    inc = _incident(desk)
    from operator_desk.ui.compose import open_incident

    open_incident(desk.ui, inc)
    _opened(qtbot, desk, inc)
    detail.status_to.setCurrentIndex(detail.status_to.findData("on_scene"))
    detail.move_status()  # no reason: refused
    qtbot.waitUntil(lambda: detail.errors.text() == error_label("reason_required"), timeout=5000)
    assert desk.incidents.get(inc).status == "new"
    detail.reason.setText("Damkar tiba di lokasi")
    detail.move_status()
    qtbot.waitUntil(lambda: desk.incidents.get(inc).status == "on_scene", timeout=5000)
    desk.ui.settle()
    detail.status_to.setCurrentIndex(detail.status_to.findData("referred"))
    detail.reason.setText("salah pilih")
    detail.move_status()
    qtbot.waitUntil(lambda: detail.errors.text() == error_label("status_backwards"), timeout=5000)
    assert desk.incidents.get(inc).status == "on_scene"
    desk.ui.settle()
    assert any(
        "New → On scene (Rina) · reason: Damkar tiba di lokasi" in ln for ln in detail.timeline.lines()
    )


def test_operator_reopen_and_merge_need_a_supervisor(qtbot, ahmad: Desk) -> None:  # type: ignore[no-untyped-def]
    desk, detail = ahmad, ahmad.ui.incident_detail
    from operator_desk.ui.compose import open_incident

    a, b = _incident(desk), _incident(desk, priority="P3")
    desk.incidents.resolve(a)
    open_incident(desk.ui, a)
    _opened(qtbot, desk, a)
    assert detail.reopen_btn.isEnabled()
    detail.reason.setText("Api menyala lagi")
    detail.reopen()
    qtbot.waitUntil(lambda: isinstance(detail.reauth, ReAuthDialog), timeout=5000)
    dialog = detail.reauth
    dialog.reject()  # nobody approves: nothing changes
    desk.ui.settle()
    assert desk.incidents.get(a).status == "resolved"
    detail.reopen()
    qtbot.waitUntil(lambda: isinstance(detail.reauth, ReAuthDialog), timeout=5000)
    dialog = detail.reauth
    dialog.name.setText("Ahmad")
    dialog.password.setText(PW)
    qtbot.mouseClick(dialog.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.message.text() == error_label("supervisor_required"), timeout=10_000)
    dialog.name.setText("Rina")
    dialog.password.setText(PW)  # a refused try clears it
    qtbot.mouseClick(dialog.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: desk.incidents.get(a).status == "new", timeout=10_000)
    desk.ui.settle()
    (reopen,) = desk.store.query("SELECT operator, detail FROM audit WHERE action='incident_reopen'")
    assert reopen[0] == "Rina" and json.loads(reopen[1])["reason"] == "Api menyala lagi"
    assert desk.store.operator == "Ahmad"

    open_incident(desk.ui, b)
    _opened(qtbot, desk, b)
    detail.merge_into.setText(desk.incidents.get(a).number or "")
    detail.reason.setText("Kebakaran yang sama")
    detail.merge()
    qtbot.waitUntil(lambda: isinstance(detail.reauth, ReAuthDialog), timeout=5000)
    dialog = detail.reauth
    dialog.name.setText("Rina")
    dialog.password.setText(PW)
    qtbot.mouseClick(dialog.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: desk.incidents.get(b).status == "closed", timeout=10_000)
    desk.ui.settle()
    (merged,) = desk.store.query("SELECT merged_into FROM incidents WHERE id=?", (b,))
    assert merged[0] == a


def test_supervisor_merges_keeping_both_histories(qtbot, rina: Desk) -> None:  # type: ignore[no-untyped-def]
    desk, detail = rina, rina.ui.incident_detail
    from operator_desk.ui.compose import open_incident

    a, b = _incident(desk), _incident(desk, priority="P3")
    for number, target in (("0811-1111-2222", a), ("0811-3333-4444", b)):
        call = desk.calls.ring(number, source="simulator")
        desk.incidents.attach_call(call, target)
    desk.incidents.add_note(b, "laporan kedua dari warga")
    open_incident(desk.ui, b)
    _opened(qtbot, desk, b)
    detail.merge_into.setText(desk.incidents.get(a).number or "")
    detail.merge()  # no reason: refused
    qtbot.waitUntil(lambda: detail.errors.text() == error_label("reason_required"), timeout=5000)
    detail.reason.setText("Kebakaran yang sama")
    detail.merge()
    qtbot.waitUntil(lambda: desk.incidents.get(b).status == "closed", timeout=5000)
    assert detail.reauth is None, "a supervisor is not asked again"
    open_incident(desk.ui, a)
    _opened(qtbot, desk, a)
    assert detail.calls.count() == 2, "every call of both incidents"
    lines = detail.timeline.lines()
    number_b = desk.incidents.get(b).number
    assert any(
        f"{number_b} merged into this incident (Rina) · reason: Kebakaran yang sama" in ln for ln in lines
    )
    assert any("laporan kedua dari warga" in ln and f"[{number_b}]" in ln for ln in lines)
    # merging into itself or into a merged incident is refused
    detail.merge_into.setText(desk.incidents.get(a).number or "")
    detail.reason.setText("uji")
    detail.merge()
    qtbot.waitUntil(lambda: detail.errors.text() == error_label("merge_invalid"), timeout=5000)


def test_marker_click_opens_and_list_selection_follows(qtbot, rina: Desk) -> None:  # type: ignore[no-untyped-def]
    desk = rina
    inc = _incident(desk, priority="P1")
    panel = desk.ui.map_panel
    desk.window.docks["mapDock"].show()
    qtbot.waitUntil(lambda: panel.width() > 50 and panel.height() > 50)
    panel.center_on(-3.4144, 114.8513, zoom=14)
    desk.ui.map_binding.refresh()
    desk.ui.settle()
    target = panel.pos_of(-3.4144, 114.8513).toPoint()
    qtbot.mouseClick(panel, Qt.MouseButton.LeftButton, pos=target)
    _opened(qtbot, desk, inc)
    assert not desk.window.docks["incidentDetailDock"].visibleRegion().isEmpty()
    # selecting in the list follows it on the map
    other = _incident(
        desk, priority="P2", location=Location(lat=-3.30, lon=115.0, source="map", confirmed=True)
    )
    lst = desk.ui.incident_list
    desk.ui.map_binding.refresh()
    qtbot.waitUntil(lambda: any(r["id"] == other for r in panel._rows), timeout=5000)
    lst.refresh()
    qtbot.waitUntil(lambda: lst.model.rowCount() == 2, timeout=5000)
    lst.table.selectRow(1)
    assert lst.current_id() == other
    lat, lon = panel.lonlat_at(panel.rect().center())
    assert abs(lon - 115.0) < 0.05 and abs(lat - (-3.30)) < 0.05


def test_caller_who_calls_again_alt_i(qtbot, rina: Desk) -> None:  # type: ignore[no-untyped-def]
    desk, press = rina, _keys(qtbot, rina)
    inc = _incident(desk, caller_number="+6281299990000")
    desk.simulator.ring("0812-9999-0000")
    desk.ui.settle()
    number = desk.incidents.get(inc).number
    assert f"open incident {number}: Alt+U" in desk.window.incoming.keys.text()
    press(Qt.Key.Key_F2)
    press(Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)
    _opened(qtbot, desk, inc)
    (call,) = desk.store.query("SELECT incident_id, outcome, ended_at FROM calls")
    assert call["incident_id"] == inc and call["outcome"] == "emergency" and call["ended_at"] is not None
    assert desk.ui.incident_detail.calls.count() == 1
    # a number without an open incident: Alt+U says so and attaches nothing
    desk.simulator.ring("0813-1111-0000")
    press(Qt.Key.Key_F2)
    press(Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)
    assert "No open incident" in desk.window.statusBar().currentMessage()
    assert desk.store.query("SELECT count(*) FROM calls WHERE incident_id IS NOT NULL")[0][0] == 1


def test_list_filters_and_search(qtbot, rina: Desk) -> None:  # type: ignore[no-untyped-def]
    desk, lst = rina, rina.ui.incident_list
    _incident(desk, priority="P3")
    p1 = _incident(desk, priority="P1", category="medical", narrative="pingsan di pasar")
    lst.refresh()
    qtbot.waitUntil(lambda: lst.model.rowCount() == 2, timeout=5000)
    assert lst.model.rows[0].id == p1, "P1 first"
    lst.category.setCurrentIndex(lst.category.findData("medical"))
    qtbot.waitUntil(lambda: lst.model.rowCount() == 1, timeout=5000)
    lst.category.setCurrentIndex(0)
    lst.search.setText("pasar")
    lst.refresh()
    qtbot.waitUntil(lambda: [r.id for r in lst.model.rows] == [p1], timeout=5000)
    lst.search.setText("tidak-ada")
    lst.refresh()
    qtbot.waitUntil(lambda: lst.model.rowCount() == 0, timeout=5000)
    lst.search.setText("")
    lst.status.setCurrentIndex(lst.status.findData("closed_7d"))
    qtbot.waitUntil(lambda: lst.model.rowCount() == 0, timeout=5000)
