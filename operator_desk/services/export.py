"""Exports: calls and incidents as JSON lines or CSV, and incidents as NENA EIDO JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any, TextIO

from ..domain.tables import TABLE, Table
from ..domain.timeutil import ms_to_iso
from ..store.store import Store


def _fields(table: Table, *extra: str) -> tuple[str, ...]:
    """The id, then the declared columns marked for export, then derived ones (`extra`)."""
    return (table.pk, *(c.name for c in table.columns if c.export), *extra)


# Incidents also export their location's parts: the generated columns and the address.
CALL_FIELDS = _fields(TABLE["calls"])
INCIDENT_FIELDS = _fields(TABLE["incidents"], *TABLE["incidents"].generated, "address")
TIME_FIELDS = frozenset(
    c.name for t in (TABLE["calls"], TABLE["incidents"]) for c in t.columns if c.type == "time"
)
_INCIDENT_SQL_FIELDS = tuple(f for f in INCIDENT_FIELDS if f != "address")


def _time(value: object) -> object:
    """Epoch ms as ISO 8601; a stored value that is not a time is exported as it is (`check` lists it)."""
    return ms_to_iso(value) if type(value) is int and 0 <= value < 253_402_300_800_000 else value


def iter_calls(store: Store) -> Iterator[dict[str, Any]]:
    cur = store.reader().execute(f"SELECT {', '.join(CALL_FIELDS)} FROM calls ORDER BY started_at, id")
    for row in cur:
        yield {k: (_time(row[k]) if k in TIME_FIELDS else row[k]) for k in CALL_FIELDS}


def iter_incidents(store: Store) -> Iterator[dict[str, Any]]:
    # The address is read in Python: json_extract raises on a location that is not JSON.
    cur = store.reader().execute(
        f"SELECT {', '.join(_INCIDENT_SQL_FIELDS)}, location FROM incidents ORDER BY created_at, id"
    )
    for row in cur:
        out = {k: (_time(row[k]) if k in TIME_FIELDS else row[k]) for k in _INCIDENT_SQL_FIELDS}
        out["address"] = _address(row["location"])
        yield out


def _address(location: str | None) -> object:
    try:
        loc = json.loads(location) if location else None
    except ValueError:
        return None
    return loc.get("address") if isinstance(loc, dict) else None


def write_records(records: Iterator[dict[str, Any]], fields: tuple[str, ...], fmt: str, out: TextIO) -> int:
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
