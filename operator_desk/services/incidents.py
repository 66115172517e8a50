"""Incidents: create from a call, edit with field clocks, notes, duplicates; status moves delegate to
the lifecycle (services/lifecycle.py) and the SQL lives in store/repositories.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ..domain import phone
from ..domain.enums import VICTIM_COLUMNS, CallOutcome, IncidentStatus
from ..domain.errors import NotFound, ValidationError
from ..domain.ids import incident_number
from ..domain.location import Location
from ..domain.records import Incident
from ..domain.rules import (
    DUPLICATE_WINDOW_MS,
    OpenIncident,
    find_duplicates,
    validate_incident,
)
from ..domain.timeutil import WITA, local
from ..store.repositories import IncidentRepository, insert_incident, update_incident
from ..store.store import Store
from ..store.tx import Tx
from .lifecycle import IncidentLifecycle

if TYPE_CHECKING:  # numpy and shapely load with the region pack, on a worker, never at start-up
    from ..geo.model import AreaFeature, Region

# m015_incident_fields: the fields the operator's form added (issue 16).
NEW_FIELDS = (
    "callback_number",
    "occurred_at",
    *VICTIM_COLUMNS.values(),
    "caller_relation",
    "report_source",
)
FUTURE_SLACK_MS = 10 * 60 * 1000  # an event time a little ahead of the desk's clock is a clock, not a typo

EDITABLE = (
    "category",
    "priority",
    "location",
    "caller_name",
    "caller_number",
    "narrative",
    "casualties",
    "disposition",
    *NEW_FIELDS,
)


class IncidentService:
    """Commands on incidents. Location is stored as one JSON value (one merge unit)."""

    def __init__(
        self,
        store: Store,
        prefix: str = "BJR",
        zone: ZoneInfo = WITA,
        lifecycle: IncidentLifecycle | None = None,
    ) -> None:
        self.store = store
        self.prefix = prefix
        self.zone = zone
        self.lifecycle = lifecycle or IncidentLifecycle(store)

    def now_ms(self) -> int:
        """The desk's clock (the form reads the event's time against it)."""
        return self.store.now_ms()

    def _repo(self) -> IncidentRepository:
        return IncidentRepository(self.store.reader())

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
        data = normalise_fields(fields)
        if "casualties" not in data:
            data["casualties"] = total_victims(data) if any_victims(data) else 0
        validate_incident(data)
        loc = data["location"]

        def fn(tx: Tx) -> str:
            now = tx.now_ms()
            check_event_time(data.get("occurred_at"), now)
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
            pk = insert_incident(tx, record)
            self.lifecycle.created_in(tx, pk, now)
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
            if not IncidentRepository(tx.conn).exists(incident_id):
                raise NotFound("incident", incident_id)
            self._attach(tx, call_id, incident_id)

        self.store.write(fn)

    def update(
        self, incident_id: str, fields: dict[str, Any], seen: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """Edit fields; `seen` holds the field clocks the editor loaded (conflict base)."""
        data = {k: v for k, v in normalise_fields(fields).items() if k in EDITABLE}
        if any(col in data for col in VICTIM_COLUMNS.values()) and "casualties" not in data:
            data["casualties"] = total_victims(data) if any_victims(data) else None
        if isinstance(data.get("location"), Location):
            data["location"] = data["location"].to_dict()

        def fn(tx: Tx) -> dict[str, Any]:
            check_event_time(data.get("occurred_at"), tx.now_ms())
            current = IncidentRepository(tx.conn).require(incident_id)
            merged = {**current, **data}
            merged["location"] = (
                Location.from_dict(merged.get("location")) if "location" in data else current.location
            )
            validate_incident(merged)
            changed = update_incident(tx, incident_id, data, seen)
            if changed:
                update_incident(tx, incident_id, {"updated_at": tx.now_ms(), "updated_by": tx.operator})
                tx.audit("incident_update", "incidents", incident_id, {"fields": sorted(changed)})
            return changed

        return self.store.write(fn)

    def advance(self, incident_id: str, status: str, disposition: str | None = None) -> None:
        """Move the status forward (never back); see `IncidentLifecycle.advance`.

        Closing follows the referral rules (a disposition and every agency's feedback) and closes the
        open referrals, exactly as `ReferralService.close_incident` does.
        """
        self.lifecycle.advance(incident_id, status, disposition)

    def resolve(self, incident_id: str) -> None:
        self.lifecycle.resolve(incident_id)

    def close(self, incident_id: str, disposition: str, override_reason: str | None = None) -> None:
        self.lifecycle.close(incident_id, disposition, override_reason)

    def reopen(self, incident_id: str, reason: str) -> str:
        """Supervisor only; returns the status the incident is back in."""
        return self.lifecycle.reopen(incident_id, reason)

    def add_note(self, incident_id: str, text: str) -> str:
        def fn(tx: Tx) -> str:
            IncidentRepository(tx.conn).require(incident_id)
            pk = tx.append(
                "incident_notes",
                {"incident_id": incident_id, "at": tx.now_ms(), "operator": tx.operator, "text": text},
            )
            tx.audit("incident_note", "incidents", incident_id)
            return pk

        return self.store.write(fn)

    def get(self, incident_id: str) -> Incident:
        return self._repo().require(incident_id)

    def field_clock(self, incident_id: str) -> dict[str, str]:
        return self._repo().field_clock(incident_id)

    def duplicates(self, category: str, location: Location, at_ms: int | None = None) -> list[OpenIncident]:
        """Open incidents of the same category near in space (1 km or same desa) and time (60 min)."""
        at = at_ms if at_ms is not None else self.store.now_ms()
        candidates = self._repo().open_candidates(
            category, at - DUPLICATE_WINDOW_MS, at + DUPLICATE_WINDOW_MS
        )
        return find_duplicates(category, location, at, candidates)


# -- the fields of m015_incident_fields ---------------------------------------------------------------
def normalise_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """A copy with the call-back number in E.164 (text that holds no number stays, and is refused by
    validate_incident as `invalid_phone`) and empty codes as None."""
    data = dict(fields)
    callback = data.get("callback_number")
    if isinstance(callback, str):
        text = callback.strip()
        data["callback_number"] = (phone.normalise(text) or text) if text else None
    for col in ("caller_relation", "report_source"):
        if col in data and not data[col]:
            data[col] = None
    return data


def any_victims(fields: dict[str, Any]) -> bool:
    """True when at least one victims count is known (0 included)."""
    return any(isinstance(fields.get(col), int) for col in VICTIM_COLUMNS.values())


def total_victims(fields: dict[str, Any]) -> int:
    """The known victims counts added up: the `casualties` figure older views and exports read."""
    return sum(n for col in VICTIM_COLUMNS.values() if isinstance(n := fields.get(col), int) and n >= 0)


def check_event_time(occurred_at: Any, now_ms: int) -> None:
    """The event cannot have happened after it was reported (the desk's clock, with some slack)."""
    if (
        isinstance(occurred_at, int)
        and not isinstance(occurred_at, bool)
        and occurred_at > now_ms + FUTURE_SLACK_MS
    ):
        raise ValidationError({"occurred_at": "out_of_range"}, detail="the event time is after the report")


# -- inside or outside the region -----------------------------------------------------------------------
@dataclass(frozen=True)
class Jurisdiction:
    """The kabupaten/kota of a point: the desk's own (`outside` False) or another one, whose 112 takes the
    call (`outside` True; `kabupaten_name` None when the pack does not know which one it is)."""

    outside: bool
    kabupaten_code: str | None = None
    kabupaten_name: str | None = None


def home_kabupaten(region: Region) -> list[AreaFeature]:
    """The region's own kabupaten/kota features (those with the pack's code; else the first one)."""
    own = [k for k in region.kabupaten if k.code == region.code]
    return own or list(region.kabupaten[:1])


def neighbours(region: Region) -> list[tuple[str, str]]:
    """(code, name) of the other kabupaten/kota the pack knows: features of its kabupaten layer and
    kabupaten/kota rows of its gazetteer that are not the region's own."""
    from ..geo.model import KABUPATEN_LEVELS

    home = {k.code for k in home_kabupaten(region)}
    seen: dict[str, str] = {}
    for k in region.kabupaten:
        if k.code not in home:
            seen.setdefault(k.code, k.name)
    for g in region.gazetteer:
        if g.level in KABUPATEN_LEVELS and g.code not in home:
            seen.setdefault(g.code, g.name)
    return sorted(seen.items(), key=lambda kv: kv[1])


def jurisdiction(region: Region, lat: float, lon: float, desa_code: str | None = None) -> Jurisdiction:
    """Where the point lies: in the region (its kabupaten polygon, or a desa of the region found by
    reverse geocoding, `desa_code`) or outside, with the neighbouring kabupaten/kota that holds it when
    the pack has its polygon."""
    import shapely

    home = home_kabupaten(region)
    point = shapely.Point(lon, lat)
    codes = {k.code for k in home}
    if desa_code and any(desa_code.startswith(c + ".") for c in codes):
        k = home[0]
        return Jurisdiction(False, k.code, k.name)
    for k in home:
        if k.geometry.covers(point):
            return Jurisdiction(False, k.code, k.name)
    for k in region.kabupaten:
        if k.code not in codes and k.geometry.covers(point):
            return Jurisdiction(True, k.code, k.name)
    return Jurisdiction(True)


# -- the event's time as the operator types it ------------------------------------------------------------
def parse_event_time(text: str, now_ms: int, zone: ZoneInfo = WITA) -> int | None:
    """The time of the event from what the operator typed, in the region's zone: "14:30" or "14.30"
    (today, or yesterday when that is still to come), "04-12 14:30" or "04-12-2026 14:30"; None when
    empty (the event's time is not known: the report's time stands). ValueError for anything else."""
    import re
    from datetime import datetime, timedelta

    raw = " ".join((text or "").split())
    if not raw:
        return None
    m = re.fullmatch(r"(?:(\d{1,2})[-/](\d{1,2})(?:[-/](\d{4}))?\s+)?(\d{1,2})[:.](\d{2})", raw)
    if m is None:
        raise ValueError(f"not a time: {raw!r} (hh:mm, or dd-mm hh:mm)")
    day, month, year, hour, minute = m.groups()
    now = local(now_ms, zone)
    try:
        if day is None:
            at = now.replace(hour=int(hour), minute=int(minute), second=0, microsecond=0)
            if at.timestamp() * 1000 > now_ms + FUTURE_SLACK_MS:
                at -= timedelta(days=1)  # "23:50" typed at 00:10: last night
        else:
            at = datetime(
                int(year) if year else now.year, int(month), int(day), int(hour), int(minute), tzinfo=zone
            )
    except ValueError:
        raise ValueError(f"not a time: {raw!r}") from None
    return int(at.timestamp() * 1000)


def format_event_time(ms: int | None, now_ms: int, zone: ZoneInfo = WITA) -> str:
    """What parse_event_time reads back: "14:30" today, "03-12-2026 14:30" on another day."""
    if ms is None:
        return ""
    at, now = local(ms, zone), local(now_ms, zone)
    return f"{at:%H:%M}" if at.date() == now.date() else f"{at:%d-%m-%Y %H:%M}"
