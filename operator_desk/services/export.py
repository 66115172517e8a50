"""Exports: calls and incidents as JSON lines or CSV, and incidents as NENA EIDO JSON.

`run_export` is what the command line uses: masked by default (domain/privacy.py: numbers
0812-****-3373, names as initials, narratives and notes left out), unmasked only for an admin who
gave a reason (`authorize`), and audited either way before the first record is written (who, why,
what, how many, where to). `iter_calls` / `iter_incidents` read the stored values as they are.
"""

from __future__ import annotations

import csv
import getpass
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any, TextIO

from ..domain.errors import DomainError, ValidationError
from ..domain.privacy import Rule, mask_record, mask_value
from ..domain.rules import EXPORT_UNMASKED, may
from ..domain.tables import TABLE, Table
from ..domain.timeutil import ms_to_iso
from ..store.store import Store
from ..store.tx import Tx
from .accounts import Account, AccountService

MAX_REASON = 500


def _fields(table: Table, *extra: str) -> tuple[str, ...]:
    """The id, then the declared columns marked for export, then derived ones (`extra`)."""
    return (table.pk, *(c.name for c in table.columns if c.export), *extra)


# Incidents export their location as its parts: the generated columns, the address and (form16) the
# address line's gang / RT / RW and the kabupaten/kota with the out-of-region mark.
LOCATION_EXTRA = ("gang", "rt", "rw", "kabupaten_code", "kabupaten_name", "outside_region")
CALL_FIELDS = _fields(TABLE["calls"])
INCIDENT_FIELDS = _fields(TABLE["incidents"], *TABLE["incidents"].generated, "address", *LOCATION_EXTRA)
TIME_FIELDS = frozenset(
    c.name for t in (TABLE["calls"], TABLE["incidents"]) for c in t.columns if c.type == "time"
)
_LOCATION_PARTS = (*TABLE["incidents"].generated, "address", *LOCATION_EXTRA)
# Personal fields the form added (masked like their neighbours; domain/privacy.py RULES should hold them too).
EXTRA_MASK: dict[str, Rule] = {"callback_number": "number", "gang": "omit", "rt": "omit", "rw": "omit"}
_INCIDENT_STORED = tuple(f for f in INCIDENT_FIELDS if f not in _LOCATION_PARTS)


def _time(value: object) -> object:
    """Epoch ms as ISO 8601; a stored value that is not a time is exported as it is (`check` lists it)."""
    return ms_to_iso(value) if type(value) is int and 0 <= value < 253_402_300_800_000 else value


def iter_calls(store: Store) -> Iterator[dict[str, Any]]:
    cur = store.reader().execute(f"SELECT {', '.join(CALL_FIELDS)} FROM calls ORDER BY started_at, id")
    for row in cur:
        yield {k: (_time(row[k]) if k in TIME_FIELDS else row[k]) for k in CALL_FIELDS}


def iter_incidents(store: Store) -> Iterator[dict[str, Any]]:
    # The location's parts are read in Python: SQLite's json_extract (behind the generated columns)
    # raises on a stored location that is not JSON, and one bad row must not stop the export.
    cur = store.reader().execute(
        f"SELECT {', '.join(_INCIDENT_STORED)}, location FROM incidents ORDER BY created_at, id"
    )
    for row in cur:
        out = {k: (_time(row[k]) if k in TIME_FIELDS else row[k]) for k in _INCIDENT_STORED}
        loc = _location(row["location"])
        for part in _LOCATION_PARTS:
            value = loc.get(part)
            out[part] = value if value is None or isinstance(value, (str, int, float)) else None
        if out.get("outside_region") is not None:
            out["outside_region"] = bool(out["outside_region"])
        yield {k: out[k] for k in INCIDENT_FIELDS}


def _location(text: str | None) -> dict[str, Any]:
    try:
        loc = json.loads(text) if text else None
    except ValueError:
        return {}
    return loc if isinstance(loc, dict) else {}


def write_records(
    records: Iterator[dict[str, Any]], fields: tuple[str, ...], fmt: str, out: TextIO | IO[str]
) -> int:
    """Write as `jsonl` or `csv`; returns the number of records."""
    n = 0
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=list(fields), lineterminator="\n")
        writer.writeheader()
        for rec in records:
            writer.writerow(rec)
            n += 1
    elif fmt == "jsonl":
        for rec in records:
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1
    else:
        raise ValueError(f"unknown export format {fmt!r} (jsonl or csv)")
    return n


