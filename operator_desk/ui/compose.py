"""The Qt half of the composition root: the window and its views over a built `Core`.

`build_ui(core)` makes the bridge, the task runner, the views and the bindings, declares every view's
subscription to the bridge in one place (`_subscribe`), and returns a `DeskUi` whose `close()` stops
its timers and waits for its background work. No view holds the store: they get services and query
objects, and every write or slow read they start runs on the task runner.
"""

from __future__ import annotations

import gc
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QWidget

from ..core import Core, RegionContext
from ..services.call_log import CallLogQuery
from ..services.conflicts import ConflictService
from ..services.device_location import DeviceLocationService
from ..services.incident_edit import IncidentEditor
from ..services.incident_list import IncidentListQuery
from ..services.landmarks import LandmarkService
from ..services.map_view import MapIncidents
from ..services.recordings import RecordingService
from ..services.shifts import ShiftService
from ..services.stats import StatsService
from ..services.sync_problems import SyncProblems
from ..services.timeline import TimelineQuery
from ..telephony.source import SimulatorSource
from . import desk_actions
from .accounts_dialog import open_accounts
from .bridge import Bridge
from .call_events import QtCallEvents
from .call_log import CallLogPanel
from .form_services import FormServices
from .incident_detail import TABLES as DETAIL_TABLES
from .incident_detail import IncidentDetail
from .incident_form import IncidentForm
from .incident_list import IncidentList
from .lazy_host import LazyHost
from .login_flow import LoginFlow
from .main_window import MainWindow
from .map_host import MapHost
from .referral_board import ReferralBoard
from .referral_send_dialog import bind_referral_messages
from .status import DeskStatusBar
from .tasks import TaskRunner
from .telephony_binding import TelephonyBinding

if TYPE_CHECKING:
    from .map import MapPanel
    from .map_binding import MapBinding

log = logging.getLogger(__name__)
REGION_DELAY_MS = 50


def _single_shot() -> QTimer:
    timer = QTimer()
    timer.setSingleShot(True)
    return timer


