"""Retention rules, pure: how long personal data is kept, what a redaction replaces, pseudonyms.

UU 27/2022 Pasal 43-44: personal data is deleted or destroyed after its retention period;
Permenkominfo 20/2016 Pasal 15(3)(b): at least 5 years where no sector rule sets it.

- Recordings: deleted after `recordings_days` (default 90): the file on the desk and the hub, and the
  call's `recording_path` redacted.
- Calls that are not emergencies (no incident): after `calls_days` (default 90) the number (E.164 and
  raw) becomes its pseudonym, notes and the device location are cleared; the caller card (name, notes)
  of a number that has not called since is cleared the same way (its flag stays).
- Incidents: after `incidents_years` (default 5) the caller's name, number, narrative and disposition,
  the text of its notes and the personal fields of its calls.

A pseudonym is `p:` + the first 32 hex digits of HMAC-SHA256(center key, E.164 number): the same
number gives the same pseudonym on every desk and the hub (the repeat-prank flag counts it), and it
cannot be turned back into the number without the key. The key is one random 256-bit value per center
(made by the hub, synced in `retention_policy`): whoever holds a store with its key can test a
candidate number, so a pseudonym is personal data still (UU PDP), only not readable at a glance.

No I/O here: the services (desk) and server/retention.py (hub) feed rows in and write the redactions.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

POLICY_ID = "center"
DAY_MS = 24 * 3600 * 1000
YEAR_MS = 365 * DAY_MS + DAY_MS // 4
DEFAULT_CALLS_DAYS = 90
DEFAULT_RECORDINGS_DAYS = 90
DEFAULT_INCIDENTS_YEARS = 5
PSEUDONYM_PREFIX = "p:"
SYSTEM = "retention"  # the operator name of the retention job's own writes

# reasons of a redaction (part of its id: one redaction per row and reason, wherever it is made)
CALL_EXPIRED = "call_expired"
RECORDING_EXPIRED = "recording_expired"
INCIDENT_EXPIRED = "incident_expired"
CALLER_EXPIRED = "caller_expired"

# the columns each rule redacts: None clears, "pseudonym" replaces a number by its pseudonym
PSEUDONYM = "pseudonym"
CALL_FIELDS: Mapping[str, str | None] = {
    "caller_number": PSEUDONYM,
    "caller_raw": PSEUDONYM,
    "notes": None,
    "device_location": None,
}
CALLER_FIELDS: Mapping[str, str | None] = {"number": PSEUDONYM, "name": None, "notes": None}
INCIDENT_FIELDS: Mapping[str, str | None] = {
    "caller_name": None,
    "caller_number": PSEUDONYM,
    "narrative": None,
    "disposition": None,
}
NOTE_FIELDS: Mapping[str, str | None] = {"text": None}
DEVICE_LOCATION_FIELDS: Mapping[str, str | None] = {"number": PSEUDONYM, "lat": None, "lon": None}
RECORDING_FIELDS: Mapping[str, str | None] = {"recording_path": None}

# every (table, column) a redaction may overwrite: the hub and the desks refuse others
REDACTABLE: Mapping[str, frozenset[str]] = {
    "calls": frozenset(CALL_FIELDS) | frozenset(RECORDING_FIELDS),
    "callers": frozenset(CALLER_FIELDS),
    "incidents": frozenset(INCIDENT_FIELDS),
    "incident_notes": frozenset(NOTE_FIELDS),
    "device_locations": frozenset(DEVICE_LOCATION_FIELDS),
}


@dataclass(frozen=True)
class Policy:
    """The center's retention settings (`retention_policy` row `center`)."""

    calls_days: int = DEFAULT_CALLS_DAYS
    recordings_days: int = DEFAULT_RECORDINGS_DAYS
    incidents_years: int = DEFAULT_INCIDENTS_YEARS
    pseudonym_key: str | None = None
    updated_by: str | None = None
    updated_at: int | None = None

    def calls_before(self, now_ms: int) -> int:
        return now_ms - self.calls_days * DAY_MS

    def recordings_before(self, now_ms: int) -> int:
        return now_ms - self.recordings_days * DAY_MS

    def incidents_before(self, now_ms: int) -> int:
        return now_ms - self.incidents_years * YEAR_MS

    def public(self) -> dict[str, Any]:
        """What `retention show` prints (never the key itself)."""
        return {
            "calls_days": self.calls_days,
            "recordings_days": self.recordings_days,
            "incidents_years": self.incidents_years,
            "pseudonym_key": "set" if self.pseudonym_key else None,
            "updated_by": self.updated_by,
            "updated_at": self.updated_at,
        }


