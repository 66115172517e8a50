"""One incident's timeline: calls, notes, field changes (old → new), status moves with their reasons,
referral steps, device locations, merges, conflicts and their resolution; oldest first, newest last.

Where old values come from: this desk's outbox keeps every value it ever wrote to a field (so the
successive rows of one field give old → new exactly, also for the form's edits); another desk's edit
arrives with its audit row (`incident_edit`, which syncs), whose detail carries old → new as that desk
saw them (long texts cut). Own audit rows of edits are therefore skipped: their outbox rows say more.
Events of incidents merged into this one are included, marked with their number.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..domain.hlc import Hlc
from ..store.repositories import REFERRALS, STATUS_EVENTS, IncidentRepository, IncidentWorkRepository
from ..store.store import Store

SHOWN_FIELDS = frozenset(
    {
        "category",
        "priority",
        "location",
        "caller_name",
        "caller_number",
        "narrative",
        "casualties",
        "disposition",
    }
)
# the tables whose changes redraw an open incident's detail and timeline (ui/compose.py subscribes)
TIMELINE_TABLES: tuple[str, ...] = (
    "incidents",
    "incident_notes",
    STATUS_EVENTS,
    REFERRALS,
    "referral_events",
    "calls",
    "conflicts",
    "device_locations",
)
_STATUS_ACTIONS = frozenset({"incident_status", "incident_close_override", "incident_reopen"})
REASON_MATCH_MS = 5000


@dataclass(frozen=True)
class TimelineEvent:
    """One line of the timeline. `kind`: call, note, field, status, referral, device_location, merge_into,
    merged_from, conflict, conflict_resolved. The UI turns kind + values into translated text."""

    at: int
    kind: str
    who: str | None = None
    field: str | None = None
    old: Any = None
    new: Any = None
    detail: str | None = None
    ref: str | None = None  # a call id (replay), a referral id, a conflict id
    incident_number: str | None = None  # set for events of an incident merged into this one


def _json(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _hlc_ms(hlc: str) -> int:
    try:
        return Hlc.decode(hlc).ms
    except ValueError:
        return 0


class TimelineQuery:
    """Reads the timeline of one incident (a handful of indexed statements, on a worker)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def events(self, incident_id: str) -> list[TimelineEvent]:
        db = self.store.reader()
        repo, work = IncidentRepository(db), IncidentWorkRepository(db)
        absorbed = work.absorbed(incident_id)
        ids = [incident_id, *absorbed]
        numbers = {i: repo.number(i) for i in absorbed}
        out: list[TimelineEvent] = []
        for c in work.calls_of(ids):
            out.append(
                TimelineEvent(
                    c["started_at"],
                    "call",
                    c["operator"],
                    new=c["outcome"],
                    detail=c["caller_number"],
                    ref=c["id"],
                    incident_number=numbers.get(c["incident_id"]),
                )
            )
        for n in work.notes_of(ids):
            out.append(
                TimelineEvent(
                    n["at"],
                    "note",
                    n["operator"],
                    detail=n["text"],
                    ref=n["id"],
                    incident_number=numbers.get(n["incident_id"]),
                )
            )
        audit = work.audit_of(incident_id)
        reasons = [(a["at"], _json(a["detail"]) or {}) for a in audit if a["action"] in _STATUS_ACTIONS]
        used: set[int] = set()
        for s in work.status_events_of(ids):
            reason = None
            if s["incident_id"] == incident_id:
                for i, (at, d) in enumerate(reasons):
                    if (
                        i not in used
                        and d.get("to") == s["status_to"]
                        and abs(at - s["at"]) <= REASON_MATCH_MS
                    ):
                        used.add(i)
                        reason = d.get("reason")
                        break
            out.append(
                TimelineEvent(
                    s["at"],
                    "status",
                    s["operator"],
                    old=s["status_from"],
                    new=s["status_to"],
                    detail=reason,
                    incident_number=numbers.get(s["incident_id"]),
                )
            )
        out += self._field_changes(work, incident_id, audit)
        for a in audit:
            if a["action"] == "incident_merge":
                d = _json(a["detail"]) or {}
                if d.get("into_number"):
                    out.append(
                        TimelineEvent(
                            a["at"],
                            "merge_into",
                            a["operator"],
                            new=d["into_number"],
                            detail=d.get("reason"),
                            ref=d.get("into"),
                        )
                    )
                else:
                    out.append(
                        TimelineEvent(
                            a["at"],
                            "merged_from",
                            a["operator"],
                            new=d.get("absorbed_number"),
                            detail=d.get("reason"),
                            ref=d.get("absorbed"),
                        )
                    )
        for r in work.referral_steps_of(ids):
            out.append(
                TimelineEvent(
                    r["at"],
                    "referral",
                    r["operator"],
                    field=r["agency_name"],
                    new=r["step"],
                    detail=r["detail"],
                    ref=r["referral_id"],
                )
            )
        for d in work.device_locations_of(ids):
            out.append(
                TimelineEvent(
                    d["received_at"],
                    "device_location",
                    None,
                    new=(d["lat"], d["lon"]),
                    old=d["radius_m"],
                    detail=d["method"] or d["source"],
                    ref=d["call_id"],
                )
            )
        for c in work.conflicts_of(incident_id):
            older, newer = _json(c["local_value"]), _json(c["remote_value"])
            out.append(
                TimelineEvent(
                    c["detected_at"] or 0,
                    "conflict",
                    None,
                    field=c["col"],
                    old=older,
                    new=newer,
                    ref=c["id"],
                )
            )
            if c["resolved_at"] is not None:
                out.append(
                    TimelineEvent(
                        c["resolved_at"],
                        "conflict_resolved",
                        c["resolved_by"],
                        field=c["col"],
                        detail=c["resolution"],
                        ref=c["id"],
                    )
                )
        out.sort(key=lambda e: (e.at, _ORDER.get(e.kind, 9)))
        return out

    def _field_changes(
        self, work: IncidentWorkRepository, incident_id: str, audit: list[Any]
    ) -> list[TimelineEvent]:
        own = self.store.site_id
        out: list[TimelineEvent] = []
        latest: dict[str, tuple[int, Any]] = {}  # col -> (at, value) last known from another desk
        remote: list[TimelineEvent] = []
        for a in audit:
            if a["action"] != "incident_edit" or a["site_id"] == own:
                continue
            changes = (_json(a["detail"]) or {}).get("changes") or {}
            for col, pair in sorted(changes.items()):
                if col in SHOWN_FIELDS and isinstance(pair, list) and len(pair) == 2:
                    remote.append(
                        TimelineEvent(a["at"], "field", a["operator"], field=col, old=pair[0], new=pair[1])
                    )
                    latest[col] = (a["at"], pair[1])
        rows = work.own_field_changes(incident_id)
        created_here = any(r["col"] == "number" for r in rows)  # this desk wrote the incident's first row
        prev: dict[str, Any] = {}
        for row in rows:
            col = row["col"]
            if col not in SHOWN_FIELDS:
                continue
            value, at = _json(row["value"]), _hlc_ms(row["hlc"])
            if col in prev:
                if prev[col] != value:
                    out.append(
                        TimelineEvent(at, "field", row["operator"], field=col, old=prev[col], new=value)
                    )
            elif not created_here:  # a first own write to an incident made elsewhere: old = last known
                old = latest[col][1] if col in latest and latest[col][0] <= at else None
                out.append(TimelineEvent(at, "field", row["operator"], field=col, old=old, new=value))
            prev[col] = value
        return out + remote


_ORDER = {"call": 0, "status": 1, "field": 2, "note": 3, "referral": 4}
