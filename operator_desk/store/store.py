"""The desk's local store: one SQLite file, one writer thread, read connections per thread."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

from ..domain.changes import Changes, current_initiator
from ..domain.hlc import Hlc, HybridClock
from ..domain.ids import new_id
from .database import StoreError, connect, migrate
from .tx import Tx
from .writer import Writer

T = TypeVar("T")
Listener = Callable[[Changes], None]


def wall_ms() -> int:
    return int(time.time() * 1000)


class Store:
    """Owns the SQLite file of one desk.

    Writes go through `write(fn)`: fn(tx) runs on the writer thread in one transaction that also
    holds the outbox and audit rows; listeners hear the resulting `Changes` after the commit.
    Reads use `reader()`, a connection private to the calling thread.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        now_ms: Callable[[], int] = wall_ms,
        site_code: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.now_ms = now_ms
        self._listeners: list[Listener] = []
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self._closed = False
        conn = connect(self.path)
        try:
            migrate(conn, self.path)
            self.site_id = self._meta_default(conn, "site_id", new_id())
            if site_code is not None:
                self._meta_default(conn, "site_code", site_code)
            last = conn.execute("SELECT value FROM meta WHERE key='hlc'").fetchone()
            head = conn.execute(
                "SELECT hash FROM audit WHERE site_id=? ORDER BY seq DESC LIMIT 1", (self.site_id,)
            ).fetchone()
        finally:
            conn.close()
        self.clock = HybridClock(now_ms, Hlc.decode(last[0]) if last else None)
        self._audit_head = [head[0] if head else ""]
        self._writer = Writer(lambda: connect(self.path))
        self.operator: str | None = self.get_meta("operator")

    @staticmethod
    def _meta_default(conn: sqlite3.Connection, key: str, default: str) -> str:
        row = conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        if row:
            return str(row[0])
        conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, default))
        return default

    def adopt_site_id(self, site_id: str) -> None:
        """Take the site id a hub enrolled this desk under (`operator-desk join`).

        The caller has already relabelled the outbox and field clocks in the store; this updates the
        running Store: new writes carry the new id and its audit chain continues from its last row.
        """
        self.site_id = site_id
        head = self.query("SELECT hash FROM audit WHERE site_id=? ORDER BY seq DESC LIMIT 1", (site_id,))
        self._audit_head[0] = head[0][0] if head else ""

    @property
    def site_code(self) -> str:
        """The desk's short code in incident numbers (BJR-<code>-…): set explicitly, or made from site_id.

        Every desk has its own site_id (a UUIDv7; after `join`, the one the hub enrolled), so the derived
        code differs between desks and two desks never hand out the same incident number offline.
        """
        explicit = self.get_meta("site_code")
        return explicit or "D" + self.site_id.replace("-", "")[-4:].upper()

    @property
    def closed(self) -> bool:
        """True after `close()`: reads and writes raise StoreError."""
        return self._closed

    # -- reads ----------------------------------------------------------------------------------
    def reader(self) -> sqlite3.Connection:
        """A connection for this thread only (SQLite connections are never shared across threads)."""
        if self._closed:
            raise StoreError(f"{self.path}: the store is closed")
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = connect(self.path)
            self._local.conn = conn
            with self._readers_lock:
                self._readers.append(conn)
        return conn

    def query(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        return self.reader().execute(sql, params).fetchall()

    def get_meta(self, key: str) -> str | None:
        row = self.reader().execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return None if row is None else str(row[0])

    # -- writes ---------------------------------------------------------------------------------
    def subscribe(self, listener: Listener) -> None:
        """`listener(changes)` runs on the writer thread after each commit: marshal, don't work."""
        self._listeners.append(listener)

    def write_async(
        self, fn: Callable[[Tx], T], operator: str | None = None, *, background: bool = False
    ) -> Future[T]:
        """Queue fn(tx) on the writer. Writes are interactive (an operator waits for them) unless
        `background=True`: bulk or bookkeeping work that every interactive write may overtake."""
        who = operator if operator is not None else self.operator
        initiator = current_initiator()  # read on the submitting thread: the view that asked

        def job(conn: sqlite3.Connection) -> tuple[T, Changes]:
            tx = Tx(
                conn,
                site_id=self.site_id,
                operator=who,
                clock=self.clock,
                now_ms=self.now_ms,
                audit_head=list(self._audit_head),
            )
            tx.changes.initiator = initiator
            result = fn(tx)
            tx.finish()  # the automatic audit row of this commit (store/tx.py)
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('hlc', ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                (self.clock.last.encode(),),
            )
            self._pending_head = tx._audit_head[0]
            return result, tx.changes

        outer: Future[T] = Future()

        def after(pair: tuple[T, Changes]) -> None:
            self._audit_head[0] = self._pending_head
            self._broadcast(pair[1])

        inner = self._writer.submit(job, after, background=background)

        def done(f: Future[Any]) -> None:
            exc = f.exception()
            if exc is not None:
                outer.set_exception(exc)
            else:
                outer.set_result(f.result()[0])

        inner.add_done_callback(done)
        return outer

    def write(
        self,
        fn: Callable[[Tx], T],
        operator: str | None = None,
        timeout: float = 30.0,
        *,
        background: bool = False,
    ) -> T:
        """Run fn(tx) in one durable transaction and wait for it (see `write_async` for `background`)."""
        try:
            return self.write_async(fn, operator, background=background).result(timeout)
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.path}: write failed ({exc})") from exc

    def raw_write(
        self,
        fn: Callable[[sqlite3.Connection], T],
        changes: Changes | None = None,
        *,
        background: bool = True,
    ) -> T:
        """A write that bypasses the outbox (sync apply, drafts, meta). Use with care.

        Bookkeeping by default: it runs after every interactive write already queued, so keep each
        job short (a few milliseconds) or an operator's next write waits for it."""

        def after(_: Any) -> None:
            if changes:
                self._broadcast(changes)

        try:
            return self._writer.submit(fn, after, background=background).result(30.0)
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.path}: write failed ({exc})") from exc

    def set_meta(self, key: str, value: str | None) -> None:
        def job(conn: sqlite3.Connection) -> None:
            if value is None:
                conn.execute("DELETE FROM meta WHERE key=?", (key,))
            else:
                conn.execute(
                    "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                    (key, value),
                )

        self.raw_write(job)

    def _broadcast(self, changes: Changes) -> None:
        if not changes:
            return
        for listener in list(self._listeners):
            try:
                listener(changes)
            except Exception:  # one bad view must not stop the others
                import logging

                logging.getLogger(__name__).exception("change listener failed")

    def drain(self, timeout: float = 30.0) -> None:
        """Wait until every write submitted so far (both lanes) has committed. Tests and shutdown."""
        if not self._closed:
            self._writer.submit(lambda conn: None, None, background=True).result(timeout)

    def close(self) -> None:
        self._closed = True
        self._writer.close()
        with self._readers_lock:
            for conn in self._readers:
                try:
                    conn.close()
                except sqlite3.ProgrammingError:
                    pass  # made on another thread that already ended
            self._readers.clear()