def export_text(store: Store, what: str, fmt: str = "jsonl") -> str:
    buf = io.StringIO()
    if what == "calls":
        write_records(iter_calls(store), CALL_FIELDS, fmt, buf)
    elif what == "incidents":
        write_records(iter_incidents(store), INCIDENT_FIELDS, fmt, buf)
    else:
        raise ValueError(f"unknown export {what!r} (calls or incidents)")
    return buf.getvalue()


# -- the audited, masked-by-default export -------------------------------------------------------------
def authorize(store: Store, name: str, password: str, action: str = EXPORT_UNMASKED) -> Account:
    """The account of `name` when its password is right and its role may do `action` (an admin).

    The log-in is audited by AccountService; a refusal for the role is audited here as well."""
    account = AccountService(store).authenticate(name, password)
    if not may(account.role, action):
        store.write(
            lambda tx: tx.audit(f"{action}_denied", "accounts", account.id, {"role": account.role}),
            operator=account.name,
        )
        raise DomainError("admin_required", f"{account.name} ({account.role}) may not {action}", "account")
    return account


def check_reason(reason: str | None) -> str:
    """The reason an admin gives for seeing unmasked data: required, one line, at most MAX_REASON."""
    text = " ".join((reason or "").split())
    if not text:
        raise ValidationError({"reason": "required"}, detail="a reason is required (--reason TEXT)")
    if len(text) > MAX_REASON:
        raise ValidationError({"reason": "too_long"}, detail=f"the reason is over {MAX_REASON} characters")
    return text


@dataclass(frozen=True)
class ExportRequest:
    """One export: what, in which format, where to (for the audit), and whether it is unmasked."""

    what: str
    fmt: str = "jsonl"
    out: str | None = None  # the file it goes to (None: stdout)
    account: Account | None = None  # the admin who asked for it unmasked
    reason: str | None = None


def _source(store: Store, what: str) -> tuple[Iterator[dict[str, Any]], tuple[str, ...], str]:
    if what == "calls":
        return iter_calls(store), CALL_FIELDS, "calls"
    if what == "incidents":
        return iter_incidents(store), INCIDENT_FIELDS, "incidents"
    raise ValueError(f"unknown export {what!r} (calls or incidents)")


def audit_export(store: Store, action: str, detail: dict[str, Any], account: Account | None) -> None:
    """The audit row of an export, written (and committed) before anything is handed out."""
    who = account.name if account else f"os:{_os_user()}"
    detail = {**detail, "os_user": _os_user(), "account": account.id if account else None}

    def fn(tx: Tx) -> None:
        tx.audit(action, "export", detail.get("what", ""), detail)

    store.write(fn, operator=who)


def run_export(store: Store, req: ExportRequest, out: TextIO | IO[str]) -> int:
    """Write the export to `out` (masked unless `req.account` is set), audited first; the record count."""
    unmasked = req.account is not None
    reason: str | None
    if unmasked:
        reason = check_reason(req.reason)
        if req.account is not None and not may(req.account.role, EXPORT_UNMASKED):
            raise DomainError("admin_required", "only an admin exports unmasked data", "account")
    else:
        reason = " ".join((req.reason or "").split())[:MAX_REASON] or None
    if req.fmt not in ("jsonl", "csv"):
        raise ValueError(f"unknown export format {req.fmt!r} (jsonl or csv)")
    records, fields, table = _source(store, req.what)
    count = int(store.query(f"SELECT count(*) FROM {table}")[0][0])
    audit_export(
        store,
        "export_unmasked" if unmasked else "export",
        {
            "what": req.what,
            "format": req.fmt,
            "out": req.out,
            "records": count,
            "masked": not unmasked,
            "reason": reason,
        },
        req.account,
    )
    if not unmasked:
        records = (_mask(table, r) for r in records)
    return write_records(records, fields, req.fmt, out)


def _mask(table: str, record: dict[str, Any]) -> dict[str, Any]:
    """domain/privacy.py's masking, and the form's new personal fields of an incident."""
    out = mask_record(table, record)
    if table == "incidents":
        for k, rule in EXTRA_MASK.items():
            if k in out:
                out[k] = mask_value(rule, record[k])
    return out


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        return "unknown"
