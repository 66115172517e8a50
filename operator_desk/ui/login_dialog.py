"""Log-in, session lock and supervisor re-authentication dialogs.

Checking a password (argon2id) takes a few hundred ms, so every check runs on the desk's task runner
and its answer comes back here; the GUI thread never waits for it. The dialogs do not log anyone in
themselves: they emit the authenticated `Account` and the login flow (ui/login_flow.py) decides.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import DomainError
from ..domain.rules import may
from ..services.accounts import Account, AccountService, PasswordChangeRequired
from .tasks import TaskRunner


def _password(parent: QWidget, name: str) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class _CredentialsDialog(QDialog):
    """Name + password, a message line and one button; the check runs on the task runner."""

    authenticated = Signal(object)  # the Account

    def __init__(self, accounts: AccountService, runner: TaskRunner, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.accounts, self.runner = accounts, runner
        self.account: Account | None = None
        self.setModal(True)
        self.setMinimumWidth(380)
        self.form = QFormLayout()
        self.name = QLineEdit(self)
        self.name.setObjectName("loginName")
        self.password = _password(self, "loginPassword")
        self.message = QLabel(self)
        self.message.setObjectName("loginMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b71c1c;")
        self.button = QPushButton(self)
        self.button.setObjectName("loginButton")
        self.button.setDefault(True)
        self.button.clicked.connect(self.submit)
        box = QVBoxLayout(self)
        box.addLayout(self.form)
        box.addWidget(self.message)
        box.addWidget(self.button)

    def submit(self) -> None:  # overridden
        raise NotImplementedError

    def _run(self, work: object) -> None:
        self.button.setEnabled(False)
        self.message.setText(QCoreApplication.translate("LoginDialog", "Checking…"))
        self.runner.run(work, self._done, self._failed)  # type: ignore[arg-type]

    def _done(self, account: Account) -> None:
        self.button.setEnabled(True)
        self.message.clear()
        self.password.clear()
        self.account = account
        self.authenticated.emit(account)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.button.setEnabled(True)
        self.password.clear()
        self.password.setFocus()
        if isinstance(exc, DomainError):
            from .errors import error_label

            self.message.setText(error_label(exc.code))
            return
        from .errors import message_for

        self.message.setText(message_for(exc))


class LoginDialog(_CredentialsDialog):
    """Log-in at the start of a shift (objectName `loginDialog`). On a desk with no account at all it
    asks for the first admin instead (no default passwords); after an admin's reset, for a new password."""

    def __init__(self, accounts: AccountService, runner: TaskRunner, parent: QWidget | None = None,
                 *, first_admin: bool = False, title: str | None = None) -> None:
        super().__init__(accounts, runner, parent)
        self.setObjectName("loginDialog")
        self.first_admin = first_admin
        self.changing = False
        self.setWindowTitle(title or self.tr("Log in — Operator Desk 112"))
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.layout().insertWidget(0, self.intro)  # type: ignore[union-attr]
        self.form.addRow(self.tr("Name"), self.name)
        self.form.addRow(self.tr("Password"), self.password)
        self.new_password = _password(self, "loginNewPassword")
        self.confirm = _password(self, "loginConfirm")
        self._new_label = QLabel(self.tr("New password"), self)
        self._confirm_label = QLabel(self.tr("Repeat the password"), self)
        self.form.addRow(self._new_label, self.new_password)
        self.form.addRow(self._confirm_label, self.confirm)
        self._mode()

    def _mode(self) -> None:
        if self.first_admin:
            self.intro.setText(self.tr("This desk has no account yet. Make the first admin account."))
            self.button.setText(self.tr("Make the admin account"))
        elif self.changing:
            self.intro.setText(self.tr("Your password was reset. Choose a new password."))
            self.button.setText(self.tr("Change the password"))
        else:
            self.intro.setText(self.tr("Log in with your own name and password."))
            self.button.setText(self.tr("Log in"))
        self._new_label.setVisible(self.changing)
        self.new_password.setVisible(self.changing)
        show_confirm = self.changing or self.first_admin
        self._confirm_label.setVisible(show_confirm)
        self.confirm.setVisible(show_confirm)
        self.name.setReadOnly(self.changing)

    def submit(self) -> None:
        name, password = self.name.text().strip(), self.password.text()
        if not name or not password:
            self.message.setText(self.tr("Enter your name and password"))
            return
        accounts = self.accounts
        if self.first_admin:
            if password != self.confirm.text():
                self.message.setText(self.tr("The two passwords differ"))
                return

            def first() -> Account:
                accounts.add(name, "admin", password)
                return accounts.authenticate(name, password)

            self._run(first)
        elif self.changing:
            new = self.new_password.text()
            if new != self.confirm.text():
                self.message.setText(self.tr("The two passwords differ"))
                return
            self._run(lambda: accounts.change_password(name, password, new))
        else:
            self._run(lambda: accounts.authenticate(name, password))

    def _done(self, account: Account) -> None:
        self.new_password.clear()
        self.confirm.clear()
        super()._done(account)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, PasswordChangeRequired) and not self.changing:
            self.changing = True
            self._mode()
            self.button.setEnabled(True)
            self.message.setText(self.tr("Choose a new password to continue"))
            self.password.setText(self.password.text())  # the old password stays for the change
            self.new_password.setFocus()
            return
        super()._failed(exc)


