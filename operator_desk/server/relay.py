"""A hub's link to its upstream server (same code): push our log up, pull others' changes down.

Every change keeps its origin (site_id, site_seq), so the upstream dedupes it however it arrives.
Push: our log after `up_push_cursor`, minus what came from upstream, in server_seq order; the cursor
moves only after the upstream acked (it committed). Pull: the upstream's log after `up_pull_cursor`
minus what we delivered, ingested with the new cursor in the same transaction.
"""

from __future__ import annotations

import logging
import random
import threading
from typing import Any

from ..sync.client import SyncClientError, SyncTransport
from .core import UPSTREAM_SOURCE, SyncServer

log = logging.getLogger(__name__)
BATCH = 1000


def _wire(change: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in change.items() if k != "server_seq"}


class Relay:
    """Steps are public so tests can interleave them; `start()` runs them on two threads."""

    def __init__(self, server: SyncServer, upstream: SyncTransport, wait_s: float = 20.0) -> None:
        self.server = server
        self.upstream = upstream
        self.wait_s = wait_s
        self.last_error: str | None = None
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def push_once(self) -> int:
        """Send one batch upstream; returns how many changes went (0: nothing left)."""
        storage = self.server.storage
        after = int(storage.get_meta("up_push_cursor") or 0)
        changes, cursor, _more = storage.pull(after, BATCH, exclude_source=UPSTREAM_SOURCE)
        if changes:
            self.upstream.push([_wire(c) for c in changes])
        if cursor != after:
            storage.set_meta("up_push_cursor", str(cursor))
        return len(changes) if changes else (1 if cursor != after else 0)

    def pull_once(self, wait: float = 0.0) -> int:
        """Take one page from upstream; returns how many changes it held (0 with nothing new)."""
        after = int(self.server.storage.get_meta("up_pull_cursor") or 0)
        page = self.upstream.pull(after, BATCH, wait)
        changes = [_wire(c) for c in page["changes"]]
        cursor = int(page["cursor"])
        if changes or cursor != after:
            self.server.ingest(UPSTREAM_SOURCE, changes, meta={"up_pull_cursor": str(cursor)})
        return len(changes) if changes else (1 if page.get("more") else 0)

    def sync_once(self) -> None:
        while self.push_once():
            pass
        while self.pull_once():
            pass

    # -- threads --------------------------------------------------------------------------------
    def start(self) -> None:
        self._stop.clear()
        self._threads = [
            threading.Thread(target=self._push_loop, name="relay-push", daemon=True),
            threading.Thread(target=self._pull_loop, name="relay-pull", daemon=True),
        ]
        for t in self._threads:
            t.start()

    def stop(self) -> None:
        self._stop.set()
        self.server.notifier.notify()  # wake the push loop
        for t in self._threads:
            t.join(timeout=self.wait_s + 5)
        self.upstream.close()

    def _push_loop(self) -> None:
        failures = 0
        while not self._stop.is_set():
            seen = self.server.notifier.version
            try:
                while self.push_once() and not self._stop.is_set():
                    pass
                failures, self.last_error = 0, None
            except SyncClientError as exc:
                failures += 1
                self.last_error = exc.code
                log.warning("relay push to upstream failed: %s", exc)
                self._stop.wait(_backoff(failures))
                continue
            self.server.notifier.wait(seen, 1.0)

    def _pull_loop(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                self.pull_once(self.wait_s)
                failures, self.last_error = 0, None
            except SyncClientError as exc:
                failures += 1
                self.last_error = exc.code
                log.warning("relay pull from upstream failed: %s", exc)
                self._stop.wait(_backoff(failures))


def _backoff(failures: int) -> float:
    return min(30.0, 0.5 * 2 ** min(failures, 6)) * (0.5 + random.random() / 2)
