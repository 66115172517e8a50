"""The one bridge from the core's threads to widgets: typed signals, bursts coalesced per tick."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from ..domain.changes import Changes

COALESCE_MS = 40


class Bridge(QObject):
    """`changed` carries merged `Changes` at most once per tick, always on the GUI thread."""

    changed = Signal(object)
    sync_status = Signal(object)
    source_status = Signal(object)
    _poke = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._pending: Changes | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(COALESCE_MS)
        self._timer.timeout.connect(self._flush)
        self._poke.connect(self._arm)

    def post(self, changes: Changes) -> None:
        """Any thread: queue changes for the next tick."""
        with self._lock:
            if self._pending is None:
                self._pending = Changes(initiator=changes.initiator)
            self._pending.merge(changes)
            if changes.initiator != self._pending.initiator:
                self._pending.initiator = "mixed"
        self._poke.emit()

    @Slot()
    def _arm(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    @Slot()
    def _flush(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, None
        if pending:
            self.changed.emit(pending)

    def flush_now(self) -> None:
        """Deliver what is pending at once (tests, shutdown)."""
        self._timer.stop()
        self._flush()
