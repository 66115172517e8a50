"""Typed records of incidents, referrals and their events, as services hand them out.

Frozen dataclasses built by the repository (store/repositories.py) from rows. Each also reads as a
read-only mapping of its fields (`rec["status"]`, `rec.get("feedback_at")`, `dict(rec)`), so views and
tests written against the former dict rows keep working while new code uses the attributes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from .location import Location


class Record(Mapping[str, Any]):
    """Mapping access to the fields of a frozen dataclass (read-only: the record is frozen)."""

    __slots__ = ()

    def __getitem__(self, key: str) -> Any:
        if key not in self._names():
            raise KeyError(key)
        return getattr(self, key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())

    @classmethod
    def _names(cls) -> tuple[str, ...]:
        cached: tuple[str, ...] | None = cls.__dict__.get("_field_names")
        if cached is None:
            cached = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]
            cls._field_names = cached  # type: ignore[attr-defined]
        return cached

    @classmethod
    def from_row(cls, row: Mapping[str, Any] | Any, **extra: Any) -> Any:
        """Build from a `sqlite3.Row` (or mapping); columns the record does not declare are ignored."""
        keys = set(row.keys())
        values = {name: row[name] for name in cls._names() if name in keys}
        values.update(extra)
        return cls(**values)


@dataclass(frozen=True, eq=True)
class Incident(Record):
    """One incident as stored; `location` is the one Location value (a single merge unit)."""

    id: str
    number: str | None = None
    site_id: str | None = None
    category: str | None = None
    priority: str | None = None
    status: str = "new"
    location: Location = field(default_factory=Location)
    caller_name: str | None = None
    caller_number: str | None = None
    narrative: str | None = None
    casualties: int | None = None
    disposition: str | None = None
    created_at: int | None = None
    updated_at: int | None = None
    created_by: str | None = None
    updated_by: str | None = None


@dataclass(frozen=True, eq=True)
class IncidentSummary(Record):
    """What lists of incidents show: the handover's open items, a caller's earlier incidents."""

    id: str
    number: str | None = None
    category: str | None = None
    priority: str | None = None
    status: str = "new"
    created_at: int | None = None
    kecamatan_name: str | None = None
    address: str | None = None


@dataclass(frozen=True, eq=True)
class IncidentNote(Record):
    """A note on an incident (append-only)."""

    id: str
    incident_id: str
    at: int
    operator: str | None = None
    text: str | None = None


@dataclass(frozen=True, eq=True)
class StatusEvent(Record):
    """One move of an incident's status (append-only; `status_from` is None at creation)."""

    id: str
    incident_id: str
    status_from: str | None
    status_to: str
    at: int
    operator: str | None = None


@dataclass(frozen=True, eq=True)
class Referral(Record):
    """The incident handed to one agency, step by step (see services/referrals.py)."""

    id: str
    incident_id: str
    agency_id: str | None = None
    sent_at: int | None = None
    acknowledged_at: int | None = None
    on_scene_at: int | None = None
    feedback_at: int | None = None
    closed_at: int | None = None
    feedback: str | None = None
    status: str | None = None
    operator: str | None = None
    escalated_to: str | None = None
    resent_at: int | None = None
    resend_count: int | None = None
    reopened_at: int | None = None
    reopen_count: int | None = None


@dataclass(frozen=True, eq=True)
class BoardRow(Referral):
    """A referral with what the board shows of its incident and agency (and the agency's timers)."""

    incident_number: str | None = None
    category: str | None = None
    priority: str | None = None
    incident_status: str | None = None
    kecamatan_code: str | None = None
    kecamatan_name: str | None = None
    agency_name: str | None = None
    agency_kind: str | None = None
    ack_minutes: int | None = None
    arrive_minutes: int | None = None


@dataclass(frozen=True, eq=True)
class OverdueReferral(BoardRow):
    """A board row with at least one amber or red timer: the worst `level` and the `timers`."""

    level: str = "ok"
    timers: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, eq=True)
class ReferralEvent(Record):
    """One step of a referral (append-only)."""

    step: str
    at: int
    operator: str | None = None
    detail: str | None = None
