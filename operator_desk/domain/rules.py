"""Rules of the work, pure: validation codes, status moves and closing, who may do what, duplicates."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .enums import OPEN_STATUSES, CallOutcome, IncidentCategory, IncidentStatus, Priority
from .errors import DomainError, StatusRegression, ValidationError
from .location import Location, distance_m
from .records import Referral, StatusEvent, incident_field_problems
from .tables import MAX_NARRATIVE_BYTES, text_problem

DUPLICATE_RADIUS_M = 1000.0
DUPLICATE_WINDOW_MS = 60 * 60 * 1000
MAX_NARRATIVE = 20_000


def validate_outcome(outcome: str) -> CallOutcome:
    try:
        return CallOutcome(outcome)
    except ValueError:
        raise ValidationError({"outcome": "unknown_outcome"}) from None


def validate_incident(fields: Mapping[str, Any]) -> None:
    """Raise ValidationError with a code per bad field; the UI highlights those fields."""
    problems: dict[str, str] = {}
    category = fields.get("category")
    if not category:
        problems["category"] = "required"
    elif category not in IncidentCategory.__members__.values():
        problems["category"] = "unknown_category"
    priority = fields.get("priority")
    if not priority:
        problems["priority"] = "required"
    elif priority not in Priority.__members__.values():
        problems["priority"] = "unknown_priority"
    loc = fields.get("location")
    if isinstance(loc, Location):
        if loc.is_empty():
            problems["location"] = "required"
        elif loc.has_point() and not (-90 <= (loc.lat or 0) <= 90 and -180 <= (loc.lon or 0) <= 180):
            problems["location"] = "out_of_range"
    elif loc is None:
        problems["location"] = "required"
    casualties = fields.get("casualties", 0)
    if casualties is not None and (not isinstance(casualties, int) or casualties < 0):
        problems["casualties"] = "not_a_count"
    narrative = fields.get("narrative") or ""
    if len(narrative) > MAX_NARRATIVE or text_problem(narrative, MAX_NARRATIVE_BYTES):
        problems["narrative"] = "too_long"  # characters, and the UTF-8 bytes the hub accepts
    problems.update(incident_field_problems(fields))  # callback, victims, relation, source, RT/RW (form16)
    if problems:
        raise ValidationError(problems)


def can_advance(current: str, wanted: str) -> bool:
    """Statuses only move forward; staying put is allowed (idempotent)."""
    return IncidentStatus(wanted).rank >= IncidentStatus(current).rank


def check_advance(current: str, wanted: str) -> None:
    """A forward move (or staying put) is allowed; codes `unknown_status`, `status_backwards`."""
    if wanted not in IncidentStatus.__members__.values():
        raise DomainError("unknown_status", f"unknown incident status {wanted!r}", "status")
    if not can_advance(current, wanted):
        raise StatusRegression(current, wanted)


def later_status(a: str, b: str) -> str:
    """The merge rule for `status`: the one further along wins."""
    return a if IncidentStatus(a).rank >= IncidentStatus(b).rank else b


# -- who may do what ---------------------------------------------------------------------------------
# THE policy table: services (and the hub, on the changes it ingests) ask `may(role, action)`. The role
# is the logged-in account's (services/accounts.py `role_of`); an admin may do all a supervisor may.
OPERATOR = "operator"
SUPERVISOR = "supervisor"
ADMIN = "admin"
ROLES: tuple[str, ...] = (OPERATOR, SUPERVISOR, ADMIN)
OVERRIDE_CLOSE = "override_close"  # close without every agency's feedback
REOPEN = "reopen"  # bring a resolved or closed incident back to work
RESOLVE_CONFLICT = "resolve_conflict"  # decide between two values kept by sync
EDIT_AGENCIES = "edit_agencies"  # add or change an agency (names, numbers, timers)
MERGE_INCIDENTS = "merge_incidents"
MANAGE_ACCOUNTS = "manage_accounts"  # add, disable, enable, reset accounts; the roster
RETENTION = "retention"  # retention settings
EXPORT_UNMASKED = "export_unmasked"  # export/report with full numbers, names, narratives
REGION_IMPORT = "region_import"
RESTORE_BACKUP = "restore_backup"
SUBJECT_REPORT = "subject_report"  # UU PDP access request: everything held about one number
_SUPERVISORS = frozenset({SUPERVISOR, ADMIN})
_ADMINS = frozenset({ADMIN})
POLICY: Mapping[str, frozenset[str]] = {
    OVERRIDE_CLOSE: _SUPERVISORS,
    REOPEN: _SUPERVISORS,
    RESOLVE_CONFLICT: _SUPERVISORS,
    EDIT_AGENCIES: _SUPERVISORS,
    MERGE_INCIDENTS: _SUPERVISORS,
    MANAGE_ACCOUNTS: _ADMINS,
    RETENTION: _ADMINS,
    EXPORT_UNMASKED: _ADMINS,
    REGION_IMPORT: _ADMINS,
    RESTORE_BACKUP: _ADMINS,
    SUBJECT_REPORT: _ADMINS,
}


# The names a desk's programs write under when no person does: demo data, the retention job, the
# trusted command line on the desk PC. Never an account's name; never authority for POLICY's actions.
SYSTEM_OPERATORS: frozenset[str] = frozenset({"demo", "retention", "admin-cli"})


def may(role: str | None, action: str) -> bool:
    """True when `role` may perform `action` (an action missing from POLICY is allowed to nobody)."""
    return role is not None and role in POLICY.get(action, frozenset())


# -- closing -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ClosePlan:
    """What closing an incident does: the referrals that close with it, and whether it is an override."""

    close_referrals: tuple[str, ...]
    override: bool


def closes_with_incident(referral: Referral) -> bool:
    """Every referral not yet closed closes with its incident (escalated ones are closed already)."""
    return referral.status != "closed"


def plan_close(
    status: str,
    disposition: str | None,
    referrals: Sequence[Referral],
    override_reason: str | None,
    role: str | None,
    *,
    force_override: bool = False,
) -> ClosePlan:
    """Raise DomainError unless the incident may close now; say what closing does.

    A close needs a disposition and the feedback of every agency still following it (referrals not
    escalated). Without that (or when `force_override`), a supervisor's override with a reason.
    Codes: `incident_closed`, `disposition_required`, `feedback_required` (a referral without the
    agency's feedback, or no referral at all), `override_reason_required`, `supervisor_required`.
    """
    if status == IncidentStatus.CLOSED:
        raise DomainError("incident_closed", "the incident is already closed", "status")
    if not (disposition or "").strip():
        raise DomainError("disposition_required", "closing an incident needs a disposition", "disposition")
    live = [r for r in referrals if not r.escalated_to]
    missing = [r for r in live if r.feedback_at is None]
    to_close = tuple(r.id for r in referrals if closes_with_incident(r))
    if live and not missing and not force_override:
        return ClosePlan(to_close, override=False)
    if override_reason is None:
        raise DomainError(
            "feedback_required",
            f"{len(missing)} referral(s) without the agency's feedback"
            if live
            else "the incident was never referred: closing needs a supervisor's override",
            "feedback",
        )
    if not override_reason.strip():
        raise DomainError("override_reason_required", "a supervisor override needs a reason", "override")
    if not may(role, OVERRIDE_CLOSE):
        raise DomainError("supervisor_required", "only a supervisor can override a close", "override")
    return ClosePlan(to_close, override=True)


# -- reopening -----------------------------------------------------------------------------------------
def check_reopen(status: str, reason: str | None, role: str | None) -> None:
    """Raise DomainError unless the incident may be reopened now by someone of `role`.

    Codes: `incident_open` (it is not resolved or closed), `reopen_reason_required`, `supervisor_required`.
    """
    if status in OPEN_STATUSES:
        raise DomainError("incident_open", "the incident is still open", "status")
    if not (reason or "").strip():
        raise DomainError("reopen_reason_required", "reopening needs a reason", "reason")
    if not may(role, REOPEN):
        raise DomainError("supervisor_required", "only a supervisor can reopen an incident", "status")


def check_merge(
    absorbed_id: str,
    absorbed_merged_into: str | None,
    target_id: str,
    target_status: str,
    target_merged_into: str | None,
    role: str | None,
) -> None:
    """Raise DomainError unless a supervisor may merge `absorbed` into `target` (two reports of one event).

    Codes: `supervisor_required` (POLICY MERGE_INCIDENTS), `merge_invalid` (the same incident, one already
    merged, or a closed target: the merged work must go on somewhere open).
    """
    if not may(role, MERGE_INCIDENTS):
        raise DomainError("supervisor_required", "only a supervisor can merge incidents", "merge")
    if absorbed_id == target_id:
        raise DomainError("merge_invalid", "an incident cannot be merged into itself", "merge")
    if absorbed_merged_into or target_merged_into:
        raise DomainError("merge_invalid", "one of the incidents is already merged", "merge")
    if target_status == IncidentStatus.CLOSED:
        raise DomainError("merge_invalid", "the incident merged into must not be closed", "merge")


def reopen_target(history: Sequence[StatusEvent]) -> str:
    """The status a reopened incident goes back to: the last open status it held (else `new`)."""
    for event in reversed(history):
        if event.status_to in OPEN_STATUSES:
            return event.status_to
    return str(IncidentStatus.NEW)


@dataclass(frozen=True)
class OpenIncident:
    """What duplicate detection needs to know of an open incident."""

    id: str
    number: str
    category: str
    status: str
    created_ms: int
    location: Location


def find_duplicates(
    category: str, location: Location, at_ms: int, candidates: Iterable[OpenIncident]
) -> list[OpenIncident]:
    """Open incidents of the same category within 1 km (or the same desa) and 60 minutes, nearest first."""
    found: list[tuple[float, OpenIncident]] = []
    for inc in candidates:
        if inc.category != category or inc.status not in OPEN_STATUSES:
            continue
        if abs(at_ms - inc.created_ms) > DUPLICATE_WINDOW_MS:
            continue
        dist = float("inf")
        if location.has_point() and inc.location.has_point():
            dist = distance_m(location.lat, location.lon, inc.location.lat, inc.location.lon)  # type: ignore[arg-type]
        same_desa = bool(location.desa_code) and location.desa_code == inc.location.desa_code
        if dist <= DUPLICATE_RADIUS_M or same_desa:
            found.append((dist, inc))
    found.sort(key=lambda pair: pair[0])
    return [inc for _, inc in found]
