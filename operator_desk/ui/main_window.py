"""The main window only composes: docks, menus, keys and the wiring of signals between parts."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QScrollArea,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ..domain.enums import CallOutcome
from ..services.accounts import Account
from ..services.calls import CallerHistory, CallService
from ..services.session import DeskSession
from .call_log import CallLogPanel
from .incident_form import FormRoom, IncidentForm
from .incoming import CallerHistoryView, IncomingCallBar
from .status import DeskStatusBar
from .tasks import TaskRunner, default_runner

log = logging.getLogger(__name__)
LAYOUT_VERSION = 3
SCROLLED_DOCKS = frozenset({"incidentDock", "incidentDetailDock", "referralDock", "handoverDock"})  # bump when docks change: an older saved layout is then ignored


def _referral_board_keys() -> list[tuple[str, str]]:
    """The referral board's keys (on its table), for the F1 help."""
    from .referral_board import ReferralBoard

    return ReferralBoard.keys_help()


class MainWindow(QMainWindow):
    """Operator Desk. Parts arrive built; this class arranges them and routes operator keys."""

    logoutRequested = Signal()
    switchRequested = Signal()

    def __init__(
        self,
        *,
        session: DeskSession,
        calls: CallService,
        call_log: CallLogPanel,
        form: IncidentForm,
        status: DeskStatusBar,
        settings_path: Path,
        extra_docks: list[tuple[str, str, QWidget]] | None = None,
        runner: TaskRunner | None = None,
    ) -> None:
        super().__init__()
        self.runner = runner or default_runner()
        self._history: CallerHistory | None = None
        self._history_for: str | None = None
        self.detail_save: Callable[[], bool] | None = None  # Ctrl+Enter in the incident detail (compose.py)
        self.setObjectName("mainWindow")
        self.setWindowTitle(self.tr("Operator Desk — 112"))
        self.session = session
        self.calls = calls
        self.call_log = call_log
        self.form = form
        self.settings_path = settings_path
        self.incoming = IncomingCallBar(session, self)
        self.history = CallerHistoryView(self)
        self.setStatusBar(status)
        self.status = status

        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.incoming)
        layout.addWidget(call_log, 1)
        self.setCentralWidget(central)
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks)
        self.docks: dict[str, QDockWidget] = {}
        self._dock("incidentDock", self.tr("Incident"), form, Qt.DockWidgetArea.RightDockWidgetArea)
        self._dock(
            "historyDock", self.tr("Caller history"), self.history, Qt.DockWidgetArea.RightDockWidgetArea
        )
        bottom: list[QDockWidget] = []
        bottom: list[QDockWidget] = []
        for name, title, widget in extra_docks or []:
            if name == "mapDock":
                self._dock(name, title, widget, Qt.DockWidgetArea.LeftDockWidgetArea)
            elif name == "incidentDetailDock":  # beside the form, a tab of its own
                self.tabifyDockWidget(
                    self.docks["incidentDock"], self._dock(name, title, widget, Qt.DockWidgetArea.RightDockWidgetArea)
                )
                self.docks["incidentDock"].raise_()
            else:
                bottom.append(self._dock(name, title, widget, Qt.DockWidgetArea.BottomDockWidgetArea))
        for first, other in zip(bottom, bottom[1:], strict=False):
            self.tabifyDockWidget(first, other)
        if bottom:
            bottom[0].raise_()

        self.user = QLabel(self)
        self.user.setObjectName("loggedInUser")
        bar = QToolBar(self.tr("Log-in"), self)
        bar.setObjectName("dutyBar")
        bar.addWidget(self.user)
        self.logout_action = QAction(self.tr("Log out"), self)
        self.logout_action.setObjectName("actLogout")
        self.logout_action.triggered.connect(lambda _c=False: self.logoutRequested.emit())
        self.switch_action = QAction(self.tr("Switch user"), self)
        self.switch_action.setObjectName("actSwitchUser")
        self.switch_action.triggered.connect(lambda _c=False: self.switchRequested.emit())
        bar.addAction(self.switch_action)
        bar.addAction(self.logout_action)
        self.addToolBar(bar)
        self.accounts_action: QAction | None = None
        self._account: Account | None = None
        self.show_user(None)
        self._actions()
        session.subscribe(self.refresh_call)
        # an open emergency gets the room it needs; its next step on the bar, its number kept in the status bar
        self.form_room = FormRoom(self, form, self.docks, [call_log], LAYOUT_VERSION)
        form.step_changed.connect(self.incoming.set_step)
        form.saved_number.connect(status.set_last_incident)
        self.restore_layout()

    def _dock(self, name: str, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        if name in SCROLLED_DOCKS:  # tall forms scroll instead of making the window taller than the screen
            scroll = QScrollArea(dock)
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QScrollArea.Shape.NoFrame)
            scroll.setWidget(widget)
            dock.setWidget(scroll)
        else:
            dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.addDockWidget(area, dock)
        self.docks[name] = dock
        return dock

    def _action(
        self, menu, text: str, keys: list[QKeySequence], slot: Callable[[], object], name: str
    ) -> QAction:  # type: ignore[no-untyped-def]
        act = QAction(text, self)
        act.setObjectName(name)
        act.setShortcuts(keys)
        act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        act.triggered.connect(lambda _checked=False: self._guarded(slot))
        menu.addAction(act)
        self.addAction(act)
        return act

    def _guarded(self, slot: Callable[[], object]) -> None:
        """An operator key never crashes the desk: whatever the slot raises is shown as `show_error` does.
        Never a modal dialog mid-call, never the exception's own text (that is logged)."""
        try:
            slot()
        except Exception as exc:  # noqa: BLE001 - the operator-key boundary: log + translated message, no crash
            self.show_error(exc)

    def _actions(self) -> None:
        K = QKeySequence
        call = self.menuBar().addMenu(self.tr("&Call"))
        self._action(call, self.tr("Answer / manual call"), [K(Qt.Key.Key_F2)], self.answer, "actAnswer")
        self._action(call, self.tr("Hold / return"), [K(Qt.Key.Key_F4)], self.hold_call, "actHold")  # hold14
        self._action(
            call,
            self.tr("Ghost / silent"),
            [K(Qt.Key.Key_F5)],
            lambda: self.close_call(CallOutcome.GHOST),
            "actGhost",
        )
        self._action(
            call, self.tr("Prank"), [K(Qt.Key.Key_F6)], lambda: self.close_call(CallOutcome.PRANK), "actPrank"
        )
        self._action(
            call,
            self.tr("Information request"),
            [K(Qt.Key.Key_F7)],
            lambda: self.close_call(CallOutcome.INFORMATION),
            "actInfo",
        )
        self._action(
            call,
            self.tr("Wrong number"),
            [K(Qt.Key.Key_F8)],
            lambda: self.close_call(CallOutcome.WRONG_NUMBER),
            "actWrong",
        )
        self._action(
            call, self.tr("Emergency: incident form"), [K(Qt.Key.Key_F9)], self.emergency, "actEmergency"
        )
        inc = self.menuBar().addMenu(self.tr("&Incident"))
        inc.setObjectName("incidentMenu")
        self._action(
            inc,
            self.tr("Save incident"),
            [K(Qt.Modifier.CTRL | Qt.Key.Key_Return), K(Qt.Modifier.CTRL | Qt.Key.Key_Enter)],
            self._save,
            "actSave",
        )
        self._action(
            inc, self.tr("Refer to agency"), [K(Qt.Modifier.CTRL | Qt.Key.Key_R)], self.form.refer, "actRefer"
        )
        view = self.menuBar().addMenu(self.tr("&View"))
        self._action(
            view,
            self.tr("Search the call log"),
            [K(Qt.Modifier.CTRL | Qt.Key.Key_F)],
            self.call_log.focus_search,
            "actSearch",
        )
        for dock in self.docks.values():
            view.addAction(dock.toggleViewAction())
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self._action(help_menu, self.tr("Operator keys"), [K(Qt.Key.Key_F1)], self.show_keys, "actKeys")

    # -- operator keys --------------------------------------------------------------------------------
    def answer(self) -> None:
        self.session.answer()

    def hold_call(self) -> None:
        """F4 (hold14): hold the call on the line, or return to the held one (swap when both)."""
        if self.session.current is None and not self.session.held:
            self.statusBar().showMessage(self.tr("No call to hold"), 3000)
            return
        self.session.hold()

    def close_call(self, outcome: str) -> None:
        if self.session.current is None and not self.session.ringing:
            self.statusBar().showMessage(self.tr("No call to close"), 3000)
            return
        self.session.close(outcome)

    def emergency(self) -> None:
        live = self.session.emergency_call()
        self.docks["incidentDock"].show()
        self.docks["incidentDock"].raise_()
        self.form.start(live.call_id, live.number_raw)
        if live.device_location and live.device_location.get("lat") is not None:
            # shown, never taken by itself: the operator confirms with Ctrl+L
            self.form.info.setText(self.tr("The caller's phone sent a location: Ctrl+L to use it"))

    def refresh_call(self) -> None:
        """The ringing or current call changed: the bar at once, the caller's history when looked up."""
        s = self.session
        self.incoming.waiting_lookup.refresh(s, self.calls, self.runner, self.incoming.redraw)  # "+1 waiting"
        live = s.current or (s.ringing[0] if s.ringing else None)
        if not (live and live.number_raw):
            self.history.show_history(None)
            self.incoming.refresh(None)
            return
        self.incoming.refresh(self._history if self._history_for == live.number_raw else None)
        number, call_id, calls = live.number_raw, live.call_id, self.calls

        def show(hist: CallerHistory) -> None:
            now = s.current or (s.ringing[0] if s.ringing else None)
            if now is None or now.call_id != call_id:
                return  # the line moved on while it was looked up
            self._history, self._history_for = hist, number
            self.history.show_history(hist)
            self.incoming.refresh(hist)

        self.runner.run(lambda: calls.history(number, exclude_call=call_id), show, key="caller-history")

    def add_location_action(self, take: Callable[[], object]) -> None:
        menu = self.findChild(QMenu, "incidentMenu")
        self._action(menu, self.tr("Use the caller's device location"), [QKeySequence("Ctrl+L")], take,
                     "actTakeLocation")

    def _save(self) -> None:
        """Ctrl+Enter: the incident detail's changes when it has the focus, else the incident form."""
        if self.detail_save is not None and self.detail_save():
            return
        self.form.save()

    def add_incident_work(
        self,
        open_list: Callable[[], object],
        note: Callable[[], object],
        attach_open: Callable[[], object],
        back: Callable[[], object],
    ) -> None:
        """The keys of working a saved incident (issue 12): F3, Ctrl+N, Alt+U, Esc (Alt+I is the Incident menu)."""
        menu = self.findChild(QMenu, "incidentMenu")
        self._action(menu, self.tr("Incident list"), [QKeySequence(Qt.Key.Key_F3)], open_list, "actIncidentList")
        self._action(menu, self.tr("Add a note"), [QKeySequence("Ctrl+N")], note, "actIncidentNote")
        self._action(menu, self.tr("Attach the call to the caller's open incident"), [QKeySequence("Alt+U")],
                     attach_open, "actAttachOpenIncident")
        self._action(menu, self.tr("Back to the current call"), [QKeySequence(Qt.Key.Key_Escape)], back,
                     "actBackToCall")

    def add_admin_menu(
        self,
        open_settings: Callable[[], object],
        open_agencies: Callable[[], object],
        open_conflicts: Callable[[], object],
        open_sync_problems: Callable[[], object] | None = None,
        open_accounts: Callable[[], object] | None = None,
    ) -> None:
        menu = self.menuBar().addMenu(self.tr("&Desk"))
        if open_accounts is not None:  # admins only (the service refuses the others anyway)
            self.accounts_action = self._action(menu, self.tr("Accounts…"), [], open_accounts, "actAccounts")
            self.show_user(self._account)
        self._action(menu, self.tr("Settings…"), [], open_settings, "actSettings")
        self._action(menu, self.tr("Agencies…"), [], open_agencies, "actAgencies")
        self._action(menu, self.tr("Sync conflicts…"), [], open_conflicts, "actConflicts")
        if open_sync_problems is not None:
            self._action(menu, self.tr("Sync problems…"), [], open_sync_problems, "actSyncProblems")

    def add_training_menu(
        self,
        ring: Callable[[], object] | None = None,
        hangup: Callable[[], object] | None = None,
        open_training: Callable[[], object] | None = None,
    ) -> None:
        """The Training menu: open the training desk (a real desk); with the simulator, make calls ring."""
        menu = getattr(self, "_training_menu", None)
        if menu is None:
            menu = self._training_menu = self.menuBar().addMenu(self.tr("&Training"))
        if open_training is not None:
            self._action(menu, self.tr("Open the training desk…"), [], open_training, "actOpenTraining")
        if ring is not None:
            self._action(menu, self.tr("Simulate a ringing call"), [QKeySequence("Ctrl+Shift+S")], ring, "actSimRing")
        if hangup is not None:
            self._action(menu, self.tr("Simulate: caller hangs up"), [QKeySequence("Ctrl+Shift+H")], hangup,
                         "actSimHangup")

    def show_training_banner(self) -> None:
        """The training desk: a banner above the calls that never goes away, and the window title says it."""
        banner = QLabel(self.tr("TRAINING / LATIHAN — nothing done here reaches the center"), self)
        banner.setObjectName("trainingBanner")
        banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        banner.setStyleSheet("background:#b00020; color:white; font-weight:bold; font-size:14px; padding:4px;")
        layout = self.centralWidget().layout()
        if isinstance(layout, QVBoxLayout):
            layout.insertWidget(0, banner)
        self.setWindowTitle(self.tr("TRAINING") + " — " + self.windowTitle())

    def keys_help(self) -> list[tuple[str, str]]:
        """The operator keys of CONTRACT.md, as the Help shows them, then every other key of the window
        (its actions and shortcuts, the form's Alt+letter buttons: desk_actions.every_key) and the board's."""
        from .desk_actions import every_key

        return every_key(self, [
            ("F2", self.tr("Answer the ringing call (or open a manual call)")),
            ("F4", self.tr("Hold the call / return to the held call (F2 on a call: hold it, answer the waiting one)")),
            ("F5", self.tr("Close the call as ghost / silent")),
            ("F6", self.tr("Close the call as prank")),
            ("F7", self.tr("Close the call as information request")),
            ("F8", self.tr("Close the call as wrong number")),
            ("F9", self.tr("Emergency: open the incident form")),
            ("Ctrl+Enter", self.tr("Save the incident")),
            ("Ctrl+R", self.tr("Refer the incident to an agency")),
            ("Ctrl+F", self.tr("Search the call log")),
            ("F3", self.tr("The incident list (Enter opens the selected incident)")),
            ("Ctrl+N", self.tr("Add a note to the open incident")),
            ("Alt+U", self.tr("Attach the current call to the caller's open incident and open it")),
            ("Esc", self.tr("Back to the current call")),
        ], after=_referral_board_keys())

    def show_keys(self) -> None:
        """F1: the keys, in a box that does not block the desk (the keys keep working while it is open)."""
        from html import escape

        rows = "".join(
            f"<tr><td><b>{escape(k)}</b>&nbsp;&nbsp;</td><td>{escape(t)}</td></tr>" for k, t in self.keys_help()
        )
        box = QMessageBox(QMessageBox.Icon.NoIcon, self.tr("Operator keys"), f"<table>{rows}</table>",
                          QMessageBox.StandardButton.Close, self)
        box.setObjectName("keysHelp")
        box.setModal(False)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.show()

    def show_user(self, account: Account | None) -> None:
        """Who is logged in, in the toolbar (roles by their translated names)."""
        roles = {"operator": self.tr("operator"), "supervisor": self.tr("supervisor"), "admin": self.tr("admin")}
        if account is None:
            self.user.setText(self.tr("Nobody is logged in") + "  ")
        else:
            self.user.setText(self.tr("Logged in: {name} ({role})").format(
                name=account.name, role=roles.get(account.role, account.role)) + "  ")
        self.logout_action.setEnabled(account is not None)
        self.switch_action.setEnabled(account is not None)
        self._account = account
        if self.accounts_action is not None:
            self.accounts_action.setEnabled(account is not None and account.role == "admin")

    def show_error(self, exc: BaseException) -> None:
        """A failure of an operator key, a background write or a task: its translated label in the status
        bar (a refusal briefly; a store failure as "Not saved: …"), the details in the desk log."""
        from ..domain.errors import DeskError, DomainError
        from .errors import code_of, report

        bar = self.statusBar()
        if isinstance(exc, DomainError):  # a refusal of the work's rules: say which, briefly
            report(exc, lambda text: bar.showMessage(text, 8000), log)
            return
        not_saved = isinstance(exc, DeskError | OSError) and code_of(exc).startswith("store_")
        report(exc, lambda text: bar.showMessage(
            self.tr("Not saved: {reason}").format(reason=text) if not_saved else text, 15000), log)

    # -- layout memory (geometry only; everything else is typed settings) -----------------------------
    def _settings(self) -> QSettings:
        return QSettings(str(self.settings_path), QSettings.Format.IniFormat)

    def restore_layout(self) -> None:
        s = self._settings()
        geo = s.value("geometry")
        state = s.value("state")
        self.first_start = geo is None  # run_gui opens the window maximised then
        if geo is not None:
            self.restoreGeometry(geo)
        else:
            self.resize(1440, 900)
        if state is None:  # first start: a big map, the board low and short
            wide = [self.docks[n] for n in ("mapDock", "incidentDock") if n in self.docks]
            self.resizeDocks(wide, [480, 400][: len(wide)], Qt.Orientation.Horizontal)
            lows = [d for n, d in self.docks.items() if n in ("referralDock", "handoverDock", "statsDock")]
            if lows:
                self.resizeDocks(lows[:1], [230], Qt.Orientation.Vertical)
        if state is not None:
            self.restoreState(state, LAYOUT_VERSION)

    def save_layout(self) -> None:
        s = self._settings()
        s.setValue("geometry", self.saveGeometry())
        s.setValue("state", self.form_room.normal_state() or self.saveState(LAYOUT_VERSION))
        s.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.form.save_draft()
        self.save_layout()
        super().closeEvent(event)
