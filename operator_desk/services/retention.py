"""Retention on a desk: the center's settings, the job that redacts what is past its time, pseudonyms.

The rules are in domain/retention.py. On a desk:

- `RetentionService.policy()` reads the synced `retention_policy` row; `set_policy(...)` needs an admin
  (rules.RETENTION; the hub enforces the same for the synced change). A desk joined to a hub takes the
  center's pseudonym key from the hub; a desk that works alone makes its own.
- `run()` plans the redactions due now and applies each in a background write: the `redactions` row
  (local: the hub makes the synced one, with the same id), the values overwritten wherever the desk
  holds them (sync/apply.py `redact`: the row and so its FTS entry, the outbox, conflicts, quarantine)
  and one `redaction` audit row naming table, row, columns and reason (its own audited event: `check`
  accepts the covers of the scrubbed outbox rows, services/check.py). Recordings past their days are
  deleted from the data dir. Then `compact()`: the FTS indexes are merged (no old segment keeps a
  number) and the WAL is checkpointed, with freed pages zeroed (secure_delete).
- `RetentionJob` runs it on its own thread 30 s after the desk starts, then daily; every 5 minutes
  in between it compacts what pulled redactions changed. Never on the GUI thread.
- `number_keys(number)`: the number and its pseudonym, for lookups that must still count pseudonymised
  calls (the repeat-prank flag, services/calls.py).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..domain import retention as r
from ..domain.errors import DomainError
from ..domain.rules import RETENTION, may
from ..store.database import connect
from ..store.store import Store
from ..store.tx import Tx
from ..sync.apply import SERVER_URL_KEY, redact
from .accounts import role_of

log = logging.getLogger(__name__)
BATCH = 200  # redactions per background write (a few milliseconds each)
COMPACTED_KEY = "retention_compacted"  # meta: how many redactions the last compact saw


class RetentionService:
    """Settings and the job of one desk."""

    def __init__(self, store: Store, data_dir: Path | str | None = None) -> None:
        self.store = store
        self.data_dir = Path(data_dir) if data_dir is not None else store.path.parent

    # -- settings -------------------------------------------------------------------------------
    def policy(self) -> r.Policy:
        rows = self.store.query("SELECT * FROM retention_policy WHERE id=?", (r.POLICY_ID,))
        return r.policy_from(dict(rows[0]) if rows else None)

    def set_policy(self, fields: dict[str, Any], *, trusted: bool = False) -> r.Policy:
        """Change some settings as the store's operator (an admin, unless `trusted`: the retention job
        making a lone desk's key). Raises DomainError `admin_required` / `invalid_value`."""
        for name, value in fields.items():
            problem = r.policy_problem(name, value)
            if problem is not None:
                raise DomainError("invalid_value", problem, name)
        lone = self.store.get_meta(SERVER_URL_KEY) is None

        def fn(tx: Tx) -> None:
            if not trusted and not may(role_of(tx.conn, tx.operator), RETENTION):
                raise DomainError("admin_required", "only an admin sets the retention", "retention")
            row = tx.one("SELECT * FROM retention_policy WHERE id=?", (r.POLICY_ID,))
            current = r.policy_from(dict(row) if row else None)
            out = {**fields, "updated_by": tx.operator or r.SYSTEM, "updated_at": tx.now_ms()}
            if not current.pseudonym_key and lone:  # joined desks take the center's key from the hub
                out["pseudonym_key"] = r.new_key()
            if row is None:
                base = {
                    "calls_days": current.calls_days,
                    "recordings_days": current.recordings_days,
                    "incidents_years": current.incidents_years,
                }
                tx.insert_record("retention_policy", {**base, **out}, pk=r.POLICY_ID)
            else:
                tx.update_record("retention_policy", r.POLICY_ID, out)
            tx.audit("retention_set", "retention_policy", r.POLICY_ID, {k: v for k, v in fields.items()})

        self.store.write(fn)
        return self.policy()

    def number_keys(self, number: str) -> tuple[str, ...]:
        """The number and, when the center's key is known, its pseudonym."""
        key = self.policy().pseudonym_key
        return (number, r.pseudonym(key, number)) if key and number else (number,)

    # -- the job ----------------------------------------------------------------------------------
    def plan(self, now_ms: int) -> list[r.Planned]:
        """The redactions due now that this desk has not made or pulled yet."""
        policy = self.policy()
        if not policy.pseudonym_key:
            if self.store.get_meta(SERVER_URL_KEY) is not None:
                return []  # a joined desk waits for the center's key from the hub
            due = self._plan(replace(policy, pseudonym_key="00" * 32), now_ms)
            if not due:
                return []  # nothing due: a lone desk makes its key when it first needs it
            policy = self.set_policy({}, trusted=True)
        return self._plan(policy, now_ms)

    def _plan(self, policy: r.Policy, now_ms: int) -> list[r.Planned]:
        oldest = max(
            policy.calls_before(now_ms), policy.recordings_before(now_ms), policy.incidents_before(now_ms)
        )
        q = self.store.query
        incidents = _rows(
            q(
                "SELECT id, created_at, caller_name, caller_number, narrative, disposition "
                "FROM incidents WHERE created_at < ?",
                (policy.incidents_before(now_ms),),
            )
        )
        expired = sorted(incidents)
        calls = _rows(
            q(
                "SELECT id, started_at, outcome, incident_id, caller_number, caller_raw, notes, "
                "device_location, recording_path FROM calls WHERE started_at < ?",
                (oldest,),
            )
        )
        notes: dict[str, dict[str, Any]] = {}
        for i in range(0, len(expired), 400):
            part = expired[i : i + 400]
            marks = ",".join("?" * len(part))
            calls.update(
                _rows(
                    q(
                        f"SELECT id, started_at, outcome, incident_id, caller_number, caller_raw, notes, "
                        f"device_location, recording_path FROM calls WHERE incident_id IN ({marks})",
                        tuple(part),
                    )
                )
            )
            notes.update(
                _rows(
                    q(
                        f"SELECT id, incident_id, text FROM incident_notes WHERE incident_id IN ({marks})",
                        tuple(part),
                    )
                )
            )
        callers = _rows(
            q(
                "SELECT id, number, name, notes FROM callers k WHERE number NOT LIKE 'p:%' AND NOT EXISTS "
                "(SELECT 1 FROM calls c WHERE c.caller_number = k.number AND (c.started_at >= ? OR "
                "(c.outcome = 'emergency' OR c.incident_id IS NOT NULL) AND c.started_at >= ?))",
                (policy.calls_before(now_ms), policy.incidents_before(now_ms)),
            )
        )
        locations = _rows(
            q(
                "SELECT id, call_id, received_at, number, lat, lon FROM device_locations "
                "WHERE received_at < ? OR call_id IN (SELECT id FROM calls WHERE started_at < ?)",
                (policy.calls_before(now_ms), oldest),
            )
        )
        planned = r.plan(
            policy,
            now_ms,
            calls=calls,
            incidents=incidents,
            notes=notes,
            callers=callers,
            device_locations=locations,
        )
        done = {row[0] for row in q("SELECT id FROM redactions")}
        return [x for x in planned if x.id not in done]

    def run(self, now_ms: int | None = None) -> dict[str, Any]:
        """One pass: redactions applied in background writes, recordings deleted, then compacted."""
        now = self.store.now_ms() if now_ms is None else now_ms
        planned = self.plan(now)
        deleted = 0
        for x in planned:
            if x.reason == r.RECORDING_EXPIRED:
                deleted += self._delete_recording(x.pk)
        for i in range(0, len(planned), BATCH):
            part = planned[i : i + BATCH]

            def fn(tx: Tx, part: list[r.Planned] = part) -> None:
                for x in part:
                    row = x.row(now, r.SYSTEM)
                    tx.conn.execute(
                        "INSERT INTO redactions (id, tbl, pk, fields, reason, at, redacted_by) VALUES (?,?,?,?,?,?,?) "
                        "ON CONFLICT (id) DO NOTHING",
                        (x.id, x.tbl, x.pk, _json(x.fields), x.reason, now, r.SYSTEM),
                    )
                    scrubbed = redact(tx.conn, x.id, x.tbl, x.pk, row["fields"])
                    if x.tbl == "calls" and x.reason == r.RECORDING_EXPIRED:
                        tx.conn.execute("DELETE FROM recording_uploads WHERE call_id=?", (x.pk,))
                    tx.changes.add(x.tbl, x.pk)
                    tx.audit(
                        "redaction",
                        x.tbl,
                        x.pk,
                        {
                            "redaction": x.id,
                            "reason": x.reason,
                            "cols": sorted(x.fields),
                            "outbox_rows": scrubbed,
                        },
                    )

            self.store.write(fn, operator=r.SYSTEM, background=True)
        compacted = self.compact()
        kinds: dict[str, int] = {}
        for x in planned:
            kinds[f"{x.tbl}:{x.reason}"] = kinds.get(f"{x.tbl}:{x.reason}", 0) + 1
        return {
            "redactions": len(planned),
            "by_kind": kinds,
            "recordings_deleted": deleted,
            "compacted": compacted,
            "policy": self.policy().public(),
        }

    def _delete_recording(self, call_id: str) -> int:
        rows = self.store.query("SELECT recording_path FROM calls WHERE id=?", (call_id,))
        if not rows or not rows[0][0]:
            return 0
        path = self.data_dir / rows[0][0] if not Path(rows[0][0]).is_absolute() else Path(rows[0][0])
        try:
            size = path.stat().st_size
            with path.open("r+b") as f:
                f.write(b"\0" * size)
            path.unlink()
            return 1
        except FileNotFoundError:
            return 0
        except OSError as exc:
            log.warning("retention: could not delete the recording of call %s (%s)", call_id, exc)
            return 0

    def compact(self, force: bool = False) -> bool:
        """When redactions arrived since the last time: merge the FTS indexes (their old segments still
        hold the replaced text) and checkpoint the WAL (old page images leave the file)."""
        count = int(self.store.query("SELECT count(*) FROM redactions")[0][0])
        if not force and str(count) == (self.store.get_meta(COMPACTED_KEY) or "0"):
            return False

        def fn(conn: Any) -> None:
            conn.execute("PRAGMA secure_delete=ON")
            conn.execute("INSERT INTO calls_fts(calls_fts) VALUES ('optimize')")
            conn.execute("INSERT INTO incidents_fts(incidents_fts) VALUES ('optimize')")
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                (COMPACTED_KEY, str(count)),
            )

        self.store.raw_write(fn, background=True)
        side = connect(self.store.path)
        try:
            side.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            side.close()
        return True