LIMITS = {"calls_days": (1, 36_500), "recordings_days": (1, 36_500), "incidents_years": (1, 100)}


def policy_problem(field: str, value: Any) -> str | None:
    """What is wrong with one setting (None: it is fine)."""
    lo, hi = LIMITS[field]
    if type(value) is not int or not lo <= value <= hi:
        return f"{field} must be a whole number from {lo} to {hi}, got {value!r}"
    return None


def policy_from(row: Mapping[str, Any] | None) -> Policy:
    """A Policy from a stored row (missing settings take the defaults)."""
    if not row:
        return Policy()
    return Policy(
        int(row.get("calls_days") or DEFAULT_CALLS_DAYS),
        int(row.get("recordings_days") or DEFAULT_RECORDINGS_DAYS),
        int(row.get("incidents_years") or DEFAULT_INCIDENTS_YEARS),
        row.get("pseudonym_key") or None,
        row.get("updated_by"),
        row.get("updated_at"),
    )


def new_key() -> str:
    return secrets.token_hex(32)


def pseudonym(key: str, number: str) -> str:
    """The keyed pseudonym of a number (E.164); a pseudonym stays itself."""
    if is_pseudonym(number):
        return number
    digest = hmac.new(bytes.fromhex(key), number.encode("utf-8"), hashlib.sha256).hexdigest()
    return PSEUDONYM_PREFIX + digest[:32]


