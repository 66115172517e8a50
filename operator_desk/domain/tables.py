"""The one declaration of every synced table: columns, types, allowed values, sizes, merge kind.

Used by the store (schema.py derives its table lists from it, `check` compares it with the migrated
file), by export, and by sync: every change is validated against it at the hub's ingest and again at
a desk's apply (`check_value`). Pure data and plain checks: no I/O, no SQL, no Qt.

Column types and how SQLite stores them:
  text -> TEXT, int -> INTEGER, time -> INTEGER (UTC epoch ms), real -> REAL, bool -> INTEGER (0/1),
  json -> TEXT (JSON object or array), location -> TEXT (a `Location` as a JSON object).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from .enums import (
    AgencyKind,
    CallerRelation,
    CallOutcome,
    CallSourceKind,
    IncidentCategory,
    IncidentStatus,
    LocationSource,
    Priority,
    ReportSource,
)

ColumnType = Literal["text", "int", "time", "real", "bool", "json", "location"]
TableKind = Literal["record", "append", "local"]

KB = 1024
MAX_VALUE_BYTES = 64 * KB  # any one value, as JSON text
MAX_NARRATIVE_BYTES = 32 * KB  # free text an operator types (narrative, notes)
MAX_SHORT_BYTES = 1 * KB  # names, numbers, codes, ids
MAX_JSON_DEPTH = 6
INT_MIN, INT_MAX = -(2**63), 2**63 - 1  # a 64-bit database integer
TIME_MIN_MS = 946_684_800_000  # 2000-01-01T00:00:00Z: no desk ran before this
TIME_MAX_MS = 4_102_444_800_000  # 2100-01-01T00:00:00Z

SQL_TYPES: dict[str, str] = {
    "text": "TEXT",
    "int": "INTEGER",
    "time": "INTEGER",
    "real": "REAL",
    "bool": "INTEGER",
    "json": "TEXT",
    "location": "TEXT",
}

# Codes that are not (yet) enums of their own. Kept here so a test can compare them with the services.
OPERATOR_ROLES: frozenset[str] = frozenset({"operator", "supervisor", "admin"})
REFERRAL_STATUSES: frozenset[str] = frozenset({"sent", "acknowledged", "on_scene", "feedback", "closed"})
REFERRAL_EVENT_STEPS: frozenset[str] = REFERRAL_STATUSES | {"resent", "escalated", "reopened"}
REFERRAL_MESSAGE_CHANNELS: frozenset[str] = frozenset({"clipboard", "whatsapp", "sms"})
REFERRAL_MESSAGE_STATUSES: frozenset[str] = frozenset({"copied", "opened", "queued", "sent", "failed"})
REFERRAL_MESSAGE_ERRORS: frozenset[str] = frozenset(
    {"no_gateway", "gateway_unavailable", "no_number", "too_long", "modem_error", "gateway_timeout"}
)


def _codes(enum: Any) -> frozenset[str]:
    return frozenset(str(m.value) for m in enum)


@dataclass(frozen=True)
class Column:
    """One column of a table. `max_bytes` bounds a text (UTF-8) or a JSON value (its JSON text)."""

    name: str
    type: ColumnType = "text"
    nullable: bool = True
    choices: frozenset[str] | None = None
    max_bytes: int = MAX_SHORT_BYTES
    min: float | None = None
    max: float | None = None
    shape: Literal["object", "array"] | None = None  # json: what the value is
    items: frozenset[str] | None = None  # json array: the allowed codes of its items (None: any text)
    forward_only: bool = False  # merge: the value furthest along wins (incident status)
    export: bool = True

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.type]

    @property
    def is_json(self) -> bool:
        return self.type in ("json", "location")


@dataclass(frozen=True)
class Table:
    """A table of the store. `record`: fields merge one by one (LWW, forward-only status);
    `append`: insert-once rows that never conflict; `local`: never leaves the desk.

    `generated` names the virtual columns SQLite derives from the others (not synced); in
    `incidents` each is the key of the same name in `location`. `local_columns` are stored columns
    that stay on the desk (the audit trail's insertion order `seq`)."""

    name: str
    kind: TableKind
    columns: tuple[Column, ...]
    pk: str = "id"
    generated: tuple[str, ...] = ()
    local_columns: tuple[str, ...] = ()  # stored but never synced (the audit trail's local `seq`)
    by_name: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {c.name: c for c in self.columns})

    @property
    def names(self) -> tuple[str, ...]:
        """The synced columns (the primary key is not one: it names the row)."""
        return tuple(c.name for c in self.columns)


