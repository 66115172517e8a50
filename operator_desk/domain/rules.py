"""Rules of the work, pure: validation codes, status moves, duplicate detection."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .enums import OPEN_STATUSES, CallOutcome, IncidentCategory, IncidentStatus, Priority
from .errors import StatusRegression, ValidationError
from .location import Location, distance_m

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
    if len(fields.get("narrative") or "") > MAX_NARRATIVE:
        problems["narrative"] = "too_long"
    if problems:
        raise ValidationError(problems)


def can_advance(current: str, wanted: str) -> bool:
    """Statuses only move forward; staying put is allowed (idempotent)."""
    return IncidentStatus(wanted).rank >= IncidentStatus(current).rank


def check_advance(current: str, wanted: str) -> None:
    if not can_advance(current, wanted):
        raise StatusRegression(current, wanted)


def later_status(a: str, b: str) -> str:
    """The merge rule for `status`: the one further along wins."""
    return a if IncidentStatus(a).rank >= IncidentStatus(b).rank else b


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
