"""The server's storage: one interface, SQL shared by the SQLite and PostgreSQL backends.

Tables: `sites` (enrolled desks and hubs with argon2 token hashes, revoked and supervisor flags, last
seen), `log` (every change once, numbered by `server_seq`, unique by its origin `(site_id, site_seq)`),
`field_state` (the merged value and clock of every record field: conflict detection and snapshots),
`refused` (pushed changes the hub set aside: a credential without the authority for them),
`audit_tree` (per site: the Merkle tree over its audit rows, server/audit_trees.py), `meta`.
"""

from __future__ import annotations

import json
import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

from ..domain.hlc import HybridClock
from ..sync import protocol as p
from .audit_trees import grow_trees, read_tree
from .ingest import REDACTED_TABLE, account_authority, append_log, ingest_batch, merge_one, redact
from .records import Cursor, IngestResult, Site

__all__ = ["Cursor", "IngestResult", "Site", "Storage"]
log = logging.getLogger(__name__)

# Columns added after the first release: (table, column, SQL type and default).
ADDED_COLUMNS = (
    ("sites", "supervisor", "INTEGER NOT NULL DEFAULT 0"),
    ("sites", "last_seen", "BIGINT"),
    # what a desk's audit row covers includes the changes the hub set aside: kept whole to recheck it
    ("refused", "hlc", "TEXT"),
    ("refused", "base_hlc", "TEXT"),
    ("refused", "operator", "TEXT"),
)
SITE_COLS = "site_id, name, kind, token_hash, revoked, supervisor"

LOG_COLS = "server_seq, site_id, site_seq, hlc, tbl, pk, col, value, base_hlc, operator, source"

# One log row as its pull wire JSON, built by the database (C) instead of per change in Python.
# `value` is stored as JSON text and embedded as JSON; key order and spacing may differ per backend.
CHANGE_JSON_SQLITE = (
    "json_object('server_seq', server_seq, 'site_id', site_id, 'site_seq', site_seq, 'hlc', hlc, "
    "'tbl', tbl, 'pk', pk, 'col', col, 'value', json(value), 'base_hlc', base_hlc, 'operator', operator)"
)


