"""Log-in, lock, switch user and a supervisor's approval on the real window, with real argon2id."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from operator_desk.app import Desk, create_desk
from operator_desk.domain.errors import DomainError
from operator_desk.domain.location import Location
from operator_desk.services.accounts import AccountService
from operator_desk.store.store import Store
from operator_desk.ui.errors import error_label
from operator_desk.ui.login_dialog import LockDialog, LoginDialog, ReAuthDialog

PW = "kata-sandi-1"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A desk with accounts (made by the trusted command line, as `accounts add` does)."""
    data = tmp_path / "data"
    data.mkdir()
    store = Store(data / "desk.sqlite")
    try:
        svc = AccountService(store, trusted=True)
        for name, role in (("Admin", "admin"), ("Rina", "supervisor"), ("Ahmad", "operator"),
                           ("Siti", "operator")):
            svc.add(name, role, PW)
    finally:
        store.close()
    return data


def _open(qtbot, desk: Desk) -> Desk:  # type: ignore[no-untyped-def]
    qtbot.addWidget(desk.window)
    desk.window.show()
    qtbot.waitExposed(desk.window)
    return desk


@pytest.fixture
def fresh(qtbot, data_dir: Path) -> Iterator[Desk]:  # type: ignore[no-untyped-def]
    """A desk nobody has logged in to yet."""
    desk = _open(qtbot, create_desk(data_dir, call_source="simulator"))
    yield desk
    desk.close()


def audit(desk: Desk, action: str) -> list[dict[str, object]]:
    return [
        {**json.loads(r["detail"]), "by": r["operator"]}
        for r in desk.store.query("SELECT * FROM audit WHERE action=? ORDER BY seq", (action,))
    ]


def submit(qtbot, dialog, name: str | None, password: str) -> None:  # type: ignore[no-untyped-def]
    if name is not None:
        dialog.name.setText(name)
    dialog.password.setText(password)
    qtbot.mouseClick(dialog.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.button.isEnabled(), timeout=10_000)  # the check ran on the runner


def test_log_in_wrong_password_then_right(qtbot, fresh: Desk) -> None:  # type: ignore[no-untyped-def]
    assert fresh.core.account is None and fresh.store.operator is None
    assert "Nobody" in fresh.window.user.text() and not fresh.window.logout_action.isEnabled()
    fresh.ui.login.start()  # type: ignore[union-attr]
    dialog = fresh.ui.login.dialog  # type: ignore[union-attr]
    assert isinstance(dialog, LoginDialog) and dialog.objectName() == "loginDialog" and dialog.isVisible()
    assert not dialog.first_admin
    submit(qtbot, dialog, "Ahmad", "bukan-sandinya")
    assert dialog.message.text() == error_label("bad_credentials") and dialog.isVisible()
    assert fresh.core.account is None
    submit(qtbot, dialog, "ahmad", PW)
    qtbot.waitUntil(lambda: fresh.core.account is not None, timeout=5000)
    assert not dialog.isVisible()
    assert fresh.core.account.name == fresh.store.operator == "Ahmad"  # type: ignore[union-attr]
    assert "Ahmad" in fresh.window.user.text() and fresh.window.logout_action.isEnabled()
    assert "Ahmad" in fresh.window.status.operator.text()
    assert [a["reason"] for a in audit(fresh, "login_failed")] == ["bad_credentials"]
    assert [a["by"] for a in audit(fresh, "login")] == ["Ahmad"]
    fresh.simulator.ring("+6281234567890")  # what the operator does from now on records the account
    qtbot.waitUntil(lambda: bool(fresh.session.ringing), timeout=5000)
    fresh.session.answer()
    fresh.session.close("ghost")
    fresh.settle()
    assert fresh.store.query("SELECT operator FROM calls")[0][0] == "Ahmad"


def test_five_failures_lock_the_account(qtbot, fresh: Desk) -> None:  # type: ignore[no-untyped-def]
    fresh.core.accounts.lock_ms = 1500  # ten minutes at a desk; short here
    fresh.ui.login.start()  # type: ignore[union-attr]
    dialog = fresh.ui.login.dialog  # type: ignore[union-attr]
    for _ in range(4):
        submit(qtbot, dialog, "Siti", "salah-sandi")
        assert dialog.message.text() == error_label("bad_credentials")
    submit(qtbot, dialog, "Siti", "salah-sandi")
    assert dialog.message.text() == error_label("account_locked")
    submit(qtbot, dialog, "Siti", PW)  # the right password does not open a locked account
    assert dialog.message.text() == error_label("account_locked") and fresh.core.account is None
    assert len(audit(fresh, "account_locked")) == 1
    qtbot.wait(1600)
    submit(qtbot, dialog, "Siti", PW)
    qtbot.waitUntil(lambda: fresh.core.account is not None, timeout=5000)
    assert fresh.core.account.name == "Siti"  # type: ignore[union-attr]


