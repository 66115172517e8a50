"""Incidents: create from a call, edit with field clocks, advance status, notes, duplicates."""

from __future__ import annotations

import json
from typing import Any
from zoneinfo import ZoneInfo

from ..domain.enums import OPEN_STATUSES, CallOutcome, IncidentStatus
from ..domain.errors import NotFound
from ..domain.ids import incident_number
from ..domain.location import Location
from ..domain.rules import (
    DUPLICATE_WINDOW_MS,
    OpenIncident,
    check_advance,
    find_duplicates,
    validate_incident,
)
from ..domain.timeutil import WITA, local
from ..store.store import Store
from ..store.tx import Tx

EDITABLE = (
    "category",
    "priority",
    "location",
    "caller_name",
    "caller_number",
    "narrative",
    "casualties",
    "disposition",
)


class IncidentService:
    """Commands on incidents. Location is stored as one JSON value (one merge unit)."""

    def __init__(self, store: Store, prefix: str = "BJR", zone: ZoneInfo = WITA) -> None:
        self.store = store
        self.prefix = prefix
        self.zone = zone

    def _next_number(self, tx: Tx, at_ms: int) -> str:
        day = local(at_ms, self.zone)
        key = f"incident_seq:{day:%Y%m%d}"
        row = tx.one("SELECT value FROM meta WHERE key=?", (key,))
        seq = int(row[0]) + 1 if row else 1
        tx.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
            (key, str(seq)),
        )
        return incident_number(self.prefix, self.store.site_code, day, seq)

    def create(self, fields: dict[str, Any], call_id: str | None = None) -> str:
        """Validate and save a new incident; the call (if any) becomes an emergency attached to it."""
        data = dict(fields)
        data.setdefault("casualties", 0)
        validate_incident(data)
        loc = data["location"]

        def fn(tx: Tx) -> str:
            now = tx.now_ms()
            record = {k: data.get(k) for k in EDITABLE if k in data}
            record["location"] = loc.to_dict() if isinstance(loc, Location) else loc
            record.update(
                number=self._next_number(tx, now),
                site_id=tx.site_id,
                status=str(IncidentStatus.NEW),
                created_at=now,
                updated_at=now,
                created_by=tx.operator,
                updated_by=tx.operator,
            )
            pk = tx.insert_record("incidents", record)
            tx.append(
                "status_events",
                {
                    "incident_id": pk,
                    "status_from": None,
                    "status_to": "new",
                    "at": now,
                    "operator": tx.operator,
                },
            )
            tx.audit(
                "incident_create",
                "incidents",
                pk,
                {"number": record["number"], "category": record["category"]},
            )
            if call_id:
                self._attach(tx, call_id, pk)
            return pk

        return self.store.write(fn)

    def _attach(self, tx: Tx, call_id: str, incident_id: str) -> None:
        call = tx.one("SELECT ended_at, answered_at FROM calls WHERE id=?", (call_id,))
        if call is None:
            raise NotFound("call", call_id)
        now = tx.now_ms()
        fields: dict[str, Any] = {"incident_id": incident_id, "outcome": str(CallOutcome.EMERGENCY)}
        if call["answered_at"] is None:
            fields["answered_at"] = now
        fields["operator"] = tx.operator
        tx.update_record("calls", call_id, fields)
        tx.audit("call_attach", "calls", call_id, {"incident_id": incident_id})

    def attach_call(self, call_id: str, incident_id: str) -> None:
        """Attach a call to an existing incident (a second report of the same fire)."""

        def fn(tx: Tx) -> None:
            if tx.one("SELECT 1 FROM incidents WHERE id=?", (incident_id,)) is None:
                raise NotFound("incident", incident_id)
            self._attach(tx, call_id, incident_id)

        self.store.write(fn)

    def update(
        self, incident_id: str, fields: dict[str, Any], seen: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """Edit fields; `seen` holds the field clocks the editor loaded (conflict base)."""
        data = {k: v for k, v in fields.items() if k in EDITABLE}
        if isinstance(data.get("location"), Location):
            data["location"] = data["location"].to_dict()

        def fn(tx: Tx) -> dict[str, Any]:
            current = self._row(tx, incident_id)
            merged = {**current, **data}
            merged["location"] = Location.from_dict(merged.get("location"))
            validate_incident(merged)
            changed = tx.update_record("incidents", incident_id, data, seen)
            if changed:
                tx.update_record(
                    "incidents", incident_id, {"updated_at": tx.now_ms(), "updated_by": tx.operator}
                )
                tx.audit("incident_update", "incidents", incident_id, {"fields": sorted(changed)})
            return changed

        return self.store.write(fn)

    def advance(self, incident_id: str, status: str, disposition: str | None = None) -> None:
        """Move the status forward (never back); every move is an event row.

        Closing follows the referral rules (a disposition and every agency's feedback); a supervisor's
        override goes through `ReferralService.close_incident`.
        """
        from .referrals import check_can_close

        def fn(tx: Tx) -> None:
            current = self._row(tx, incident_id)["status"]
            check_advance(current, status)
            if current == status:
                return
            if status == IncidentStatus.CLOSED:
                check_can_close(tx, incident_id, disposition, None)
            fields: dict[str, Any] = {"status": status, "updated_at": tx.now_ms(), "updated_by": tx.operator}
            if disposition is not None:
                fields["disposition"] = disposition
            tx.update_record("incidents", incident_id, fields)
            tx.append(
                "status_events",
                {
                    "incident_id": incident_id,
                    "status_from": current,
                    "status_to": status,
                    "at": tx.now_ms(),
                    "operator": tx.operator,
                },
            )
            tx.audit("incident_status", "incidents", incident_id, {"from": current, "to": status})

        self.store.write(fn)

    def add_note(self, incident_id: str, text: str) -> str:
        def fn(tx: Tx) -> str:
            self._row(tx, incident_id)
            pk = tx.append(
                "incident_notes",
                {"incident_id": incident_id, "at": tx.now_ms(), "operator": tx.operator, "text": text},
            )
            tx.audit("incident_note", "incidents", incident_id)
            return pk

        return self.store.write(fn)

    @staticmethod
    def _row(tx: Tx, incident_id: str) -> dict[str, Any]:
        row = tx.one("SELECT * FROM incidents WHERE id=?", (incident_id,))
        if row is None:
            raise NotFound("incident", incident_id)
        out = dict(row)
        out["location"] = json.loads(out["location"]) if out.get("location") else None
        return out

    def get(self, incident_id: str) -> dict[str, Any]:
        rows = self.store.query("SELECT * FROM incidents WHERE id=?", (incident_id,))
        if not rows:
            raise NotFound("incident", incident_id)
        out = dict(rows[0])
        out["location"] = Location.from_dict(json.loads(out["location"]) if out["location"] else None)
        return out

    def field_clock(self, incident_id: str) -> dict[str, str]:
        rows = self.store.query(
            "SELECT col, hlc FROM field_clock WHERE tbl='incidents' AND pk=?", (incident_id,)
        )
        return {r["col"]: r["hlc"] for r in rows}

    def duplicates(self, category: str, location: Location, at_ms: int | None = None) -> list[OpenIncident]:
        """Open incidents of the same category near in space (1 km or same desa) and time (60 min)."""
        at = at_ms if at_ms is not None else self.store.now_ms()
        marks = ",".join("?" * len(OPEN_STATUSES))
        rows = self.store.query(
            f"SELECT id, number, category, status, created_at, location FROM incidents "
            f"WHERE category=? AND status IN ({marks}) AND created_at BETWEEN ? AND ?",
            (category, *sorted(OPEN_STATUSES), at - DUPLICATE_WINDOW_MS, at + DUPLICATE_WINDOW_MS),
        )
        candidates = [
            OpenIncident(
                r["id"],
                r["number"],
                r["category"],
                r["status"],
                r["created_at"],
                Location.from_dict(json.loads(r["location"]) if r["location"] else None),
            )
            for r in rows
        ]
        return find_duplicates(category, location, at, candidates)
