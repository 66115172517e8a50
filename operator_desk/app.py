"""Composition root: builds the store, services, call source, sync and the window. No globals.

`create_desk(...)` is the automation entry of CONTRACT.md; `run_gui(args)` is the GUI command.
"""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from . import paths
from .domain.changes import Changes
from .domain.timeutil import WITA
from .services.agencies import AgencyService
from .services.calls import CallService
from .services.drafts import DraftService
from .services.incidents import IncidentService
from .services.referrals import ReferralService
from .services.session import DeskSession
from .store.store import Store
from .telephony.source import CallSource, ManualSource, SimulatorSource

log = logging.getLogger("operator_desk")
REGION_DELAY_MS = 50


@dataclass
class Desk:
    """Everything one running desk is made of; `close()` stops workers and closes the store."""

    store: Store
    calls: CallService
    incidents: IncidentService
    referrals: ReferralService
    agencies: AgencyService
    drafts: DraftService
    session: DeskSession
    source: CallSource
    window: Any
    bridge: Any
    region: Any = None
    gazetteer: Any = None
    geocoder: Any = None
    sync: Any = None
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def simulator(self) -> SimulatorSource:
        if not isinstance(self.source, SimulatorSource):
            raise AttributeError("this desk does not use the simulator call source")
        return self.source

    def close(self) -> None:
        """Stop everything; the window goes first so nothing paints from a closed store."""
        try:
            self.window.form.save_draft()
            self.window.save_layout()
            self.window.hide()
            self.window.form._draft_timer.stop()
            self.window.status._tick.stop()
            self.extras["board"].stop()
        except RuntimeError:
            pass  # widgets already deleted
        if self.sync is not None:
            self.sync.stop()
        if "uploader" in self.extras:
            self.extras["uploader"].stop(timeout=2.0)
        self.source.stop()
        self.bridge.flush_now()
        self.store.close()


def _call_source_kind(explicit: str | None, data: Path) -> str:
    """--call-source, else the settings file, else manual entry."""
    if explicit:
        return explicit
    from . import settings as desk_settings

    try:
        return desk_settings.load(data).call_source
    except ValueError:
        log.exception("settings unreadable; manual call entry")
        return "manual"


def _make_source(kind: str, data: Path) -> CallSource:
    if kind == "simulator":
        return SimulatorSource()
    if kind == "sip":
        from . import settings as desk_settings
        from .telephony.audio.ringtone import RingTone
        from .telephony.sip import SipCallSource

        cfg = desk_settings.load(data)
        return SipCallSource(
            desk_settings.sip_config(cfg, data),
            worker_log=data / "logs" / "sip-worker.log",
            ring_tone=RingTone(cfg.audio.ring_device),
        )
    return ManualSource()


def _load_region(region: Path | str | None) -> tuple[Any, Any, Any]:
    if region is None:
        return None, None, None
    from .geo.gazetteer import Gazetteer
    from .geo.pack import load_region
    from .geo.reverse import ReverseGeocoder

    reg = load_region(region)
    return reg, Gazetteer.from_region(reg), ReverseGeocoder(reg)


