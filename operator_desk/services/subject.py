"""The subject-access report (UU 27/2022 PDP, Pasal 32): everything this desk holds about one number.

An admin answers a data subject's request within 3×24 h with `operator-desk subject-report`. The
report lists the records that name the number in a field of their own (calls, the caller card,
incidents as caller or through one of those calls with their notes, referrals and status, device
locations, recordings), who looked at them (audit rows: caller history shown, recordings replayed,
exports and earlier subject reports), and every other place the number appears in text (a note or
narrative of another incident, a handover, the sync outbox, a draft, a set-aside change): a scan of
every text column of every table of the store, so nothing that holds the number is left out.

The number matches in any written form (+6281…, 6281…, 0812-…, 0812 …); another number never does
(whole digit runs are compared, not substrings). The report itself is audited (who, why, what).
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import asdict
from typing import Any

from ..domain import phone
from ..domain.timeutil import ms_to_iso
from ..store.repositories import STATUS_EVENTS as STATUS_HISTORY
from ..store.repositories import IncidentRepository
from ..store.store import Store
from ..store.tx import Tx
from .accounts import Account

REPORT_VERSION = 1
MAX_TEXT = 2000  # characters of one value shown in the report (the full value stays in the store)
# Audit actions that are someone looking at or handing out personal data (not a change to it).
ACCESS_ACTIONS = frozenset(
    {
        "caller_history_view",
        "recording_replay",
        "export",
        "export_unmasked",
        "report",
        "report_unmasked",
        "subject_report",
    }
)
# Tables that are derived indexes of others (their text is read from calls / incidents), or SQLite's.
_SKIP_TABLES = re.compile(r"^(sqlite_|_sqlite_migrations$|.*_fts(_.*)?$)")
_TIME_KEYS = frozenset(
    {
        "started_at", "answered_at", "ended_at", "created_at", "updated_at", "received_at", "at",
        "sent_at", "acknowledged_at", "on_scene_at", "feedback_at", "closed_at", "uploaded_at",
        "detected_at", "resolved_at", "resent_at", "reopened_at",
    }
)
# A written phone number: digits with single spaces, dashes, dots or brackets between them.
_DIGIT_RUN = re.compile(r"\+?\(?\d(?:[ \-.()]{0,2}\d)+")


class NumberMatcher:
    """Does a text hold this number? Every digit run of the text is compared whole with its forms."""

    def __init__(self, e164: str) -> None:
        digits = e164.lstrip("+")
        forms = {digits}
        if e164.startswith("+62"):
            national = digits[2:]
            forms |= {"0" + national, national}
        self.forms = frozenset(forms)
        self._tail = digits[-4:]

    def __call__(self, text: Any) -> bool:
        if not isinstance(text, str) or len(text) < len(self._tail):
            return False
        if self._tail not in re.sub(r"[ \-.()]", "", text):
            return False  # the cheap test that most rows fail
        return any(re.sub(r"\D", "", m.group(0)) in self.forms for m in _DIGIT_RUN.finditer(text))


def _plain(row: sqlite3.Row | dict[str, Any]) -> dict[str, Any]:
    """A row as JSON-ready data: times as UTC ISO 8601, JSON text parsed, long text cut."""
    out: dict[str, Any] = {}
    keys = row.keys()  # sqlite3.Row: `in` tests its values, not its keys
    for k in keys:
        v = row[k]
        if k in _TIME_KEYS and type(v) is int:
            v = ms_to_iso(v)
        elif k in ("device_location", "location", "detail", "open_items", "payload") and isinstance(v, str):
            try:
                v = json.loads(v)
            except ValueError:
                pass
        if isinstance(v, str) and len(v) > MAX_TEXT:
            v = v[:MAX_TEXT] + "…"
        out[k] = v
    return out


def _marks(ids: list[str] | set[str]) -> str:
    return ",".join("?" * len(ids))


class _Reader:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def rows(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> list[sqlite3.Row]:
        return self.db.execute(sql, tuple(params)).fetchall()

    def where_in(self, table: str, column: str, ids: set[str], order: str) -> list[sqlite3.Row]:
        if not ids:
            return []
        return self.rows(f"SELECT * FROM {table} WHERE {column} IN ({_marks(ids)}) ORDER BY {order}", sorted(ids))

    def tables(self) -> list[str]:
        names = [
            str(r[0])
            for r in self.rows("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
        ]
        return [n for n in names if not _SKIP_TABLES.match(n)]

    def text_columns(self, table: str) -> list[str]:
        return [
            str(r["name"])
            for r in self.rows(f"PRAGMA table_info({table})")
            if str(r["type"]).upper() in ("TEXT", "")
        ]


def collect(db: sqlite3.Connection, e164: str) -> dict[str, Any]:
    """Every record of `e164` in the store behind `db` (a read connection), as plain data."""
    match = NumberMatcher(e164)
    r = _Reader(db)
    db.create_function("od_holds_number", 1, match, deterministic=True)
    calls = r.rows(
        "SELECT * FROM calls WHERE caller_number=? OR od_holds_number(caller_raw) ORDER BY started_at, id",
        (e164,),
    )
    call_ids = {str(c["id"]) for c in calls}
    callers = r.rows("SELECT * FROM callers WHERE number=? OR od_holds_number(number)", (e164,))
    linked = {str(c["incident_id"]) for c in calls if c["incident_id"]}
    incidents = r.rows(
        f"SELECT * FROM incidents WHERE caller_number=? OR od_holds_number(caller_number) "
        f"OR id IN ({_marks(linked)}) ORDER BY created_at, id",
        (e164, *sorted(linked)),
    )
    incident_ids = {str(i["id"]) for i in incidents}
    notes = r.where_in("incident_notes", "incident_id", incident_ids, "at, id")
    repo = IncidentRepository(db)  # the one place that names the status history's table
    events = [asdict(e) for iid in sorted(incident_ids) for e in repo.status_events(iid)]
    referrals = r.rows(
        f"SELECT r.*, a.name AS agency_name FROM referrals r LEFT JOIN agencies a ON a.id = r.agency_id "
        f"WHERE r.incident_id IN ({_marks(incident_ids)}) ORDER BY r.sent_at, r.id",
        sorted(incident_ids),
    ) if incident_ids else []
    referral_ids = {str(x["id"]) for x in referrals}
    referral_events = r.where_in("referral_events", "referral_id", referral_ids, "at, id")
    locations = r.rows(
        f"SELECT * FROM device_locations WHERE number=? OR od_holds_number(number) "
        f"OR call_id IN ({_marks(call_ids)}) ORDER BY received_at, id",
        (e164, *sorted(call_ids)),
    )
    uploads = {str(u["call_id"]): u for u in r.where_in("recording_uploads", "call_id", call_ids, "call_id")}
    recordings = [
        {
            "call_id": c["id"],
            "path": c["recording_path"],
            "duration_s": c["recording_duration_s"],
            "sha256": c["recording_sha256"],
            "uploaded_at": ms_to_iso(uploads[c["id"]]["uploaded_at"]) if c["id"] in uploads else None,
        }
        for c in calls
        if c["recording_path"]
    ]
    own: dict[str, set[str]] = {
        "calls": call_ids,
        "callers": {str(x["id"]) for x in callers},
        "incidents": incident_ids,
        "incident_notes": {str(x["id"]) for x in notes},
        STATUS_HISTORY: {str(x["id"]) for x in events},
        "referrals": referral_ids,
        "referral_events": {str(x["id"]) for x in referral_events},
        "device_locations": {str(x["id"]) for x in locations},
    }
    every_id = set().union(*own.values())
    audit = r.rows(
        f"SELECT * FROM audit WHERE pk IN ({_marks(every_id)}) OR od_holds_number(detail) ORDER BY seq",
        sorted(every_id),
    ) if every_id else r.rows("SELECT * FROM audit WHERE od_holds_number(detail) ORDER BY seq")
    first_ms = min([int(c["started_at"]) for c in calls if type(c["started_at"]) is int], default=None)
    exports = r.rows(
        "SELECT * FROM audit WHERE action IN ('export', 'export_unmasked') AND at >= ? ORDER BY seq",
        (first_ms,),
    ) if first_ms is not None else []
    own["audit"] = {str(a["seq"]) for a in audit}
    mentions = _mentions(r, own)
    access = [a for a in audit if a["action"] in ACCESS_ACTIONS]
    return {
        "caller": [_plain(x) for x in callers],
        "calls": [_plain(x) for x in calls],
        "incidents": [_plain(x) for x in incidents],
        "incident_notes": [_plain(x) for x in notes],
        "status_history": [_plain(x) for x in events],
        "referrals": [_plain(x) for x in referrals],
        "referral_events": [_plain(x) for x in referral_events],
        "device_locations": [_plain(x) for x in locations],
        "recordings": recordings,
        "access": [_plain(a) for a in access],
        "audit": [_plain(a) for a in audit],
        "exports": [_plain(e) for e in exports],
        "mentions": mentions,
    }


def _mentions(r: _Reader, own: dict[str, set[str]]) -> list[dict[str, Any]]:
    """Rows of any table, not listed above, with the number in one of their text columns."""
    found: list[dict[str, Any]] = []
    for table in r.tables():
        cols = r.text_columns(table)
        if not cols:
            continue
        where = " OR ".join(f"od_holds_number({c})" for c in cols)
        try:
            rows = r.rows(f"SELECT rowid AS _rowid, * FROM {table} WHERE {where}")
        except sqlite3.OperationalError:  # a WITHOUT ROWID table
            rows = r.rows(f"SELECT NULL AS _rowid, * FROM {table} WHERE {where}")
        for row in rows:
            names = set(row.keys())  # sqlite3.Row: `in` tests its values, not its keys
            key = str(row["seq"] if table == "audit" else row["id"] if "id" in names else row["_rowid"])
            if table == "outbox":
                key = str(row["site_seq"])
            if key in own.get(table, set()):
                continue
            hits = [c for c in cols if r.db.execute("SELECT od_holds_number(?)", (row[c],)).fetchone()[0]]
            values = {c: _plain({c: row[c]})[c] for c in hits}
            about = (
                {"tbl": row["tbl"], "pk": row["pk"], "col": row["col"]}
                if {"tbl", "pk", "col"} <= names
                else {}
            )
            found.append({"table": table, "key": key, "columns": hits, "values": values, **about})
    return found


def subject_report(
    store: Store,
    number_raw: str,
    *,
    account: Account,
    reason: str,
    now_ms: int,
    out: str | None = None,
) -> dict[str, Any]:
    """The access report of one number, audited as `account`'s (an admin, authorised by the caller)."""
    e164 = phone.normalise(number_raw)
    if not e164 or not e164.startswith("+"):
        raise ValueError(f"not a phone number: {number_raw!r}")
    found = collect(store.reader(), e164)
    counts = {k: len(v) for k, v in found.items()}
    report = {
        "report_version": REPORT_VERSION,
        "subject": {"number": e164, "display": phone.display(e164)},
        "generated_at": ms_to_iso(now_ms),
        "generated_by": {"account": account.id, "name": account.name, "role": account.role},
        "reason": reason,
        "site_id": store.site_id,
        "counts": counts,
        **found,
    }

    def fn(tx: Tx) -> None:
        tx.audit(
            "subject_report",
            "subject",
            e164,
            {"number": e164, "reason": reason, "out": out, "counts": counts, "account": account.id},
        )

    store.write(fn, operator=account.name)
    return report
