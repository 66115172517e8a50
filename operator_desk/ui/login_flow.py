"""Who is at the desk: the log-in dialog at the start, log out, switch user, and the idle lock.

The lock comes after `idle_ms` without a key or mouse event (the desk setting, default 15 minutes,
never more than 30), but never while a call rings or is in progress: it then waits for the line to be
free. Only the logged-in account's password unlocks it; `Log out` there lets the next operator in.
Writes (the audit rows of log-out and switch user) run on the task runner.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

from ..services.accounts import Account, idle_lock_minutes
from .login_dialog import LockDialog, LoginDialog
from .tasks import TaskRunner

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialog

    from ..core import Core
    from .main_window import MainWindow
    from .status import DeskStatusBar

log = logging.getLogger(__name__)
_ACTIVITY = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
})


class LoginFlow(QObject):
    """Drives the log-in, lock and switch-user dialogs over `core.accounts`; the window shows who is
    logged in (`MainWindow.show_user`) and offers Log out / Switch user."""

    changed = Signal(object)  # Account | None, on the GUI thread
    locked = Signal()
    unlocked = Signal()

    def __init__(self, core: Core, window: MainWindow, status: DeskStatusBar, runner: TaskRunner, *,
                 idle_ms: int | None = None, check_ms: int | None = None) -> None:
        super().__init__(window)
        self.core, self.window, self.status, self.runner = core, window, status, runner
        self.accounts = core.accounts
        self.idle_ms = idle_ms if idle_ms is not None else idle_lock_minutes(core.store) * 60_000
        self.dialog: QDialog | None = None
        self._stopping = False
        self.last_activity = time.monotonic()
        self.timer = QTimer(self)
        self.timer.setInterval(check_ms if check_ms is not None else max(50, min(self.idle_ms // 4, 5000)))
        self.timer.timeout.connect(self.check_idle)
        self.changed.connect(self._show)
        core.login_listeners.append(self.changed.emit)  # may run on a worker: the signal brings it here
        window.logoutRequested.connect(self.log_out)
        window.switchRequested.connect(self.switch_user)
        app = QCoreApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self._show(core.account)
        self.timer.start()

    # -- what the window shows ------------------------------------------------------------------------
    def _show(self, account: Account | None) -> None:
        self.window.show_user(account)
        self.status.set_operator(account.name if account else None)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY:
            self.last_activity = time.monotonic()
        return False

    # -- log-in -----------------------------------------------------------------------------------------
    def start(self) -> None:
        """At the start of the desk: the log-in dialog unless someone is logged in already."""
        if self.core.account is None:
            self.ask_login()

    def ask_login(self, *, switching: bool = False) -> LoginDialog:
        # no account at all: the first admin is made here - unless the desk is joined to a hub, whose
        # accounts arrive with the first sync (a local admin made before that would be refused there)
        first = self.accounts.count() == 0 and not self.core.server
        dialog = LoginDialog(self.accounts, self.runner, self.window, first_admin=first,
                             title=self.tr("Switch user") if switching else None)
        dialog.authenticated.connect(lambda account: self._logged_in(account, switching))
        dialog.rejected.connect(lambda: self._login_cancelled(switching))
        self._open(dialog)
        return dialog

    def _logged_in(self, account: Account, switching: bool) -> None:
        self.dialog = None
        self.last_activity = time.monotonic()
        current = self.core.account
        if switching and current is not None and current.id != account.id:
            self.runner.run(lambda: self.core.switch_user(account), None)
        else:
            self.core.log_in(account)

    def _login_cancelled(self, switching: bool) -> None:
        self.dialog = None
        if self._stopping:
            return
        if not switching and self.core.account is None:
            self.window.close()  # nobody may use the desk without logging in

    def log_out(self) -> None:
        """The operator leaves: audited, then the log-in dialog for the next one."""
        if self.dialog is not None:
            self.dialog.close()
            self.dialog = None
        self.runner.run(self.core.log_out, lambda _r: self._ask_again())

    def _ask_again(self) -> None:
        self.ask_login()

    def switch_user(self) -> None:
        """Shift change: the next operator logs in over the current one (one audit row names both)."""
        if self.dialog is None:
            self.ask_login(switching=True)

    # -- idle lock ---------------------------------------------------------------------------------------
    def line_busy(self) -> bool:
        s = self.core.session
        return s.current is not None or bool(s.ringing) or bool(s.held)

    def check_idle(self) -> None:
        if self.core.account is None or self.dialog is not None:
            return
        if (time.monotonic() - self.last_activity) * 1000 < self.idle_ms:
            return
        if self.line_busy():
            return  # never while a call rings or is in progress: lock once the line is free
        self.lock()

    def lock(self) -> LockDialog | None:
        account = self.core.account
        if account is None:
            return None
        self.runner.run(lambda: self.accounts.record("session_lock", account), None)
        dialog = LockDialog(self.accounts, self.runner, account, self.window)
        dialog.authenticated.connect(lambda _a: self._unlocked())
        dialog.logoutRequested.connect(self._locked_out)
        self._open(dialog)
        self.locked.emit()
        return dialog

    def _unlocked(self) -> None:
        self.dialog = None
        self.last_activity = time.monotonic()
        self.unlocked.emit()

    def _locked_out(self) -> None:
        self.dialog = None
        self.log_out()

    def _open(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.open()

    def stop(self) -> None:
        """Shutdown: the idle timer, the event filter and an open dialog."""
        self._stopping = True
        self.timer.stop()
        app = QCoreApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        if self.dialog is not None:
            try:
                self.dialog.done(0)
            except RuntimeError:
                pass
            self.dialog = None