def _t(name: str, **kw: Any) -> Column:
    return Column(name, "text", **kw)


def _long(name: str) -> Column:
    return Column(name, "text", max_bytes=MAX_NARRATIVE_BYTES)


def _time(name: str, **kw: Any) -> Column:
    return Column(name, "time", min=TIME_MIN_MS, max=TIME_MAX_MS, **kw)


def _count(name: str, hi: int = 1_000_000) -> Column:
    return Column(name, "int", min=0, max=hi)


def _code(name: str, codes: frozenset[str], **kw: Any) -> Column:
    return Column(name, "text", choices=codes, **kw)


def _lat(name: str = "lat") -> Column:
    return Column(name, "real", min=-90.0, max=90.0)


def _lon(name: str = "lon") -> Column:
    return Column(name, "real", min=-180.0, max=180.0)


CATEGORIES = _codes(IncidentCategory)

TABLES: tuple[Table, ...] = (
    Table(
        "calls",
        "record",
        (
            _t("site_id"),
            _t("caller_number"),
            _t("caller_raw"),
            _code("source", _codes(CallSourceKind)),
            _time("started_at", nullable=False),
            _time("answered_at"),
            _time("ended_at"),
            _code("outcome", _codes(CallOutcome)),
            _t("incident_id"),
            _t("operator"),
            _long("notes"),
            Column("device_location", "json", shape="object", max_bytes=16 * KB, export=False),
            _t("recording_path", export=False),
            Column("recording_duration_s", "real", min=0.0, max=7 * 24 * 3600.0, export=False),
            _t("recording_sha256", max_bytes=64, export=False),
        ),
    ),
    Table("callers", "record", (_t("number"), _t("name"), _long("notes"), _t("flag"))),
    Table(
        "incidents",
        "record",
        (
            _t("number"),
            _t("site_id"),
            _code("category", CATEGORIES),
            _code("priority", _codes(Priority)),
            Column("status", "text", nullable=False, choices=_codes(IncidentStatus), forward_only=True),
            Column("location", "location", max_bytes=16 * KB, export=False),  # exported as its parts
            _t("caller_name"),
            _t("caller_number"),
            _long("narrative"),
            _count("casualties", 100_000),
            _long("disposition"),
            _time("created_at"),
            _time("updated_at"),
            _t("created_by"),
            _t("updated_by"),
            # m015_incident_fields (form16): call-back number (E.164) apart from the caller ID, the
            # event's time apart from the report's, victims by condition (null: unknown, 0: none),
            # the caller's relation to the event and the report's source.
            _t("callback_number", max_bytes=64),
            _time("occurred_at"),
            _count("victims_dead", 100_000),
            _count("victims_severe", 100_000),
            _count("victims_minor", 100_000),
            _count("victims_unknown", 100_000),
            _code("caller_relation", _codes(CallerRelation)),
            _code("report_source", _codes(ReportSource)),
            _t("merged_into"),  # m016_incident_work (incident12): the incident a supervisor merged this one into
        ),
        generated=("lat", "lon", "desa_code", "kecamatan_code"),
    ),
    Table(
        "referrals",
        "record",
        (
            _t("incident_id"),
            _t("agency_id"),
            _time("sent_at"),
            _time("acknowledged_at"),
            _time("on_scene_at"),
            _time("feedback_at"),
            _time("closed_at"),
            _long("feedback"),
            _code("status", REFERRAL_STATUSES),
            _t("operator"),
            _t("escalated_to"),
            _time("resent_at"),
            _count("resend_count"),
            _time("reopened_at"),
            _count("reopen_count"),
            # The message that reached the agency (services/referral_messages.py, sms_gateway.py).
            _code("message_channel", REFERRAL_MESSAGE_CHANNELS),
            _t("message_to"),
            _code("message_status", REFERRAL_MESSAGE_STATUSES),
            _code("message_error", REFERRAL_MESSAGE_ERRORS),
            _time("message_at"),
            _time("message_sent_at"),
            _t("message_ref"),
            Column("message_text", "text", max_bytes=8 * KB, export=False),
        ),
    ),
    Table(
        "agencies",
        "record",
        (
            _t("name"),
            _code("kind", _codes(AgencyKind)),
            _t("phone"),
            _t("radio"),
            _t("whatsapp"),
            Column("categories", "json", shape="array", items=CATEGORIES, max_bytes=4 * KB),
            Column("kecamatan_codes", "json", shape="array", max_bytes=16 * KB),
            _count("ack_minutes", 7 * 24 * 60),
            _count("arrive_minutes", 7 * 24 * 60),
            Column("active", "bool"),
        ),
    ),
    Table("operators", "record", (_t("name"), _code("role", OPERATOR_ROLES), Column("active", "bool"))),
    # Log-in accounts, made by an admin and synced to every desk so any operator can log in at any desk
    # while the WAN is down. `password_hash` is an argon2id hash (never a password) and never exported;
    # the id is derived from the name (services/accounts.py), so one name is one account everywhere.
    Table(
        "accounts",
        "record",
        (
            _t("name", max_bytes=64),
            _code("role", OPERATOR_ROLES),
            _t("password_hash", max_bytes=256, export=False),
            Column("disabled", "bool"),
            Column("must_change", "bool"),
            _time("changed_at"),
        ),
    ),
    Table(
        "shifts",
        "record",
        (_t("operator"), _t("site_id"), _time("started_at"), _time("ended_at"), _t("handover_id")),
    ),
    Table(
        "landmarks",
        "record",
        (
            _t("name"),
            _t("kind"),
            _lat(),
            _lon(),
            _t("desa_code"),
            _t("kecamatan_code"),
            _t("created_by"),
            _time("created_at"),
        ),
    ),
    # Written by the sync server when it ingests a write that did not see the value it replaces;
    # resolved by a supervisor on a desk. Syncs like any record so every replica has the same set.
    # The two values are kept as JSON text, so they may be as large as any value.
    Table(
        "conflicts",
        "record",
        (
            _t("tbl"),
            _t("pk"),
            _t("col"),
            _t("local_value", max_bytes=MAX_VALUE_BYTES),
            _t("local_hlc"),
            _t("local_site"),
            _t("remote_value", max_bytes=MAX_VALUE_BYTES),
            _t("remote_hlc"),
            _t("remote_site"),
            _time("detected_at"),
            _time("resolved_at"),
            _t("resolved_by"),
            _long("resolution"),
        ),
    ),
    Table("incident_notes", "append", (_t("incident_id"), _time("at"), _t("operator"), _long("text"))),
    Table(
        "status_events",
        "append",
        (
            _t("incident_id"),
            _code("status_from", _codes(IncidentStatus)),
            _code("status_to", _codes(IncidentStatus)),
            _time("at"),
            _t("operator"),
        ),
    ),
    Table(
        "referral_events",
        "append",
        (
            _t("referral_id"),
            _code("step", REFERRAL_EVENT_STEPS),
            _time("at"),
            _t("operator"),
            _long("detail"),
        ),
    ),
    Table(
        "shift_handovers",
        "append",
        (
            _t("operator"),
            _time("started_at"),
            _time("ended_at"),
            _long("notes"),
            Column("open_items", "json", shape="object", max_bytes=MAX_VALUE_BYTES),
        ),
    ),
    # Device locations as received (AML SMS/HTTPS, PIDF-LO); `call_id` is the call it was attached to.
    # `time` is the fix time as UTC ISO 8601 text (as the parsers report it).
    Table(
        "device_locations",
        "append",
        (
            _t("number"),
            _lat(),
            _lon(),
            Column("radius_m", "real", min=0.0, max=1e7),
            _t("time", max_bytes=64),
            _t("method"),
            _t("source"),
            _time("received_at"),
            _t("call_id"),
        ),
    ),
    # The audit trail: one row per commit at least (store/tx.py), hash-chained per site (domain/audit.py).
    # Synced like any append-only table: the hub keeps a Merkle tree per site over these rows and signs
    # checkpoints. Its `id` is unique (the local primary key is `seq`, the insertion order). `covers` is the digest of the outbox rows the row vouches for (null on rows written
    # before the automatic audit, and on rows of transactions without outbox rows).
    Table(
        "audit",
        "append",
        (
            Column("at", "time", min=0, max=TIME_MAX_MS),
            _t("site_id"),
            _t("operator"),
            _t("action", max_bytes=128),
            _t("tbl", max_bytes=128),
            _t("pk"),
            _t("detail", max_bytes=MAX_VALUE_BYTES, export=False),
            _t("prev_hash", max_bytes=64),  # both checked as hashes by sync/protocol.py
            _t("hash", max_bytes=64),
            _t("covers", max_bytes=256),
        ),
        local_columns=("seq",),
    ),
    # Retention (domain/retention.py): one row (id "center"), set by an admin (the hub enforces it) and
    # synced to every desk. `pseudonym_key` is the center's HMAC key for pseudonymised numbers.
    Table(
        "retention_policy",
        "record",
        (
            _count("calls_days", 36_500),
            _count("recordings_days", 36_500),
            _count("incidents_years", 100),
            _t("pseudonym_key", max_bytes=128, export=False),
            _t("updated_by"),
            _time("updated_at"),
        ),
    ),
    # A redaction: `fields` {column: replacement} overwrite row `pk` of table `tbl` wherever the row is
    # held (store, outbox, FTS, hub log, quarantine); it wins over any change of those fields, whatever
    # its clock (sync/apply.py, server/ingest.py).
    Table(
        "redactions",
        "append",
        (
            _t("tbl", max_bytes=64),
            _t("pk"),
            Column("fields", "json", shape="object", max_bytes=16 * KB),
            _t("reason", max_bytes=64),
            _time("at"),
            _t("redacted_by"),
        ),
    ),
)

