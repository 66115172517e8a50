"""Working an incident: opening one with 200 timeline events (detail read + timeline read + the timeline's
lines painted into its widget) and filtering the incident list over 2,000 open incidents, each against
the raw SQL of the same reads as its floor (the same statements on a plain sqlite3 connection).

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_incident.py
Targets: open <= 50 ms, filter <= 20 ms (absolute); the ratios say what the Python around the SQL costs.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import med_ms, p95_ms, report, timeit

from operator_desk.domain.location import Location
from operator_desk.domain.timeutil import WITA
from operator_desk.services.incident_edit import IncidentEditor
from operator_desk.services.incident_list import IncidentListQuery, ListFilter, where_of
from operator_desk.services.incidents import IncidentService
from operator_desk.services.referrals import ReferralService
from operator_desk.services.timeline import TimelineQuery
from operator_desk.store.database import connect
from operator_desk.store.store import Store

N_OPEN = int(__import__("os").environ.get("N_OPEN", "2000"))
REPEAT = 60
KEC = [
    ("63.03.05", "Martapura"),
    ("63.03.09", "Sungai Tabuk"),
    ("63.03.07", "Astambul"),
    ("63.03.02", "Aluh-Aluh"),
]


def _loc(i: int) -> Location:
    code, name = KEC[i % len(KEC)]
    return Location(
        lat=-3.4 + (i % 50) / 1000,
        lon=114.85 + (i % 70) / 1000,
        desa_name=f"Desa {i % 290}",
        kecamatan_code=code,
        kecamatan_name=name,
        address=f"Jl. Nomor {i}",
        source="map",
        confirmed=True,
    )


def build(tmp: Path) -> tuple[Store, str]:
    store = Store(tmp / "desk.sqlite")
    store.operator = "bench"
    inc = IncidentService(store)
    refs = ReferralService(store)
    rnd = random.Random(7)
    cats = ["fire", "medical", "traffic_accident", "disaster_flood", "crime_security"]
    agency = store.query("SELECT id FROM agencies LIMIT 1")
    for i in range(N_OPEN):
        pk = inc.create(
            {
                "category": rnd.choice(cats),
                "priority": rnd.choice(["P1", "P2", "P3"]),
                "location": _loc(i),
                "narrative": f"Laporan warga nomor {i} " * 3,
            }
        )
        if agency and i % 10 == 0:
            refs.refer(pk, agency[0][0])
    # the incident opened: a call, 100 notes, 100 field changes (50 saves of two fields), its referral steps
    target = inc.create({"category": "fire", "priority": "P1", "location": _loc(1)})
    call = store.write(
        lambda tx: tx.insert_record(
            "calls",
            {
                "started_at": tx.now_ms(),
                "caller_number": "+628111",
                "outcome": "emergency",
                "incident_id": target,
            },
        )
    )
    assert call
    ed = IncidentEditor(store)
    for k in range(50):
        data = ed.load(target)
        ed.save(target, {"priority": ["P2", "P1"][k % 2], "casualties": k + 1}, data.clock)
    for k in range(100):
        ed.add_note(target, f"catatan {k}")
    if agency:
        refs.refer(target, agency[0][0])
    return store, target


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from operator_desk.ui.incident_timeline import IncidentTimeline

    app = QApplication.instance() or QApplication([])
    tmp = Path(tempfile.mkdtemp())
    store, target = build(tmp)
    editor, timeline = IncidentEditor(store), TimelineQuery(store)
    widget = IncidentTimeline()
    n_events = len(timeline.events(target))

    def open_incident() -> None:
        editor.load(target)
        widget.show_events(timeline.events(target))

    raw = connect(tmp / "desk.sqlite", readonly=True)  # the same keyed SQLCipher file, no Python around it
    ids = (target,)
    raw_sql = [
        ("SELECT * FROM incidents WHERE id=?", ids),
        ("SELECT col, hlc FROM field_clock WHERE tbl='incidents' AND pk=?", ids),
        ("SELECT id FROM incidents WHERE merged_into=?", ids),
        ("SELECT * FROM calls WHERE incident_id IN (?)", ids),
        ("SELECT * FROM incident_notes WHERE incident_id IN (?) ORDER BY at, id", ids),
        ("SELECT * FROM status_events WHERE incident_id IN (?) ORDER BY at, id", ids),
        (
            "SELECT col, value, hlc, operator FROM outbox WHERE tbl='incidents' AND pk=? ORDER BY site_seq",
            ids,
        ),
        (
            "SELECT at, site_id, operator, action, detail FROM audit WHERE tbl='incidents' AND pk=? ORDER BY at",
            ids,
        ),
        (
            "SELECT e.*, a.name FROM referrals r JOIN referral_events e ON e.referral_id = r.id "
            "LEFT JOIN agencies a ON a.id = r.agency_id WHERE r.incident_id IN (?) ORDER BY e.at, e.id",
            ids,
        ),
        (
            "SELECT d.* FROM device_locations d JOIN calls c ON c.id = d.call_id WHERE c.incident_id IN (?)",
            ids,
        ),
        ("SELECT * FROM conflicts WHERE tbl='incidents' AND pk=?", ids),
        ("SELECT * FROM referrals WHERE incident_id=?", ids),
    ]

    def raw_open() -> None:
        for sql, params in raw_sql:
            raw.execute(sql, params).fetchall()

    for _ in range(5):
        open_incident()
        raw_open()
    floor = timeit(raw_open, REPEAT)
    ours = timeit(open_incident, REPEAT)
    print(
        f"open incident ({n_events} timeline events): median {med_ms(ours):.2f} ms, p95 {p95_ms(ours):.2f} ms"
    )
    print(f"  floor, its {len(raw_sql)} raw queries: median {med_ms(floor):.2f} ms")
    report("open incident vs raw queries", med_ms(ours), med_ms(floor), 20.0)
    print(f"  target <= 50 ms: {'OK' if med_ms(ours) <= 50 else 'OVER'}")

    query = IncidentListQuery(store, zone=WITA)
    filters = [
        ListFilter(),
        ListFilter(text="martapura"),
        ListFilter(category="fire", kecamatan_code="63.03.09"),
        ListFilter(text="nomor 1999"),
        ListFilter(today=True, mine=True),
    ]
    now = store.now_ms()
    prepared = [where_of(f, operator="bench", now_ms=now, zone=WITA) for f in filters]
    list_sql = (
        "SELECT id, number, category, priority, status, created_at, updated_at, updated_by, merged_into, "
        "json_extract(location, '$.desa_name'), json_extract(location, '$.kecamatan_name'), "
        "json_extract(location, '$.address') FROM incidents"
    )
    overdue_sql = "SELECT * FROM referrals WHERE status IN ('sent','acknowledged','on_scene','feedback')"

    for f, (where, params) in zip(filters, prepared, strict=True):

        def ours_fn(f: ListFilter = f) -> None:
            query.rows(f)

        def raw_fn(where: list[str] = where, params: list[object] = params) -> None:
            raw.execute(
                list_sql
                + (" WHERE " + " AND ".join(where) if where else "")
                + " ORDER BY coalesce(priority, 'P9'), created_at, id LIMIT 2000",
                params,
            ).fetchall()
            raw.execute(overdue_sql).fetchall()

        for _ in range(3):
            ours_fn()
            raw_fn()
        fl, us = timeit(raw_fn, REPEAT // 2), timeit(ours_fn, REPEAT // 2)
        n = len(query.rows(f))
        label = f"list filter {f.status}/{f.category or '-'}/{f.kecamatan_code or '-'}/{f.text or '-'}/today={f.today}"
        report(f"{label} ({n} rows of {N_OPEN + 1} open)", med_ms(us), med_ms(fl), 3.0)
        print(f"  target <= 20 ms: {'OK' if med_ms(us) <= 20 else 'OVER'} (p95 {p95_ms(us):.2f} ms)")

    one = [query.rows(ListFilter())[7].id]

    def patched() -> None:
        query.invalidate(one)  # one incident changed (this or another desk): read by id, patched in
        query.rows(ListFilter())

    def cold() -> None:
        query.invalidate()  # a sync catch-up: every open incident read again
        query.rows(ListFilter())

    where, params = prepared[0]
    full_sql = list_sql + " WHERE " + " AND ".join(where)
    one_sql = full_sql + " AND id IN (?)"
    p_ms = timeit(patched, 30)
    p_floor = timeit(lambda: raw.execute(one_sql, [*params, *one]).fetchall(), 30)
    report("list after one incident changed (read by id, patched in)", med_ms(p_ms), med_ms(p_floor), 150.0)
    print(f"  target <= 20 ms: {'OK' if med_ms(p_ms) <= 20 else 'OVER'}")
    c_ms, c_floor = timeit(cold, 10), timeit(lambda: raw.execute(full_sql, params).fetchall(), 10)
    report(
        "list after a catch-up (all open incidents read again, on the worker)",
        med_ms(c_ms),
        med_ms(c_floor),
        5.0,
    )
    raw.close()
    widget.deleteLater()
    app.processEvents()
    store.close()


if __name__ == "__main__":
    main()
