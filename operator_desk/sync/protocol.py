"""The sync wire protocol, shared by the desk engine and the server.

A change is one field of a record (or one whole append-only row, ``col == "*"``), identified by its
origin ``(site_id, site_seq)``. On the wire it is a JSON object::

    {"site_id", "site_seq", "hlc", "tbl", "pk", "col", "value", "base_hlc", "operator"}

``value`` is the decoded JSON value (the object, not its text). The server adds ``server_seq`` to the
changes it hands out on pull. Merge rules (identical on every replica, so replicas converge):

- RECORD fields: last writer wins by the pair (hlc, site_id).
- FORWARD_ONLY fields (incident status): the value furthest along wins, the clock is the larger one.
- APPEND rows: inserted once, never conflict.
- A write whose base_hlc is not the clock of the value it replaces (and whose value differs) is a
  conflict: the server that ingests it writes a ``conflicts`` record, which syncs like any record.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from typing import Any

from ..domain import tables
from ..domain.audit import audit_row_problem
from ..domain.rules import later_status

RECORD_TABLES = tables.synced("record")
APPEND_TABLES = tables.synced("append")
JSON_COLUMNS = frozenset((t.name, c.name) for t in tables.TABLES for c in t.columns if c.is_json)
FORWARD_ONLY = frozenset((t.name, c.name) for t in tables.TABLES for c in t.columns if c.forward_only)

API_PREFIX = "/v1"
PROTOCOL_VERSION = 1
MAX_PUSH_BATCH = 5000
DEFAULT_PULL_LIMIT = 2000
MAX_PULL_LIMIT = 10000
MAX_WAIT_S = 30.0
MAX_SEQ = 2**63 - 1  # a 64-bit database integer
CONFLICT_NS = uuid.UUID("6f1c2a4e-2f57-4c1b-9a51-112112112112")

# Error codes carried in {"error": code, "detail": text} bodies.
E_UNAUTHORIZED = "unauthorized"
E_FORBIDDEN = "forbidden"
E_CLOCK_SKEW = "clock_skew"
E_BAD_REQUEST = "bad_request"
E_NOT_FOUND = "not_found"

# Bookkeeping fields every edit touches: concurrent writes to them are not worth a supervisor's time.
NO_CONFLICT_FIELDS: frozenset[tuple[str, str]] = frozenset(
    {("incidents", "updated_at"), ("incidents", "updated_by")}
)

CHANGE_FIELDS = ("site_id", "site_seq", "hlc", "tbl", "pk", "col", "value", "base_hlc", "operator")
_FIELD_SET = frozenset(CHANGE_FIELDS)


class ProtocolError(ValueError):
    """A malformed change or request; `code` is one of the E_* codes."""

    def __init__(self, message: str, code: str = E_BAD_REQUEST) -> None:
        super().__init__(message)
        self.code = code


class ChangeError(ProtocolError):
    """One change does not fit the declaration of its table. The message names the change by its
    origin (site/seq), the table and column, and the problem; the parts are attributes too."""

    def __init__(self, change: Any, field: str, problem: str) -> None:
        get = change.get if isinstance(change, dict) else {}.get
        site, seq, tbl, col = get("site_id"), get("site_seq"), get("tbl"), get("col")
        origin = f"{_short(site) if site is not None else '?'}/{_short(seq) if seq is not None else '?'}"
        where = f"{_short(tbl)}.{_short(col)}" if field == "value" else f"change.{field}"
        # backslashreplace: a lone surrogate in a name must not break the JSON answer or a TEXT column
        text = f"change {origin}: {where}: {problem}".encode("utf-8", "backslashreplace").decode("utf-8")
        super().__init__(text)
        self.site_id, self.site_seq, self.tbl, self.col = site, seq, tbl, col
        self.field = field
        self.problem = problem


class AuditMismatch(ChangeError):
    """An audit row whose hash is not the hash of its content (a forged or altered row): the hub
    answers 409 `audit_mismatch`, a desk quarantines it like any change that does not fit."""


def _short(x: Any) -> str:
    text = x if isinstance(x, str) else repr(x)
    return text if len(text) <= 60 else text[:57] + "..."


@dataclass(frozen=True)
class Clock:
    """The merge clock of a field: compared as the pair (hlc, site_id)."""

    hlc: str
    site_id: str

    def key(self) -> tuple[str, str]:
        return (self.hlc, self.site_id)


def is_record(tbl: str) -> bool:
    return tbl in RECORD_TABLES


def is_append(tbl: str) -> bool:
    return tbl in APPEND_TABLES


def is_forward_only(tbl: str, col: str) -> bool:
    return (tbl, col) in FORWARD_ONLY


def is_json_column(tbl: str, col: str) -> bool:
    return (tbl, col) in JSON_COLUMNS


def wins(incoming: tuple[str, str], current: tuple[str, str] | None) -> bool:
    """Last writer wins: the larger (hlc, site_id) pair. Ties by site_id make it deterministic."""
    return current is None or incoming > current


def merge_field(
    tbl: str, col: str, cur_value: Any, cur_clock: tuple[str, str] | None, value: Any, clock: tuple[str, str]
) -> tuple[Any, tuple[str, str], bool]:
    """(new value, new clock, changed?) after merging one incoming field write into the current one.

    Commutative and idempotent, so the order in which replicas see writes does not matter.
    """
    if cur_clock is None:
        return value, clock, True
    if is_forward_only(tbl, col):
        new_clock = max(cur_clock, clock)
        new_value = _later(cur_value, value)
        return new_value, new_clock, new_clock != cur_clock or new_value != cur_value
    if wins(clock, cur_clock):
        return value, clock, True
    return cur_value, cur_clock, False


def _later(a: Any, b: Any) -> Any:
    if a is None:
        return b
    if b is None:
        return a
    try:
        return later_status(str(a), str(b))
    except ValueError:  # an unknown status code (newer desk version): keep the order deterministic
        return max(str(a), str(b))


def is_conflict(
    tbl: str, col: str, base_hlc: str | None, cur_clock: tuple[str, str] | None, cur_value: Any, value: Any
) -> bool:
    """A write that did not see the value it replaces. Forward-only fields and conflict records
    themselves merge by rule and never conflict."""
    if cur_clock is None or tbl == "conflicts" or is_forward_only(tbl, col) or not is_record(tbl):
        return False
    if (tbl, col) in NO_CONFLICT_FIELDS:
        return False
    return base_hlc != cur_clock[0] and value != cur_value


def conflict_fields(
    tbl: str,
    pk: str,
    col: str,
    a: tuple[Any, tuple[str, str]],
    b: tuple[Any, tuple[str, str]],
    detected_at: int,
) -> tuple[str, dict[str, Any]]:
    """The conflicts record for two writes (value, (hlc, site)) of one field.

    The id and the fields depend only on the two writes, not on the order a server saw them in, so
    a hub and its upstream that both detect the same conflict write the same record. `local_*` is
    the older of the two writes, `remote_*` the newer.
    """
    older, newer = sorted([a, b], key=lambda pair: pair[1])
    key = f"{tbl}|{pk}|{col}|{older[1][0]}|{older[1][1]}|{newer[1][0]}|{newer[1][1]}"
    cid = str(uuid.uuid5(CONFLICT_NS, key))
    return cid, {
        "tbl": tbl,
        "pk": pk,
        "col": col,
        "local_value": _as_text(older[0]),
        "local_hlc": older[1][0],
        "local_site": older[1][1],
        "remote_value": _as_text(newer[0]),
        "remote_hlc": newer[1][0],
        "remote_site": newer[1][1],
        "detected_at": detected_at,
    }


def _as_text(value: Any) -> Any:
    """Conflict values are kept as JSON text so any column type fits one TEXT column."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