TABLE: dict[str, Table] = {t.name: t for t in TABLES}


def synced(kind: TableKind) -> dict[str, tuple[str, ...]]:
    """{table: synced column names} of the tables of one merge kind."""
    return {t.name: t.names for t in TABLES if t.kind == kind}


# -- checking a value ---------------------------------------------------------------------------------
# One compiled check per column: a change is checked once at the hub and once at each desk, on the hot
# path of sync, so the common cases (short ASCII text, an int, null) cost a type test and a compare.

Check = Callable[[Any], "str | None"]


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def text_problem(value: str, limit: int) -> str | None:
    """Too long (UTF-8 bytes) or not encodable (a lone surrogate from JSON "\\ud800")."""
    n = len(value)
    if n > limit:
        return f"text of {n} characters is over the limit of {limit} bytes"
    if value.isascii():
        return None
    try:
        size = len(value.encode("utf-8"))
    except UnicodeEncodeError:
        return "text is not valid Unicode (a lone surrogate)"
    if size > limit:
        return f"text of {size} bytes is over the limit of {limit} bytes"
    return None


def _json_problem(value: Any, depth: int, budget: list[int]) -> str | None:
    """Plain JSON only: bounded depth and size, 64-bit integers, finite numbers, valid text."""
    kind = type(value)
    if value is None or kind is bool or kind is str and value.isascii():
        budget[0] -= len(value) + 2 if kind is str else 5
    elif kind is str:
        budget[0] -= len(value) * 3 + 2
        problem = text_problem(value, MAX_VALUE_BYTES)
        if problem:
            return problem
    elif kind is int:
        if not INT_MIN <= value <= INT_MAX:
            return "an integer outside the 64-bit range"
        budget[0] -= 20
    elif kind is float:
        if not math.isfinite(value):
            return "a number that is not finite"
        budget[0] -= 24
    elif kind is dict or kind is list:
        if depth >= MAX_JSON_DEPTH:
            return f"nested deeper than {MAX_JSON_DEPTH} levels"
        budget[0] -= 2
        items = value.items() if kind is dict else enumerate(value)
        for k, v in items:
            if kind is dict:
                if type(k) is not str:
                    return "an object key that is not text"
                budget[0] -= len(k) + 4
            problem = _json_problem(v, depth + 1, budget)
            if problem:
                return problem
            if budget[0] < 0:
                return None
    else:
        return f"{_kind(value)} is not a JSON value"
    return None


