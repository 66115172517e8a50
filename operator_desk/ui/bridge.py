"""The one bridge from the core's threads to widgets: typed signals, bursts coalesced per tick.

Views subscribe themselves (`bridge.subscribe(self.on_changes, "incidents", "referrals")`): the bridge
calls each handler at most once per tick, only when the merged `Changes` touch its tables, and never
for the echo of the handler's own action (a change whose `initiator` is the handler's owner, as set by
`initiated_by(view)` or the task runner). One path for every view; nobody reloads a view for it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from ..domain.changes import Changes

COALESCE_MS = 40
log = logging.getLogger(__name__)
Handler = Callable[[Changes], None]


@dataclass
class _Subscription:
    handler: Handler
    tables: frozenset[str]
    owner: object | None


class Bridge(QObject):
    """Delivers merged `Changes` to subscribers at most once per tick, always on the GUI thread."""

    sync_status = Signal(object)
    source_status = Signal(object)
    write_failed = Signal(object)  # an exception of a write handed to the store (from any thread)
    _poke = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._pending: Changes | None = None
        self._subs: list[_Subscription] = []
        self._stopped = False  # after stop(): posts from the core's last commits are dropped
        self.delivered = 0  # handler calls made (tests and the latency bench read it)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(COALESCE_MS)
        self._timer.timeout.connect(self._flush)
        self._poke.connect(self._arm)

    # -- subscriptions (GUI thread) ---------------------------------------------------------------
    def subscribe(self, handler: Handler, *tables: str, owner: object | None = None) -> None:
        """Call `handler(changes)` when changes touch any of `tables` (all changes when none given).

        `owner` (default: the object of a bound method) is who this handler speaks for: changes that
        it initiated are not delivered back to it. A QObject owner unsubscribes when destroyed.
        """
        who = owner if owner is not None else getattr(handler, "__self__", None)
        self._subs.append(_Subscription(handler, frozenset(tables), who))
        if isinstance(who, QObject):
            who.destroyed.connect(lambda *_a, w=who: self.unsubscribe(w))

    def unsubscribe(self, owner: object) -> None:
        self._subs = [s for s in self._subs if s.owner is not owner]

    def subscribers(self, table: str) -> int:
        return sum(1 for s in self._subs if not s.tables or table in s.tables)

    # -- posting (any thread) ---------------------------------------------------------------------
    def post(self, changes: Changes) -> None:
        """Any thread: queue changes for the next tick."""
        if not changes or self._stopped:
            return
        with self._lock:
            if self._pending is None:
                self._pending = Changes(origin=changes.origin, initiator=changes.initiator)
            self._pending.merge(changes)
        self._poke.emit()

    @Slot()
    def _arm(self) -> None:
        if not self._stopped and not self._timer.isActive():
            self._timer.start()

    @Slot()
    def _flush(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, None
        if pending:
            self.deliver(pending)

    def deliver(self, changes: Changes) -> None:
        """Hand one merged change-set to every interested subscriber (GUI thread)."""
        for sub in list(self._subs):
            if sub.tables and not changes.touches(*sub.tables):
                continue
            if changes.initiator is not None and changes.initiator is sub.owner:
                continue  # the view did this itself and has already updated
            self.delivered += 1
            try:
                sub.handler(changes)
            except Exception:  # one broken view must not starve the others
                log.exception("view failed to take changes: %r", sub.handler)

    def flush_now(self) -> None:
        """Deliver what is pending at once (tests, shutdown)."""
        self._timer.stop()
        self._flush()

    def stop(self) -> None:
        """Shutdown: nothing more is delivered, and no timer is armed by what the core still commits."""
        self._stopped = True
        self._timer.stop()
        with self._lock:
            self._pending = None
        self._subs.clear()

