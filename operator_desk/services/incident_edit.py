"""Working an incident after its first save: field edits, notes, status with a reason, reopen, merge.

Every edit is a field-level change through the same `Tx` path as the form (outbox row per field, base
clock = the clock the editor loaded, audit row), so it syncs and merges like any other: last writer
wins per field, and a write that did not see the value it replaces leaves a conflict record at the hub.
Before writing, the editor compares the loaded clocks with the stored ones: a field another desk
changed meanwhile comes back in `SaveResult.stale`, so the detail shows the race inline.

The audit row of an edit (`incident_edit`) carries old → new of each field (long texts cut), so the
timeline of every desk (audit rows sync) can show who changed what from what; this desk's own values
are also all in its outbox (services/timeline.py reads both).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..domain.enums import OPEN_STATUSES
from ..domain.errors import DomainError
from ..domain.location import Location
from ..domain.records import BoardRow, Incident, ReferralEvent
from ..domain.rules import validate_incident
from ..domain.tables import MAX_NARRATIVE_BYTES, text_problem
from ..store.repositories import (
    IncidentRepository,
    IncidentWorkRepository,
    ReferralRepository,
    update_incident,
)
from ..store.store import Store
from ..store.tx import Tx
from .drafts import DraftService
from .incidents import IncidentService
from .lifecycle import IncidentLifecycle

EDITABLE = ("category", "priority", "location", "caller_name", "caller_number", "narrative", "casualties")
AUDIT_TEXT_LIMIT = 400  # characters of a long text kept as old/new in the audit row
DRAFT_KIND = "incident_detail"


def draft_id_of(incident_id: str) -> str:
    return f"{DRAFT_KIND}:{incident_id}"


@dataclass(frozen=True)
class IncidentDetailData:
    """Everything the detail shows, read in one go on a worker."""

    incident: Incident
    clock: dict[str, str]
    merged_into: str | None = None
    merged_into_number: str | None = None
    absorbed: list[tuple[str, str]] = field(default_factory=list)  # (id, number) merged into this one
    calls: list[dict[str, Any]] = field(default_factory=list)
    referrals: list[tuple[BoardRow, list[ReferralEvent]]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)  # open conflicts of its fields
    draft: dict[str, Any] | None = None

    @property
    def is_open(self) -> bool:
        return self.incident.status in OPEN_STATUSES


@dataclass(frozen=True)
class SaveResult:
    """`changed`: fields written; `stale`: fields another desk had changed since the editor loaded them
    (with the value they held): the edit was written over it, the hub keeps both as a conflict."""

    changed: list[str]
    stale: dict[str, Any]
    clock: dict[str, str]


def _short(value: Any) -> Any:
    if isinstance(value, str) and len(value) > AUDIT_TEXT_LIMIT:
        return value[:AUDIT_TEXT_LIMIT] + "…"
    if isinstance(value, dict):  # a location: what a person reads of it
        keep = ("lat", "lon", "desa_name", "kecamatan_name", "address", "landmark", "source")
        return {k: _short(value.get(k)) for k in keep if value.get(k) not in (None, "")}
    return value


class IncidentEditor:
    """Commands and the detail's read of one incident (the form's IncidentService stays for creating)."""

    def __init__(self, store: Store, lifecycle: IncidentLifecycle | None = None) -> None:
        self.store = store
        self.lifecycle = lifecycle or IncidentLifecycle(store)
        self.drafts = DraftService(store)

    # -- reading -------------------------------------------------------------------------------------
    def load(self, incident_id: str) -> IncidentDetailData:
        db = self.store.reader()
        repo, work, refs = IncidentRepository(db), IncidentWorkRepository(db), ReferralRepository(db)
        inc = repo.require(incident_id)
        merged_into = work.merged_into(incident_id)
        absorbed = [(a, repo.number(a) or a) for a in work.absorbed(incident_id)]
        ids = [incident_id, *(a for a, _n in absorbed)]
        referrals = [(row, refs.events(str(row["id"]))) for i in ids for row in refs.board_of_incident(i)]
        conflicts = [
            {
                "id": c["id"],
                "col": c["col"],
                "older": json.loads(c["local_value"]) if c["local_value"] is not None else None,
                "newer": json.loads(c["remote_value"]) if c["remote_value"] is not None else None,
                "detected_at": c["detected_at"],
            }
            for c in work.conflicts_of(incident_id)
            if c["resolved_at"] is None
        ]
        return IncidentDetailData(
            incident=inc,
            clock=repo.field_clock(incident_id),
            merged_into=merged_into,
            merged_into_number=repo.number(merged_into) if merged_into else None,
            absorbed=absorbed,
            calls=[dict(r) for r in work.calls_of(ids)],
            referrals=referrals,
            conflicts=conflicts,
            draft=self.draft_of(incident_id),
        )

    def draft_of(self, incident_id: str) -> dict[str, Any] | None:
        rows = self.store.query("SELECT payload FROM drafts WHERE id=?", (draft_id_of(incident_id),))
        return json.loads(rows[0]["payload"]) if rows else None

    def save_draft(self, incident_id: str, payload: dict[str, Any]) -> None:
        """What is typed in the detail and not saved yet (local only, as the form's drafts)."""
        self.drafts.save(draft_id_of(incident_id), DRAFT_KIND, payload, ref_id=incident_id)

    def discard_draft(self, incident_id: str) -> None:
        self.drafts.discard(draft_id_of(incident_id))

    # -- commands -----------------------------------------------------------------------------------
    def save(
        self, incident_id: str, fields: dict[str, Any], seen: dict[str, str] | None = None
    ) -> SaveResult:
        """Write the fields that differ, each as its own change; `seen` = the clocks the editor loaded."""
        data = {k: v for k, v in fields.items() if k in EDITABLE}
        if isinstance(data.get("location"), Location):
            data["location"] = data["location"].to_dict()
        loaded = dict(seen or {})

        def fn(tx: Tx) -> SaveResult:
            current = IncidentRepository(tx.conn).require(incident_id)
            merged: dict[str, Any] = {**current, **data}
            merged["location"] = (
                Location.from_dict(data["location"]) if "location" in data else current.location
            )
            validate_incident(merged)
            before = {k: (current.location.to_dict() if k == "location" else current[k]) for k in data}
            clocks = tx.field_hlcs("incidents", incident_id)
            changed = update_incident(tx, incident_id, data, loaded)
            stale = {
                col: before[col]
                for col in changed
                if col in loaded and clocks.get(col) is not None and clocks[col] != loaded[col]
            }
            if changed:
                update_incident(tx, incident_id, {"updated_at": tx.now_ms(), "updated_by": tx.operator})
                tx.audit(
                    "incident_edit",
                    "incidents",
                    incident_id,
                    {
                        "fields": sorted(changed),
                        "changes": {c: [_short(before[c]), _short(changed[c])] for c in sorted(changed)},
                        "stale": sorted(stale),
                    },
                )
            return SaveResult(sorted(changed), stale, tx.field_hlcs("incidents", incident_id))

        return self.store.write(fn)

    def add_note(self, incident_id: str, text: str) -> str:
        """Append a note (author and time are the account's and now); notes are never edited."""
        body = (text or "").strip()
        if not body:
            raise DomainError("required", "a note needs text", "note")
        if text_problem(body, MAX_NARRATIVE_BYTES):
            raise DomainError("too_long", "the note is too long", "note")

        def fn(tx: Tx) -> str:
            IncidentRepository(tx.conn).require(incident_id)
            pk = tx.append(
                "incident_notes",
                {"incident_id": incident_id, "at": tx.now_ms(), "operator": tx.operator, "text": body},
            )
            tx.audit("incident_note", "incidents", incident_id)
            return pk

        return self.store.write(fn)

    def advance(self, incident_id: str, status: str, reason: str, disposition: str | None = None) -> None:
        """Forward only, with a reason (refused `reason_required`, `status_backwards`); closing follows the
        closing rules (a disposition: the reason when none is given)."""
        if not (reason or "").strip():
            raise DomainError("reason_required", "a status move from the detail needs a reason", "reason")
        self.lifecycle.advance(incident_id, status, disposition or reason.strip(), reason=reason)

    def reopen(self, incident_id: str, reason: str) -> str:
        """A supervisor brings a resolved or closed incident back (a status event + audit with the reason)."""
        return self.lifecycle.reopen(incident_id, reason)

    def merge(self, absorbed_id: str, target_id: str, reason: str) -> None:
        """A supervisor merges `absorbed` into `target` (see IncidentLifecycle.merge_in)."""
        self.store.write(lambda tx: self.lifecycle.merge_in(tx, absorbed_id, target_id, reason))

    def attach_call(self, call_id: str, incident_id: str) -> None:
        """A caller who called again: the answered call becomes another report of the incident."""
        IncidentService(self.store, lifecycle=self.lifecycle).attach_call(call_id, incident_id)

    def id_of_number(self, number: str) -> str | None:
        return IncidentRepository(self.store.reader()).id_of_number(number.strip())
