"""The period report as plain data: what a Diskominfo publishes about its 112 service.

Built from `services.stats` (one definition of every figure); the JSON and CSV forms are this dict,
the PDF draws it. Dates are local days of the region's zone (WITA for Banjar), both ends inclusive.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from ..domain.enums import VICTIM_COLUMNS, IncidentCategory, ReportSource
from ..domain.privacy import initials
from ..domain.timeutil import WITA, ms_to_iso
from ..services.stats import OUTCOMES, Stats, compute_stats, day_bounds

REPORT_VERSION = 1
# Outcomes that are not an emergency or a real request: the "nuisance" share the centers publish.
NUISANCE = ("prank", "ghost")


def _pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def report_from_stats(st: Stats, first: date, last: date, generated_ms: int, region: str) -> dict[str, Any]:
    """Shape `Stats` into the published report (every outcome and category listed, zeros included)."""
    total = st.calls_total
    by_outcome = {o: st.outcomes.get(o, 0) for o in OUTCOMES}
    by_day = [
        {"date": d, **{o: c.get(o, 0) for o in OUTCOMES}, "total": sum(c.values())} for d, c in st.by_day
    ]
    by_hour = [
        {"hour": h, **{o: c.get(o, 0) for o in OUTCOMES}, "total": sum(c.values())}
        for h, c in enumerate(st.by_hour)
    ]
    categories = {str(c): st.incidents_by_category.get(str(c), 0) for c in IncidentCategory}
    for extra, n in st.incidents_by_category.items():  # categories of a newer desk version
        categories.setdefault(extra, n)
    return {
        "report_version": REPORT_VERSION,
        "region": region,
        "period": {
            "from": first.isoformat(),
            "to": last.isoformat(),
            "zone": st.zone,
            "from_utc": ms_to_iso(st.from_ms),
            "to_utc": ms_to_iso(st.to_ms),
        },
        "generated_at": ms_to_iso(generated_ms),
        "calls": {
            "total": total,
            "by_outcome": by_outcome,
            "share_pct": {o: _pct(n, total) for o, n in by_outcome.items()},
            "nuisance": sum(by_outcome[o] for o in NUISANCE),
            "nuisance_pct": _pct(sum(by_outcome[o] for o in NUISANCE), total),
            "additional_reports": st.additional_reports,
            "by_day": by_day,
            "by_hour": by_hour,
        },
        "incidents": {
            "total": st.incidents_total,
            "by_category": categories,
            "by_priority": st.incidents_by_priority,
            "by_kecamatan": [{"code": c, "name": nm, "count": n} for c, nm, n in st.incidents_by_kecamatan],
        },
        "referrals": {
            "total": sum(a.referrals for a in st.agencies),
            "by_agency": [asdict(a) for a in st.agencies],
        },
        "times": {"answer": asdict(st.answer), "handling": asdict(st.handling)},
        "operators": [asdict(o) for o in st.operators],
    }


def build_report(
    conn: Any,
    first: date,
    last: date,
    generated_ms: int,
    zone: ZoneInfo = WITA,
    region: str = "Kabupaten Banjar",
) -> dict[str, Any]:
    """The report of local days first..last (inclusive) read through `conn`."""
    from_ms, to_ms = day_bounds(first, last, zone)
    report = report_from_stats(compute_stats(conn, from_ms, to_ms, zone), first, last, generated_ms, region)
    report["incidents"].update(incident_field_figures(conn, from_ms, to_ms))
    from ..services.service_level import service_level_report

    report["service_level"] = service_level_report(conn, from_ms, to_ms, zone)  # issue 14: counts per period
    return report


def incident_field_figures(conn: Any, from_ms: int, to_ms: int) -> dict[str, Any]:
    """Victims by condition and reports by source of the incidents created in [from_ms, to_ms).

    `casualties`: the sum of each condition's known counts, and `not_recorded` the incidents where that
    count is not known (a 0 is a count: "none"); `by_source`: every source code, zeros included, and
    `not_recorded` for incidents saved without one (older desks)."""
    cols = ", ".join(f"sum({c}), sum({c} IS NULL)" for c in VICTIM_COLUMNS.values())
    row = conn.execute(
        f"SELECT {cols} FROM incidents WHERE created_at >= ? AND created_at < ?", (from_ms, to_ms)
    ).fetchone()
    casualties: dict[str, Any] = {}
    for i, cond in enumerate(VICTIM_COLUMNS):
        casualties[str(cond)] = int(row[2 * i] or 0)
    casualties["not_recorded"] = {
        str(cond): int(row[2 * i + 1] or 0) for i, cond in enumerate(VICTIM_COLUMNS)
    }
    by_source: dict[str, int] = {str(s): 0 for s in ReportSource}
    not_recorded = 0
    for code, n in conn.execute(
        "SELECT report_source, count(*) FROM incidents WHERE created_at >= ? AND created_at < ? "
        "GROUP BY report_source",
        (from_ms, to_ms),
    ):
        if code is None:
            not_recorded += int(n)
        else:
            by_source[str(code)] = by_source.get(str(code), 0) + int(n)
    return {"casualties": casualties, "by_source": {**by_source, "not_recorded": not_recorded}}


def mask_report(report: dict[str, Any]) -> dict[str, Any]:
    """The report as published by default: it holds no caller's data (counts only), and the
    operators' names become initials (domain/privacy.py); `--unmasked` keeps the names."""
    return {
        **report,
        "masked": True,
        "operators": [{**o, "operator": initials(o.get("operator"))} for o in report.get("operators", [])],
        **(
            {
                "service_level": {
                    **report["service_level"],
                    "by_operator": [
                        {**o, "operator": initials(o.get("operator"))}
                        for o in report["service_level"]["by_operator"]
                    ],
                }
            }
            if "service_level" in report
            else {}
        ),
    }


def _flat(prefix: str, value: Any, rows: list[tuple[str, str, Any]]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _flat(f"{prefix}.{k}" if prefix else str(k), v, rows)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            key = (
                v.get("date") or v.get("name") or v.get("operator") or v.get("code")
                if isinstance(v, dict)
                else None
            )
            if isinstance(v, dict) and "hour" in v:
                key = f"{v['hour']:02d}"
            _flat(f"{prefix}[{key if key is not None else i}]", v, rows)
    else:
        section, _, metric = prefix.partition(".")
        rows.append((section, metric, value))


def report_csv(report: dict[str, Any]) -> str:
    """One figure per row: section, metric (dotted path), value — easy to pivot in a spreadsheet."""
    rows: list[tuple[str, str, Any]] = []
    _flat("", report, rows)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(("section", "metric", "value"))
    for section, metric, value in rows:
        w.writerow((section, metric, "" if value is None else value))
    return buf.getvalue()