@dataclass
class DeskUi:
    """The widgets of one desk and what drives them."""

    core: Core
    window: MainWindow
    bridge: Bridge
    runner: TaskRunner
    status: DeskStatusBar
    form: IncidentForm
    board: ReferralBoard
    handover: LazyHost
    stats: LazyHost
    map_host: MapHost
    telephony: TelephonyBinding
    events: QtCallEvents
    map_panel: MapPanel | None = None
    map_binding: MapBinding | None = None
    login: LoginFlow | None = None
    incident_list: IncidentList | None = None
    incident_detail: IncidentDetail | None = None
    region_timer: QTimer = field(default_factory=_single_shot, repr=False)
    dialogs: list[QWidget] = field(default_factory=list, repr=False)
    sms: Any = None  # ui/referral_send_dialog.SmsPolling when the [sms] gateway is on
    floor: Any = None  # ui/floor_board.FloorBinding: message banner, Break, the supervisor's board
    _closed: bool = field(default=False, repr=False)

    def settle(self, timeout_s: float = 10.0) -> None:
        """Wait until every write and background task given so far has finished and been delivered
        (tests, the screenshot, shutdown). Not for use in a slot."""
        app = QCoreApplication.instance()
        for _ in range(3):
            self.core.session.wait_written(timeout_s)
            self.runner.wait(int(timeout_s * 1000))
            self.core.store.drain(timeout_s)
            if app is not None:
                app.processEvents()
            self.bridge.flush_now()
            if app is not None:
                app.processEvents()
            if not self.runner.busy():
                break

    def close(self) -> None:
        """Save the draft and the layout, stop timers and background work. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        self.region_timer.stop()
        if self.login is not None:
            self.login.stop()
        for dialog in self.dialogs:
            try:
                dialog.close()
            except RuntimeError:
                pass  # already deleted by Qt
        self.dialogs.clear()
        try:
            self.form.save_draft()
            self.window.save_layout()
            self.window.hide()
            self.window.call_log.stop()
            self.form.stop()
            self.status.stop()
            self.board.stop()
            if self.sms is not None:
                self.sms.stop()
            if self.floor is not None:
                self.floor.stop()
            if self.incident_detail is not None:
                self.incident_detail.save_draft()
                self.incident_detail.stop()
            if self.incident_list is not None:
                self.incident_list.stop()
            handover = self.handover.widget
            if handover is not None and hasattr(handover, "stop"):
                handover.stop()
            stats = self.stats.widget
            if stats is not None and hasattr(stats, "stop"):
                stats.stop()
        except RuntimeError:
            log.warning("widgets already deleted at close")
        self.runner.shutdown()
        self.bridge.flush_now()
        self.bridge.stop()


def build_ui(core: Core, *, background: bool = False, idle_lock_ms: int | None = None) -> DeskUi:
    """Compose the window over `core` (needs a QApplication). With `background=True` a region that is
    not loaded yet loads on the task runner after the first paint. `idle_lock_ms` overrides the desk's
    idle lock (tests); without a logged-in account `ui.login.start()` shows the log-in dialog."""
    store = core.store
    ctx = core.region
    runner = TaskRunner()
    bridge = Bridge()
    store.subscribe(bridge.post)
    form = IncidentForm(FormServices(core.incidents, core.referrals, core.agencies, core.drafts, region=ctx),
                        runner=runner)
    status = DeskStatusBar(store.site_code, ctx.zone, store.now_ms)
    status.set_operator(store.operator)
    board = ReferralBoard(referrals=core.referrals, agencies=core.agencies, incidents=core.incidents,
                          now_ms=store.now_ms, accounts=core.accounts, current_account=lambda: core.account,
                          zone=ctx.zone)
    shifts = ShiftService(store, core.referrals)
    handover = LazyHost(lambda: _make_handover(shifts, store.now_ms, ctx, runner))  # built when first shown
    stats_service = StatsService(store, zone=ctx.zone)
    stats = LazyHost(lambda: _make_stats(stats_service, store.now_ms, ctx, runner), name="statsPanel")
    map_host = MapHost()
    incident_list = IncidentList(IncidentListQuery(store, zone=ctx.zone), runner)
    detail = IncidentDetail(
        IncidentEditor(store), TimelineQuery(store), runner, gazetteer=ctx.gazetteer, locate=ctx.locate,
        suggest_agencies=core.agencies.suggest, refer=core.referrals.refer, accounts=core.accounts,
        current_account=lambda: core.account, zone=ctx.zone,
        live_location=lambda: next((c.device_location for c in core.session.live_calls() if c.device_location), None),
    )

    window = MainWindow(
        extra_docks=[
            ("mapDock", QCoreApplication.translate("MainWindow", "Map"), map_host),
            ("incidentDetailDock", QCoreApplication.translate("MainWindow", "Incident detail"), detail),
            ("incidentListDock", QCoreApplication.translate("MainWindow", "Incidents"), incident_list),
            ("referralDock", QCoreApplication.translate("MainWindow", "Referrals"), board),
            ("handoverDock", QCoreApplication.translate("MainWindow", "Shift handover"), handover),
            ("statsDock", QCoreApplication.translate("MainWindow", "Statistics"), stats),
        ],
        session=core.session,
        calls=core.calls,
        call_log=CallLogPanel(CallLogQuery(store)),
        form=form,
        status=status,
        settings_path=core.data_dir / "window.ini",
        runner=runner,
    )
    events = QtCallEvents(window)
    events.status.connect(status.set_source)
    recordings = RecordingService(store, core.data_dir)
    telephony = TelephonyBinding(
        events, core.session, DeviceLocationService(store), recordings, window, runner,
        get_map=lambda: ui.map_panel, get_uploader=lambda: core.uploader, now_ms=store.now_ms, parent=window,
    )
    window.add_location_action(
        lambda: detail.take_device_location() if detail.has_focus() else telephony.take_location())
    ui = DeskUi(core, window, bridge, runner, status, form, board, handover, stats, map_host, telephony, events)
    ui.incident_list, ui.incident_detail = incident_list, detail
    ui.login = LoginFlow(core, window, status, runner, idle_ms=idle_lock_ms)
    ui.login.changed.connect(lambda _account: _handover_changed(ui, None))  # who is on duty changed
    from .floor_board import FloorBinding

    ui.floor = FloorBinding(ui)  # the floor (issue 14): banner, Break, the board for supervisors
    runner.on_error = lambda exc: _show_failure(window, exc)
    core.session.write_failed.append(bridge.write_failed.emit)
    bridge.write_failed.connect(lambda exc: _show_failure(window, exc))

    def replay(call_id: str) -> None:
        from .replay_dialog import open_replay

        def show(item: Any) -> None:
            if item is None:
                window.statusBar().showMessage(QCoreApplication.translate("MainWindow", "This call has no recording"), 4000)
            else:
                ui.dialogs.append(open_replay(window, item))  # closed with the desk (its player, its timer)

        runner.run(lambda: recordings.open_for_replay(call_id), show, key="replay")

    window.call_log.call_activated.connect(replay)
    _wire_incident_work(ui, replay)

    def follow_incident(call_id: str) -> None:
        """Selecting a call of an incident selects and follows that incident on the map."""

        def follow(incident_id: str | None) -> None:
            if ui.map_panel is not None and incident_id:
                ui.map_panel.select_incident(incident_id)
                ui.map_panel.follow(incident_id)

        runner.run(lambda: core.calls.get(call_id).get("incident_id"), follow, key="follow-incident")

    window.call_log.call_selected.connect(follow_incident)
    stats.follow(window.docks["statsDock"])
    handover.follow(window.docks["handoverDock"])
    conflicts = ConflictService(store)
    reauth = {"runner": runner, "accounts": core.accounts, "current_account": lambda: core.account}
    window.add_admin_menu(
        lambda: desk_actions.open_settings(window, core.data_dir),
        lambda: desk_actions.open_agencies(window, core.agencies, ctx.region, **reauth),
        lambda: desk_actions.open_conflicts(window, conflicts, **reauth),
        lambda: desk_actions.open_sync_problems(window, SyncProblems(store), runner),
        open_accounts=lambda: ui.dialogs.append(open_accounts(window, core.accounts, runner)),
    )
    form.saved.connect(lambda incident_id: _finish_emergency(core, incident_id))
    _subscribe(ui)
    ui.sms = bind_referral_messages(ui)  # the board's Message (M): copy, WhatsApp, SMS (referral12)
    core.source.start(events)
    from .training import install_training

    install_training(window, core)  # the banner of a training desk, or the way to open it
    if isinstance(core.source, SimulatorSource):
        desk_actions.add_training(window, core.source, core.calls)
    ctx.subscribe(lambda c: _region_installed(ui, c))
    if ctx.path is None:
        map_host.no_region()
    elif not ctx.loaded and background:
        # Start once the event loop runs, so the first paint of the window does not share the GIL with
        # the imports of numpy and shapely on the worker. The timer is the desk's: close() stops it.
        ui.region_timer.setInterval(REGION_DELAY_MS)
        ui.region_timer.timeout.connect(
            lambda: runner.run(ctx.load, ctx.install, lambda exc: _region_failed(ui, exc)))
        ui.region_timer.start()
    elif not ctx.loaded:
        ctx.install(ctx.load())
    core.sync_listeners.append(bridge.sync_status.emit)
    bridge.sync_status.connect(status.set_sync)
    form.restore_draft()
    _freeze_long_lived()
    return ui


def _subscribe(ui: DeskUi) -> None:
    """Every view's subscription to the bridge, in one place: which tables each one redraws for."""
    b = ui.bridge
    b.subscribe(ui.window.call_log.model.apply_changes, "calls", "incidents",
                owner=ui.window.call_log.model)
    b.subscribe(lambda _ch: ui.board.refresh(), "referrals", "incidents", "agencies", owner=ui.board)
    b.subscribe(ui.telephony.on_changes, "device_locations")
    if ui.incident_list is not None:
        b.subscribe(ui.incident_list.on_changes, "incidents", "referrals", "referral_events")  # issue 12
    if ui.incident_detail is not None:
        b.subscribe(ui.incident_detail.on_changes, *DETAIL_TABLES)
    b.subscribe(lambda ch: _handover_changed(ui, ch), "incidents", "referrals", "calls", "shifts",
                "shift_handovers", owner=ui.handover)


