"""The admins' Accounts dialog: every account with its role and state; add, disable, enable, reset.

The service refuses anyone but an admin (`admin_required`), so the dialog only shows what it says;
hashing a new password takes a few hundred ms and runs on the task runner like every write here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import DomainError
from ..domain.rules import ROLES
from ..services.accounts import Account, AccountService
from .tasks import TaskRunner


class AccountsDialog(QDialog):
    """Accounts of the center (objectName `accountsDialog`)."""

    def __init__(self, accounts: AccountService, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("accountsDialog")
        self.setWindowTitle(self.tr("Accounts"))
        self.setMinimumWidth(560)
        self.accounts, self.runner = accounts, runner
        self.rows: list[Account] = []
        self.roles = {"operator": self.tr("operator"), "supervisor": self.tr("supervisor"),
                      "admin": self.tr("admin")}
        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("accountsTable")
        self.table.setHorizontalHeaderLabels([self.tr("Name"), self.tr("Role"), self.tr("State")])
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.name = QLineEdit(self)
        self.name.setObjectName("accountName")
        self.role = QComboBox(self)
        self.role.setObjectName("accountRole")
        for code in ROLES:
            self.role.addItem(self.roles[code], code)
        self.password = QLineEdit(self)
        self.password.setObjectName("accountPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.add = QPushButton(self.tr("Add account"), self)
        self.add.setObjectName("accountAdd")
        self.disable = QPushButton(self.tr("Disable"), self)
        self.enable = QPushButton(self.tr("Enable"), self)
        self.reset = QPushButton(self.tr("Reset password"), self)
        self.reset.setToolTip(self.tr("The password above; the account must change it at its next log-in"))
        self.message = QLabel(self)
        self.message.setObjectName("accountsMessage")
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Role"), self.role)
        form.addRow(self.tr("Password"), self.password)
        buttons = QHBoxLayout()
        for b in (self.add, self.disable, self.enable, self.reset):
            buttons.addWidget(b)
        box = QVBoxLayout(self)
        box.addWidget(self.table, 1)
        box.addLayout(form)
        box.addLayout(buttons)
        box.addWidget(self.message)
        self.add.clicked.connect(self._add)
        self.disable.clicked.connect(lambda: self._on_selected(self.accounts.disable))
        self.enable.clicked.connect(lambda: self._on_selected(self.accounts.enable))
        self.reset.clicked.connect(self._reset)
        self.table.itemSelectionChanged.connect(self._selected)
        self.reload()

    def reload(self) -> None:
        self.runner.run(self.accounts.all, self._show, self._failed, key=f"accounts-{id(self)}")

    def _show(self, rows: list[Account]) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        for i, a in enumerate(rows):
            state = self.tr("disabled") if a.disabled else (
                self.tr("must change the password") if a.must_change else self.tr("active"))
            for col, text in enumerate((a.name, self.roles.get(a.role, a.role), state)):
                self.table.setItem(i, col, QTableWidgetItem(text))

    def _selected(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.rows):
            self.name.setText(self.rows[row].name)
            self.role.setCurrentIndex(max(0, self.role.findData(self.rows[row].role)))

    def _run(self, work: Callable[[], Any], done_text: str) -> None:
        def done(_result: Any) -> None:
            self.password.clear()
            self.message.setStyleSheet("")
            self.message.setText(done_text)
            self.reload()

        self.runner.run(work, done, self._failed)

    def _add(self) -> None:
        name, role, password, svc = self.name.text(), str(self.role.currentData()), self.password.text(), \
            self.accounts
        self._run(lambda: svc.add(name, role, password), self.tr("Account added"))

    def _reset(self) -> None:
        name, password, svc = self.name.text(), self.password.text(), self.accounts
        self._run(lambda: svc.reset(name, password), self.tr("Password reset: it must be changed at the next log-in"))

    def _on_selected(self, action: Callable[[str], Account]) -> None:
        name = self.name.text()
        self._run(lambda: action(name), self.tr("Saved"))

    def _failed(self, exc: BaseException) -> None:
        from .errors import error_label, message_for

        self.message.setStyleSheet("color: #b71c1c;")
        if isinstance(exc, DomainError):
            problems = getattr(exc, "problems", None)
            code = next(iter(problems.values())) if problems else exc.code
            self.message.setText(error_label(code))
        else:
            self.message.setText(message_for(exc))


def open_accounts(window: Any, accounts: AccountService, runner: TaskRunner) -> AccountsDialog:
    dialog = AccountsDialog(accounts, runner, window)
    dialog.open()
    return dialog
