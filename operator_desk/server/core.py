"""What the server does, apart from HTTP: push, pull, snapshot, status, conflicts, credentials.

The Starlette app is a thin shell over this class; property tests call it directly.

Authority (until accounts with roles exist; see README "Security"): a desk credential writes
- `calls.*` only of calls it created (another desk's call: 403 naming it; the batch is refused);
- no `operators` or `agencies` rows (admin credential only) and no `conflicts` fields unless the hub
  flags the desk supervisor: such changes are set aside (table `refused`, listed in the push
  answer, /v1/status and `operator-desk-server sites`), the rest of the batch goes on;
- at most CONFLICT_BURST conflict records, then CONFLICT_RATE per second: past that its conflicting
  writes are still logged and merged but recorded only as a count (`conflict_floods` in /v1/status).
A hub credential relays changes its own hub already checked.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, NamedTuple

from argon2 import PasswordHasher
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ..domain import tables
from ..domain.audit import public_key_text, sign_checkpoint
from ..domain.hlc import MAX_SKEW_MS, Hlc, HybridClock
from ..domain.ids import new_id
from ..sync import protocol as p
from .audit_trees import load_key
from .auth import Authenticator, AuthError, AuthGate, Bucket, require_kind
from .records import Cursor, Site
from .storage import Storage

log = logging.getLogger(__name__)
SUCCESSORS_KEY = "site_successors"  # meta: the successor enrolments (`enroll --replaces`), JSON
UPSTREAM_SOURCE = "upstream"
E_AUDIT_MISMATCH = "audit_mismatch"  # a pushed audit row whose hash is not its own: 409
ADMIN_TABLES = frozenset({"operators", "agencies"})  # rows only from an admin credential
CONFLICT_BURST = 100
CONFLICT_RATE = 100 / 600  # conflict records per second and site after the burst


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


_INT_COLUMNS: dict[str, frozenset[str]] = {
    tbl.name: frozenset(c.name for c in tbl.columns if c.type in ("int", "time")) for tbl in tables.TABLES
}


def _integral(change: Any) -> Any:
    """JSON has one kind of number: 5405.0 is the integer 5405 where the protocol or a column wants
    an integer (site_seq, int and time columns). Anything else is left for the validator."""
    if type(change) is not dict:
        return change
    seq, value = change.get("site_seq"), change.get("value")
    kind = type(value)
    if type(seq) is not float and kind is not float and kind is not dict:
        return change  # the common case: nothing to look at
    ints = _INT_COLUMNS.get(change.get("tbl"))  # type: ignore[arg-type]
    fix: dict[str, Any] = {}
    if type(seq) is float and seq.is_integer():
        fix["site_seq"] = int(seq)
    if ints and type(value) is float and value.is_integer() and change.get("col") in ints:
        fix["value"] = int(value)
    elif ints and type(value) is dict and change.get("col") == "*":
        row = {
            k: int(v) if type(v) is float and v.is_integer() and k in ints else v for k, v in value.items()
        }
        if row != value or any(type(row[k]) is not type(value[k]) for k in row):
            fix["value"] = row
    return {**change, **fix} if fix else change


class SyncServer:
    """One hub or upstream server over one Storage."""

    def __init__(
        self,
        storage: Storage,
        now_ms: Callable[[], int] = wall_ms,
        hasher: PasswordHasher | None = None,
        audit_key: Ed25519PrivateKey | None = None,
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
            "changes_refused": 0,
            "conflicts_suppressed": 0,
        }
        self.gate = AuthGate(self.auth, self.counters)
        self.audit_key = audit_key if audit_key is not None else load_key(storage)
        self.conflict_budget = Bucket(CONFLICT_BURST, CONFLICT_RATE)
        self.conflict_floods: dict[str, int] = {}

    # -- credentials ----------------------------------------------------------------------------
    def enroll(
        self,
        name: str,
        kind: str = "desk",
        supervisor: bool = False,
        *,
        replaces: list[str] | None = None,
        by: str | None = None,
    ) -> dict[str, Any]:
        """A new credential. With `replaces` (a restored desk's new site as the successor of its old
        one(s)): the old sites' tokens are revoked and the successor recorded (who, when) in the same
        transaction that stores the new site; the successor may then write the old sites' calls."""
        if not replaces:
            site, token = self.auth.enroll(name, kind, self.now_ms(), supervisor)
            olds: list[Site] = []
        else:
            olds = self._predecessors_for(kind, replaces, by)
            site, token = self.auth.new_site(name, kind, supervisor)
            self._store_successor(site, olds, str(by).strip())
        out: dict[str, Any] = {
            "site_id": site.site_id,
            "token": token,
            "kind": site.kind,
            "name": site.name,
            "supervisor": site.supervisor,
        }
        if olds:
            out["replaces"] = [o.site_id for o in olds]
        return out

    def _predecessors_for(self, kind: str, replaces: list[str], by: str | None) -> list[Site]:
        """The sites a successor enrolment replaces, checked (ProtocolError naming the problem)."""
        if kind != "desk":
            raise p.ProtocolError(f"--replaces: only a desk can succeed a desk (not a {kind} credential)")
        who = (by or "").strip()
        if not who or len(who) > 100 or not who.isprintable():
            raise p.ProtocolError("--replaces needs --as ADMIN: the admin who records the replacement")
        taken = self.successors()
        olds: list[Site] = []
        for name in replaces:
            try:
                old = self.find_site(name)
            except p.ProtocolError as exc:
                raise p.ProtocolError(f"--replaces {name!r}: {exc}", exc.code) from None
            if old.kind != "desk":
                raise p.ProtocolError(
                    f"--replaces {name!r}: {old.name} is a {old.kind} credential, not a desk"
                )
            heir = next((n for n, rec in taken.items() if old.site_id in rec["replaces"]), None)
            if heir is not None:
                raise p.ProtocolError(
                    f"--replaces {name!r}: site {old.site_id} was already replaced by site {heir}"
                )
            if old.site_id not in {o.site_id for o in olds}:
                olds.append(old)
        return olds

    def _store_successor(self, site: Site, olds: list[Site], by: str) -> None:
        storage, now = self.storage, self.now_ms()
        with storage.write_tx() as cur:
            cur.execute(
                storage.q(
                    "INSERT INTO sites (site_id, name, kind, token_hash, created_at, revoked, supervisor) "
                    "VALUES (?,?,?,?,?,0,?)"
                ),
                (site.site_id, site.name, site.kind, site.token_hash, now, int(site.supervisor)),
            )
            for old in olds:
                cur.execute(storage.q("UPDATE sites SET revoked=1 WHERE site_id=?"), (old.site_id,))
            record = json.loads(storage._meta(cur, SUCCESSORS_KEY) or "{}")
            record[site.site_id] = {"replaces": [o.site_id for o in olds], "by": by, "at": now}
            storage._set_meta(cur, SUCCESSORS_KEY, json.dumps(record, sort_keys=True))
        for old in olds:
            self.auth.forget(old.site_id)
        log.warning(
            "site %s (%s) enrolled by %s as the successor of %s; their credentials are revoked",
            site.name,
            site.site_id,
            by,
            ", ".join(f"{o.name} ({o.site_id})" for o in olds),
        )

    def successors(self, cur: Cursor | None = None) -> dict[str, dict[str, Any]]:
        """{successor site id: {"replaces": [old site ids], "by": admin, "at": ms}} (the hub's record)."""
        text = (
            self.storage._meta(cur, SUCCESSORS_KEY)
            if cur is not None
            else self.storage.get_meta(SUCCESSORS_KEY)
        )
        try:
            out = json.loads(text) if text else {}
        except ValueError:
            return {}
        return out if isinstance(out, dict) else {}

    @staticmethod
    def predecessors(successors: dict[str, dict[str, Any]], site_id: str) -> set[str]:
        """Every site `site_id` succeeds, directly or through an earlier successor (A3 → A2 → A)."""
        out: set[str] = set()
        todo = [site_id]
        while todo:
            for old in (successors.get(todo.pop()) or {}).get("replaces") or []:
                if old not in out:
                    out.add(old)
                    todo.append(old)
        return out

    def authenticate(self, authorization: str | None) -> Site:
        return self.auth.verify(authorization)

    def find_site(self, name_or_id: str) -> Site:
        """The one site with this id or name; ProtocolError (404, or 400 when the name is ambiguous)."""
        found = self.storage.find_sites(name_or_id)
        if not found:
            raise p.ProtocolError(f"no site named {name_or_id!r}", p.E_NOT_FOUND)
        if len(found) > 1:
            ids = ", ".join(s.site_id for s in found)
            raise p.ProtocolError(f"{len(found)} sites are named {name_or_id!r} ({ids}): give the site id")
        return found[0]

    def set_flag(self, name_or_id: str, flag: str, on: bool = True) -> dict[str, Any]:
        """Revoke a credential (`revoked`) or flag a desk supervisor; honoured within a second."""
        site = self.find_site(name_or_id)
        if flag == "supervisor" and site.kind != "desk":
            raise p.ProtocolError(f"only a desk can be flagged supervisor ({site.name} is a {site.kind})")
        self.storage.set_site_flag(site.site_id, flag, on)
        self.auth.forget(site.site_id)
        return {"site_id": site.site_id, "name": site.name, "kind": site.kind, flag: on}

    def sites(self) -> list[dict[str, Any]]:
        self.auth.flush_all_seen()
        out = self.storage.sites()
        heirs = self.successors()
        replaced_by = {old: new for new, rec in heirs.items() for old in rec.get("replaces") or []}
        for s in out:
            s["conflicts_suppressed"] = self.conflict_floods.get(s["site_id"], 0)
            if s["site_id"] in heirs:
                s["replaces"] = list(heirs[s["site_id"]].get("replaces") or [])
                s["replaced_at"] = heirs[s["site_id"]].get("at")
                s["replaced_by_admin"] = heirs[s["site_id"]].get("by")
            if s["site_id"] in replaced_by:
                s["replaced_by"] = replaced_by[s["site_id"]]
        return out

    # -- push -----------------------------------------------------------------------------------
    def push(self, site: Site, body: Any) -> dict[str, Any]:
        """Ingest a batch from a desk (origin = its credential) or a hub (origin kept per change)."""
        require_kind(site, "desk", "hub", "admin")
        self.counters["push_requests"] += 1
        if not isinstance(body, dict) or not isinstance(body.get("changes"), list):
            raise p.ProtocolError("body: expected {'changes': [...]}")
        raw = body["changes"]
        if len(raw) > p.MAX_PUSH_BATCH:
            raise p.ProtocolError(f"changes: at most {p.MAX_PUSH_BATCH} per push, got {len(raw)}")
        relay = site.kind == "hub"
        changes = []
        for i, c in enumerate(raw):
            try:
                changes.append(p.validate_change(_integral(c), need_origin=relay))
            except p.ProtocolError as exc:
                code = E_AUDIT_MISMATCH if isinstance(exc, p.AuditMismatch) else exc.code
                raise p.ProtocolError(f"changes[{i}]: {exc}", code) from None
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
        if relay:
            return self.ingest(site.site_id, changes)
        changes, refused = self._authority(site, changes)
        allowance = int(self.conflict_budget.level(site.site_id))
        out = self.ingest(
            site.site_id,
            changes,
            authorize=None if site.kind == "admin" else self._owns_calls,
            conflict_allowance=allowance,
            origin=site.site_id,
        )
        if refused:  # after the batch was taken: a refused batch comes again whole
            self.storage.set_aside(site.site_id, refused, self.now_ms())
            self.counters["changes_refused"] += len(refused)
            log.warning(
                "site %s (%s): %d changes set aside (%s)",
                site.name,
                site.site_id,
                len(refused),
                ", ".join(sorted({r for _, r in refused})),
            )
        out["refused"] = [
            {"site_seq": c["site_seq"], "tbl": c["tbl"], "pk": c["pk"], "col": c["col"], "reason": r}
            for c, r in refused
        ]
        out["checkpoint"] = self.checkpoint(site.site_id, out.pop("_trees", {}))
        return out

    def checkpoint(self, site_id: str, trees: dict[str, tuple[int, str]] | None = None) -> dict[str, Any]:
        """The signed (server, site, tree size, root) of one site's audit tree (domain/audit.py)."""
        size, root = (trees or {}).get(site_id) or self.storage.audit_tree(site_id)
        return sign_checkpoint(self.audit_key, self.site_id, site_id, size, root)

    def _authority(
        self, site: Site, changes: list[dict[str, Any]]
    ) -> tuple[list[dict[str, Any]], list[tuple[dict[str, Any], str]]]:
        """(changes to ingest, changes set aside with the reason) for a desk or admin credential."""
        if site.kind == "admin":
            return changes, []
        keep: list[dict[str, Any]] = []
        refused: list[tuple[dict[str, Any], str]] = []
        for ch in changes:
            tbl = ch["tbl"]
            if tbl in ADMIN_TABLES:
                refused.append((ch, f"{tbl}_needs_admin"))
            elif tbl == "conflicts" and not site.supervisor:
                refused.append((ch, "conflicts_need_supervisor"))
            else:
                keep.append(ch)
        return keep, refused

    def _owns_calls(self, cur: Cursor, changes: list[dict[str, Any]]) -> None:
        """Inside the ingest transaction: every calls.* change is by the site that created the call."""
        calls = [c for c in changes if c["tbl"] == "calls"]
        if not calls:
            return
        owners = self.storage.call_owners(cur, [c["pk"] for c in calls])
        heirs = self.successors(cur)  # a restored desk's successor site writes its predecessors' calls
        for c in calls:
            owner = owners.setdefault(c["pk"], c["site_id"])  # a new call belongs to its first writer
            if owner != c["site_id"] and owner not in self.predecessors(heirs, c["site_id"]):
                raise AuthError(
                    f"change site_seq {c['site_seq']}: call {c['pk']} belongs to site {owner}, "
                    f"not to {c['site_id']} (calls.{c['col']})",
                    p.E_FORBIDDEN,
                )

    def ingest(
        self,
        source: str,
        changes: list[dict[str, Any]],
        meta: dict[str, str] | None = None,
        *,
        authorize: Callable[[Cursor, list[dict[str, Any]]], None] | None = None,
        conflict_allowance: int | None = None,
        origin: str | None = None,
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
            source,
            changes,
            own_site=self.site_id,
            clock=self.clock,
            now_ms=self.now_ms(),
            meta=meta,
            authorize=authorize,
            conflict_allowance=conflict_allowance,
        )
        self.counters["changes_accepted"] += result.accepted
        self.counters["duplicates"] += result.duplicates
        self.counters["conflicts"] += len(result.conflicts)
        if origin is not None and result.conflicts:
            self.conflict_budget.spend(origin, len(result.conflicts))
        if result.conflicts_suppressed:
            key = origin or source
            self.counters["conflicts_suppressed"] += result.conflicts_suppressed
            self.conflict_floods[key] = self.conflict_floods.get(key, 0) + result.conflicts_suppressed
            log.warning(
                "site %s: %d conflicting writes past the limit of %d conflict records (logged, not recorded)",
                key,
                result.conflicts_suppressed,
                CONFLICT_BURST,
            )
        if result.accepted or meta:
            self.notifier.notify()
        out = {
            "accepted": result.accepted,
            "duplicates": result.duplicates,
            "conflicts": result.conflicts,
            "head": result.head,
            "server_id": self.site_id,
        }
        if origin is not None:
            out["_trees"] = result.trees  # push() turns it into the signed checkpoint
        return out

    # -- pull -----------------------------------------------------------------------------------
    def pull(self, site: Site, after: int, limit: int = p.DEFAULT_PULL_LIMIT) -> dict[str, Any]:
        """One page of others' changes after the cursor (never blocks; the app long-polls)."""
        return dict(json.loads(self.pull_encoded(site, after, limit).body))

    def pull_encoded(self, site: Site, after: int, limit: int = p.DEFAULT_PULL_LIMIT) -> EncodedPage:
        """`pull` as the JSON body the app sends: log values go out as the text they were stored as.
        A wall (the read-only display, issue 14) pulls too; it never pushes."""
        require_kind(site, "desk", "hub", "wall")
        self.counters["pull_requests"] += 1
        limit = max(1, min(int(limit), p.MAX_PULL_LIMIT))
        after = max(0, min(int(after), p.MAX_SEQ))
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
        require_kind(site, "desk", "hub", "wall")
        rows, head = self.storage.snapshot_rows()
        changes = [p.encode_change(*r[1:10], server_seq=r[0]) for r in rows]
        return p.encode_changes(changes, cursor=head, server_id=self.site_id, server_ms=self.now_ms())

    # -- conflicts and status -----------------------------------------------------------------
    def conflicts(self, open_only: bool) -> list[dict[str, Any]]:
        return self.storage.conflicts(open_only)

    def resolve(self, site: Site, conflict_id: str, body: Any) -> dict[str, Any]:
        """A supervisor's decision, written as an edit of the conflict record (and of the field).

        Only an admin credential or a desk the hub flags supervisor may decide."""
        require_kind(site, "desk", "admin")
        if site.kind == "desk" and not site.supervisor:
            raise AuthError(
                f"desk {site.name!r} may not resolve conflicts: it needs an admin credential or a desk "
                "flagged supervisor (operator-desk-server supervisor --site NAME)",
                p.E_FORBIDDEN,
            )
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
        p.validate_resolution(found[0], body, fields)  # the value must fit its column (400 otherwise)
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
            "sites": self.sites(),
            "conflict_floods": dict(self.conflict_floods),
            "server_ms": self.now_ms(),
            "audit_key": public_key_text(self.audit_key.public_key()),
            "upstream": {
                "push_cursor": int(self.storage.get_meta("up_push_cursor") or 0),
                "pull_cursor": int(self.storage.get_meta("up_pull_cursor") or 0),
            },
        }
