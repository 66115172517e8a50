"""The incident form at the sizes operators have (issue 16), in Bahasa Indonesia: after F2, F9 at 1366x768
every field to the Save button and the error line shows without scrolling and without a horizontal bar;
at 1024x600 no label is cut. Ctrl+Enter on an incomplete form shows the errors where the operator looks,
focuses the first wrong field, and each error goes once its field is fixed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QPoint, QRect, Qt, QTranslator
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QScrollArea, QWidget

from operator_desk.app import Desk, create_desk
from operator_desk.i18n import translations_dir


@pytest.fixture
def indonesian(qapp) -> Iterator[None]:  # type: ignore[no-untyped-def]
    tr = QTranslator()
    assert tr.load(str(translations_dir() / "operator_desk_id.qm"))
    QCoreApplication.installTranslator(tr)
    yield
    QCoreApplication.removeTranslator(tr)


@pytest.fixture
def id_desk(qtbot, tmp_path: Path, banjar_dir: Path, indonesian) -> Iterator[Desk]:  # type: ignore[no-untyped-def]
    d = create_desk(tmp_path / "data", region=banjar_dir, call_source="simulator", operator="Rina")
    qtbot.addWidget(d.window)
    d.window.show()
    qtbot.waitExposed(d.window)
    d.window.activateWindow()
    yield d
    d.close()


def _emergency(qtbot, desk: Desk, width: int, height: int) -> None:  # type: ignore[no-untyped-def]
    win = desk.window
    win.resize(width, height)
    desk.simulator.ring("+6281234567890")
    desk.settle()
    qtbot.keyClick(win, Qt.Key.Key_F2)
    desk.settle()
    qtbot.keyClick(win, Qt.Key.Key_F9)
    desk.settle()
    win.resize(width, height)  # a maximised window on a screen of that size
    QApplication.processEvents()
    qtbot.waitUntil(lambda: desk.ui.form.isVisible())
    assert (win.width(), win.height()) == (width, height), "the window cannot be made that small"


def _in_window(desk: Desk, w: QWidget) -> QRect:
    return QRect(w.mapTo(desk.window, QPoint(0, 0)), w.size())


def _scroll(desk: Desk) -> QScrollArea:
    area = desk.window.docks["incidentDock"].widget()
    assert isinstance(area, QScrollArea)
    return area


def test_at_1366x768_save_and_errors_show_without_scrolling(qtbot, id_desk: Desk) -> None:  # type: ignore[no-untyped-def]
    desk = id_desk
    _emergency(qtbot, desk, 1366, 768)
    form = desk.ui.form
    save = desk.window.findChild(QPushButton, "incidentSave")
    errors = desk.window.findChild(QLabel, "incidentErrors")
    assert save is not None and errors is not None and save is form.save_btn
    qtbot.keyClick(form.category, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # incomplete
    desk.settle()
    QApplication.processEvents()
    assert "Kategori" in errors.text() and errors.isVisible()
    area = _scroll(desk)
    assert not area.horizontalScrollBar().isVisible(), "a horizontal scroll bar"
    assert not area.verticalScrollBar().isVisible(), "the form scrolls at 1366x768"
    viewport = _in_window(desk, area.viewport())
    window = desk.window.rect()
    for w in (save, errors, form.refer_btn, form.category, form.victims, form.agencies, form.narrative):
        r = _in_window(desk, w)
        assert window.contains(r), (w.objectName(), r)
        assert viewport.contains(r), (w.objectName(), r, viewport)
    assert QApplication.focusWidget() is form.category  # the first wrong field
    assert desk.window.incoming.next.isVisible() and "Ctrl+Enter" in desk.window.incoming.next.text()


def test_at_1024x600_no_label_is_cut(qtbot, id_desk: Desk) -> None:  # type: ignore[no-untyped-def]
    desk = id_desk
    _emergency(qtbot, desk, 1024, 600)
    form = desk.ui.form
    area = _scroll(desk)
    assert not area.horizontalScrollBar().isVisible(), "a horizontal scroll bar at 1024x600"
    cut = []
    for label in form.findChildren(QLabel):
        if not label.isVisible() or not label.text():
            continue
        if label.wordWrap():
            if label.heightForWidth(label.width()) > label.height() + 1:
                cut.append(label.text())
        elif label.sizeHint().width() > label.width():
            cut.append(label.text())
    assert cut == []


def test_errors_go_as_their_fields_are_fixed(qtbot, id_desk: Desk) -> None:  # type: ignore[no-untyped-def]
    desk = id_desk
    _emergency(qtbot, desk, 1366, 768)
    form = desk.ui.form
    form.save()
    assert "Kategori: Wajib diisi" in form.errors.text() and "Lokasi" in form.errors.text()
    form.category.setCurrentIndex(form.category.findData("fire"))
    assert "Kategori" not in form.errors.text() and "Lokasi" in form.errors.text()
    form.set_point(-3.41, 114.85)
    assert form.errors.text() == ""
    assert desk.window.incoming.next.text() != ""  # the step now: Ctrl+Enter


def test_saved_number_stays_in_the_status_bar_and_the_window_comes_back(qtbot, id_desk: Desk) -> None:  # type: ignore[no-untyped-def]
    desk = id_desk
    win = desk.window
    assert win.docks["referralDock"].isVisible()
    _emergency(qtbot, desk, 1366, 768)
    assert not win.docks["referralDock"].isVisible()  # stepped aside for the form
    form = desk.ui.form
    form.category.setCurrentIndex(form.category.findData("fire"))
    form.set_point(-3.41, 114.85)
    with qtbot.waitSignal(form.saved, timeout=10_000):
        form.save()
    desk.settle()
    (number,) = [r[0] for r in desk.store.query("SELECT number FROM incidents")]
    last = desk.ui.status.last_incident
    assert last.isVisible() and number in last.text()
    assert win.docks["referralDock"].isVisible() and win.call_log.isVisible()  # the layout is back
    assert not win.incoming.next.isVisible()


def test_a_point_outside_the_region_is_marked_with_the_hint(qtbot, id_desk: Desk) -> None:  # type: ignore[no-untyped-def]
    desk = id_desk
    _emergency(qtbot, desk, 1366, 768)
    form = desk.ui.form
    form.confirm_overwrite = lambda: True
    form.set_point(-3.41, 114.85)  # Martapura: inside Kabupaten Banjar
    assert not form.kabupaten.hint.isVisible() and not form.current_location().outside_region
    form.set_point(-3.4425, 114.8305, source="map")  # Banjarbaru: outside
    assert form.kabupaten.hint.isVisible() and "112" in form.kabupaten.hint.text()
    assert form.current_location().outside_region
    form.kabupaten.combo.setEditText("Kota Banjarbaru")  # the operator names the kabupaten/kota
    form.kabupaten._changed()
    assert "Kota Banjarbaru" in form.kabupaten.hint.text()
    loc = form.current_location()
    assert (loc.kabupaten_name, loc.outside_region) == ("Kota Banjarbaru", True)


def test_a_draft_keeps_the_new_fields(qtbot, id_desk: Desk) -> None:  # type: ignore[no-untyped-def]
    desk = id_desk
    _emergency(qtbot, desk, 1366, 768)
    form = desk.ui.form
    form.category.setCurrentIndex(form.category.findData("body_found"))
    form.units.gang.setText("Mawar")
    form.units.rt.setText("3")
    form.callback.setText("0813 5000 1122")
    form.occurred.setText("23:50")
    form.relation.set_code("witness")
    form.source.set_code("walk_in")
    form.victims.boxes["victims_dead"].set_count(1)
    form.victims.boxes["victims_minor"].set_count(0)
    form.dirty = True
    form.save_draft()
    form.reset()
    assert form.victims.values()["victims_dead"] is None
    assert form.restore_draft()
    assert (form.units.gang.text(), form.units.rt.text(), form.occurred.text()) == ("Mawar", "3", "23:50")
    assert (form.relation.code(), form.source.code(), form.callback.text()) == ("witness", "walk_in", "0813 5000 1122")
    assert form.victims.values() == {"victims_dead": 1, "victims_severe": None, "victims_minor": 0,
                                     "victims_unknown": None}
