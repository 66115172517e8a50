"""`operator-desk-server breach-report --site NAME`: whose personal data a lost or stolen desk held.

For the notice to the data subjects and the authority within 3×24 hours (UU 27/2022 Pasal 46). A desk
held every change it pushed (log rows it delivered, and the ones the hub set aside) and every change
it pulled: the log up to the highest cursor the hub handed it (`pull_cursor:<site>` in the hub's meta,
kept by Storage.pull_json; a desk that never pulled holds only its own). From those rows the report
collects the callers: numbers (calls, caller cards, incidents, device locations) with the names held
beside them, how many calls, incidents and notes each appears in, and how many rows were already
pseudonymised (retention) or carried free text (narratives, notes) that may name other people.

Masked by default (0812-****-3373, names as initials); `--unmasked` for the notice itself.
"""

from __future__ import annotations

import json
from typing import Any

from ..domain.privacy import initials, mask_number
from ..domain.retention import is_pseudonym
from .storage import Storage

NUMBER_COLS = {
    "calls": ("caller_number",),
    "callers": ("number",),
    "incidents": ("caller_number",),
    "device_locations": ("number",),
}
NAME_COLS = {"callers": "name", "incidents": "caller_name"}
TEXT_COLS = {
    "calls": ("notes",),
    "callers": ("notes",),
    "incidents": ("narrative", "disposition"),
    "incident_notes": ("text",),
}
TABLES = tuple(sorted(set(NUMBER_COLS) | set(TEXT_COLS)))


def breach_report(
    storage: Storage, site_id: str, site_name: str, *, since_ms: int | None = None, unmasked: bool = False
) -> dict[str, Any]:
    """The report for one site (JSON-ready)."""
    cursor = int(storage.get_meta(f"pull_cursor:{site_id}") or 0)
    rows = storage.rows_held_by(site_id, cursor, TABLES, since_ms)
    records: dict[tuple[str, str], dict[str, Any]] = {}  # (tbl, pk) -> merged fields as the desk held them
    pushed = pulled = 0
    for tbl, pk, col, text, source in rows:
        if source == site_id:
            pushed += 1
        else:
            pulled += 1
        try:
            value = json.loads(text) if text is not None else None
        except ValueError:
            continue
        rec = records.setdefault((tbl, pk), {})
        if col == "*":
            if isinstance(value, dict):
                rec.update({k: v for k, v in value.items() if v is not None})
        elif value is not None:
            rec[col] = value
    callers: dict[str, dict[str, Any]] = {}
    pseudonymised = free_text = 0
    for (tbl, _pk), rec in sorted(records.items()):
        if any(rec.get(c) for c in TEXT_COLS.get(tbl, ())):
            free_text += 1
        for col in NUMBER_COLS.get(tbl, ()):
            number = rec.get(col)
            if not isinstance(number, str) or not number:
                continue
            if is_pseudonym(number):
                pseudonymised += 1
                continue
            entry = callers.setdefault(
                number,
                {
                    "number": number,
                    "names": set(),
                    "calls": 0,
                    "incidents": 0,
                    "caller_card": False,
                    "device_locations": 0,
                },
            )
            if tbl == "calls":
                entry["calls"] += 1
            elif tbl == "incidents":
                entry["incidents"] += 1
            elif tbl == "callers":
                entry["caller_card"] = True
            else:
                entry["device_locations"] += 1
            name = rec.get(NAME_COLS.get(tbl, ""))
            if isinstance(name, str) and name.strip():
                entry["names"].add(name.strip())
    notes = sum(1 for (tbl, _), _r in records.items() if tbl == "incident_notes")
    listed = []
    for number in sorted(callers):
        e = callers[number]
        names = sorted(e["names"])
        listed.append(
            {
                **e,
                "number": number if unmasked else mask_number(number),
                "names": names if unmasked else [initials(n) for n in names],
            }
        )
    return {
        "site": {"site_id": site_id, "name": site_name, "pulled_up_to": cursor},
        "since": since_ms,
        "masked": not unmasked,
        "counts": {
            "callers": len(listed),
            "numbers": len(listed),
            "named_callers": sum(1 for e in listed if e["names"]),
            "calls": sum(1 for (t, _) in records if t == "calls"),
            "incidents": sum(1 for (t, _) in records if t == "incidents"),
            "incident_notes": notes,
            "records_with_free_text": free_text,
            "pseudonymised_numbers": pseudonymised,
            "changes_pushed": pushed,
            "changes_pulled": pulled,
        },
        "callers": listed,
        "notice": "UU 27/2022 Pasal 46: notify the data subjects and the authority within 3x24 hours",
    }
