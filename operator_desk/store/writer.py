"""The one writer: a thread that owns the write connection and runs jobs in BEGIN IMMEDIATE."""

from __future__ import annotations

import logging
import queue
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

log = logging.getLogger(__name__)

Job = Callable[[sqlite3.Connection], Any]
_STOP = object()


class Writer:
    """Serialises every write of the process. Jobs get the connection inside an open transaction.

    A job that raises is rolled back and its exception set on the future; the thread goes on.
    `after_commit` runs on this thread after each successful commit with the job's result.
    """

    def __init__(self, connect: Callable[[], sqlite3.Connection], name: str = "store-writer") -> None:
        self._connect = connect
        self._queue: queue.Queue[Any] = queue.Queue()
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()
        self._ready.wait()
        if self._error is not None:
            raise self._error

    def submit(self, job: Job, after_commit: Callable[[Any], None] | None = None) -> Future[Any]:
        future: Future[Any] = Future()
        if not self._thread.is_alive():
            future.set_exception(RuntimeError("store writer is closed"))
            return future
        self._queue.put((job, future, after_commit))
        return future

    def close(self, timeout: float = 10.0) -> None:
        if self._thread.is_alive():
            self._queue.put(_STOP)
            self._thread.join(timeout)

    def _run(self) -> None:
        try:
            conn = self._connect()
        except BaseException as exc:  # reported to the constructor
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        try:
            while True:
                item = self._queue.get()
                if item is _STOP:
                    break
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
                except BaseException as exc:
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