def is_pseudonym(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(PSEUDONYM_PREFIX) and len(value) == 34


def replacement(
    rule: Mapping[str, str | None], row: Mapping[str, Any], key: str, number: str | None
) -> dict[str, Any]:
    """{column: new value} of one row under one rule: only the columns that still hold something.

    `number` is what a raw-number column is pseudonymised from (the E.164 number of the call), so the
    raw text (0812…) and the E.164 form get the one pseudonym."""
    out: dict[str, Any] = {}
    for col, how in rule.items():
        current = row.get(col)
        if current is None:
            continue
        if how == PSEUDONYM:
            if is_pseudonym(current):
                continue
            out[col] = pseudonym(key, number or str(current))
        else:
            out[col] = None
    return out


_NAMESPACE = uuid.UUID("6f1c2a0e-5d1b-4c5e-9a3e-112112112112")


def redaction_id(tbl: str, pk: str, reason: str) -> str:
    """One redaction per row and reason, made alike by the hub and every desk (merged once)."""
    return str(uuid.uuid5(_NAMESPACE, f"{tbl}\x1f{pk}\x1f{reason}"))


def redaction_problem(tbl: Any, fields: Any) -> str | None:
    """A redaction may only overwrite the personal columns a rule names (None: it may)."""
    allowed = REDACTABLE.get(tbl) if isinstance(tbl, str) else None
    if allowed is None:
        return f"{tbl!r} is not a table a redaction may change"
    if not isinstance(fields, dict) or not fields:
        return "fields: expected an object {column: replacement}"
    for col, value in fields.items():
        if col not in allowed:
            return f"{tbl}.{col} is not a column a redaction may change"
        if value is not None and not is_pseudonym(value):
            return f"{tbl}.{col}: a redaction sets a pseudonym or nothing"
    return None


def apply_to_row(row: Mapping[str, Any], fields: Mapping[str, Any]) -> dict[str, Any]:
    """An append-only row (as it travels) with the redacted columns replaced."""
    return {**row, **fields}


@dataclass(frozen=True)
class Planned:
    """One redaction the rules ask for: row `pk` of `tbl`, {column: replacement}, why."""

    tbl: str
    pk: str
    reason: str
    fields: dict[str, Any]

    @property
    def id(self) -> str:
        return redaction_id(self.tbl, self.pk, self.reason)

    def row(self, at_ms: int, by: str | None) -> dict[str, Any]:
        """The `redactions` row that carries it."""
        return {
            "tbl": self.tbl,
            "pk": self.pk,
            "fields": self.fields,
            "reason": self.reason,
            "at": at_ms,
            "redacted_by": by,
        }


Rows = Mapping[str, Mapping[str, Any]]  # {pk: {column: value}}


def plan(
    policy: Policy,
    now_ms: int,
    *,
    calls: Rows,
    incidents: Rows,
    notes: Rows,
    callers: Rows,
    device_locations: Rows,
) -> list[Planned]:
    """Every redaction due at `now_ms` for these rows (only what still holds something).

    `calls` need started_at, outcome, incident_id and the personal columns; `incidents` created_at and
    theirs; `notes` incident_id and text; `callers` number, name, notes; `device_locations` call_id,
    received_at, number, lat, lon. The caller may leave out rows it knows are not due."""
    key = policy.pseudonym_key
    if not key:
        return []  # no pseudonym without the center's key (a desk waits for the hub's policy)
    calls_before = policy.calls_before(now_ms)
    rec_before = policy.recordings_before(now_ms)
    inc_before = policy.incidents_before(now_ms)
    out: list[Planned] = []

    def add(
        tbl: str,
        pk: str,
        reason: str,
        rule: Mapping[str, str | None],
        row: Mapping[str, Any],
        number: str | None = None,
    ) -> None:
        fields = replacement(rule, row, key, number)
        if fields:
            out.append(Planned(tbl, pk, reason, fields))

    expired_incidents = {pk for pk, r in incidents.items() if _before(r.get("created_at"), inc_before)}
    for pk in sorted(expired_incidents):
        add("incidents", pk, INCIDENT_EXPIRED, INCIDENT_FIELDS, incidents[pk])
    for pk, r in sorted(notes.items()):
        if r.get("incident_id") in expired_incidents:
            add("incident_notes", pk, INCIDENT_EXPIRED, NOTE_FIELDS, r)
    redacted_calls: set[str] = set()
    recent_numbers: set[str] = set()
    for pk, r in sorted(calls.items()):
        started = r.get("started_at")
        number = r.get("caller_number") if isinstance(r.get("caller_number"), str) else None
        if _before(started, rec_before) and r.get("recording_path") is not None:
            add("calls", pk, RECORDING_EXPIRED, RECORDING_FIELDS, r)
        emergency = r.get("outcome") == "emergency" or bool(r.get("incident_id"))
        if r.get("incident_id") in expired_incidents:
            add("calls", pk, INCIDENT_EXPIRED, CALL_FIELDS, r, number)
            redacted_calls.add(pk)
        elif emergency:
            if not r.get("incident_id") and _before(started, inc_before):
                add(
                    "calls", pk, INCIDENT_EXPIRED, CALL_FIELDS, r, number
                )  # an emergency call without incident
                redacted_calls.add(pk)
            elif number:
                recent_numbers.add(number)
        elif _before(started, calls_before):
            add("calls", pk, CALL_EXPIRED, CALL_FIELDS, r, number)
            redacted_calls.add(pk)
        elif number:
            recent_numbers.add(number)
    for pk, r in sorted(device_locations.items()):
        unattached = not r.get("call_id") and _before(r.get("received_at"), calls_before)
        if r.get("call_id") in redacted_calls or unattached:
            add("device_locations", pk, CALL_EXPIRED, DEVICE_LOCATION_FIELDS, r)
    for pk, r in sorted(callers.items()):
        number = r.get("number")
        if isinstance(number, str) and not is_pseudonym(number) and number not in recent_numbers:
            add("callers", pk, CALLER_EXPIRED, CALLER_FIELDS, r)
    return out


def _before(ms: Any, limit: int) -> bool:
    return type(ms) is int and ms < limit
