"""The supervisor's conflicts dialog: both values shown, one click decides, non-supervisors are told no."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt

from operator_desk.app import Desk
from operator_desk.domain.location import Location
from operator_desk.services.conflicts import ConflictService
from operator_desk.services.operators import OperatorService
from operator_desk.ui.conflicts_dialog import ConflictsDialog


def _conflict(desk: Desk) -> str:
    inc = desk.incidents.create({"category": "medical", "priority": "P2", "narrative": "newer text",
                                 "location": Location(lat=-3.4, lon=114.8, source="map", confirmed=True)})

    def job(conn):  # type: ignore[no-untyped-def]  # as the hub writes it after ingesting two edits
        conn.execute(
            "INSERT INTO conflicts (id, tbl, pk, col, local_value, local_hlc, local_site, remote_value, remote_hlc,"
            " remote_site, detected_at) VALUES ('c1','incidents',?,'narrative',?,'0000000000001-00000','s1',?,"
            "'0000000000002-00000','s2',?)",
            (inc, json.dumps("older text"), json.dumps("newer text"), desk.store.now_ms()),
        )

    desk.store.raw_write(job)
    return inc


def test_supervisor_takes_the_older_value(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    inc = _conflict(desk)
    dialog = ConflictsDialog(ConflictService(desk.store))
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 2).text() == "older text" and dialog.table.item(0, 3).text() == "newer text"
    qtbot.mouseClick(dialog.take, Qt.MouseButton.LeftButton)
    assert "supervisor" in dialog.message.text().lower()  # Rina is not on the roster as supervisor yet
    OperatorService(desk.store).add("Rina", "supervisor")
    qtbot.mouseClick(dialog.take, Qt.MouseButton.LeftButton)
    assert desk.store.query("SELECT narrative FROM incidents WHERE id=?", (inc,))[0][0] == "older text"
    assert dialog.table.rowCount() == 0
    assert desk.store.query("SELECT resolution FROM conflicts WHERE id='c1'")[0][0] == "took_older"
