"""What the server does, apart from HTTP: push, pull, snapshot, status, conflicts.

The Starlette app is a thin shell over this class; property tests call it directly.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any, NamedTuple

from argon2 import PasswordHasher

from ..domain.hlc import MAX_SKEW_MS, Hlc, HybridClock
from ..domain.ids import new_id
from ..sync import protocol as p
from .auth import Authenticator, AuthError, require_kind
from .storage import Site, Storage

UPSTREAM_SOURCE = "upstream"


class EncodedPage(NamedTuple):
    """A pull page as its JSON body, with what the long-poll loop needs to know about it."""

    body: bytes
    count: int
    cursor: int


def wall_ms() -> int:
    return int(time.time() * 1000)


class Notifier:
    """Counts commits and wakes waiters (threads and asyncio long-polls) after each one."""

    def __init__(self) -> None:
        self.version = 0
        self._cond = threading.Condition()
        self._callbacks: list[Callable[[], None]] = []

    def notify(self) -> None:
        with self._cond:
            self.version += 1
            self._cond.notify_all()
        for cb in list(self._callbacks):
            cb()

    def add_callback(self, cb: Callable[[], None]) -> None:
        self._callbacks.append(cb)

    def remove_callback(self, cb: Callable[[], None]) -> None:
        if cb in self._callbacks:
            self._callbacks.remove(cb)

    def wait(self, seen: int, timeout: float) -> bool:
        """Block until version != seen (True) or timeout (False)."""
        with self._cond:
            return self._cond.wait_for(lambda: self.version != seen, timeout)


class SyncServer:
    """One hub or upstream server over one Storage."""

    def __init__(
        self, storage: Storage, now_ms: Callable[[], int] = wall_ms, hasher: PasswordHasher | None = None
    ) -> None:
        self.storage = storage
        self.now_ms = now_ms
        self.site_id = storage.meta_default("site_id", new_id)
        last = storage.get_meta("hlc")
        self.clock = HybridClock(now_ms, Hlc.decode(last) if last else None)
        self.auth = Authenticator(storage, hasher)
        self.notifier = Notifier()
        self.counters = {
            "push_requests": 0,
            "pull_requests": 0,
            "changes_accepted": 0,
            "duplicates": 0,
            "conflicts": 0,
            "clock_skew_rejections": 0,
        }

    # -- credentials ----------------------------------------------------------------------------
    def enroll(self, name: str, kind: str = "desk") -> dict[str, str]:
        site, token = self.auth.enroll(name, kind, self.now_ms())
        return {"site_id": site.site_id, "token": token, "kind": site.kind, "name": site.name}

    def authenticate(self, authorization: str | None) -> Site:
        return self.auth.verify(authorization)

    # -- push -----------------------------------------------------------------------------------
    def push(self, site: Site, body: Any) -> dict[str, Any]:
        """Ingest a batch from a desk (origin = its credential) or a hub (origin kept per change)."""
        require_kind(site, "desk", "hub")
        self.counters["push_requests"] += 1
        if not isinstance(body, dict) or not isinstance(body.get("changes"), list):
            raise p.ProtocolError("body: expected {'changes': [...]}")
        raw = body["changes"]
        if len(raw) > p.MAX_PUSH_BATCH:
            raise p.ProtocolError(f"changes: at most {p.MAX_PUSH_BATCH} per push, got {len(raw)}")
        relay = site.kind == "hub"
        changes = [p.validate_change(c, need_origin=relay) for c in raw]
        if not relay:
            own = site.site_id
            for i, ch in enumerate(changes):
                if ch["site_id"] != own:
                    if ch["site_id"] is not None:
                        raise AuthError(
                            f"change.site_id {ch['site_id']!r} is not this credential's site", p.E_FORBIDDEN
                        )
                    changes[i] = {
                        **ch,
                        "site_id": own,
                    }  # a copy: validate_change may return the caller's dict
        return self.ingest(site.site_id, changes)

    def ingest(
        self, source: str, changes: list[dict[str, Any]], meta: dict[str, str] | None = None
    ) -> dict[str, Any]:
        if changes:
            top = max(changes, key=lambda c: c["hlc"])["hlc"]
            ahead = Hlc.decode(top).ms - self.now_ms()
            if ahead > MAX_SKEW_MS:
                self.counters["clock_skew_rejections"] += 1
                raise p.ProtocolError(
                    f"change.hlc {top} is {ahead // 1000} s ahead of the server clock", p.E_CLOCK_SKEW
                )
            self.clock.observe(Hlc.decode(top))
        result = self.storage.ingest(
            source, changes, own_site=self.site_id, clock=self.clock, now_ms=self.now_ms(), meta=meta
        )
        self.counters["changes_accepted"] += result.accepted
        self.counters["duplicates"] += result.duplicates
        self.counters["conflicts"] += len(result.conflicts)
        if result.accepted or meta:
            self.notifier.notify()
        return {
            "accepted": result.accepted,
            "duplicates": result.duplicates,
            "conflicts": result.conflicts,
            "head": result.head,
            "server_id": self.site_id,
        }

    # -- pull -----------------------------------------------------------------------------------
    def pull(self, site: Site, after: int, limit: int = p.DEFAULT_PULL_LIMIT) -> dict[str, Any]:
        """One page of others' changes after the cursor (never blocks; the app long-polls)."""
        return dict(json.loads(self.pull_encoded(site, after, limit).body))

    def pull_encoded(self, site: Site, after: int, limit: int = p.DEFAULT_PULL_LIMIT) -> EncodedPage:
        """`pull` as the JSON body the app sends: log values go out as the text they were stored as."""
        require_kind(site, "desk", "hub")
        self.counters["pull_requests"] += 1
        limit = max(1, min(int(limit), p.MAX_PULL_LIMIT))
        after = max(0, int(after))
        changes, cursor, more = self.storage.pull_json(after, limit, exclude_source=site.site_id)
        if changes is None:  # a stored value the database will not read as JSON: encode here
            rows, cursor, more = self.storage.pull_rows(after, limit, exclude_source=site.site_id)
            changes = [p.encode_change(*r[1:10], server_seq=r[0]) for r in rows]
        body = p.encode_changes(
            changes, cursor=cursor, more=more, server_id=self.site_id, server_ms=self.now_ms()
        )
        return EncodedPage(body, len(changes), cursor)

    def pull_wait(self, site: Site, after: int, limit: int, wait_s: float) -> dict[str, Any]:
        """Blocking long-poll for threads (the ASGI app has its own async version)."""
        deadline = time.monotonic() + max(0.0, min(wait_s, p.MAX_WAIT_S))
        while True:
            seen = self.notifier.version
            page = self.pull_encoded(site, after, limit)
            remaining = deadline - time.monotonic()
            if page.count or page.cursor != after or remaining <= 0:
                return dict(json.loads(page.body))
            self.notifier.wait(seen, min(remaining, 1.0))

    def snapshot(self, site: Site) -> dict[str, Any]:
        return dict(json.loads(self.snapshot_encoded(site)))

    def snapshot_encoded(self, site: Site) -> bytes:
        """The merged state as one JSON body {"changes", "cursor", "server_id", "server_ms"}."""
        require_kind(site, "desk", "hub")
        rows, head = self.storage.snapshot_rows()
        changes = [p.encode_change(*r[1:10], server_seq=r[0]) for r in rows]
        return p.encode_changes(changes, cursor=head, server_id=self.site_id, server_ms=self.now_ms())

    # -- conflicts and status -----------------------------------------------------------------
    def conflicts(self, open_only: bool) -> list[dict[str, Any]]:
        return self.storage.conflicts(open_only)

    def resolve(self, site: Site, conflict_id: str, body: Any) -> dict[str, Any]:
        """A supervisor's decision, written as an edit of the conflict record (and of the field)."""
        require_kind(site, "desk", "admin")
        if not isinstance(body, dict) or not isinstance(body.get("resolution"), str):
            raise p.ProtocolError("body: expected {'resolution': str, 'resolved_by': str, 'value'?: any}")
        found = [c for c in self.storage.conflicts() if c["id"] == conflict_id]
        if not found:
            raise p.ProtocolError(f"conflict {conflict_id} not found", p.E_NOT_FOUND)
        now = self.now_ms()
        fields = {
            "resolution": body["resolution"],
            "resolved_by": body.get("resolved_by") or site.name,
            "resolved_at": now,
        }
        if "value" in body:
            c = found[0]
            self.storage.write_own_tx(
                c["tbl"],
                c["pk"],
                {c["col"]: body["value"]},
                own_site=self.site_id,
                clock=self.clock,
                now_ms=now,
            )
        head = self.storage.write_own_tx(
            "conflicts", conflict_id, fields, own_site=self.site_id, clock=self.clock, now_ms=now
        )
        self.notifier.notify()
        return {"id": conflict_id, "head": head, **fields}

    def append_row(self, tbl: str, row: dict[str, Any], pk: str | None = None) -> str:
        """Write an append-only row as this server (AML intake): it syncs to every desk."""
        if not p.is_append(tbl):
            raise p.ProtocolError(f"{tbl} is not an append-only synced table")
        pk = pk or new_id()
        self.storage.append_own_tx(
            tbl, pk, row, own_site=self.site_id, clock=self.clock, now_ms=self.now_ms()
        )
        self.notifier.notify()
        return pk

    def status(self) -> dict[str, Any]:
        counts = self.storage.counts()
        return {
            "server_id": self.site_id,
            "backend": self.storage.backend,
            "head": self.storage.head(),
            "log_changes": counts["log"],
            "open_conflicts": len(self.storage.conflicts(open_only=True)),
            "sites": self.storage.sites(),
            "server_ms": self.now_ms(),
            "upstream": {
                "push_cursor": int(self.storage.get_meta("up_push_cursor") or 0),
                "pull_cursor": int(self.storage.get_meta("up_pull_cursor") or 0),
            },
        }
