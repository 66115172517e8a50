"""The wall display's Qt-free half (issue 14): `operator-desk wall --data-dir D`.

A wall is a data dir joined to the hub (`operator-desk join`) with a credential of kind "wall"
(`operator-desk-server enroll --kind wall`). It never writes: the hub refuses a wall's pushes, and the
wall's sync engine (`PullOnlySync`) pulls the center's changes into its own store and never pushes —
so the map and the figures are the center's. Nobody logs in and no call source runs (manual, idle);
no retention job, no recordings uploader, no floor publisher (a wall has no desk state).

`WallCore` holds the store (figures and open incidents are read on a worker, never the GUI thread),
the pull-only sync and the floor watcher (desks' states, calls ringing). Store changes only set a
flag (`take_dirty`), which the window polls: the wall's memory stays flat whatever the traffic.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .core import Core, build_core
from .domain.changes import Changes
from .services.floor import FloorWatcher
from .services.floor_figures import FloorFigures, FloorFiguresQuery
from .services.map_view import MapIncidents
from .sync.engine import SyncEngine, SyncStatus

log = logging.getLogger(__name__)

CLOSED = ("resolved", "closed")


class WallError(ValueError):
    """The data dir cannot run as a wall (not joined to a hub, a training store)."""


class PullOnlySync(SyncEngine):
    """The sync engine of a wall: it pulls (long-poll, snapshot bootstrap) and never pushes.

    A wall's store has no local writes, so its outbox is empty; should a row ever appear there it
    stays local (the hub would refuse it with 403 anyway) and is logged once."""

    _warned = False

    def push_once(self) -> int:
        self._warn_outbox()
        return 0

    def push_all(self) -> int:
        self._warn_outbox()
        return 0

    def _warn_outbox(self) -> None:
        if self._warned:
            return
        n = self.store.reader().execute("SELECT count(*) FROM outbox WHERE pushed=0").fetchone()[0]
        if n:
            self._warned = True
            log.warning("wall: %s local change(s) in the outbox are never pushed (a wall is read-only)", n)

    def _push_step(self) -> None:
        self._stop.wait(3600.0)  # nothing to push, ever; ends at stop()


class WallCore:
    """A wall without its window: the store, the pull-only sync and the floor watcher."""

    def __init__(self, data_dir: Path | str, region: Path | str | None = None, *, start: bool = True,
                 load_region: bool = True) -> None:
        self.core: Core = build_core(data_dir, region, call_source="manual", start_sync=False,
                                     load_region=load_region)
        try:
            store = self.core.store
            if self.core.training or store.get_meta("training") == "1":
                raise WallError("a training store cannot be a wall")
            server, token = self.core.server, store.get_meta("sync_token")
            if not server or not token:
                raise WallError(
                    f"{self.core.data_dir} has not joined a hub: enrol a wall (`operator-desk-server enroll "
                    "--kind wall --site NAME`) and run `operator-desk join --data-dir D --server URL --token T`"
                )
            from .sync.cli import hub_verify

            verify = hub_verify(store)
            self.server, self.token = server, token
            self.status = SyncStatus()
            self.sync = PullOnlySync(store, server, token, on_status=self._status, verify=verify)
            self.figures_query = FloorFiguresQuery(store)
            self.markers_query = MapIncidents(store)
            self._dirty = threading.Event()
            self._dirty.set()
            store.subscribe(self._on_commit)
            self.on_floor: Callable[[dict[str, Any] | None], None] = lambda _snap: None
            self.watcher = FloorWatcher(server, token, lambda snap: self.on_floor(snap), verify=verify)
        except BaseException:
            self.core.close()
            raise
        self._started = False
        if start:
            self.start()

    def start(self) -> None:
        if not self._started:
            self._started = True
            self.sync.start()
            self.watcher.start()

    @property
    def zone(self) -> Any:
        return self.core.region.zone

    def _status(self, status: SyncStatus) -> None:
        self.status = status

    def _on_commit(self, changes: Changes) -> None:
        if changes.touches("calls", "incidents", "referrals"):
            self._dirty.set()

    def take_dirty(self) -> bool:
        """True once after the store changed (calls, incidents, referrals): time to read again."""
        if self._dirty.is_set():
            self._dirty.clear()
            return True
        return False

    # -- reads (a worker's) -----------------------------------------------------------------------
    def figures(self) -> FloorFigures:
        return self.figures_query.figures(self.core.store.now_ms(), self.zone)

    def open_incidents(self) -> list[dict[str, Any]]:
        """The open incidents with a point, as the map's rows."""
        return [m.as_dict() for m in self.markers_query.markers() if m.status not in CLOSED]

    def close(self) -> None:
        self.watcher.stop(timeout=1.0)
        self.sync.stop()
        self.core.close()
