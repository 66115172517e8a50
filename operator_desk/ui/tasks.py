"""The one runner for background work started from the GUI (Picard's `run_task`, Anki's `CollectionOp`).

`runner.run(fn, done)` runs `fn()` on the runner's own thread pool and hands its result to `done` on
the GUI thread; an exception goes to `failed` (default: the runner's error handler, which logs it and
shows a short translated message). Writes started by a view pass `initiator=view`: the change-set of
the write then names the view, and the bridge does not echo it back. `key=` keeps only the newest
request of that key (a search typed letter by letter, a statistics period changed twice): tasks of one
key run one at a time, a request made while one runs waits and replaces any older waiting one (which
then never runs), and the result of a superseded request is dropped. Workers take and return plain data, never widgets.

Every part of the desk uses this runner: operator writes (incident save, notes, referrals, landmarks,
replay audit), statistics, replay loading and the region pack. `shutdown()` waits for what is running.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from ..domain.changes import initiated_by

log = logging.getLogger(__name__)
ErrorHandler = Callable[[BaseException], None]


class _Relay(QObject):
    """Lives on the GUI thread; the worker emits, Qt queues the call to the GUI thread."""

    finished = Signal(object, object)  # result, exception


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay, initiator: object | None) -> None:
        super().__init__()
        self.fn = fn
        self.relay = relay
        self.initiator = initiator

    def run(self) -> None:
        try:
            with initiated_by(self.initiator):
                result = self.fn()
        except Exception as exc:  # noqa: BLE001 - handed to the GUI thread, which logs and reports it
            self.relay.finished.emit(None, exc)
            return
        self.relay.finished.emit(result, None)


class TaskRunner(QObject):
    """Background work with results delivered on the GUI thread. One per desk (see ui/compose.py)."""

    def __init__(self, max_threads: int = 2, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self.pool.setExpiryTimeout(2000)
        self.on_error: ErrorHandler = lambda exc: log.error("background task failed", exc_info=exc)
        self._relays: set[_Relay] = set()
        self._generation: dict[str, int] = {}
        self._running_keys: set[str] = set()
        self._held: dict[str, tuple[Any, ...]] = {}
        self._closed = False

    def run(
        self,
        fn: Callable[[], Any],
        done: Callable[[Any], None] | None = None,
        failed: ErrorHandler | None = None,
        *,
        initiator: object | None = None,
        key: str | None = None,
    ) -> None:
        """GUI thread: start `fn` in the background. See the module docstring."""
        if self._closed:
            log.warning("task after shutdown ignored: %r", fn)
            return
        generation = None
        if key is not None:
            generation = self._generation[key] = self._generation.get(key, 0) + 1
            if key in self._running_keys:
                self._held[key] = (fn, done, failed, initiator, generation)  # replaces an older one
                return
            self._running_keys.add(key)
        self._start(fn, done, failed, initiator, key, generation)

    def _start(
        self,
        fn: Callable[[], Any],
        done: Callable[[Any], None] | None,
        failed: ErrorHandler | None,
        initiator: object | None,
        key: str | None,
        generation: int | None,
    ) -> None:
        relay = _Relay()
        self._relays.add(relay)

        @Slot(object, object)
        def finish(result: Any, exc: BaseException | None) -> None:
            self._relays.discard(relay)
            relay.deleteLater()
            if self._closed:
                return
            if key is not None:
                self._running_keys.discard(key)
                held = self._held.pop(key, None)
                if held is not None:
                    self._running_keys.add(key)
                    h_fn, h_done, h_failed, h_initiator, h_generation = held
                    self._start(h_fn, h_done, h_failed, h_initiator, key, h_generation)
                if self._generation.get(key) != generation:
                    return  # superseded by a newer request of the same key
            if exc is not None:
                if failed is not None:
                    log.info("background task failed: %s", exc, exc_info=exc)
                    failed(exc)
                else:
                    self.on_error(exc)
                return
            if done is not None:
                done(result)

        relay.finished.connect(finish)
        self.pool.start(_Task(fn, relay, initiator))

    def busy(self) -> int:
        """Tasks started or waiting whose result has not been delivered yet."""
        return len(self._relays) + len(self._held)

    def wait(self, timeout_ms: int = 10_000) -> bool:
        """Block until the workers are idle (tests, shutdown). Results are delivered by the event loop."""
        return bool(self.pool.waitForDone(timeout_ms))

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Drop queued tasks, wait for running ones; nothing is delivered afterwards."""
        self._closed = True
        self._held.clear()
        self.pool.clear()
        ok = self.wait(timeout_ms)
        self._relays.clear()
        return ok


_default: TaskRunner | None = None


def default_runner() -> TaskRunner:
    """The runner for widgets built outside a desk (dialogs in tests); a desk passes its own."""
    global _default
    if _default is None:
        _default = TaskRunner()
    return _default
