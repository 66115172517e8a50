"""The desk's sync engine: pushes right after each local commit, long-polls for others' changes.

Two daemon threads (push, pull), each with its own read connection; every write goes through the
store's writer (`raw_write`) so views hear a `Changes(origin="sync")`. Offline: retry with
capped exponential backoff. Status goes to `on_status(SyncStatus)` from those threads — the UI
must marshal it to its own thread.
"""

from __future__ import annotations

import json
import logging
import random
import sqlite3
import ssl
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

from ..domain.changes import Changes
from ..domain.hlc import ClockSkewError, Hlc
from ..store.store import Store
from . import apply as ap
from . import protocol as p
from .checkpoints import keep_checkpoint
from .client import HttpSyncClient, SyncClientError, SyncTransport

log = logging.getLogger(__name__)
_OUTBOX_WHERE = "FROM outbox WHERE pushed=0 AND site_seq > ? ORDER BY site_seq LIMIT ?"
_OUTBOX_ROWS = f"SELECT site_seq, site_id, hlc, tbl, pk, col, value, base_hlc, operator {_OUTBOX_WHERE}"
_OUTBOX_JSON = (
    "SELECT site_seq, json_object('site_id', site_id, 'site_seq', site_seq, 'hlc', hlc, 'tbl', tbl, "
    "'pk', pk, 'col', col, 'value', json(value), 'base_hlc', base_hlc, 'operator', operator) " + _OUTBOX_WHERE
)
PUSH_BATCH = p.MAX_PUSH_BATCH
PULL_LIMIT = p.MAX_PULL_LIMIT
PULL_PAGE = 2500  # pipelined catch-up (pull_all): pages small enough that fetching overlaps applying
LONG_POLL_SLICE_S = 1.5  # the longest a pull thread outlives stop(); a new change still arrives at once
HLC_WIDTH = len(Hlc(0, 0).encode())
COMPACT_EVERY_S = 3600.0  # how often the push thread compacts confirmed outbox rows
APPLY_CHUNK = 250  # changes per apply transaction: a few milliseconds, the longest an operator's write waits


@dataclass(frozen=True)
class SyncStatus:
    """What the status bar shows. `error`: None, "offline", "unauthorized", "clock_skew", …"""

    online: bool = False
    waiting: int = 0
    last_success_ms: int | None = None
    open_conflicts: int = 0
    error: str | None = None
    quarantined: int = 0  # pulled changes set aside (sync/apply.py quarantine): "N changes refused"