_HLC = re.compile(r"[0-9]{13}-[0-9]{5}")
_HASH = re.compile(r"[0-9a-f]{64}")
_PREV = re.compile(r"(?:[0-9a-f]{64})?")


def _bad_hlc(change: Any, name: str, text: Any) -> ChangeError:
    if not isinstance(text, str) or len(text) != 19:
        return ChangeError(change, name, f"expected '<ms:013d>-<counter:05d>', got {_short(text)}")
    return ChangeError(change, name, f"not a hybrid logical clock: {_short(text)}")


MAX_KEY_CHARS = 200  # pk, site_id, operator: ids and names, never documents


def _unencodable(text: str) -> bool:
    """A lone surrogate (JSON "\\ud800") cannot be stored as TEXT nor sent back as UTF-8."""
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def validate_change(change: Any, *, need_origin: bool, min_seq: int = 1) -> dict[str, Any]:
    """Check one incoming change against the wire format and the declaration of its table (type,
    allowed values, size, plausible times); returns it normalised (the change itself when it has
    exactly the wire fields, else a copy with those). Raises ChangeError naming the change and field.

    Runs once per change at the hub's push and at every desk's apply, so it uses plain type checks,
    one compiled pattern per clock and one compiled check per column (domain/tables.py).
    `min_seq` 0 admits the changes of a snapshot (merged state: no site_seq of their own).
    """
    if not isinstance(change, dict):
        raise ChangeError({}, "*", f"a change must be an object, got {type(change).__name__}")
    get = change.get
    tbl, col, pk, seq = get("tbl"), get("col"), get("pk"), get("site_seq")
    hlc, base, site, value, operator = (
        get("hlc"),
        get("base_hlc"),
        get("site_id"),
        get("value"),
        get("operator"),
    )
    if type(tbl) is not str or not (tbl in RECORD_TABLES or tbl in APPEND_TABLES):
        raise ChangeError(change, "tbl", f"{_short(tbl)} is not a synced table")
    if tbl in APPEND_TABLES:
        if col != "*" or not isinstance(value, dict):
            raise ChangeError(change, "col", f"append table {tbl} takes col '*' and an object value")
    elif type(col) is not str or col not in RECORD_TABLES[tbl]:
        raise ChangeError(change, "col", f"{tbl} has no synced field {_short(repr(col))}")
    if type(pk) is not str or not pk or len(pk) > MAX_KEY_CHARS or _unencodable(pk):
        raise ChangeError(
            change, "pk", f"a non-empty string of at most {MAX_KEY_CHARS} valid characters is required"
        )
    if type(seq) is not int or not min_seq <= seq <= MAX_SEQ:
        raise ChangeError(change, "site_seq", "a positive 64-bit integer is required")
    if type(hlc) is not str or _HLC.fullmatch(hlc) is None:
        raise _bad_hlc(change, "hlc", hlc)
    if base is not None and (type(base) is not str or _HLC.fullmatch(base) is None):
        raise _bad_hlc(change, "base_hlc", base)
    if operator is not None and (
        type(operator) is not str or len(operator) > MAX_KEY_CHARS or _unencodable(operator)
    ):
        raise ChangeError(
            change, "operator", f"a string of at most {MAX_KEY_CHARS} valid characters or null is required"
        )
    if site is not None and (
        type(site) is not str or not site or len(site) > MAX_KEY_CHARS or _unencodable(site)
    ):
        raise ChangeError(
            change, "site_id", f"a non-empty string of at most {MAX_KEY_CHARS} valid characters is required"
        )
    if need_origin and site is None:
        raise ChangeError(change, "site_id", "a relayed change must name its origin site")
    if col == "*":
        bad = tables.check_row(tbl, value)
        if bad is not None:
            raise ChangeError({**change, "col": bad[0]}, "value", bad[1])
        if tbl == "audit":  # an audit row must carry its own hash (domain/audit.py)
            row = change["value"]
            if _HASH.fullmatch(str(row.get("hash"))) is None or _PREV.fullmatch(str(row.get("prev_hash"))) is None:
                raise ChangeError(change, "value", "hash and prev_hash: 64 lower-case hex digits (prev_hash may be empty)")
            problem = audit_row_problem({**row, "id": pk})
            if problem is not None:
                raise AuditMismatch(change, "value", problem)
    else:
        problem = tables.check_value(tbl, col, value)
        if problem is not None:
            raise ChangeError(change, "value", problem)
    n = len(change)
    if (
        n == len(CHANGE_FIELDS) or n == len(CHANGE_FIELDS) + 1 and "server_seq" in change
    ) and change.keys() >= _FIELD_SET:
        # exactly the wire fields (every push from a desk; a pulled change adds its server_seq)
        return change
    return {
        "site_id": site,
        "site_seq": seq,
        "hlc": hlc,
        "tbl": tbl,
        "pk": pk,
        "col": col,
        "value": value,
        "base_hlc": base,
        "operator": operator,
    }


