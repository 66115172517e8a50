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
    # m015_incident_fields: the number to call back (E.164; the caller ID is `caller_number`), when it
    # happened (the report's time is `created_at`), victims by condition (None: not known, 0: none),
    # who the caller is to it and how the report came in (domain/enums.py codes).
    callback_number: str | None = None
    occurred_at: int | None = None
    victims_dead: int | None = None
    victims_severe: int | None = None
    victims_minor: int | None = None
    victims_unknown: int | None = None
    caller_relation: str | None = None
    report_source: str | None = None
    merged_into: str | None = None  # m016_incident_work: the incident a supervisor merged this one into

    def victims(self) -> dict[str, int | None]:
        """{condition code: count or None} in the order meninggal, luka berat, luka ringan, belum diketahui."""
        from .enums import VICTIM_COLUMNS

        return {cond: getattr(self, col) for cond, col in VICTIM_COLUMNS.items()}


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
    # the message that reached the agency (services/referral_messages.py)
    message_channel: str | None = None
    message_to: str | None = None
    message_status: str | None = None
    message_error: str | None = None
    message_at: int | None = None
    message_sent_at: int | None = None
    message_ref: str | None = None
    message_text: str | None = None


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


MAX_VICTIMS = 100_000


def incident_field_problems(fields: Mapping[str, Any]) -> dict[str, str]:
    """Problem codes of the fields m015_incident_fields added (rules.validate_incident adds them to its own):
    a call-back number that is no phone number, victims that are not counts (None is allowed: not known),
    codes that are not a relation or a source, a time that is not one, RT/RW that are not numbers."""
    from . import phone
    from .enums import VICTIM_COLUMNS, CallerRelation, ReportSource
    from .location import clean_rt_rw
    from .tables import TIME_MAX_MS, TIME_MIN_MS

    problems: dict[str, str] = {}
    callback = fields.get("callback_number")
    if callback not in (None, "") and (not isinstance(callback, str) or phone.normalise(callback) is None):
        problems["callback_number"] = "invalid_phone"
    for col in VICTIM_COLUMNS.values():
        n = fields.get(col)
        if n is not None and (isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= MAX_VICTIMS):
            problems[col] = "not_a_count"
    for col, codes in (("caller_relation", CallerRelation), ("report_source", ReportSource)):
        v = fields.get(col)
        if v is not None and v not in codes.__members__.values():
            problems[col] = "invalid_value"
    at = fields.get("occurred_at")
    if at is not None and (isinstance(at, bool) or not isinstance(at, int)):
        problems["occurred_at"] = "invalid_value"
    elif at is not None and not TIME_MIN_MS <= at <= TIME_MAX_MS:
        problems["occurred_at"] = "out_of_range"
    loc = fields.get("location")
    if isinstance(loc, Location):
        for part in ("rt", "rw"):
            if clean_rt_rw(getattr(loc, part)) is None:
                problems[part] = "invalid_value"
    return problems