def setup_logging(data_dir: Path) -> None:
    """A rotating log file in the data dir; unexpected errors go there, never into a modal dialog."""
    root = logging.getLogger()
    if any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        return
    (data_dir / "logs").mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        data_dir / "logs" / "desk.log", maxBytes=2_000_000, backupCount=5
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def create_desk(
    data_dir: Path | str,
    region: Path | str | None = None,
    call_source: str | None = "simulator",
    server: str | None = None,
    operator: str | None = None,
    demo: bool = False,
    now_ms: Any = None,
    background: bool = False,
) -> Desk:
    """Build a desk over `data_dir`. Needs a QApplication (made here if none exists).

    With `background=True` the region pack (boundaries, gazetteer, spatial index: ~0.5 s) loads on a
    worker thread and is installed when ready, so the window is usable at once; tests load it here.
    """
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    from .ui.bridge import Bridge
    from .ui.call_events import QtCallEvents
    from .ui.call_log import CallLogPanel
    from .ui.form_services import FormServices
    from .ui.incident_form import IncidentForm
    from .ui.main_window import MainWindow
    from .ui.status import DeskStatusBar

    QApplication.instance() or QApplication(sys.argv[:1])
    data = Path(data_dir)
    data.mkdir(parents=True, exist_ok=True)
    store = Store(paths.store_path(data), **({"now_ms": now_ms} if now_ms else {}))
    if operator:
        store.operator = operator
        store.set_meta("operator", operator)
    region_path = paths.default_region(data, region)
    reg, gaz, geo = (None, None, None) if background else _load_region(region_path)
    zone = ZoneInfo(reg.timezone) if reg is not None else WITA
    calls = CallService(store)
    incidents = IncidentService(store, prefix=store.get_meta("region_prefix") or "OD", zone=zone)
    referrals = ReferralService(store)
    agencies = AgencyService(store)
    agencies.ensure_defaults()
    drafts = DraftService(store)
    if demo and not store.query("SELECT 1 FROM calls LIMIT 1"):
        from .services.demo import generate_demo
        from .services.places import places_from_region

        generate_demo(store, calls=600, days=7, places=places_from_region(region_path))
    source = _make_source(_call_source_kind(call_source, data), data)
    session = DeskSession(calls, source)
    bridge = Bridge()
    store.subscribe(bridge.post)

    form = IncidentForm(FormServices(incidents, referrals, agencies, drafts))
    status = DeskStatusBar(store.site_code, zone, store.now_ms)
    status.set_operator(store.operator)
    known_ops = [
        r[0] for r in store.query("SELECT DISTINCT operator FROM calls WHERE operator IS NOT NULL LIMIT 20")
    ]

    def set_operator(name: str) -> None:
        if name and name != store.operator:
            store.operator = name
            store.set_meta("operator", name)
            status.set_operator(name)

    from .ui.map_host import MapHost

    map_host = MapHost()
    from .services.shifts import ShiftService
    from .services.stats import StatsService
    from .ui.handover import HandoverView
    from .ui.lazy_host import LazyHost
    from .ui.referral_board import ReferralBoard

    board = ReferralBoard(referrals=referrals, agencies=agencies, incidents=incidents, now_ms=store.now_ms)
    handover = LazyHost(lambda: HandoverView(shifts=ShiftService(store), now_ms=store.now_ms))  # built when shown

    def make_stats() -> Any:
        from .ui.stats_panel import StatsPanel

        panel = StatsPanel(stats=StatsService(store), now_ms=store.now_ms, zone=zone)
        panel.request_from_widgets()  # the last week, computed on the panel's worker
        return panel

    stats_host = LazyHost(make_stats, name="statsPanel")
    window = MainWindow(
        extra_docks=[
            ("mapDock", QCoreApplication.translate("MainWindow", "Map"), map_host),
            ("referralDock", QCoreApplication.translate("MainWindow", "Referrals"), board),
            ("handoverDock", QCoreApplication.translate("MainWindow", "Shift handover"), handover),
            ("statsDock", QCoreApplication.translate("MainWindow", "Statistics"), stats_host),
        ],
        session=session,
        calls=calls,
        call_log=CallLogPanel(store),
        form=form,
        status=status,
        settings_path=data / "window.ini",
        operators=sorted(set(known_ops) | ({store.operator} - {None})),
        on_operator=set_operator,
    )
    if store.operator:
        window.duty.setCurrentText(store.operator)
    events = QtCallEvents(window)
    events.status.connect(status.set_source)
    from .ui import desk_actions
    from .ui.telephony_binding import TelephonyBinding

    extras: dict[str, Any] = {}
    phone_binding = TelephonyBinding(events, session, store, window, data, get_map=lambda: extras.get("map"),
                                     parent=window)
    bridge.changed.connect(phone_binding.on_changes)
    window.add_location_action(phone_binding.take_location)

    def replay(call_id: str) -> None:
        from .ui.replay_dialog import open_replay

        if open_replay(window, store, data, call_id) is None:
            window.statusBar().showMessage(
                QCoreApplication.translate("MainWindow", "This call has no recording"), 4000)

    window.call_log.call_activated.connect(replay)

    def follow_incident(call_id: str) -> None:
        """Selecting a call of an incident selects and follows that incident on the map."""
        panel = extras.get("map")
        rows = store.query("SELECT incident_id FROM calls WHERE id=?", (call_id,))
        if panel is not None and rows and rows[0][0]:
            panel.select_incident(rows[0][0])
            panel.follow(rows[0][0])

    window.call_log.call_selected.connect(follow_incident)
    bridge.changed.connect(window.on_changes)

    def refresh_panels(changes: Changes) -> None:
        if changes.touches("referrals", "incidents", "agencies"):
            board.refresh()
        if handover.widget is not None and changes.touches(
            "incidents", "referrals", "calls", "shifts", "shift_handovers"
        ):
            handover.widget.refresh()

    bridge.changed.connect(refresh_panels)
    stats_host.follow(window.docks["statsDock"])
    handover.follow(window.docks["handoverDock"])
    window.add_admin_menu(
        lambda: desk_actions.open_settings(window, data),
        lambda: desk_actions.open_agencies(window, agencies, desk.region),
        lambda: desk_actions.open_conflicts(window, store),
    )
    form.saved.connect(lambda incident_id: _finish_emergency(session, incident_id))
    source.start(events)
    if isinstance(source, SimulatorSource):
        desk_actions.add_training(window, source, store)
    desk = Desk(
        store,
        calls,
        incidents,
        referrals,
        agencies,
        drafts,
        session,
        source,
        window,
        bridge,
        reg,
        gaz,
        geo,
        extras=extras,
    )
    extras.update(map_host=map_host, status=status, board=board, handover=handover, stats=stats_host,
                  telephony=phone_binding)
    if background and region_path is not None:
        from PySide6.QtCore import QTimer

        from .ui.tasks import run_task

        # Start once the event loop runs, so the first paint of the window does not share the GIL with
        # the imports of numpy and shapely on the worker.
        QTimer.singleShot(
            REGION_DELAY_MS,
            lambda: run_task(lambda: _load_region(region_path), lambda loaded: install_region(desk, *loaded)),
        )
    else:
        install_region(desk, reg, gaz, geo)
    bridge.sync_status.connect(status.set_sync)
    server = server or store.get_meta("sync_server")  # joined earlier with `operator-desk join`
    if server:
        desk.sync = _start_sync(store, server, bridge)
        token = store.get_meta("sync_token")
        if desk.sync is not None and token:
            from .services.recordings import RecordingUploader

            uploader = RecordingUploader(store, server, token, data)  # files go to the hub in the background
            uploader.start()
            phone_binding.uploader = uploader
            extras["uploader"] = uploader
    form.restore_draft()
    return desk