def test_a_desk_without_accounts_asks_for_the_first_admin(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    desk = _open(qtbot, create_desk(tmp_path / "new", call_source="simulator"))
    try:
        desk.ui.login.start()  # type: ignore[union-attr]
        dialog = desk.ui.login.dialog  # type: ignore[union-attr]
        assert isinstance(dialog, LoginDialog) and dialog.first_admin and dialog.confirm.isVisible()
        dialog.confirm.setText("lain-lagi-1")
        submit(qtbot, dialog, "Kepala", PW)
        assert "differ" in dialog.message.text() and desk.core.accounts.count() == 0
        dialog.confirm.setText(PW)
        submit(qtbot, dialog, "Kepala", PW)
        qtbot.waitUntil(lambda: desk.core.account is not None, timeout=5000)
        assert (desk.core.account.name, desk.core.account.role) == ("Kepala", "admin")  # type: ignore[union-attr]
    finally:
        desk.close()


def test_a_reset_password_is_changed_at_log_in(qtbot, fresh: Desk) -> None:  # type: ignore[no-untyped-def]
    AccountService(fresh.store, trusted=True).reset("Siti", "sementara-1")
    fresh.ui.login.start()  # type: ignore[union-attr]
    dialog = fresh.ui.login.dialog  # type: ignore[union-attr]
    submit(qtbot, dialog, "Siti", "sementara-1")
    assert dialog.changing and dialog.new_password.isVisible() and fresh.core.account is None
    dialog.new_password.setText("baru-sekali-1")
    dialog.confirm.setText("baru-sekali-1")
    submit(qtbot, dialog, None, "sementara-1")
    qtbot.waitUntil(lambda: fresh.core.account is not None, timeout=5000)
    assert not fresh.core.account.must_change  # type: ignore[union-attr]
    assert fresh.core.accounts.authenticate("Siti", "baru-sekali-1").name == "Siti"


def test_login_from_automation_and_a_refused_one(qtbot, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as e:
        create_desk(data_dir, call_source="simulator", login=("Rina", "salah-sandi"))
    assert e.value.code == "bad_credentials"
    desk = _open(qtbot, create_desk(data_dir, call_source="simulator", login=("Rina", PW)))
    try:
        assert desk.core.account.role == "supervisor" and desk.store.operator == "Rina"  # type: ignore[union-attr]
        desk.ui.login.start()  # type: ignore[union-attr]
        assert desk.ui.login.dialog is None  # type: ignore[union-attr]  # logged in: no dialog
    finally:
        desk.close()


def test_idle_lock_waits_for_the_call_to_end_and_unlocks_with_the_password(qtbot, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    desk = _open(qtbot, create_desk(data_dir, call_source="simulator", login=("Ahmad", PW), idle_lock_ms=300))
    try:
        flow = desk.ui.login
        assert flow is not None
        desk.simulator.ring("+6281234567890")
        qtbot.waitUntil(lambda: bool(desk.session.ringing), timeout=5000)
        qtbot.wait(600)  # idle, but a call rings: no lock
        assert flow.dialog is None
        desk.session.answer()
        qtbot.wait(600)  # idle, on a call: no lock
        assert flow.dialog is None
        desk.session.close("information")  # the line is free: the lock follows
        qtbot.waitUntil(lambda: isinstance(flow.dialog, LockDialog), timeout=5000)
        dialog = flow.dialog
        assert dialog.objectName() == "lockDialog" and dialog.isVisible()
        assert dialog.name.text() == "Ahmad" and dialog.name.isReadOnly()
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Esc does not unlock
        assert dialog.isVisible()
        submit(qtbot, dialog, None, "salah-sandi")
        assert dialog.message.text() == error_label("bad_credentials") and dialog.isVisible()
        submit(qtbot, dialog, None, PW)
        qtbot.waitUntil(lambda: flow.dialog is None, timeout=5000)
        assert not dialog.isVisible() and desk.core.account.name == "Ahmad"  # type: ignore[union-attr]
        desk.settle()
        assert len(audit(desk, "session_lock")) >= 1 and [a["by"] for a in audit(desk, "unlock")] == ["Ahmad"]
        assert [a["reason"] for a in audit(desk, "unlock_failed")] == ["bad_credentials"]
    finally:
        desk.close()


def test_switch_user_then_log_out(qtbot, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    desk = _open(qtbot, create_desk(data_dir, call_source="simulator", login=("Ahmad", PW)))
    try:
        flow = desk.ui.login
        assert flow is not None
        desk.window.switch_action.trigger()
        dialog = flow.dialog
        assert isinstance(dialog, LoginDialog) and dialog.isVisible()
        submit(qtbot, dialog, "Siti", PW)
        qtbot.waitUntil(lambda: desk.store.operator == "Siti", timeout=5000)
        qtbot.waitUntil(lambda: "Siti" in desk.window.user.text(), timeout=5000)
        desk.settle()
        (switch,) = audit(desk, "switch_user")
        assert (switch["from"], switch["to"], switch["by"]) == ("Ahmad", "Siti", "Siti")
        desk.window.logout_action.trigger()
        qtbot.waitUntil(lambda: isinstance(flow.dialog, LoginDialog), timeout=5000)
        assert desk.core.account is None and desk.store.operator is None
        assert "Nobody" in desk.window.user.text()
        assert [a["by"] for a in audit(desk, "logout")] == ["Siti"]
    finally:
        desk.close()


def test_an_operator_override_needs_a_supervisor_who_approves_at_this_desk(  # type: ignore[no-untyped-def]
    qtbot, data_dir: Path
) -> None:
    desk = _open(qtbot, create_desk(data_dir, call_source="simulator", login=("Ahmad", PW)))
    try:
        inc = desk.incidents.create({"category": "fire", "priority": "P1", "location": Location(
            address="Jl. Sukaramai", kecamatan_code="63.03.05", kecamatan_name="Martapura", confirmed=True)})
        damkar = next(a for a in desk.agencies.all() if a["kind"] == "fire")
        desk.referrals.refer(inc, damkar["id"])
        board = desk.ui.board
        board.refresh()
        qtbot.waitUntil(lambda: board.model.rowCount() == 1, timeout=5000)
        board.table.selectRow(0)
        board.disposition.setText("api padam")
        board.override.setText("Damkar melapor lewat radio")
        board.close_incident()
        qtbot.waitUntil(lambda: isinstance(board.reauth, ReAuthDialog), timeout=5000)
        dialog = board.reauth
        assert dialog.objectName() == "reauthDialog" and dialog.isVisible()
        submit(qtbot, dialog, "Siti", PW)  # another operator cannot approve
        assert dialog.message.text() == error_label("supervisor_required") and dialog.isVisible()
        submit(qtbot, dialog, "Rina", "salah-sandi")
        assert dialog.message.text() == error_label("bad_credentials")
        submit(qtbot, dialog, "Rina", PW)
        qtbot.waitUntil(lambda: desk.incidents.get(inc).status == "closed", timeout=5000)
        desk.settle()
        (override,) = desk.store.query("SELECT operator FROM audit WHERE action='incident_close_override'")
        assert override[0] == "Rina"
        (behalf,) = audit(desk, "on_behalf")
        assert (behalf["by"], behalf["operator"], behalf["action"]) == ("Rina", "Ahmad", "override_close")
        assert desk.store.operator == "Ahmad"  # the desk is still Ahmad's
    finally:
        desk.close()


def test_the_accounts_dialog_is_for_admins(qtbot, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QAction

    from operator_desk.ui.accounts_dialog import AccountsDialog

    desk = _open(qtbot, create_desk(data_dir, call_source="simulator", login=("Ahmad", PW)))
    try:
        action = desk.window.findChild(QAction, "actAccounts")
        assert not action.isEnabled()  # an operator
        # even when opened, the service refuses an operator's change
        dialog = AccountsDialog(desk.core.accounts, desk.ui.runner, desk.window)
        qtbot.addWidget(dialog)
        qtbot.waitUntil(lambda: dialog.table.rowCount() == 4, timeout=5000)
        dialog.name.setText("Budi")
        dialog.password.setText("rahasia-budi")
        qtbot.mouseClick(dialog.add, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.message.text() == error_label("admin_required"), timeout=10_000)
        assert desk.core.accounts.get("Budi") is None
        dialog.close()
    finally:
        desk.close()
    desk = _open(qtbot, create_desk(data_dir, call_source="simulator", login=("Admin", PW)))
    try:
        action = desk.window.findChild(QAction, "actAccounts")
        assert action.isEnabled()
        action.trigger()
        dialog = desk.ui.dialogs[-1]
        assert isinstance(dialog, AccountsDialog) and dialog.objectName() == "accountsDialog"
        qtbot.waitUntil(lambda: dialog.table.rowCount() == 4, timeout=5000)
        dialog.name.setText("Budi")
        dialog.role.setCurrentIndex(dialog.role.findData("supervisor"))
        dialog.password.setText("rahasia-budi")
        qtbot.mouseClick(dialog.add, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.table.rowCount() == 5, timeout=10_000)
        assert desk.core.accounts.get("Budi").role == "supervisor"  # type: ignore[union-attr]
        qtbot.mouseClick(dialog.disable, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: desk.core.accounts.get("Budi").disabled, timeout=5000)  # type: ignore[union-attr]
        names = [dialog.table.item(i, 0).text() for i in range(dialog.table.rowCount())]
        assert names == sorted(names, key=str.casefold)
    finally:
        desk.close()