class RetentionJob:
    """The desk's retention job on its own thread: at start, then every `poll_s` it compacts what
    pulled redactions changed, and every `interval_s` (a day) it runs the rules."""

    def __init__(
        self,
        service: RetentionService,
        interval_s: float = 24 * 3600.0,
        poll_s: float = 300.0,
        start_delay_s: float = 30.0,
    ) -> None:
        self.service = service
        self.interval_s = interval_s
        self.poll_s = poll_s
        self.start_delay_s = start_delay_s  # the desk's start (and its first call) goes first
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="retention", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _loop(self) -> None:
        waited = self.interval_s
        if self._stop.wait(self.start_delay_s):
            return
        while not self._stop.is_set():
            try:
                if waited >= self.interval_s:
                    self.service.run()
                    waited = 0.0
                else:
                    self.service.compact()
            except Exception:  # a closed store at shutdown, a full disk: try again next time
                if self._stop.is_set():
                    return
                log.exception("retention job failed")
            self._stop.wait(self.poll_s)
            waited += self.poll_s


def _rows(rows: list[Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        d = dict(row)
        out[str(d.pop("id"))] = d
    return out


def _json(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, sort_keys=True)


# -- `operator-desk retention show|set|run` (a plugin of operator_desk/cli.py) ----------------------------
def add_parsers(subparsers: Any) -> None:
    p = subparsers.add_parser("retention", help="retention settings (synced from the hub) and the job")
    p.add_argument("action", choices=["show", "set", "run"])
    p.add_argument("--data-dir")
    p.add_argument(
        "--calls-days", type=int, help="pseudonymise non-emergency calls after N days (default 90)"
    )
    p.add_argument("--recordings-days", type=int, help="delete recordings after N days (default 90)")
    p.add_argument("--incidents-years", type=int, help="redact incidents after N years (default 5)")
    p.add_argument("--as", dest="as_name", metavar="ADMIN", help="set: the admin (password on stdin)")
    p.set_defaults(func=run_cli)


def run_cli(args: Any) -> int:
    import json
    import sys

    from .. import paths
    from ..report.cli import read_password
    from ..store.database import StoreError
    from .export import authorize

    fields = {
        k: v
        for k, v in (
            ("calls_days", args.calls_days),
            ("recordings_days", args.recordings_days),
            ("incidents_years", args.incidents_years),
        )
        if v is not None
    }
    try:
        if args.action == "set" and not args.as_name:
            raise ValueError("retention set needs --as ADMIN (password on stdin)")
        if args.action == "set" and not fields:
            raise ValueError("retention set: give --calls-days, --recordings-days or --incidents-years")
        if args.action != "set" and fields:
            raise ValueError(f"retention {args.action} takes no settings (use retention set)")
        data = paths.data_dir(args.data_dir)
        path = paths.store_path(data)
        if not path.exists():
            raise StoreError(f"no desk store at {path}")
        store = Store(path)
        try:
            svc = RetentionService(store, data)
            if args.action == "show":
                out: Any = svc.policy().public()
            elif args.action == "set":
                account = authorize(store, args.as_name, read_password(), RETENTION)
                store.operator = account.name
                out = svc.set_policy(fields).public()
            else:
                out = svc.run()
        finally:
            store.close()
    except (StoreError, DomainError, ValueError, OSError) as exc:
        print(f"operator-desk retention: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


def pseudonym_for(conn: Any, number: str) -> str:
    """The number's pseudonym under the center's key (the number itself while no key is known): a
    lookup by number also finds the calls retention pseudonymised (the repeat-prank flag)."""
    row = conn.execute("SELECT pseudonym_key FROM retention_policy WHERE id=?", (r.POLICY_ID,)).fetchone()
    return r.pseudonym(str(row[0]), number) if row and row[0] and number else number