class LockDialog(_CredentialsDialog):
    """The session is locked (idle): only the logged-in account's password unlocks it; `Log out` lets
    another operator log in instead (objectName `lockDialog`)."""

    logoutRequested = Signal()

    def __init__(self, accounts: AccountService, runner: TaskRunner, account: Account,
                 parent: QWidget | None = None) -> None:
        super().__init__(accounts, runner, parent)
        self.setObjectName("lockDialog")
        self.setWindowTitle(self.tr("Desk locked"))
        self.locked_for = account
        self.name.setText(account.name)
        self.name.setReadOnly(True)
        intro = QLabel(self.tr("The desk was locked after a while without use. Enter your password."), self)
        intro.setWordWrap(True)
        self.layout().insertWidget(0, intro)  # type: ignore[union-attr]
        self.form.addRow(self.tr("Name"), self.name)
        self.form.addRow(self.tr("Password"), self.password)
        self.button.setText(self.tr("Unlock"))
        self.logout = QPushButton(self.tr("Log out"), self)
        self.logout.setObjectName("lockLogout")
        self.logout.clicked.connect(self._logout)
        self.layout().addWidget(self.logout)  # type: ignore[union-attr]

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.password.setFocus()  # the name is given: the password is what the operator types

    def submit(self) -> None:
        password, name, accounts = self.password.text(), self.locked_for.name, self.accounts
        if not password:
            self.message.setText(self.tr("Enter your password"))
            return
        self._run(lambda: accounts.authenticate(name, password, purpose="unlock"))

    def _logout(self) -> None:
        self._leaving = True
        self.logoutRequested.emit()
        self.reject()

    def reject(self) -> None:
        """Esc does not unlock: only the password or `Log out` closes this dialog."""
        if getattr(self, "_leaving", False):
            super().reject()


class ReAuthDialog(_CredentialsDialog):
    """A supervisor types their own name and password at an operator's desk to authorise one action
    (objectName `reauthDialog`); the action is then recorded as theirs, on behalf of the operator."""

    def __init__(self, accounts: AccountService, runner: TaskRunner, action: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(accounts, runner, parent)
        self.setObjectName("reauthDialog")
        self.action = action
        self.setWindowTitle(self.tr("Supervisor approval"))
        intro = QLabel(self.tr("This needs a supervisor. The supervisor enters their own name and password."),
                       self)
        intro.setWordWrap(True)
        self.layout().insertWidget(0, intro)  # type: ignore[union-attr]
        self.form.addRow(self.tr("Supervisor"), self.name)
        self.form.addRow(self.tr("Password"), self.password)
        self.button.setText(self.tr("Approve"))

    def submit(self) -> None:
        name, password, accounts, action = self.name.text().strip(), self.password.text(), self.accounts, self.action
        if not name or not password:
            self.message.setText(self.tr("Enter your name and password"))
            return

        def check() -> Account:
            account = accounts.authenticate(name, password, purpose="reauth")
            if not may(account.role, action):
                raise DomainError("supervisor_required", "that account may not do this", "account")
            return account

        self._run(check)