def _compile(col: Column) -> Check:
    nullable, kind = col.nullable, col.type

    def null() -> str | None:
        return None if nullable else "a value is required"

    if kind == "text":
        limit, choices = col.max_bytes, col.choices
        fast = limit // 4  # a text of at most this many characters fits in any encoding

        def check_text(v: Any) -> str | None:
            if type(v) is not str:
                return null() if v is None else f"expected text, got {_kind(v)}"
            if len(v) > fast:
                problem = text_problem(v, limit)
                if problem:
                    return problem
            elif not v.isascii():
                try:
                    v.encode("utf-8")
                except UnicodeEncodeError:
                    return "text is not valid Unicode (a lone surrogate)"
            if choices is not None and v not in choices:
                return f"{v[:40]!r} is not an allowed value"
            return None

        return check_text
    if kind in ("int", "time"):
        lo = int(col.min) if col.min is not None else INT_MIN
        hi = int(col.max) if col.max is not None else INT_MAX
        what = "a time (epoch ms)" if kind == "time" else "an integer"

        def check_int(v: Any) -> str | None:
            if type(v) is not int:
                return null() if v is None else f"expected {what}, got {_kind(v)}"
            if not lo <= v <= hi:
                return f"{v} is outside {lo}..{hi}"
            return None

        return check_int
    if kind == "real":
        flo = col.min if col.min is not None else -math.inf
        fhi = col.max if col.max is not None else math.inf

        def check_real(v: Any) -> str | None:
            t = type(v)
            if t is not float and t is not int:
                return null() if v is None else f"expected a number, got {_kind(v)}"
            if not flo <= v <= fhi:  # also refuses NaN
                return f"{v} is outside {flo}..{fhi}"
            return None

        return check_real
    if kind == "bool":

        def check_bool(v: Any) -> str | None:
            if v is True or v is False or (type(v) is int and v in (0, 1)):
                return None
            return null() if v is None else f"expected a boolean, got {_kind(v)}"

        return check_bool
    shape = "object" if kind == "location" else col.shape
    want: type = dict if shape == "object" else list
    what = "an object" if shape == "object" else "a list"
    items, limit = col.items, col.max_bytes

    def check_json(v: Any) -> str | None:
        got = type(v)  # compared apart from v, so that v stays Any for the checks below
        if got is not want:
            return null() if v is None else f"expected {what}, got {_kind(v)}"
        budget = [limit]
        problem = _json_problem(v, 0, budget)
        if problem:
            return problem
        if budget[0] < 0:
            return f"value is over the limit of {limit} bytes"
        if items is not None and any(type(x) is not str or x not in items for x in v):
            return "a list item that is not an allowed value"
        if kind == "location":
            return _location_problem(cast(dict[str, Any], v))
        return None

    return check_json


