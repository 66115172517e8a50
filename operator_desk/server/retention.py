"""The hub's retention job and settings (domain/retention.py has the rules).

- The policy is one `retention_policy` record (`center`), written by the hub as its own change and
  synced to every desk: the defaults and the center's pseudonym key are made at the hub's first start.
  `operator-desk-server retention set` (on the hub PC, by whoever holds its data dir) changes it; an
  admin's change from a desk is accepted too (server/ingest.py applies POLICY).
- The job runs at the hub's start and then daily (`RetentionJob`, a thread): it scans the merged state,
  writes each due redaction once as the hub's own `redactions` row (synced to every desk, which applies
  it: sync/apply.py) and applies it to the hub's own state, log and set-aside changes
  (server/ingest.py `redact`), deletes the recordings past their days from `<data_dir>/recordings`,
  then compacts the database (Storage.compact).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..domain import retention as r
from .storage import Storage

log = logging.getLogger(__name__)
DAY_S = 24 * 3600.0
POLICY_COLS = (
    "calls_days",
    "recordings_days",
    "incidents_years",
    "pseudonym_key",
    "updated_by",
    "updated_at",
)
CALL_COLS = (
    "started_at",
    "outcome",
    "incident_id",
    "caller_number",
    "caller_raw",
    "notes",
    "device_location",
    "recording_path",
)
INCIDENT_COLS = ("created_at", "caller_name", "caller_number", "narrative", "disposition")


class _Writer:
    """What the job needs of the SyncServer (server/core.py): its storage, clock, id and notifier."""

    storage: Storage
    site_id: str
    clock: Any
    notifier: Any
    now_ms: Callable[[], int]


def read_policy(storage: Storage) -> r.Policy:
    rows = storage.field_rows("retention_policy", POLICY_COLS)
    return r.policy_from(rows.get(r.POLICY_ID))


def write_policy(server: Any, fields: dict[str, Any], by: str | None) -> r.Policy:
    """Set some of the settings (checked) as the hub's own change; the key is made when missing."""
    for name, value in fields.items():
        problem = r.policy_problem(name, value)
        if problem is not None:
            raise ValueError(problem)
    current = read_policy(server.storage)
    now = server.now_ms()
    out = dict(fields)
    if not current.pseudonym_key:
        out.update(
            calls_days=fields.get("calls_days", current.calls_days),
            recordings_days=fields.get("recordings_days", current.recordings_days),
            incidents_years=fields.get("incidents_years", current.incidents_years),
            pseudonym_key=r.new_key(),
        )
    out.update(updated_by=by, updated_at=now)
    server.storage.write_own_tx(
        "retention_policy", r.POLICY_ID, out, own_site=server.site_id, clock=server.clock, now_ms=now
    )
    server.notifier.notify()
    return read_policy(server.storage)


def ensure_policy(server: Any) -> r.Policy:
    """The defaults and the center's key, made once (the hub's first start)."""
    policy = read_policy(server.storage)
    if policy.pseudonym_key:
        return policy
    return write_policy(server, {}, r.SYSTEM)


def run_once(server: Any, data_dir: Path | None, now_ms: int | None = None) -> dict[str, Any]:
    """One pass of the job: redactions written and applied, recordings deleted. Returns the counts."""
    storage: Storage = server.storage
    now = server.now_ms() if now_ms is None else now_ms
    rows = {
        "calls": storage.field_rows("calls", CALL_COLS),
        "incidents": storage.field_rows("incidents", INCIDENT_COLS),
        "notes": storage.append_rows("incident_notes"),
        "callers": storage.field_rows("callers", ("number", "name", "notes")),
        "device_locations": storage.append_rows("device_locations"),
    }
    policy = read_policy(storage)
    if not policy.pseudonym_key:  # the policy row (and the key) is made when something first falls due
        probe = replace(policy, pseudonym_key="00" * 32)
        if not r.plan(probe, now, **rows):
            return {"redactions": 0, "by_kind": {}, "recordings_deleted": 0, "policy": policy.public()}
        policy = ensure_policy(server)
    planned = r.plan(policy, now, **rows)
    done = storage.redaction_ids()
    fresh = [x for x in planned if x.id not in done]
    for i in range(0, len(fresh), 500):
        part = fresh[i : i + 500]
        storage.redact_own_tx(
            [(x.id, x.row(now, r.SYSTEM)) for x in part],
            own_site=server.site_id,
            clock=server.clock,
            now_ms=now,
        )
    deleted = _delete_recordings(storage, data_dir, policy.recordings_before(now))
    if fresh:
        storage.compact()
        server.notifier.notify()
    counts: dict[str, int] = {}
    for x in fresh:
        counts[f"{x.tbl}:{x.reason}"] = counts.get(f"{x.tbl}:{x.reason}", 0) + 1
    result = {
        "redactions": len(fresh),
        "by_kind": counts,
        "recordings_deleted": deleted,
        "policy": policy.public(),
    }
    if fresh or deleted:
        log.info("retention: %d redactions, %d recordings deleted", len(fresh), deleted)
    return result


def _delete_recordings(storage: Storage, data_dir: Path | None, before_ms: int) -> int:
    """The hub's copies of recordings of calls older than the limit (`<data_dir>/recordings/<id>.flac`)."""
    if data_dir is None:
        return 0
    folder = Path(data_dir) / "recordings"
    if not folder.is_dir():
        return 0
    started = storage.field_rows("calls", ("started_at",))
    n = 0
    for path in folder.glob("*.flac"):
        ms = started.get(path.stem, {}).get("started_at")
        if type(ms) is int and ms < before_ms:
            _wipe(path)
            n += 1
    return n


def _wipe(path: Path) -> None:
    """Overwrite, then remove (the bytes do not stay in the file's blocks on an ordinary file system)."""
    try:
        size = path.stat().st_size
        with path.open("r+b") as f:
            f.write(b"\0" * size)
            f.flush()
        path.unlink()
    except OSError as exc:
        log.warning("retention: could not delete %s (%s)", path.name, exc)


class RetentionJob:
    """The hub's job: once at start, then every `interval_s` (a day), on its own thread."""

    def __init__(self, server: Any, data_dir: Path | None, interval_s: float = DAY_S) -> None:
        self.server = server
        self.data_dir = data_dir
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="retention", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                run_once(self.server, self.data_dir)
            except Exception:  # the job must not take the hub down; it tries again next time
                log.exception("retention job failed")
            self._stop.wait(self.interval_s)