class SyncEngine:
    """Keeps one desk in sync with one server. start()/stop(); sync_once() for the CLI and tests."""

    def __init__(
        self,
        store: Store,
        server_url: str | None = None,
        token: str | None = None,
        *,
        on_status: Callable[[SyncStatus], None] | None = None,
        client: SyncTransport | None = None,
        wait_s: float = 20.0,
        verify: bool | str | ssl.SSLContext = True,  # sync/cli.py hub_verify: the pinned CA
    ) -> None:
        if client is None:
            if not server_url or not token:
                raise ValueError("SyncEngine needs server_url and token (or a client)")
            client = HttpSyncClient(server_url, token, verify=verify)
        self.store = store
        self.client = client
        self.on_status = on_status
        self.wait_s = wait_s
        self.fault_hook: Callable[[int], None] | None = None  # tests: raise mid-apply
        self._status = SyncStatus()
        self._status_lock = threading.Lock()
        self._dirty = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._compacted_at = -COMPACT_EVERY_S  # the first push round compacts once
        self._compactor: threading.Thread | None = None
        store.subscribe(self._on_commit)

    # -- status ---------------------------------------------------------------------------------
    @property
    def status(self) -> SyncStatus:
        return self._status

    def _update(self, **fields: Any) -> None:
        with self._status_lock:
            conn = self.store.reader()
            waiting = conn.execute("SELECT count(*) FROM outbox WHERE pushed=0").fetchone()[0]
            conflicts = conn.execute("SELECT count(*) FROM conflicts WHERE resolved_at IS NULL").fetchone()[0]
            new = replace(self._status, waiting=int(waiting), open_conflicts=int(conflicts), **fields)
            changed = new != self._status
            self._status = new
        if changed and self.on_status is not None:
            try:
                self.on_status(new)
            except Exception:  # a broken view must not stop sync
                log.exception("sync status listener failed")

    def _ok(self) -> None:
        self._update(online=True, error=None, last_success_ms=self.store.now_ms())

    def _failed(self, exc: Exception) -> None:
        code = getattr(exc, "code", None) or "error"
        # "online" means talking to our hub: not for a foreign server (or a hub that is not ours)
        self._update(online=code not in ("offline", "error", "not_our_hub"), error=code)

    def _on_commit(self, changes: Changes) -> None:
        if changes.origin != "sync":
            self._dirty.set()

    # -- one step each --------------------------------------------------------------------------
    def push_once(self) -> int:
        """Push one batch of unpushed outbox rows in site_seq order; mark them after the ack."""
        batch = self._read_batch(None)
        if batch is None:
            return 0
        rows, body = batch
        self._send(body)
        self._mark_pushed(rows[0][0], rows[-1][0])
        return len(rows)

    def push_all(self) -> int:
        """Push every unpushed row, pipelined: while the server ingests and commits one batch, the
        next one is read and encoded and the previous ack is marked. One request in flight at a
        time, so the server still ingests in site_seq order (its conflict check relies on it); a
        batch is marked pushed only after its own ack."""
        self._after_restore()
        if not isinstance(self.client, HttpSyncClient):
            pushed = 0
            while not self._stop.is_set() and (n := self.push_once()):
                pushed += n
            return pushed
        pushed = 0
        batch = self._read_batch(None)
        acked: tuple[int, int] | None = None
        with ThreadPoolExecutor(1, thread_name_prefix="sync-send") as pool:
            while batch is not None and not self._stop.is_set():
                rows, body = batch
                sent = pool.submit(self._send, body)
                if acked is not None:
                    self._mark_pushed(*acked)
                    acked = None
                batch = self._read_batch(rows[-1][0])
                sent.result()  # raises what the request raised: this batch stays unpushed
                acked = (rows[0][0], rows[-1][0])
                pushed += len(rows)
        if acked is not None:
            self._mark_pushed(*acked)
        return pushed

    def _after_restore(self) -> None:
        """A desk restored from a backup (services/backup.py) re-issues, before its first push, the
        changes it had not pushed that the hub does not hold (the hub's status says how far it holds
        the old site)."""
        if self.store.get_meta("restore_pending") is None:
            return
        status = getattr(self.client, "status", None)
        if status is None:
            return
        from ..services.backup import reissue_restored

        out = reissue_restored(self.store, status())
        if out is not None:
            log.info("restored desk: re-issued its unpushed changes %s", out)

    def _read_batch(self, after: int | None) -> tuple[list[Any], bytes] | None:
        """Up to PUSH_BATCH unpushed rows (after site_seq `after`) and their push body; each row starts
        with its site_seq. The outbox value is already JSON text: it goes into the body as it is."""
        args = (-1 if after is None else after, PUSH_BATCH)
        conn = self.store.reader()
        try:  # SQLite builds each change's JSON (C) ...
            rows = conn.execute(_OUTBOX_JSON, args).fetchall()
        except sqlite3.OperationalError:  # ... unless a value is not strict JSON (NaN): Python does
            rows = conn.execute(_OUTBOX_ROWS, args).fetchall()
            if not rows:
                return None
            enc = p.encode_change
            return rows, p.encode_changes(
                [enc(r[1], r[0], r[2], r[3], r[4], r[5], r[6], r[7], r[8]) for r in rows]
            )
        if not rows:
            return None
        return rows, p.encode_changes([r[1] for r in rows])

    def _send(self, body: bytes) -> None:
        if isinstance(self.client, HttpSyncClient):
            answer = self.client.push_encoded(body)  # the server committed before answering
        else:  # an in-process transport takes the changes as objects
            answer = self.client.push(json.loads(body)["changes"])
        keep_checkpoint(self.store, answer)  # the hub's signed audit checkpoint (sync/checkpoints.py)

    def _mark_pushed(self, first: int, last: int) -> None:
        self.store.raw_write(
            lambda conn: conn.execute(
                "UPDATE outbox SET pushed=1 WHERE site_seq BETWEEN ? AND ?", (first, last)
            )
        )

    def pull_once(self, wait: float = 0.0) -> int:
        """Fetch one page after the stored cursor and apply it with the new cursor in one transaction."""
        conn = self.store.reader()
        cursor_text = ap.get_meta(conn, ap.CURSOR_KEY)
        if cursor_text is None:
            return self._bootstrap()
        after = int(cursor_text)
        page = self.client.pull(after, PULL_LIMIT, wait)
        if self._stop.is_set():
            return 0  # stopped during the long-poll: the store may be closing
        self._check_server(page)
        cursor = int(page["cursor"])
        if not page["changes"] and cursor == after:
            return 0
        self._apply(page["changes"], cursor, page["server_id"])
        return len(page["changes"]) or (1 if page.get("more") else 0)

    def pull_all(self, max_rounds: int = 10_000) -> int:
        """Pull until the server has nothing more, pipelined: the next page (after this page's cursor)
        is fetched and decoded while this one is applied. Each page is still applied together with
        its own cursor in one transaction, in cursor order; a page fetched ahead of a failed apply
        is dropped."""
        if ap.get_meta(self.store.reader(), ap.CURSOR_KEY) is None or not isinstance(
            self.client, HttpSyncClient
        ):
            pulled = 0
            for _ in range(max_rounds):
                n = self.pull_once(0.0)
                pulled += n
                if not n:
                    break
            return pulled
        pulled = 0
        after = int(ap.get_meta(self.store.reader(), ap.CURSOR_KEY) or 0)
        with ThreadPoolExecutor(1, thread_name_prefix="sync-fetch") as pool:
            ahead = pool.submit(self.client.pull, after, PULL_PAGE, 0.0)
            for _ in range(max_rounds):
                page = ahead.result()
                if self._stop.is_set():
                    break
                self._check_server(page)
                cursor = int(page["cursor"])
                if not page["changes"] and cursor == after:
                    break
                ahead = pool.submit(self.client.pull, cursor, PULL_PAGE, 0.0)
                self._apply(page["changes"], cursor, page["server_id"])
                after = cursor
                n = len(page["changes"]) or (1 if page.get("more") else 0)
                pulled += n
                if not n:
                    break
        return pulled

    def _bootstrap(self) -> int:
        """A desk that never pulled starts from the server's snapshot (merged state, not the log)."""
        snap = self.client.snapshot()
        self._apply(snap["changes"], int(snap["cursor"]), snap["server_id"], log_page=False)
        return max(1, len(snap["changes"]))

    def _check_server(self, page: dict[str, Any]) -> None:
        known = ap.get_meta(self.store.reader(), ap.SERVER_ID_KEY)
        if known is not None and known != page["server_id"]:
            # Another server (rebuilt hub): its cursors mean nothing here, start over from its snapshot.
            self.store.raw_write(lambda conn: conn.execute("DELETE FROM meta WHERE key=?", (ap.CURSOR_KEY,)))
            raise SyncClientError(
                f"server changed from {known} to {page['server_id']}; re-reading its snapshot"
            )

    def _apply(
        self, changes: list[dict[str, Any]], cursor: int, server_id: str, *, log_page: bool = True
    ) -> None:
        """Apply one page in bounded transactions of APPLY_CHUNK changes, so that an operator's write
        never waits long behind sync (the writer runs interactive writes first, but never interrupts
        a job).

        Each chunk commits together with the cursor advanced only as far as it is fully applied: to
        the server_seq of the chunk's last change on a log page (the page is in server_seq order and
        the rows it leaves out are this desk's own), to the page's cursor with the last chunk. A
        snapshot (`log_page=False`) moves the cursor only with its last chunk. A crash between chunks
        re-pulls from the stored cursor and re-applies (apply is idempotent). Views hear one
        `Changes` per chunk; the UI bridge coalesces them.
        """
        top = _top_clock(changes)
        if top is not None:
            self.store.clock.observe(top)  # ClockSkewError: this PC's clock is behind
        n = len(changes)
        starts = list(range(0, n, APPLY_CHUNK)) or [0]
        prev_seq = -1
        for k, start in enumerate(starts):
            if k and self._stop.is_set():
                return  # stopping: what is committed is consistent with its cursor
            chunk = changes[start : start + APPLY_CHUNK]
            last = k == len(starts) - 1
            chunk_cursor: int | None = cursor
            if not last:
                chunk_cursor, prev_seq = _chunk_cursor(chunk, prev_seq, cursor) if log_page else (None, prev_seq)
            self._apply_chunk(chunk, start, chunk_cursor, server_id)

    def _apply_chunk(
        self, chunk: list[dict[str, Any]], offset: int, cursor: int | None, server_id: str
    ) -> None:
        hook = self.fault_hook
        clock = self.store.clock
        chunk_hook = None if hook is None else (lambda i: hook(offset + i))

        def job(conn: Any) -> Changes:
            touched = ap.apply_changes(conn, chunk, fault_hook=chunk_hook)
            if cursor is not None:
                ap.set_meta(conn, ap.CURSOR_KEY, str(cursor))
            ap.set_meta(conn, ap.SERVER_ID_KEY, server_id)
            ap.set_meta(conn, "hlc", clock.last.encode())
            return touched

        # raw_write broadcasts the Changes it was given after the commit: the job fills it in by then.
        holder = Changes(origin="sync")
        self.store.raw_write(lambda conn: holder.merge(job(conn)), holder, background=True)

    def sync_once(self, max_rounds: int = 10_000) -> dict[str, int]:
        """Push everything, then pull until the server has nothing more (CLI --once, tests)."""
        pushed = pulled = 0
        try:
            pushed = self.push_all()
            pulled = self.pull_all(max_rounds)
        except (SyncClientError, ClockSkewError) as exc:
            self._failed(exc)
            raise
        self._ok()
        return {"pushed": pushed, "pulled": pulled}

    # -- threads --------------------------------------------------------------------------------
    def start(self) -> None:
        if self._threads:
            return
        self._stop.clear()
        self._dirty.set()
        self._threads = [
            threading.Thread(target=self._loop, args=(self._push_step,), name="sync-push", daemon=True),
            threading.Thread(target=self._loop, args=(self._pull_step,), name="sync-pull", daemon=True),
        ]
        for t in self._threads:
            t.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop both threads. A long-poll in flight cannot be interrupted (httpx has no cancel for
        synchronous requests), so the pull thread long-polls in slices of LONG_POLL_SLICE_S: it ends
        by itself within one slice, and it touches nothing once stopped."""
        self._stop.set()
        self._dirty.set()
        for t in self._threads:
            t.join(timeout if t.name == "sync-push" else 0.2)
        self._threads = []
        if self._compactor is not None:
            self._compactor.join(timeout)  # it stops between two jobs
            self._compactor = None
        self.client.close()

    def _push_step(self) -> None:
        self._dirty.wait(5.0)  # woken by a local commit; the timeout retries rows left by a failure
        self._dirty.clear()
        self.push_all()
        self._ok()
        self._maybe_compact()

    def _maybe_compact(self) -> None:
        """At most hourly, on a thread of its own (a first pass over a year of rows takes minutes and
        must not hold up pushes): compact what the hub has confirmed, older than 30 days
        (services/compaction.py), in short background writer jobs. A refusal is logged."""
        now = time.monotonic()
        busy = self._compactor is not None and self._compactor.is_alive()
        if busy or now - self._compacted_at < COMPACT_EVERY_S or self._stop.is_set():
            return
        self._compacted_at = now

        def run() -> None:
            from ..services.compaction import CompactionError, compact

            try:
                out = compact(self.store, should_stop=self._stop.is_set)
                if out.get("removed"):
                    log.info("outbox compacted: %s", out)
            except CompactionError as exc:
                log.warning("outbox not compacted: %s", exc)
            except Exception:  # the store closing under it, a busy file: next hour
                if not self._stop.is_set():
                    log.exception("outbox compaction failed")

        self._compactor = threading.Thread(target=run, name="sync-compact", daemon=True)
        self._compactor.start()

    def _pull_step(self) -> None:
        wait = min(self.wait_s, LONG_POLL_SLICE_S)
        while not self._stop.is_set() and self.pull_once(wait if not self._stop.is_set() else 0):
            self._ok()
        self._ok()

    def _loop(self, step: Callable[[], None]) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                step()
                failures = 0
            except (SyncClientError, ClockSkewError) as exc:
                if self._stop.is_set():
                    break
                failures += 1
                self._failed(exc)
                self._stop.wait(min(30.0, 0.25 * 2 ** min(failures, 7)) * (0.5 + random.random() / 2))
            except Exception as exc:  # keep syncing; the store may be briefly busy
                if self._stop.is_set():
                    break
                failures += 1
                log.exception("sync step failed")
                self._failed(exc)
                self._stop.wait(min(30.0, 0.5 * 2 ** min(failures, 6)))
        log.debug("sync thread %s stopped", threading.current_thread().name)


def _top_clock(changes: list[Any]) -> Hlc | None:
    """The latest clock of a page. A malformed change is left to apply (which quarantines it): only
    well-formed clocks count. Encoded clocks have a fixed width, so the text order is the clock order."""
    try:
        top = max((c["hlc"] for c in changes if len(c["hlc"]) == HLC_WIDTH), default=None)
        return None if top is None else Hlc.decode(top)
    except (TypeError, KeyError, ValueError, AttributeError):
        pass
    good: list[Hlc] = []
    for c in changes:
        try:
            good.append(Hlc.decode(c["hlc"]))
        except (TypeError, KeyError, ValueError, AttributeError):
            continue
    return max(good, default=None)


def _chunk_cursor(chunk: list[dict[str, Any]], prev: int, page_cursor: int) -> tuple[int | None, int]:
    """The cursor after a fully applied chunk of a log page: its last change's server_seq, when every
    change of the chunk carries one, rising, within the page. Otherwise None (the cursor stays where
    it is until the page's last chunk), and `prev` becomes unusable for the chunks after it."""
    for ch in chunk:
        seq = ch.get("server_seq") if isinstance(ch, dict) else None
        if type(seq) is not int or not prev < seq <= page_cursor:
            return None, page_cursor + 1
        prev = seq
    return prev, prev


def wait_until(predicate: Callable[[], bool], timeout: float, interval: float = 0.05) -> bool:
    """Small helper for callers that need to wait for sync (tests, CLI)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
