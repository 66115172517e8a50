"""The Qt-free half of the composition root: everything a desk is made of except its widgets.

`build_core(...)` makes the store, the services, the call source and its session, the region context
and (when the desk is joined to a hub) the sync engine and the recordings uploader. The command line,
the benchmarks and the tests use it without Qt; `ui.compose.build_ui(core)` puts the window on top,
and `app.create_desk` (CONTRACT.md) does both. Every part that owns a thread has its own shutdown and
`Core.close()` calls them in order: sources first (nothing new arrives), then sync, then the store.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from . import paths
from .domain.timeutil import WITA
from .services.accounts import Account, AccountService, account_id, role_of
from .services.agencies import AgencyService
from .services.calls import CallService
from .services.drafts import DraftService
from .services.floor import DeskState, FloorPublisher
from .services.incidents import IncidentService
from .services.referrals import ReferralService
from .services.session import DeskSession
from .store.store import Store
from .telephony.source import CallSource, ManualSource, SimulatorSource

if TYPE_CHECKING:
    from .geo.gazetteer import Gazetteer
    from .geo.model import Region
    from .geo.reverse import ReverseGeocoder
    from .services.recordings import RecordingUploader
    from .sync.engine import SyncEngine, SyncStatus

log = logging.getLogger("operator_desk")

# (desa_code, desa_name, kecamatan_code, kecamatan_name) of a point, or None outside the region.
Place = tuple[str | None, str | None, str | None, str | None]


class RegionContext:
    """The desk's region: pack, gazetteer, reverse geocoder, time zone and incident-number prefix.

    Parts that need the region are given this object when they are built and read it when they work;
    the pack itself (~0.5 s of numpy/shapely) may arrive later from a worker (`install`), and whoever
    must redraw then subscribes. Nothing is patched into a part after it was built.
    """

    def __init__(self, path: Path | None, *, prefix: str = "OD", zone: ZoneInfo = WITA) -> None:
        self.path = path
        self.region: Region | None = None
        self.gazetteer: Gazetteer | None = None
        self.geocoder: ReverseGeocoder | None = None
        self.zone = zone
        self.prefix = prefix
        self.failed: BaseException | None = None
        self._listeners: list[Callable[[RegionContext], None]] = []
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self.region is not None

    def subscribe(self, listener: Callable[[RegionContext], None]) -> None:
        """`listener(ctx)` runs once the region is installed (at once if it already is)."""
        self._listeners.append(listener)
        if self.loaded:
            listener(self)

    def load(self) -> tuple[Region, Gazetteer, ReverseGeocoder] | None:
        """Read and index the pack (any thread; slow). None when the desk has no region."""
        if self.path is None:
            return None
        from .geo.gazetteer import Gazetteer
        from .geo.pack import load_region
        from .geo.reverse import ReverseGeocoder

        reg = load_region(self.path)
        return reg, Gazetteer.from_region(reg), ReverseGeocoder(reg)

    def install(self, loaded: tuple[Region, Gazetteer, ReverseGeocoder] | None) -> None:
        """Make the loaded region current and tell the listeners (call on the thread that owns them)."""
        if loaded is None:
            return
        with self._lock:
            self.region, self.gazetteer, self.geocoder = loaded
            self.zone = ZoneInfo(self.region.timezone)
            self.prefix = self.region.site_code_prefix
        for listener in list(self._listeners):
            listener(self)

    def locate(self, lat: float, lon: float) -> Place | None:
        """Reverse geocoding of a point to its desa/kecamatan; None without a region or outside it."""
        geo = self.geocoder
        if geo is None:
            return None
        p = geo.locate(lat, lon)
        return None if p is None else (p.desa_code, p.desa_name, p.kecamatan_code, p.kecamatan_name)


@dataclass
class Core:
    """A desk without its window. Built by `build_core`; `close()` stops what it started."""

    data_dir: Path
    store: Store
    region: RegionContext
    calls: CallService
    incidents: IncidentService
    referrals: ReferralService
    agencies: AgencyService
    drafts: DraftService
    source: CallSource
    session: DeskSession
    accounts: AccountService
    account: Account | None = None  # who is logged in (None: the log-in dialog shows)
    server: str | None = None
    sync: SyncEngine | None = None
    uploader: RecordingUploader | None = None
    retention: Any = None  # the retention job (services/retention.py RetentionJob), its own thread
    backups: Any = None  # daily backups with rotation ([backup] in settings.toml; services/backup.py), own thread
    training: bool = False  # the training desk (services/training.py): its own store, never synced
    sync_listeners: list[Callable[[SyncStatus], None]] = field(default_factory=list)
    login_listeners: list[Callable[[Account | None], None]] = field(default_factory=list)
    desk_state: DeskState = field(default_factory=DeskState)  # what the floor is told (services/floor.py)
    floor: FloorPublisher | None = None
    _closed: bool = False

    @property
    def simulator(self) -> SimulatorSource:
        if not isinstance(self.source, SimulatorSource):
            raise AttributeError("this desk does not use the simulator call source")
        return self.source

    def set_operator(self, name: str) -> None:
        """Trusted automation (tests, `create_desk(operator=...)`): that name is logged in without a
        password. Its role is its account's, else its roster entry's; no account row is written."""
        name = name.strip()
        if not name:
            return
        account = self.accounts.get(name)
        if account is None:
            role = role_of(self.store.reader(), name) or "operator"
            account = Account(account_id(name), name, role)
        self.store.set_meta("operator", account.name)
        self.log_in(account, audit=False)

    # -- who is logged in ---------------------------------------------------------------------------
    def log_in(self, account: Account, *, audit: bool = False) -> None:
        """`account` is at the desk: every change from now on records its name (one name, one account
        id: services/accounts.py). The account's authentication audited itself; `audit` adds a row."""
        self.account = account
        self.store.operator = account.name
        if audit:
            self.accounts.record("login", account, {"name": account.name, "role": account.role})
        self._tell_login()

    def log_out(self) -> None:
        """Nobody is at the desk (the log-in dialog shows): audited as `logout`."""
        if self.account is not None:
            self.accounts.record("logout", self.account, {"name": self.account.name})
        self.account = None
        self.store.operator = None
        self._tell_login()

    def switch_user(self, account: Account) -> None:
        """Shift change: the next operator logged in; one `switch_user` row names both."""
        old = self.account
        self.accounts.record("switch_user", account, {
            "from": old.name if old else None, "from_account": old.id if old else None,
            "to": account.name, "to_account": account.id,
        })
        self.log_in(account)

    def _tell_login(self) -> None:
        self.desk_state.operator = self.account.name if self.account is not None else None
        self.desk_state.locked = False
        self.floor_changed()
        for listener in list(self.login_listeners):
            listener(self.account)

    def floor_changed(self) -> None:
        """The desk's state may have changed (call, log-in, lock, break): the floor hears it now."""
        self.desk_state.from_session(self.session.live_calls(), self.session.current)
        if self.floor is not None:
            self.floor.poke()

    def on_sync_status(self, status: SyncStatus) -> None:
        for listener in list(self.sync_listeners):
            listener(status)

    def start_sync(self) -> None:
        """Start the engine (and the recordings uploader) when the desk has a hub; idempotent."""
        if self.sync is not None or not self.server or self.training or self.store.get_meta("training") == "1":
            return  # a training store never syncs, whatever its settings say
        from .sync.engine import SyncEngine, SyncStatus

        token = self.store.get_meta("sync_token")
        if not token:
            self.on_sync_status(SyncStatus(online=False, error="unauthorized"))
            return
        from .sync.cli import hub_verify

        verify = hub_verify(self.store)  # the CA pinned by `join --ca-file`, else the system's
        self.sync = SyncEngine(self.store, self.server, token, on_status=self.on_sync_status, verify=verify)
        self.on_sync_status(SyncStatus())  # joined, not yet synced: never "local only" meanwhile
        self.sync.start()
        from .services.recordings import RecordingUploader

        self.uploader = RecordingUploader(self.store, self.server, token, self.data_dir, verify=verify)
        self.uploader.start()
        from .services.floor import FloorPublisher

        self.floor = FloorPublisher(self.server, token, self.desk_state, verify=verify)  # the light channel
        self.floor.start()

    def close(self) -> None:
        """Stop the call source, sync and the uploader, then close the store. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        self.source.stop()
        if self.floor is not None:
            self.floor.stop()
        if self.sync is not None:
            self.sync.stop()
        if self.uploader is not None:
            self.uploader.stop(timeout=2.0)
        if self.retention is not None:
            self.retention.stop(timeout=2.0)
        if self.backups is not None:
            self.backups.stop(timeout=2.0)
        self.store.close()


def call_source_kind(explicit: str | None, data: Path) -> str:
    """--call-source, else the settings file, else manual entry."""
    if explicit:
        return explicit
    from . import settings as desk_settings

    try:
        return desk_settings.load(data).call_source
    except ValueError:
        log.exception("settings unreadable; manual call entry")
        return "manual"


def make_source(kind: str, data: Path) -> CallSource:
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


def build_core(
    data_dir: Path | str,
    region: Path | str | None = None,
    call_source: str | None = "simulator",
    server: str | None = None,
    operator: str | None = None,
    demo: bool = False,
    now_ms: Callable[[], int] | None = None,
    load_region: bool = True,
    start_sync: bool = True,
    login: tuple[str, str] | None = None,
    training: bool = False,
) -> Core:
    """Build a desk's core over `data_dir` (created if missing). No Qt.

    With `load_region=False` the region pack is left for the caller to load (`core.region.load()` on a
    worker, then `core.region.install(...)`), so a window can show before it is ready.
    `login=(name, password)` logs that account in (DomainError when refused); `operator=NAME` is the
    trusted automation shortcut (`Core.set_operator`); with neither nobody is logged in.
    """
    data = Path(data_dir)
    data.mkdir(parents=True, exist_ok=True)
    if training:  # the desk's training store beside it, with the simulator and no hub
        from .services.training import prepare

        region = region or paths.default_region(data)
        data, call_source, server = prepare(data), "simulator", None
    store = Store(paths.store_path(data), now_ms=now_ms) if now_ms else Store(paths.store_path(data))
    try:
        store.operator = None  # until someone logs in
        accounts = AccountService(store)
        ctx = RegionContext(paths.default_region(data, region), prefix=store.get_meta("region_prefix") or "OD")
        calls = CallService(store)
        incidents = IncidentService(store, prefix=ctx.prefix, zone=ctx.zone)
        referrals = ReferralService(store)
        agencies = AgencyService(store)
        agencies.ensure_defaults()
        agencies.merge_duplicates()  # one per name, also in stores seeded before ids were the center's
        drafts = DraftService(store)

        def region_installed(c: RegionContext) -> None:
            incidents.prefix, incidents.zone = c.prefix, c.zone  # numbers and WITA days follow the pack
            if store.get_meta("region_prefix") != c.prefix:
                store.set_meta("region_prefix", c.prefix)

        ctx.subscribe(region_installed)
        if demo and not calls.any_calls():
            from .services.demo import generate_demo
            from .services.places import places_from_region

            generate_demo(store, calls=600, days=7, places=places_from_region(ctx.path))
        source = make_source(call_source_kind(call_source, data), data)
        core = Core(
            data_dir=data,
            store=store,
            region=ctx,
            calls=calls,
            incidents=incidents,
            referrals=referrals,
            agencies=agencies,
            drafts=drafts,
            source=source,
            session=DeskSession(calls, source),
            accounts=accounts,
            server=None if training else server or store.get_meta("sync_server"),  # set by `operator-desk join`
            training=training,
        )
        core.session.subscribe(core.floor_changed)  # a ring, an answer, an end: the floor hears it
        if login is not None:
            core.log_in(accounts.authenticate(*login))
        elif operator:
            core.set_operator(operator)
        if load_region:
            ctx.install(ctx.load())
    except BaseException:
        store.close()
        raise
    if start_sync:
        core.start_sync()
        if not training:  # retention: at start, then daily, on its own thread (never the GUI's)
            from .services.retention import RetentionJob, RetentionService

            core.retention = RetentionJob(RetentionService(store, data))
            core.retention.start()
            from .services.backup import DailyBackupJob

            try:
                core.backups = DailyBackupJob.from_settings(data)  # None unless [backup] dir is set
            except ValueError as exc:  # a broken settings file: the desk starts, the log says why
                log.warning("daily backups off: %s", exc)
            if core.backups is not None:
                core.backups.start()
    return core
