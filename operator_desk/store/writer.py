"""The one writer: a thread that owns the write connection and runs jobs in BEGIN IMMEDIATE.

Two queues: interactive jobs (started by the operator) always run before background bookkeeping (sync
apply, marking pushed rows, drafts, meta). A job is never interrupted, so the longest an operator's
write waits is the one background job already running: background work is kept to short
transactions (the sync engine applies pulled pages in chunks of a few milliseconds).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

log = logging.getLogger(__name__)

Job = Callable[[sqlite3.Connection], Any]
_Item = tuple[Job, "Future[Any]", "Callable[[Any], None] | None"]


class Writer:
    """Serialises every write of the process. Jobs get the connection inside an open transaction.

    A job that raises is rolled back and its exception set on the future; the thread goes on.
    `after_commit` runs on this thread after each successful commit with the job's result.
    Interactive jobs run first-in first-out before any background job; background jobs run in the
    order they were submitted.
    """

    def __init__(self, connect: Callable[[], sqlite3.Connection], name: str = "store-writer") -> None:
        self._connect = connect
        self._interactive: deque[_Item] = deque()
        self._background: deque[_Item] = deque()
        self._cond = threading.Condition()
        self._stopping = False
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()
        self._ready.wait()
        if self._error is not None:
            raise self._error

    def submit(
        self,
        job: Job,
        after_commit: Callable[[Any], None] | None = None,
        *,
        background: bool = False,
    ) -> Future[Any]:
        """Queue `job`; `background=True` lets every interactive job pending or yet to come go first."""
        future: Future[Any] = Future()
        with self._cond:
            if self._stopping or not self._thread.is_alive():
                future.set_exception(RuntimeError("store writer is closed"))
                return future
            (self._background if background else self._interactive).append((job, future, after_commit))
            self._cond.notify()
        return future

    def pending(self) -> tuple[int, int]:
        """(interactive, background) jobs waiting to run (diagnostics and tests)."""
        with self._cond:
            return len(self._interactive), len(self._background)

    def close(self, timeout: float = 10.0) -> None:
        """Run what is queued, then stop the thread."""
        with self._cond:
            self._stopping = True
            self._cond.notify()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _next(self) -> _Item | None:
        with self._cond:
            while not (self._interactive or self._background):
                if self._stopping:
                    return None
                self._cond.wait()
            return (self._interactive or self._background).popleft()

    def _run(self) -> None:
        try:
            conn = self._connect()
        except BaseException as exc:  # noqa: BLE001 - reported to the constructor
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        try:
            while (item := self._next()) is not None:
                job, future, after_commit = item
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    try:
                        result = job(conn)
                        conn.execute("COMMIT")
                    except BaseException:
                        if conn.in_transaction:
                            conn.execute("ROLLBACK")
                        raise
                except BaseException as exc:  # noqa: BLE001 - handed to the submitter
                    future.set_exception(exc)
                    continue
                future.set_result(result)
                if after_commit is not None:
                    try:
                        after_commit(result)
                    except Exception:  # a listener must never kill the writer
                        log.exception("after-commit listener failed")
        finally:
            conn.close()
            with self._cond:
                self._stopping = True
                left = list(self._interactive) + list(self._background)
                self._interactive.clear()
                self._background.clear()
            for _, future, _ in left:
                if future.set_running_or_notify_cancel():
                    future.set_exception(RuntimeError("store writer is closed"))