_LOCATION_CHECKS: dict[str, Check] = {
    "lat": _compile(_lat()),
    "lon": _compile(_lon()),
    "accuracy_m": _compile(Column("accuracy_m", "real", min=0.0, max=1e7)),
    "address": _compile(_t("address", max_bytes=4 * KB)),
    "landmark": _compile(_t("landmark", max_bytes=4 * KB)),
    "desa_code": _compile(_t("desa_code")),
    "desa_name": _compile(_t("desa_name")),
    "kecamatan_code": _compile(_t("kecamatan_code")),
    "kecamatan_name": _compile(_t("kecamatan_name")),
    "source": _compile(_code("source", _codes(LocationSource))),
    "confirmed": _compile(Column("confirmed", "bool")),
    # form16: the address line's parts and the kabupaten/kota (m015_incident_fields)
    "gang": _compile(_t("gang", max_bytes=1 * KB)),
    "rt": _compile(_t("rt", max_bytes=8)),
    "rw": _compile(_t("rw", max_bytes=8)),
    "kabupaten_code": _compile(_t("kabupaten_code")),
    "kabupaten_name": _compile(_t("kabupaten_name")),
    "outside_region": _compile(Column("outside_region", "bool")),
}


def _location_problem(value: dict[str, Any]) -> str | None:
    for key, check in _LOCATION_CHECKS.items():
        if key in value:
            problem = check(value[key])
            if problem:
                return f"{key}: {problem}"
    return None


_CHECKS: dict[tuple[str, str], Check] = {(t.name, c.name): _compile(c) for t in TABLES for c in t.columns}


def check_value(table: str, column: str, value: Any) -> str | None:
    """What is wrong with `value` for this column (None: it fits). Unknown table or column say so."""
    check = _CHECKS.get((table, column))
    if check is None:
        if table not in TABLE or TABLE[table].kind == "local":
            return f"{table!r} is not a synced table"
        return f"{table} has no synced column {column!r}"
    return check(value)


def check_row(table: str, row: Any) -> tuple[str, str] | None:
    """(column, problem) of the first column of an append-only row that does not fit, else None."""
    if type(row) is not dict:
        return ("*", f"expected an object (the whole row), got {_kind(row)}")
    t = TABLE[table]
    for key in row:
        if key not in t.by_name:
            return (str(key)[:40], f"{table} has no synced column {str(key)[:40]!r}")
    for name in t.names:
        problem = _CHECKS[(table, name)](row.get(name))
        if problem:
            return (name, problem)
    return None
