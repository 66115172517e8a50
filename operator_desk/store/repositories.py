"""The SQL on incidents, referrals and their events: one module, typed records out.

Repositories wrap one connection: `store.reader()` for reads, `tx.conn` inside a write (then they see
the transaction's own changes). Writes go through the `Tx` (outbox, field clocks, audit), so every
change syncs; `append_status_event` is the only place a status event is written.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from typing import Any

from ..domain.enums import OPEN_STATUSES, IncidentStatus
from ..domain.errors import NotFound
from ..domain.location import Location
from ..domain.records import (
    BoardRow,
    Incident,
    IncidentNote,
    IncidentSummary,
    Referral,
    ReferralEvent,
    StatusEvent,
)
from ..domain.rules import OpenIncident
from .tx import Tx

INCIDENTS = "incidents"
REFERRALS = "referrals"
STATUS_EVENTS = "status_events"

_SUMMARY = (
    "id, number, category, priority, status, created_at, "
    "json_extract(location, '$.kecamatan_name') AS kecamatan_name, json_extract(location, '$.address') AS address"
)
_BOARD = """
SELECT r.*, i.number AS incident_number, i.category AS category, i.priority AS priority,
       i.status AS incident_status, i.kecamatan_code AS kecamatan_code,
       json_extract(i.location, '$.kecamatan_name') AS kecamatan_name,
       a.name AS agency_name, a.kind AS agency_kind, a.ack_minutes AS ack_minutes,
       a.arrive_minutes AS arrive_minutes
