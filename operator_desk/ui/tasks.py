"""One background-task helper: fn runs on the pool, `done` gets its result on the GUI thread.

Workers take and return plain data, never widgets. `LatestOnly` drops results of superseded requests.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Relay(QObject):
    finished = Signal(object, object)  # result, exception


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.fn = fn
        self.relay = relay

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # delivered to the GUI thread, logged there
            self.relay.finished.emit(None, exc)
            return
        self.relay.finished.emit(result, None)


_relays: set[_Relay] = set()


def run_task(
    fn: Callable[[], Any],
    done: Callable[[Any], None],
    failed: Callable[[BaseException], None] | None = None,
    pool: QThreadPool | None = None,
) -> None:
    relay = _Relay()
    _relays.add(relay)

    def finish(result: Any, exc: BaseException | None) -> None:
        _relays.discard(relay)
        if exc is not None:
            log.error("background task failed", exc_info=exc)
            if failed is not None:
                failed(exc)
            return
        done(result)

    relay.finished.connect(finish)
    (pool or QThreadPool.globalInstance()).start(_Task(fn, relay))


class LatestOnly:
    """Run recomputations so that only the newest request's result is delivered."""

    def __init__(self) -> None:
        self._generation = 0

    def run(self, fn: Callable[[], Any], done: Callable[[Any], None]) -> None:
        self._generation += 1
        mine = self._generation

        def deliver(result: Any) -> None:
            if mine == self._generation:
                done(result)

        run_task(fn, deliver)
