"""Exports: calls and incidents as JSON lines or CSV, and incidents as NENA EIDO JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any, TextIO

from ..domain.timeutil import ms_to_iso
from ..store.store import Store

CALL_FIELDS = (
    "id",
    "caller_number",
    "caller_raw",
    "source",
    "started_at",
    "answered_at",
    "ended_at",
    "outcome",
    "incident_id",
    "site_id",
    "operator",
    "notes",
)
INCIDENT_FIELDS = (
    "id",
    "number",
    "category",
    "priority",
    "status",
    "lat",
    "lon",
    "desa_code",
    "kecamatan_code",
    "address",
    "caller_name",
    "caller_number",
    "narrative",
    "casualties",
    "disposition",
    "created_at",
    "updated_at",
    "created_by",
    "updated_by",
    "site_id",
)
TIME_FIELDS = frozenset({"started_at", "answered_at", "ended_at", "created_at", "updated_at"})


def iter_calls(store: Store) -> Iterator[dict[str, Any]]:
    cur = store.reader().execute(f"SELECT {', '.join(CALL_FIELDS)} FROM calls ORDER BY started_at, id")
    for row in cur:
        yield {k: (ms_to_iso(row[k]) if k in TIME_FIELDS else row[k]) for k in CALL_FIELDS}


def iter_incidents(store: Store) -> Iterator[dict[str, Any]]:
    cur = store.reader().execute(
        "SELECT *, json_extract(location, '$.address') AS address FROM incidents ORDER BY created_at, id"
    )
    for row in cur:
        yield {k: (ms_to_iso(row[k]) if k in TIME_FIELDS else row[k]) for k in INCIDENT_FIELDS}


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