class Storage(ABC):
    """What the server needs from a database. Each method is one transaction."""

    backend = "abstract"
    # SQL of one log row as wire JSON (see CHANGE_JSON_SQLITE); errors the database raises when a
    # stored value is not strict JSON (Python's json wrote NaN/Infinity): pulls then encode in Python.
    change_json_sql = CHANGE_JSON_SQLITE
    json_errors: tuple[type[Exception], ...] = ()
    # Test hook: called after each ingested change; raising there simulates a crash mid-batch.
    fault_hook: Callable[[int], None] | None = None

    def __init__(self) -> None:
        self._write_lock = threading.Lock()
        self._pulled: dict[str, int] = {}  # site -> highest pull cursor written (note_pulled)

    # -- backend specifics ------------------------------------------------------------------------
    @abstractmethod
    def write_tx(self) -> AbstractContextManager[Cursor]:
        """A serialised write transaction (ingest order = server_seq order = commit order)."""

    @abstractmethod
    def read_tx(self) -> AbstractContextManager[Cursor]:
        """A consistent read-only snapshot."""

    @abstractmethod
    def q(self, sql: str) -> str:
        """SQL written with '?' placeholders, in this backend's dialect."""

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def _add_column(self, cur: Cursor, table: str, column: str, decl: str) -> None:
        """ALTER TABLE … ADD COLUMN unless the column is there."""

    def _migrate(self) -> None:
        with self.write_tx() as cur:
            for table, column, decl in ADDED_COLUMNS:
                self._add_column(cur, table, column, decl)
            cur.execute(REDACTED_TABLE)  # what each redaction sets (server/ingest.py)

    # -- meta and sites -------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        with self.read_tx() as cur:
            return self._meta(cur, key)

    def _meta(self, cur: Cursor, key: str) -> str | None:
        cur.execute(self.q("SELECT value FROM meta WHERE key=?"), (key,))
        row = cur.fetchone()
        return None if row is None else str(row[0])

    def _set_meta(self, cur: Cursor, key: str, value: str) -> None:
        cur.execute(
            self.q(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value=excluded.value"
            ),
            (key, value),
        )

    def set_meta(self, key: str, value: str) -> None:
        with self.write_tx() as cur:
            self._set_meta(cur, key, value)

    def meta_default(self, key: str, make: Callable[[], str]) -> str:
        with self.write_tx() as cur:
            value = self._meta(cur, key)
            if value is None:
                value = make()
                self._set_meta(cur, key, value)
            return value

    def add_site(self, site: Site, now_ms: int) -> None:
        with self.write_tx() as cur:
            cur.execute(
                self.q(
                    "INSERT INTO sites (site_id, name, kind, token_hash, created_at, revoked, supervisor) "
                    "VALUES (?,?,?,?,?,0,?)"
                ),
                (site.site_id, site.name, site.kind, site.token_hash, now_ms, int(site.supervisor)),
            )

    def get_site(self, site_id: str) -> Site | None:
        with self.read_tx() as cur:
            cur.execute(self.q(f"SELECT {SITE_COLS} FROM sites WHERE site_id=?"), (site_id,))
            row = cur.fetchone()
        return None if row is None else _site(row)

    def find_sites(self, name_or_id: str) -> list[Site]:
        """The site with this id, else every site with this name."""
        with self.read_tx() as cur:
            cur.execute(self.q(f"SELECT {SITE_COLS} FROM sites WHERE site_id=?"), (name_or_id,))
            rows = cur.fetchall()
            if not rows:
                cur.execute(
                    self.q(f"SELECT {SITE_COLS} FROM sites WHERE name=? ORDER BY created_at"), (name_or_id,)
                )
                rows = cur.fetchall()
        return [_site(r) for r in rows]

    def set_site_flag(self, site_id: str, flag: str, on: bool) -> None:
        """Set `revoked` or `supervisor` of one site (takes effect within a second, no restart)."""
        if flag not in ("revoked", "supervisor"):
            raise ValueError(f"unknown site flag {flag!r}")
        with self.write_tx() as cur:
            cur.execute(self.q(f"UPDATE sites SET {flag}=? WHERE site_id=?"), (int(on), site_id))

    def touch_sites(self, seen: dict[str, int]) -> None:
        """Record when sites were last seen (batched by the authenticator)."""
        if not seen:
            return
        with self.write_tx() as cur:
            cur.executemany(
                self.q("UPDATE sites SET last_seen=? WHERE site_id=? AND (last_seen IS NULL OR last_seen<?)"),
                [(ms, site, ms) for site, ms in seen.items()],
            )

    def sites(self) -> list[dict[str, Any]]:
        with self.read_tx() as cur:
            cur.execute(
                "SELECT site_id, name, kind, created_at, revoked, supervisor, last_seen FROM sites "
                "ORDER BY created_at"
            )
            rows = cur.fetchall()
            cur.execute("SELECT site_id, max(site_seq), count(*) FROM log GROUP BY site_id")
            seen = {r[0]: (r[1], r[2]) for r in cur.fetchall()}
            cur.execute("SELECT site_id, count(*) FROM refused GROUP BY site_id")
            refused = {r[0]: int(r[1]) for r in cur.fetchall()}
        return [
            {
                "site_id": r[0],
                "name": r[1],
                "kind": r[2],
                "created_at": r[3],
                "revoked": bool(r[4]),
                "supervisor": bool(r[5]),
                "last_seen_ms": r[6],
                "max_site_seq": seen.get(r[0], (0, 0))[0],
                "changes": seen.get(r[0], (0, 0))[1],
                "refused": refused.get(r[0], 0),
            }
            for r in rows
        ]

    # -- authority --------------------------------------------------------------------------------
    def call_owners(self, cur: Cursor, pks: list[str]) -> dict[str, str]:
        """{call id: the site that wrote it} for the calls the hub holds (a call has one writer)."""
        out: dict[str, str] = {}
        ordered = sorted(set(pks))
        for i in range(0, len(ordered), 400):
            part = ordered[i : i + 400]
            cur.execute(
                self.q(
                    f"SELECT pk, site_id FROM field_state WHERE tbl='calls' AND pk IN ({','.join('?' * len(part))})"
                ),
                tuple(part),
            )
            for pk, site in cur.fetchall():
                out.setdefault(pk, site)
        return out

    def call_info(self, call_id: str) -> dict[str, Any] | None:
        """{"owner": site id, col: value …} of one call the hub holds, or None."""
        with self.read_tx() as cur:
            cur.execute(
                self.q("SELECT col, site_id, value FROM field_state WHERE tbl='calls' AND pk=?"), (call_id,)
            )
            rows = cur.fetchall()
        if not rows:
            return None
        info: dict[str, Any] = {"owner": rows[0][1]}
        for col, _site_id, value in rows:
            info[col] = json.loads(value) if value is not None else None
        return info

    def set_aside(self, source: str, refused: list[tuple[dict[str, Any], str]], now_ms: int) -> None:
        """Keep pushed changes the hub refused (change, reason): visible, never merged or relayed."""
        if not refused:
            return
        with self.write_tx() as cur:
            self._set_aside(cur, source, refused, now_ms)

    def _set_aside(
        self, cur: Cursor, source: str, refused: list[tuple[dict[str, Any], str]], now_ms: int
    ) -> None:
        cur.executemany(
            self.q(
                "INSERT INTO refused (site_id, site_seq, tbl, pk, col, value, reason, source, received_at, "
                "hlc, base_hlc, operator) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) "
                "ON CONFLICT (site_id, site_seq) DO NOTHING"
            ),
            [
                (
                    c["site_id"],
                    c["site_seq"],
                    c["tbl"],
                    c["pk"],
                    c["col"],
                    p.json_text(c["value"]),
                    reason,
                    source,
                    now_ms,
                    c["hlc"],
                    c["base_hlc"],
                    c["operator"],
                )
                for c, reason in refused
            ],
        )

    # -- ingest ---------------------------------------------------------------------------------
    def ingest(
        self,
        source: str,
        changes: list[dict[str, Any]],
        *,
        own_site: str,
        clock: HybridClock,
        now_ms: int,
        meta: dict[str, str] | None = None,
        authorize: Callable[[Cursor, list[dict[str, Any]]], None] | None = None,
        conflict_allowance: int | None = None,
    ) -> IngestResult:
        """Append new changes to the log and merge them, in one transaction; duplicates are skipped.

        `source` is the site that delivered the batch (a desk, a hub, or the upstream marker); pulls
        leave out a requester's own deliveries. Conflicts become server-origin `conflicts` changes.
        `authorize(cur, changes)` runs first inside the transaction (it raises to refuse the batch).
        """
        result = IngestResult(conflict_allowance=conflict_allowance)
        with self.write_tx() as cur:
            if authorize is not None:
                authorize(cur, changes)
                # a desk's push: accounts, retention and redactions by POLICY (server/ingest.py)
                changes, refused = account_authority(self.q, cur, changes)
                if refused:
                    self._set_aside(cur, source, refused, now_ms)
                    log.warning(
                        "site %s: %d changes set aside (%s)",
                        source,
                        len(refused),
                        ", ".join(sorted({r.split(":")[0] for _, r in refused})),
                    )
            if any(c["tbl"] == "redactions" for c in changes):
                self._secure(cur)
            ingest_batch(
                self, cur, source, changes, own_site=own_site, clock=clock, now_ms=now_ms, result=result
            )
            if result.audit:
                grow_trees(self.q, cur, result)
            for key, value in (meta or {}).items():
                self._set_meta(cur, key, value)
            self._set_meta(cur, "hlc", clock.last.encode())
            result.head = self._head(cur)
        return result

    def write_own(
        self,
        cur: Cursor,
        tbl: str,
        pk: str,
        fields: dict[str, Any],
        *,
        own_site: str,
        clock: HybridClock,
        now_ms: int,
        base: dict[str, str] | None = None,
    ) -> None:
        """Changes made by this server itself (conflict records, resolutions): logged and merged."""
        seq = int(self._meta(cur, "own_seq") or 0)
        for col, value in fields.items():
            seq += 1
            ch = {
                "site_id": own_site,
                "site_seq": seq,
                "hlc": clock.tick().encode(),
                "tbl": tbl,
                "pk": pk,
                "col": col,
                "value": value,
                "base_hlc": (base or {}).get(col),
                "operator": None,
            }
            append_log(self, cur, own_site, ch, now_ms)
            merge_one(self, cur, ch, own_site, clock, now_ms, IngestResult())
        self._set_meta(cur, "own_seq", str(seq))

    def write_own_tx(
        self, tbl: str, pk: str, fields: dict[str, Any], *, own_site: str, clock: HybridClock, now_ms: int
    ) -> int:
        with self.write_tx() as cur:
            base = self._field_clocks(cur, tbl, pk)
            self.write_own(cur, tbl, pk, fields, own_site=own_site, clock=clock, now_ms=now_ms, base=base)
            self._set_meta(cur, "hlc", clock.last.encode())
            return self._head(cur)

    def append_own_tx(
        self, tbl: str, pk: str, row: dict[str, Any], *, own_site: str, clock: HybridClock, now_ms: int
    ) -> int:
        """An append-only row made by this server (e.g. an AML device location): one '*' change."""
        with self.write_tx() as cur:
            seq = int(self._meta(cur, "own_seq") or 0) + 1
            ch = {
                "site_id": own_site,
                "site_seq": seq,
                "hlc": clock.tick().encode(),
                "tbl": tbl,
                "pk": pk,
                "col": "*",
                "value": row,
                "base_hlc": None,
                "operator": None,
            }
            append_log(self, cur, own_site, ch, now_ms)
            self._set_meta(cur, "own_seq", str(seq))
            self._set_meta(cur, "hlc", clock.last.encode())
            return self._head(cur)

    # -- retention (server/retention.py) -----------------------------------------------------------
    def _secure(self, cur: Cursor) -> None:
        """SQLite: zero the space a redacted value leaves in its page (PostgreSQL: `compact` vacuums)."""
        if self.backend == "sqlite":
            cur.execute("PRAGMA secure_delete=ON")

    def redact_own_tx(
        self, redactions: list[tuple[str, dict[str, Any]]], *, own_site: str, clock: HybridClock, now_ms: int
    ) -> int:
        """Redactions made by this server (its retention job): each a `redactions` row (pk, row) in the
        log, applied to the merged state, the log and the set-aside changes at once. Returns the head."""
        with self.write_tx() as cur:
            self._secure(cur)
            seq = int(self._meta(cur, "own_seq") or 0)
            for pk, row in redactions:
                seq += 1
                ch = {
                    "site_id": own_site,
                    "site_seq": seq,
                    "hlc": clock.tick().encode(),
                    "tbl": "redactions",
                    "pk": pk,
                    "col": "*",
                    "value": row,
                    "base_hlc": None,
                    "operator": row.get("redacted_by"),
                }
                if append_log(self, cur, own_site, ch, now_ms):
                    redact(self.q, cur, pk, row["tbl"], row["pk"], row["fields"])
            self._set_meta(cur, "own_seq", str(seq))
            self._set_meta(cur, "hlc", clock.last.encode())
            return self._head(cur)

    def redaction_ids(self) -> set[str]:
        """The ids of the redactions in the log (the job makes each one once)."""
        with self.read_tx() as cur:
            cur.execute("SELECT DISTINCT pk FROM log WHERE tbl='redactions'")
            return {str(r[0]) for r in cur.fetchall()}

    def field_rows(self, tbl: str, cols: tuple[str, ...]) -> dict[str, dict[str, Any]]:
        """{pk: {col: value}} of one record table's merged fields (the retention job's scan)."""
        marks = ",".join("?" * len(cols))
        with self.read_tx() as cur:
            cur.execute(
                self.q(f"SELECT pk, col, value FROM field_state WHERE tbl=? AND col IN ({marks})"),
                (tbl, *cols),
            )
            rows = cur.fetchall()
        out: dict[str, dict[str, Any]] = {}
        for pk, col, value in rows:
            out.setdefault(pk, {})[col] = json.loads(value) if value is not None else None
        return out

    def append_rows(self, tbl: str) -> dict[str, dict[str, Any]]:
        """{pk: row} of one append-only table as the log holds it (first delivery of each pk)."""
        with self.read_tx() as cur:
            cur.execute(self.q("SELECT pk, value FROM log WHERE tbl=? ORDER BY server_seq"), (tbl,))
            rows = cur.fetchall()
        out: dict[str, dict[str, Any]] = {}
        for pk, value in rows:
            row = json.loads(value) if value is not None else None
            if isinstance(row, dict):
                out.setdefault(pk, row)
        return out

    def compact(self) -> None:
        """After redactions: give the space of old values back (backends: SQLite empties the WAL,
        PostgreSQL vacuums), so a redacted value does not linger in the file."""
        return None

    def _field_clocks(self, cur: Cursor, tbl: str, pk: str) -> dict[str, str]:
        cur.execute(self.q("SELECT col, hlc FROM field_state WHERE tbl=? AND pk=?"), (tbl, pk))
        return {r[0]: r[1] for r in cur.fetchall()}

    # -- reads ----------------------------------------------------------------------------------
    def _head(self, cur: Cursor) -> int:
        cur.execute("SELECT max(server_seq) FROM log")
        row = cur.fetchone()
        return int(row[0] or 0)

    def head(self) -> int:
        with self.read_tx() as cur:
            return self._head(cur)

    def pull(
        self, after: int, limit: int, exclude_source: str | None
    ) -> tuple[list[dict[str, Any]], int, bool]:
        """Changes after `after` in server_seq order, minus those `exclude_source` delivered itself.

        Returns (changes, cursor, more): the cursor passes skipped rows too.
        """
        with self.read_tx() as cur:
            rows, cursor, more = self._pull_window(cur, after, limit, exclude_source)
        return [_change(r) for r in rows], cursor, more

    def pull_rows(self, after: int, limit: int, exclude_source: str | None) -> tuple[list[Any], int, bool]:
        """Like `pull`, as log rows (LOG_COLS order) whose value is still JSON text."""
        with self.read_tx() as cur:
            out = self._pull_window(cur, after, limit, exclude_source)
        self.note_pulled(exclude_source, out[1])
        return out

    def pull_json(
        self, after: int, limit: int, exclude_source: str | None
    ) -> tuple[list[str] | None, int, bool]:
        """Like `pull_rows`, each change as its wire JSON text built by the database; None instead of
        the list when the database refuses a stored value (the caller encodes `pull_rows` itself)."""
        try:
            with self.read_tx() as cur:
                rows, cursor, more = self._pull_window(
                    cur, after, limit, exclude_source, self.change_json_sql
                )
        except self.json_errors:
            return None, after, False
        self.note_pulled(exclude_source, cursor)
        return [r[0] for r in rows], cursor, more

    def note_pulled(self, site_id: str | None, cursor: int) -> None:
        """Remember the highest cursor handed to a site (the breach report: what a lost desk held).
        Written only when it grows, so an idle long-poll writes nothing."""
        if site_id is None:
            return
        seen = self._pulled.get(site_id)
        if seen is not None and cursor <= seen:
            return
        key = f"pull_cursor:{site_id}"
        with self.write_tx() as cur:
            stored = int(self._meta(cur, key) or 0)
            if cursor > stored:
                self._set_meta(cur, key, str(cursor))
        self._pulled[site_id] = max(cursor, stored)

    def rows_held_by(
        self, site_id: str, cursor: int, tables: tuple[str, ...], since_ms: int | None = None
    ) -> list[Any]:
        """(tbl, pk, col, value, source) of the log rows a site pushed or pulled (up to `cursor`) and the
        changes of it the hub set aside, for these tables, in log order (server/breach.py)."""
        marks = ",".join("?" * len(tables))
        since = since_ms or 0
        with self.read_tx() as cur:
            cur.execute(
                self.q(
                    f"SELECT tbl, pk, col, value, source FROM log WHERE tbl IN ({marks}) AND received_at >= ? "
                    "AND (source = ? OR site_id = ? OR server_seq <= ?) ORDER BY server_seq"
                ),
                (*tables, since, site_id, site_id, cursor),
            )
            rows = list(cur.fetchall())
            cur.execute(
                self.q(
                    f"SELECT tbl, pk, col, value, site_id FROM refused WHERE tbl IN ({marks}) AND received_at >= ? "
                    "AND site_id = ? ORDER BY site_seq"
                ),
                (*tables, since, site_id),
            )
            rows += cur.fetchall()
        return rows

    def _pull_window(
        self, cur: Cursor, after: int, limit: int, exclude_source: str | None, select: str = LOG_COLS
    ) -> tuple[list[Any], int, bool]:
        """The window (up to `limit` rows after `after`) is found on the primary key first, so the
        rows `exclude_source` delivered are left out by the database, not fetched and dropped."""
        cur.execute(
            self.q("SELECT server_seq FROM log WHERE server_seq > ? ORDER BY server_seq LIMIT 2 OFFSET ?"),
            (after, limit - 1),
        )
        ends = [int(r[0]) for r in cur.fetchall()]
        more = len(ends) > 1
        cursor = ends[0] if ends else max(after, self._head(cur))
        if cursor == after:
            return [], after, False
        sql = f"SELECT {select} FROM log WHERE server_seq > ? AND server_seq <= ?"
        args: tuple[Any, ...] = (after, cursor)
        if exclude_source is not None:
            sql += " AND source <> ?"
            args += (exclude_source,)
        cur.execute(self.q(sql + " ORDER BY server_seq"), args)
        return cur.fetchall(), cursor, more

    def iter_log(self, after: int = 0) -> Iterator[dict[str, Any]]:
        while True:
            batch, cursor, more = self.pull(after, 5000, None)
            yield from batch
            if not more:
                return
            after = cursor

    def snapshot(self) -> tuple[list[dict[str, Any]], int]:
        """The merged state as changes (one per record field, every append row) and the log head."""
        rows, head = self.snapshot_rows()
        return [_change(r) for r in rows], head

    def snapshot_rows(self) -> tuple[list[Any], int]:
        """`snapshot` as rows in LOG_COLS order (server_seq and site_seq 0 for merged fields), values
        still JSON text."""
        tables = sorted(p.APPEND_TABLES)
        marks = ",".join("?" * len(tables))
        fields = (
            "SELECT 0 AS server_seq, site_id, 0 AS site_seq, hlc, tbl, pk, col, value, "
            "CAST(NULL AS TEXT) AS base_hlc, CAST(NULL AS TEXT) AS operator, '' AS source FROM field_state"
        )
        with self.read_tx() as cur:
            head = self._head(cur)
            cur.execute(fields)
            rows = cur.fetchall()
            cur.execute(
                self.q(f"SELECT {LOG_COLS} FROM log WHERE tbl IN ({marks}) ORDER BY server_seq"),
                tuple(tables),
            )
            rows += cur.fetchall()
        return rows, head

    def materialize(self) -> dict[str, dict[str, dict[str, Any]]]:
        """{tbl: {pk: {col: value}}} of every synced row, non-null fields only (compare replicas)."""
        out: dict[str, dict[str, dict[str, Any]]] = {}
        changes, _ = self.snapshot()
        for ch in changes:
            values = ch["value"] if ch["col"] == "*" else {ch["col"]: ch["value"]}
            values = {k: v for k, v in values.items() if v is not None}
            if values:
                out.setdefault(ch["tbl"], {}).setdefault(ch["pk"], {}).update(values)
        return out

    def conflicts(self, open_only: bool = False) -> list[dict[str, Any]]:
        with self.read_tx() as cur:
            cur.execute("SELECT pk, col, value FROM field_state WHERE tbl='conflicts'")
            rows = cur.fetchall()
        found: dict[str, dict[str, Any]] = {}
        for pk, col, value in rows:
            found.setdefault(pk, {"id": pk})[col] = json.loads(value)
        items = sorted(found.values(), key=lambda c: (c.get("detected_at") or 0, c["id"]))
        return [c for c in items if not (open_only and c.get("resolved_at"))]

    def audit_tree(self, site_id: str) -> tuple[int, str]:
        """(size, root hash) of the Merkle tree over one site's audit rows (server/audit_trees.py)."""
        with self.read_tx() as cur:
            return read_tree(self.q, cur, site_id)

    def counts(self) -> dict[str, int]:
        with self.read_tx() as cur:
            cur.execute("SELECT count(*) FROM log")
            total = int(cur.fetchone()[0])
            cur.execute("SELECT count(DISTINCT pk) FROM field_state WHERE tbl='conflicts'")
            conflicts = int(cur.fetchone()[0])
        return {"log": total, "conflicts": conflicts}


def _site(r: Any) -> Site:
    return Site(r[0], r[1], r[2], r[3], bool(r[4]), bool(r[5]))


def _change(r: Any) -> dict[str, Any]:
    return {
        "server_seq": int(r[0]),
        "site_id": r[1],
        "site_seq": int(r[2]),
        "hlc": r[3],
        "tbl": r[4],
        "pk": r[5],
        "col": r[6],
        "value": json.loads(r[7]) if r[7] is not None else None,
        "base_hlc": r[8],
        "operator": r[9],
    }