def validate_field(tbl: str, col: str, value: Any) -> None:
    """One field value written outside a change (a conflict resolution): the same rules, ChangeError."""
    problem = tables.check_value(tbl, col, value)
    if problem is not None:
        raise ChangeError({"tbl": tbl, "col": col}, "value", problem)


def top_hlc(changes: list[Any]) -> str | None:
    """The largest well-formed hlc of a page (a malformed one must not decide the clock check)."""
    top = None
    for c in changes:
        h = c.get("hlc") if isinstance(c, dict) else None
        if type(h) is str and (top is None or h > top) and _HLC.fullmatch(h) is not None:
            top = h
    return top


# -- wire text ---------------------------------------------------------------------------------------
# Values travel as JSON text from the outbox to the server log and from the log to the desk: the
# bodies are assembled from that text instead of decoding and re-encoding every value.
_str_text = json.encoder.encode_basestring  # the C encoder json.dumps(ensure_ascii=False) uses
_encode = json.JSONEncoder(ensure_ascii=False).encode


def json_text(value: Any) -> str:
    """Exactly json.dumps(value, ensure_ascii=False), with fast paths for strings, ints and null."""
    kind = type(value)
    if kind is str:
        return _str_text(value)
    if value is None:
        return "null"
    if kind is int:
        return int.__repr__(value)
    return _encode(value)


