"""A full disk while saving: a clear message, nothing typed lost, nothing saved corrupted."""

from __future__ import annotations

import json
import subprocess
import sys

from PySide6.QtCore import Qt

from operator_desk.app import Desk
from operator_desk.domain.location import Location


def _fill_disk(desk: Desk, full: bool) -> None:
    """SQLite's max_page_count on the writer connection gives the very error of a full disk (SQLITE_FULL)."""

    def job(conn):  # type: ignore[no-untyped-def]
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages if full else 1073741823}")

    desk.store.raw_write(job)


def test_save_on_a_full_disk_keeps_the_form_and_the_store(qtbot, desk: Desk, press) -> None:  # type: ignore[no-untyped-def]
    press(Qt.Key.Key_F2)
    press(Qt.Key.Key_F9)
    form = desk.window.form
    form.category.setCurrentIndex(form.category.findData("medical"))
    form.location = Location(lat=-3.41, lon=114.85, desa_code="63.03.05.2001", source="map", confirmed=True)
    form.narrative.setPlainText("Korban tidak sadar, napas berat " * 200)  # a long text needs new pages
    _fill_disk(desk, True)
    press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "Not saved" in form.errors.text() and "full" in form.errors.text()
    assert desk.store.query("SELECT count(*) FROM incidents")[0][0] == 0
    assert form.narrative.toPlainText().startswith("Korban tidak sadar")  # nothing typed is lost
    form.dirty = True
    form.save_draft()  # the autosave meets the same full disk: says so, does not crash
    assert "Draft not saved" in form.info.text()

    _fill_disk(desk, False)  # space freed
    press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert desk.store.query("SELECT count(*) FROM incidents")[0][0] == 1
    data_dir = desk.store.path.parent  # `check` reads alongside the running desk (WAL readers)
    res = subprocess.run([sys.executable, "-m", "operator_desk.cli", "check", "--data-dir", str(data_dir)],
                         capture_output=True, text=True)
    assert res.returncode == 0, json.loads(res.stdout)["problems"]