def open_incident(ui: DeskUi, incident_id: str, *, focus: bool = True) -> None:
    """Show the incident in the detail dock (from the list, a map marker, Alt+U)."""
    if ui.incident_detail is None:
        return
    dock = ui.window.docks["incidentDetailDock"]
    dock.show()
    dock.raise_()
    ui.incident_detail.open_incident(incident_id, focus=focus)


def _wire_incident_work(ui: DeskUi, replay: Any) -> None:
    """Issue 12: the list, the detail, their keys, the map and the caller who calls again."""
    lst, detail, window, core = ui.incident_list, ui.incident_detail, ui.window, ui.core
    assert lst is not None and detail is not None

    def show_list() -> None:
        dock = window.docks["incidentListDock"]
        dock.show()
        dock.raise_()
        lst.focus()

    def note() -> None:
        if detail.incident_id is None:
            window.statusBar().showMessage(
                QCoreApplication.translate("MainWindow", "Open an incident first (F3)"), 4000)
            return
        window.docks["incidentDetailDock"].show()
        window.docks["incidentDetailDock"].raise_()
        detail.focus_note()

    def back() -> None:
        window.docks["incidentDock"].show()
        window.docks["incidentDock"].raise_()
        if core.session.current is not None or ui.form.call_id is not None:
            ui.form.category.setFocus()
        else:
            window.call_log.setFocus()

    def attach_open() -> None:
        """Alt+U: the answered call becomes another report of the caller's open incident, which opens."""
        from ..services.incident_list import open_incident as caller_open

        hist = window._history  # the caller history shown for the line (looked up while it rang)
        live = core.session.current
        target = caller_open(hist.incidents) if hist is not None and live is not None else None
        if live is None or target is None or window._history_for != live.number_raw:
            window.statusBar().showMessage(
                QCoreApplication.translate("MainWindow", "No open incident of this caller"), 4000)
            return
        call_id, incident_id = live.call_id, str(target["id"])
        editor = detail.editor

        def attached(_r: Any) -> None:
            _finish_emergency(core, incident_id)
            open_incident(ui, incident_id)

        ui.runner.run(lambda: editor.attach_call(call_id, incident_id), attached, lambda exc: _show_failure(window, exc))

    def follow(incident_id: str) -> None:
        if ui.map_panel is not None:
            ui.map_panel.select_incident(incident_id)
            ui.map_panel.follow(incident_id)

    lst.opened.connect(lambda incident_id: open_incident(ui, incident_id))
    lst.selected.connect(follow)
    detail.replay_requested.connect(replay)

    def detail_save() -> bool:
        if not detail.has_focus():
            return False
        detail.save()
        return True

    window.detail_save = detail_save
    window.add_incident_work(show_list, note, attach_open, back)