def _opt_text(value: str | None) -> str:
    return "null" if value is None else _str_text(value)


def encode_change(
    site_id: str,
    site_seq: int,
    hlc: str,
    tbl: str,
    pk: str,
    col: str,
    value_text: str | None,
    base_hlc: str | None,
    operator: str | None,
    server_seq: int | None = None,
) -> str:
    """One change as wire JSON; `value_text` is the value already encoded (None: JSON null).

    Called once per change on every push and pull: the strings go straight to the C encoder (it
    raises TypeError on a non-string, so a bad row cannot produce a malformed body).
    """
    head = "{" if server_seq is None else f'{{"server_seq":{int(server_seq)},'
    return (
        f'{head}"site_id":{_str_text(site_id)},'
        f'"site_seq":{int(site_seq)},"hlc":{_str_text(hlc)},"tbl":{_str_text(tbl)},"pk":{_str_text(pk)},'
        f'"col":{_str_text(col)},"value":{"null" if value_text is None else value_text},'
        f'"base_hlc":{_opt_text(base_hlc)},"operator":{_opt_text(operator)}}}'
    )


def encode_changes(changes: list[str], **fields: Any) -> bytes:
    """A body {"changes": [...], **fields} from encoded changes."""
    rest = "".join(f",{json.dumps(k)}:{json.dumps(v)}" for k, v in fields.items())
    return f'{{"changes":[{",".join(changes)}]{rest}}}'.encode()


def token_digest(token: str) -> str:
    """Cache key for a verified bearer token (never stored; argon2 hashes are)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def split_token(token: str) -> tuple[str, str]:
    """Tokens are '<site_id>.<secret>': the site picks the argon2 hash, the secret is checked."""
    site_id, sep, secret = token.partition(".")
    if not sep or not site_id or not secret:
        raise ProtocolError("malformed token", E_UNAUTHORIZED)
    return site_id, secret


def validate_resolution(conflict: dict[str, Any], body: dict[str, Any], fields: dict[str, Any]) -> None:
    """A conflict resolution (POST /v1/conflicts/{id}/resolve): its `value` must fit the column of
    the conflict, and the resolution fields the `conflicts` declaration. Raises ChangeError."""
    for col, value in fields.items():
        validate_field("conflicts", col, value)
    if "value" in body:
        validate_field(str(conflict["tbl"]), str(conflict["col"]), body["value"])
