"""An operator's supervisor-only action in the sync conflicts and agencies dialogs: a supervisor approves
with their own password at this desk (ReAuthDialog) and the action is recorded as theirs on behalf of the
operator; a wrong password applies nothing; a supervisor logged in directly is not asked."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog

from operator_desk.app import Desk, create_desk
from operator_desk.domain.location import Location
from operator_desk.services.accounts import AccountService
from operator_desk.store.store import Store
from operator_desk.ui.agencies_dialog import AgenciesDialog
from operator_desk.ui.conflicts_dialog import ConflictsDialog
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
        for name, role in (("Rina", "supervisor"), ("Ahmad", "operator"), ("Siti", "operator")):
            svc.add(name, role, PW)
    finally:
        store.close()
    return data


def _desk(qtbot, data_dir: Path, who: str) -> Desk:  # type: ignore[no-untyped-def]
    desk = create_desk(data_dir, call_source="simulator", login=(who, PW))
    qtbot.addWidget(desk.window)
    desk.window.show()
    qtbot.waitExposed(desk.window)
    return desk


@pytest.fixture
def opened(monkeypatch) -> Iterator[list[QDialog]]:  # type: ignore[no-untyped-def]
    """The menu's modal dialogs are shown instead of exec'd (exec would block the test)."""
    shown: list[QDialog] = []

    def fake_exec(self: QDialog) -> int:
        shown.append(self)
        self.show()
        return 0

    monkeypatch.setattr(QDialog, "exec", fake_exec)
    yield shown


def _menu(qtbot, desk: Desk, opened: list[QDialog], action: str) -> Any:  # type: ignore[no-untyped-def]
    act = desk.window.findChild(QAction, action)
    assert act is not None
    act.trigger()
    dialog = opened[-1]
    qtbot.addWidget(dialog)
    if isinstance(dialog, AgenciesDialog):  # its reads run on the desk's task runner
        qtbot.waitUntil(lambda: dialog.current_id is not None, timeout=5000)
        desk.settle()
    return dialog


def _conflict(desk: Desk) -> str:
    inc = desk.incidents.create(
        {
            "category": "medical",
            "priority": "P2",
            "narrative": "newer text",
            "location": Location(lat=-3.4, lon=114.8, source="map", confirmed=True),
        }
    )

    def job(conn):  # type: ignore[no-untyped-def]  # as the hub writes it after ingesting two edits
        conn.execute(
            "INSERT INTO conflicts (id, tbl, pk, col, local_value, local_hlc, local_site, remote_value, remote_hlc,"
            " remote_site, detected_at) VALUES ('c1','incidents',?,'narrative',?,'0000000000001-00000','s1',?,"
            "'0000000000002-00000','s2',?)",
            (inc, json.dumps("older text"), json.dumps("newer text"), desk.store.now_ms()),
        )

    desk.store.raw_write(job)
    return inc


def on_behalf(desk: Desk) -> list[dict[str, object]]:
    return [
        {**json.loads(r["detail"]), "by": r["operator"]}
        for r in desk.store.query("SELECT * FROM audit WHERE action='on_behalf' ORDER BY seq")
    ]


def submit(qtbot, dialog: ReAuthDialog, name: str, password: str) -> None:  # type: ignore[no-untyped-def]
    dialog.name.setText(name)
    dialog.password.setText(password)
    qtbot.mouseClick(dialog.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.button.isEnabled(), timeout=10_000)  # the check ran on the runner


def narrative(desk: Desk, inc: str) -> str:
    return str(desk.store.query("SELECT narrative FROM incidents WHERE id=?", (inc,))[0][0])


def test_an_operator_resolves_a_conflict_with_a_supervisors_password(  # type: ignore[no-untyped-def]
    qtbot, data_dir: Path, opened: list[QDialog]
) -> None:
    desk = _desk(qtbot, data_dir, "Ahmad")
    try:
        inc = _conflict(desk)
        dialog = _menu(qtbot, desk, opened, "actConflicts")
        assert isinstance(dialog, ConflictsDialog) and dialog.table.rowCount() == 1
        qtbot.mouseClick(dialog.take, Qt.MouseButton.LeftButton)
        assert isinstance(dialog.reauth, ReAuthDialog) and dialog.reauth.isVisible()
        reauth = dialog.reauth
        submit(qtbot, reauth, "Siti", PW)  # another operator cannot approve
        assert reauth.message.text() == error_label("supervisor_required") and reauth.isVisible()
        submit(qtbot, reauth, "Rina", "salah-sandi")  # a wrong password: nothing applied
        assert reauth.message.text() == error_label("bad_credentials") and reauth.isVisible()
        desk.settle()
        assert narrative(desk, inc) == "newer text"
        assert desk.store.query("SELECT resolved_at FROM conflicts WHERE id='c1'")[0][0] is None
        assert on_behalf(desk) == []
        submit(qtbot, reauth, "Rina", PW)
        qtbot.waitUntil(lambda: dialog.table.rowCount() == 0, timeout=5000)
        desk.settle()
        assert narrative(desk, inc) == "older text"
        assert dialog.message.text() == "Resolved" and dialog.reauth is None
        row = desk.store.query("SELECT resolution, resolved_by FROM conflicts WHERE id='c1'")[0]
        assert (row[0], row[1]) == ("took_older", "Rina")
        (behalf,) = on_behalf(desk)
        assert (behalf["by"], behalf["operator"], behalf["action"]) == ("Rina", "Ahmad", "resolve_conflict")
        assert desk.store.operator == "Ahmad"  # the desk is still Ahmad's
    finally:
        desk.close()


def test_a_cancelled_approval_resolves_nothing(  # type: ignore[no-untyped-def]
    qtbot, data_dir: Path, opened: list[QDialog]
) -> None:
    desk = _desk(qtbot, data_dir, "Ahmad")
    try:
        inc = _conflict(desk)
        dialog = _menu(qtbot, desk, opened, "actConflicts")
        qtbot.mouseClick(dialog.keep, Qt.MouseButton.LeftButton)
        reauth = dialog.reauth
        assert isinstance(reauth, ReAuthDialog)
        reauth.reject()
        assert dialog.reauth is None
        desk.settle()
        assert dialog.table.rowCount() == 1 and narrative(desk, inc) == "newer text"
        assert desk.store.query("SELECT resolved_at FROM conflicts WHERE id='c1'")[0][0] is None
        assert on_behalf(desk) == []
    finally:
        desk.close()


def test_an_operator_edits_an_agency_with_a_supervisors_password(  # type: ignore[no-untyped-def]
    qtbot, data_dir: Path, opened: list[QDialog]
) -> None:
    desk = _desk(qtbot, data_dir, "Ahmad")
    try:
        dialog = _menu(qtbot, desk, opened, "actAgencies")
        assert isinstance(dialog, AgenciesDialog)
        assert dialog.save_btn.isEnabled()  # offered: a supervisor approves
        assert dialog.status.text() == "A supervisor approves changes to the agencies"
        pk = dialog.current_id
        assert pk is not None
        before = desk.agencies.get(pk)["phone"]
        dialog.phone.setText("0511-4721234")
        qtbot.mouseClick(dialog.save_btn, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.reauth is not None, timeout=5000)  # the refusal came from the runner
        reauth = dialog.reauth
        assert isinstance(reauth, ReAuthDialog) and reauth.isVisible()
        submit(qtbot, reauth, "Rina", "salah-sandi")
        assert reauth.message.text() == error_label("bad_credentials")
        desk.settle()
        assert desk.agencies.get(pk)["phone"] == before and on_behalf(desk) == []
        submit(qtbot, reauth, "Rina", PW)
        qtbot.waitUntil(lambda: dialog.status.text() == "Saved", timeout=5000)
        desk.settle()
        assert desk.agencies.get(pk)["phone"] == "+625114721234"
        (behalf,) = on_behalf(desk)
        assert (behalf["by"], behalf["operator"], behalf["action"]) == ("Rina", "Ahmad", "edit_agencies")
        assert desk.store.operator == "Ahmad"
    finally:
        desk.close()


def test_fields_are_checked_before_a_supervisor_is_asked(  # type: ignore[no-untyped-def]
    qtbot, data_dir: Path, opened: list[QDialog]
) -> None:
    desk = _desk(qtbot, data_dir, "Ahmad")
    try:
        dialog = _menu(qtbot, desk, opened, "actAgencies")
        pk = dialog.current_id
        before = desk.agencies.get(pk)["phone"]
        dialog.phone.setText("not a number")
        dialog.save()
        qtbot.waitUntil(lambda: dialog.status.text() == "Check: Phone", timeout=5000)
        assert dialog.reauth is None
        desk.settle()
        assert desk.agencies.get(pk)["phone"] == before and on_behalf(desk) == []
    finally:
        desk.close()


def test_a_supervisor_logged_in_is_not_asked(  # type: ignore[no-untyped-def]
    qtbot, data_dir: Path, opened: list[QDialog]
) -> None:
    desk = _desk(qtbot, data_dir, "Rina")
    try:
        inc = _conflict(desk)
        conflicts = _menu(qtbot, desk, opened, "actConflicts")
        qtbot.mouseClick(conflicts.take, Qt.MouseButton.LeftButton)
        assert conflicts.reauth is None and conflicts.table.rowCount() == 0
        assert narrative(desk, inc) == "older text"
        agencies = _menu(qtbot, desk, opened, "actAgencies")
        assert agencies.status.text() == ""
        pk = agencies.current_id
        agencies.phone.setText("0511-4721234")
        qtbot.mouseClick(agencies.save_btn, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: agencies.status.text() == "Saved", timeout=5000)
        assert agencies.reauth is None
        assert desk.agencies.get(pk)["phone"] == "+625114721234"
        desk.settle()
        assert on_behalf(desk) == []
        assert desk.store.query("SELECT resolved_by FROM conflicts WHERE id='c1'")[0][0] == "Rina"
        assert not any(isinstance(w, ReAuthDialog) for w in opened)
    finally:
        desk.close()