def install_region(desk: Desk, reg: Any, gaz: Any, geo: Any) -> None:
    """Give the loaded region to the parts that use it: form search, reverse geocoding, map, numbers."""
    desk.region, desk.gazetteer, desk.geocoder = reg, gaz, geo
    if reg is None:
        desk.extras["map_host"].no_region()
        return
    form = desk.window.form

    def locate(lat: float, lon: float) -> tuple[str | None, str | None, str | None, str | None] | None:
        p = geo.locate(lat, lon)
        return None if p is None else (p.desa_code, p.desa_name, p.kecamatan_code, p.kecamatan_name)

    form.sv.gazetteer = gaz
    form.sv.locate = locate
    form.place.set_gazetteer(gaz)
    desk.incidents.prefix = reg.site_code_prefix
    desk.incidents.zone = ZoneInfo(reg.timezone)
    desk.extras["status"].zone = ZoneInfo(reg.timezone)
    if desk.store.get_meta("region_prefix") != reg.site_code_prefix:
        desk.store.set_meta("region_prefix", reg.site_code_prefix)
    from .services.landmarks import LandmarkService
    from .ui.map import MapPanel
    from .ui.map_binding import MapBinding

    panel = MapPanel(reg)
    desk.extras["map_host"].set_panel(panel)
    binding = MapBinding(panel, desk.store, form, LandmarkService(desk.store), gaz, geo, parent=desk.window)
    desk.bridge.changed.connect(binding.on_changes)
    desk.extras["map"] = panel
    desk.extras["map_binding"] = binding


def _finish_emergency(session: DeskSession, incident_id: str) -> None:
    """The form saved or attached: the current call ends as an emergency of that incident."""
    if session.current is not None:
        session.finish_emergency(incident_id)


def _start_sync(store: Store, server: str, bridge: Any) -> Any:
    """Start the sync engine; a desk without a credential says so in the status bar and works alone."""
    from .sync.engine import SyncEngine, SyncStatus

    token = store.get_meta("sync_token")
    if not token:
        bridge.sync_status.emit(SyncStatus(online=False, error="unauthorized"))
        return None
    engine = SyncEngine(store, server, token, on_status=bridge.sync_status.emit)
    engine.start()
    return engine


def run_gui(args: argparse.Namespace) -> int:
    """`operator-desk` without a subcommand."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    data = paths.data_dir(args.data_dir)
    data.mkdir(parents=True, exist_ok=True)
    setup_logging(data)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from .ui.translate import install_translator

    install_translator(app, args.lang)
    try:
        desk = create_desk(
            data,
            args.region,
            args.call_source,
            args.server,
            args.operator,
            demo=args.demo,
            background=not args.screenshot,
        )
    except Exception as exc:  # a clear one-line reason, details in the log
        log.exception("desk failed to start")
        print(f"operator-desk: cannot start: {exc}", file=sys.stderr)
        return 2
    if args.screenshot:
        return _screenshot(app, desk, Path(args.screenshot))
    desk.window.show()
    if not desk.store.operator:
        QTimer.singleShot(0, desk.window.ask_operator)
    code = app.exec()
    desk.close()
    return int(code)


def _screenshot(app: Any, desk: Desk, out: Path) -> int:
    desk.window.resize(1440, 900)
    desk.window.show()
    for _ in range(10):
        app.processEvents()
    desk.bridge.flush_now()
    app.processEvents()
    ok = desk.window.grab().save(str(out))
    desk.close()
    if not ok:
        print(f"operator-desk: cannot write screenshot {out}", file=sys.stderr)
        return 2
    print(str(out))
    return 0


__all__ = ["Changes", "Desk", "create_desk", "run_gui"]
