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


# Incidents export their location as its parts: the generated columns and the address.
CALL_FIELDS = _fields(TABLE["calls"])
INCIDENT_FIELDS = _fields(TABLE["incidents"], *TABLE["incidents"].generated, "address")
TIME_FIELDS = frozenset(
    c.name for t in (TABLE["calls"], TABLE["incidents"]) for c in t.columns if c.type == "time"
)
_LOCATION_PARTS = (*TABLE["incidents"].generated, "address")
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
        yield {k: out[k] for k in INCIDENT_FIELDS}


def _location(text: str | None) -> dict[str, Any]:
    try:
        loc = json.loads(text) if text else None
    except ValueError:
        return {}
    return loc if isinstance(loc, dict) else {}


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