def _handover_changed(ui: DeskUi, _changes: Any) -> None:
    widget = ui.handover.widget
    if widget is not None:
        widget.refresh()  # type: ignore[attr-defined]  # the HandoverView the host built


def _region_installed(ui: DeskUi, ctx: RegionContext) -> None:
    """The region pack is there: place search, the status clock's zone, the map."""
    from .map import MapPanel
    from .map_binding import MapBinding

    assert ctx.region is not None
    ui.form.place.set_gazetteer(ctx.gazetteer)
    if ui.incident_detail is not None and ui.incident_list is not None:
        ui.incident_detail.place.set_gazetteer(ctx.gazetteer)
        ui.incident_detail.zone = ui.incident_detail.timeline.zone = ctx.zone
        ui.incident_list.query.zone = ui.incident_list.model.zone = ctx.zone
    ui.status.set_zone(ctx.zone)
    ui.window.call_log.set_zone(ctx.zone)  # the date filter's days are the region's
    panel = MapPanel(ctx.region)
    ui.map_host.set_panel(panel)
    binding = MapBinding(panel, MapIncidents(ui.core.store), ui.form, LandmarkService(ui.core.store), ctx,
                         ui.runner, parent=ui.window)
    ui.bridge.subscribe(binding.on_changes, "incidents", "landmarks")
    panel.incident_clicked.connect(lambda incident_id: open_incident(ui, incident_id))
    ui.map_panel, ui.map_binding = panel, binding
    _freeze_long_lived()


def _freeze_long_lived() -> None:
    """Move what the desk keeps for its whole life (widgets, the region pack's gazetteer and geometries)
    out of the garbage collector's sight. Otherwise every full collection, triggered by the churn of a sync
    catch-up, walks those millions of objects while holding the GIL: 100-200 ms stalls of the window
    (measured with bench/bench_gui_latency.py). Cheap: no collection is run, the objects are only moved."""
    gc.freeze()


def _region_failed(ui: DeskUi, exc: BaseException) -> None:
    log.error("region pack failed to load", exc_info=exc)
    ui.map_host.no_region()
    from ..domain.errors import ErrorCode
    from .errors import error_label

    ui.window.statusBar().showMessage(error_label(ErrorCode.REGION_PACK_INVALID), 15000)


def _finish_emergency(core: Core, incident_id: str) -> None:
    """The form saved or attached: the current call ends as an emergency of that incident (or the held
    call the form was opened for: session.finish_emergency, hold14)."""
    if core.session.current is not None or core.session.held:
        core.session.finish_emergency(incident_id)


def _show_failure(window: MainWindow, exc: BaseException) -> None:
    """A background write or task failed: a short translated line; details are in the desk log."""
    window.show_error(exc)


def _make_handover(shifts: ShiftService, now_ms: Any, ctx: RegionContext, runner: TaskRunner) -> Any:
    from .handover import HandoverView

    shifts.zone = ctx.zone  # shift names and "yesterday" by the region's clock
    return HandoverView(shifts=shifts, now_ms=now_ms, runner=runner, zone=ctx.zone)


def _make_stats(stats: StatsService, now_ms: Any, ctx: RegionContext, runner: TaskRunner) -> Any:
    from .stats_panel import StatsPanel

    stats.zone = ctx.zone
    panel = StatsPanel(stats=stats, now_ms=now_ms, runner=runner, zone=ctx.zone)
    panel.request_from_widgets()  # the last week, computed on the panel's worker
    return panel