FROM referrals r
LEFT JOIN incidents i ON i.id = r.incident_id
LEFT JOIN agencies a ON a.id = r.agency_id
"""
OPEN_REFERRAL_STEPS: tuple[str, ...] = ("sent", "acknowledged", "on_scene", "feedback")


def _location(text: str | None) -> Location:
    return Location.from_dict(json.loads(text) if text else None)


def _incident(row: sqlite3.Row) -> Incident:
    inc: Incident = Incident.from_row(row, location=_location(row["location"]))
    return inc


class IncidentRepository:
    """Reads of `incidents`, their notes and status events."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def get(self, incident_id: str) -> Incident | None:
        row = self.db.execute("SELECT * FROM incidents WHERE id=?", (incident_id,)).fetchone()
        return None if row is None else _incident(row)

    def require(self, incident_id: str) -> Incident:
        inc = self.get(incident_id)
        if inc is None:
            raise NotFound("incident", incident_id)
        return inc

    def exists(self, incident_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM incidents WHERE id=?", (incident_id,)).fetchone() is not None

    def status(self, incident_id: str) -> str | None:
        row = self.db.execute("SELECT status FROM incidents WHERE id=?", (incident_id,)).fetchone()
        return None if row is None else str(row[0])

    def number(self, incident_id: str) -> str | None:
        row = self.db.execute("SELECT number FROM incidents WHERE id=?", (incident_id,)).fetchone()
        return None if row is None else row[0]

    def id_of_number(self, number: str) -> str | None:
        row = self.db.execute("SELECT id FROM incidents WHERE number=?", (number,)).fetchone()
        return None if row is None else str(row[0])

    def ids_by_creation(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM incidents ORDER BY created_at, id")]

    def open_candidates(self, category: str, from_ms: int, to_ms: int) -> list[OpenIncident]:
        """Open incidents of `category` created in [from_ms, to_ms] (what duplicate detection weighs)."""
        marks = ",".join("?" * len(OPEN_STATUSES))
        rows = self.db.execute(
            f"SELECT id, number, category, status, created_at, location FROM incidents "
            f"WHERE category=? AND status IN ({marks}) AND created_at BETWEEN ? AND ?",
            (category, *sorted(OPEN_STATUSES), from_ms, to_ms),
        )
        return [
            OpenIncident(
                r["id"], r["number"], r["category"], r["status"], r["created_at"], _location(r["location"])
            )
            for r in rows
        ]

    def not_closed(self) -> list[IncidentSummary]:
        """Every incident not yet closed, oldest first (resolved ones still wait for their closing)."""
        rows = self.db.execute(
            f"SELECT {_SUMMARY} FROM incidents WHERE status != ? ORDER BY created_at, id",
            (str(IncidentStatus.CLOSED),),
        )
        return [IncidentSummary.from_row(r) for r in rows]

    def of_caller(self, e164: str, limit: int) -> list[IncidentSummary]:
        """Incidents reported by the number (as caller, or through one of its calls), newest first."""
        rows = self.db.execute(
            f"SELECT DISTINCT {_SUMMARY} FROM incidents "
            "WHERE caller_number=? OR id IN (SELECT incident_id FROM calls WHERE caller_number=? "
            "AND incident_id IS NOT NULL) ORDER BY created_at DESC LIMIT ?",
            (e164, e164, limit),
        )
        return [IncidentSummary.from_row(r) for r in rows]

    def open_or_since(self, since_ms: int) -> list[sqlite3.Row]:
        """id, number, category, priority, status, location of incidents still open or created since
        `since_ms` (what the map draws)."""
        marks = ",".join("?" * len(OPEN_STATUSES))
        return self.db.execute(
            f"SELECT id, number, category, priority, status, location FROM incidents "
            f"WHERE status IN ({marks}) OR created_at >= ?",
            (*sorted(OPEN_STATUSES), since_ms),
        ).fetchall()

    def status_events(self, incident_id: str) -> list[StatusEvent]:
        rows = self.db.execute(
            "SELECT * FROM status_events WHERE incident_id=? ORDER BY at, id", (incident_id,)
        )
        return [StatusEvent.from_row(r) for r in rows]

    def notes(self, incident_id: str) -> list[IncidentNote]:
        rows = self.db.execute(
            "SELECT * FROM incident_notes WHERE incident_id=? ORDER BY at, id", (incident_id,)
        )
        return [IncidentNote.from_row(r) for r in rows]

    def field_clock(self, incident_id: str) -> dict[str, str]:
        rows = self.db.execute(
            "SELECT col, hlc FROM field_clock WHERE tbl='incidents' AND pk=?", (incident_id,)
        )
        return {r["col"]: r["hlc"] for r in rows}

    def counts_in(
        self, from_ms: int, to_ms: int
    ) -> list[tuple[str | None, str | None, str | None, str | None, int]]:
        """(category, priority, kecamatan code, kecamatan name, count) of incidents created in [from, to)."""
        rows = self.db.execute(
            "SELECT category, priority, kecamatan_code, json_extract(location, '$.kecamatan_name'), count(*) "
            "FROM incidents WHERE created_at >= ? AND created_at < ? GROUP BY category, priority, kecamatan_code",
            (from_ms, to_ms),
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


class ReferralRepository:
    """Reads of `referrals` and their events, and the board's rows (referral + incident + agency)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def get(self, referral_id: str) -> Referral | None:
        row = self.db.execute("SELECT * FROM referrals WHERE id=?", (referral_id,)).fetchone()
        return None if row is None else Referral.from_row(row)

    def require(self, referral_id: str) -> Referral:
        ref = self.get(referral_id)
        if ref is None:
            raise NotFound("referral", referral_id)
        return ref

    def of_incident(self, incident_id: str) -> list[Referral]:
        rows = self.db.execute(
            "SELECT * FROM referrals WHERE incident_id=? ORDER BY sent_at, id", (incident_id,)
        )
        return [Referral.from_row(r) for r in rows]

    def board_row(self, referral_id: str) -> BoardRow | None:
        row = self.db.execute(_BOARD + " WHERE r.id=?", (referral_id,)).fetchone()
        return None if row is None else BoardRow.from_row(row)

    def board_open(self) -> list[BoardRow]:
        """Every open referral, oldest first (indexed by status)."""
        marks = ",".join("?" * len(OPEN_REFERRAL_STEPS))
        rows = self.db.execute(
            _BOARD + f" WHERE r.status IN ({marks}) ORDER BY r.sent_at, r.id", OPEN_REFERRAL_STEPS
        )
        return [BoardRow.from_row(r) for r in rows]

    def board_of_incident(self, incident_id: str) -> list[BoardRow]:
        rows = self.db.execute(_BOARD + " WHERE r.incident_id=? ORDER BY r.sent_at, r.id", (incident_id,))
        return [BoardRow.from_row(r) for r in rows]

    def events(self, referral_id: str) -> list[ReferralEvent]:
        rows = self.db.execute(
            "SELECT step, at, operator, detail FROM referral_events WHERE referral_id=? ORDER BY at, id",
            (referral_id,),
        )
        return [ReferralEvent.from_row(r) for r in rows]

    def period_rows(self, from_ms: int, to_ms: int) -> list[tuple[Any, ...]]:
        """Per referral first sent in [from, to): agency id, name, kind, the three intervals (ms) and
        whether it closed, was escalated, re-sent, reopened (what the statistics aggregate)."""
        rows = self.db.execute(
            "SELECT r.agency_id, a.name, a.kind, r.acknowledged_at - r.sent_at, r.on_scene_at - r.sent_at, "
            "r.feedback_at - r.sent_at, r.closed_at IS NOT NULL, r.escalated_to IS NOT NULL, "
            "coalesce(r.resend_count, 0) > 0, coalesce(r.reopen_count, 0) > 0 "
            "FROM referrals r LEFT JOIN agencies a ON a.id = r.agency_id WHERE r.sent_at >= ? AND r.sent_at < ?",
            (from_ms, to_ms),
        )
        return [tuple(r) for r in rows]


# -- writes (inside a Tx) ------------------------------------------------------------------------------
def insert_incident(tx: Tx, record: Mapping[str, Any]) -> str:
    """A new incident row (its fields become outbox changes). `location` may be a Location."""
    data = dict(record)
    if isinstance(data.get("location"), Location):
        data["location"] = data["location"].to_dict()
    return tx.insert_record(INCIDENTS, data)


def update_incident(
    tx: Tx, incident_id: str, fields: Mapping[str, Any], seen: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Change incident fields that differ. The status is not one of them: it moves by `set_status`,
    which only the incident lifecycle (services/lifecycle.py) calls."""
    if "status" in fields:
        raise KeyError("incidents.status moves through the incident lifecycle, not update_incident")
    data = dict(fields)
    if isinstance(data.get("location"), Location):
        data["location"] = data["location"].to_dict()
    return tx.update_record(INCIDENTS, incident_id, data, seen)


def set_status(tx: Tx, incident_id: str, status: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """Write a new status with its companion fields (updated_at/by, disposition): the lifecycle's move."""
    return tx.update_record(INCIDENTS, incident_id, {**fields, "status": str(status)})


def append_status_event(tx: Tx, incident_id: str, status_from: str | None, status_to: str, at: int) -> str:
    """The one writer of status events (every status move of every path records one)."""
    return tx.append(
        STATUS_EVENTS,
        {
            "incident_id": incident_id,
            "status_from": None if status_from is None else str(status_from),
            "status_to": str(status_to),
            "at": at,
            "operator": tx.operator,
        },
    )


def insert_referral(tx: Tx, fields: Mapping[str, Any]) -> str:
    return tx.insert_record(REFERRALS, fields)


def update_referral(tx: Tx, referral_id: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    return tx.update_record(REFERRALS, referral_id, fields)


def append_referral_event(tx: Tx, referral_id: str, step: str, at: int, detail: str | None = None) -> str:
    return tx.append(
        "referral_events",
        {"referral_id": referral_id, "step": step, "at": at, "operator": tx.operator, "detail": detail},
    )


# -- working an incident after its first save: the list, the detail, the timeline (services/incident_list.py,
# services/timeline.py). Reads only; one statement per source so a timeline of 200 events stays a few ms.
_LIST = (
    "SELECT id, number, category, priority, status, created_at, updated_at, updated_by, created_by, merged_into, "
    "desa_code, kecamatan_code, json_extract(location, '$.desa_name') AS desa_name, "
    "json_extract(location, '$.kecamatan_name') AS kecamatan_name, "
    "json_extract(location, '$.address') AS address FROM incidents"
)


_LIST_SEARCH = _LIST.replace(
    " FROM incidents",
    ", json_extract(location, '$.landmark') AS landmark, narrative, caller_name FROM incidents",
)


class IncidentWorkRepository:
    """The incident list's filtered rows and the sources of one incident's timeline."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def list_rows(self, where: list[str], params: list[Any], limit: int, *, search: bool = False) -> list[sqlite3.Row]:
        """Incidents matching every clause of `where` (SQL over `_LIST`'s columns), by priority then age;
        `search` adds what the in-memory search looks in (landmark, narrative, caller name)."""
        sql = _LIST_SEARCH if search else _LIST
        sql += " WHERE " + " AND ".join(where) if where else ""
        sql += " ORDER BY coalesce(priority, 'P9'), created_at, id LIMIT ?"
        return self.db.execute(sql, (*params, limit)).fetchall()

    def kecamatans(self) -> list[tuple[str, str]]:
        rows = self.db.execute(
            "SELECT DISTINCT kecamatan_code, json_extract(location, '$.kecamatan_name') FROM incidents "
            "WHERE kecamatan_code IS NOT NULL ORDER BY 2"
        )
        return [(r[0], r[1] or r[0]) for r in rows]

    def merged_into(self, incident_id: str) -> str | None:
        row = self.db.execute("SELECT merged_into FROM incidents WHERE id=?", (incident_id,)).fetchone()
        return None if row is None else row[0]

    def absorbed(self, incident_id: str) -> list[str]:
        """Incidents merged into this one (their calls, notes and history show here too)."""
        return [r[0] for r in self.db.execute("SELECT id FROM incidents WHERE merged_into=? ORDER BY created_at",
                                               (incident_id,))]

    def calls_of(self, ids: list[str]) -> list[sqlite3.Row]:
        marks = ",".join("?" * len(ids))
        return self.db.execute(
            "SELECT id, incident_id, caller_number, started_at, answered_at, ended_at, outcome, operator, "
            f"recording_path FROM calls WHERE incident_id IN ({marks}) ORDER BY started_at, id",
            ids,
        ).fetchall()

    def notes_of(self, ids: list[str]) -> list[sqlite3.Row]:
        marks = ",".join("?" * len(ids))
        return self.db.execute(
            f"SELECT id, incident_id, at, operator, text FROM incident_notes WHERE incident_id IN ({marks}) "
            "ORDER BY at, id",
            ids,
        ).fetchall()

    def status_events_of(self, ids: list[str]) -> list[sqlite3.Row]:
        marks = ",".join("?" * len(ids))
        return self.db.execute(
            "SELECT incident_id, status_from, status_to, at, operator FROM status_events "
            f"WHERE incident_id IN ({marks}) ORDER BY at, id",
            ids,
        ).fetchall()

    def own_field_changes(self, incident_id: str) -> list[sqlite3.Row]:
        """Every value this desk wrote to the incident's fields, in order (the outbox keeps them all)."""
        return self.db.execute(
            "SELECT col, value, hlc, operator FROM outbox WHERE tbl='incidents' AND pk=? ORDER BY site_seq",
            (incident_id,),
        ).fetchall()

    def audit_of(self, incident_id: str) -> list[sqlite3.Row]:
        return self.db.execute(
            "SELECT at, site_id, operator, action, detail FROM audit WHERE tbl='incidents' AND pk=? ORDER BY at",
            (incident_id,),
        ).fetchall()

    def referral_steps_of(self, ids: list[str]) -> list[sqlite3.Row]:
        marks = ",".join("?" * len(ids))
        return self.db.execute(
            "SELECT e.step, e.at, e.operator, e.detail, r.id AS referral_id, a.name AS agency_name "
            "FROM referrals r JOIN referral_events e ON e.referral_id = r.id "
            f"LEFT JOIN agencies a ON a.id = r.agency_id WHERE r.incident_id IN ({marks}) ORDER BY e.at, e.id",
            ids,
        ).fetchall()

    def device_locations_of(self, ids: list[str]) -> list[sqlite3.Row]:
        marks = ",".join("?" * len(ids))
        return self.db.execute(
            "SELECT d.lat, d.lon, d.radius_m, d.method, d.source, d.received_at, d.call_id FROM device_locations d "
            f"JOIN calls c ON c.id = d.call_id WHERE c.incident_id IN ({marks}) ORDER BY d.received_at",
            ids,
        ).fetchall()

    def conflicts_of(self, incident_id: str) -> list[sqlite3.Row]:
        return self.db.execute(
            "SELECT id, col, local_value, remote_value, local_site, remote_site, detected_at, resolved_at, "
            "resolved_by, resolution FROM conflicts WHERE tbl='incidents' AND pk=? ORDER BY detected_at",
            (incident_id,),
        ).fetchall()
