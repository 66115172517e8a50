"""Saving an incident (domain rows + outbox + audit, durable) against one raw durable insert.

Run: .venv/bin/python bench/bench_save.py
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import med_ms, p95_ms, report, timeit

from operator_desk.domain.location import Location
from operator_desk.services.incidents import IncidentService
from operator_desk.store.store import Store

N = 300


def main() -> None:
    tmp = Path(tempfile.mkdtemp())
    raw = sqlite3.connect(tmp / "raw.sqlite", isolation_level=None)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=FULL")
    raw.execute("CREATE TABLE t (id TEXT PRIMARY KEY, payload TEXT)")
    counter = iter(range(10**9))

    def raw_insert() -> None:
        raw.execute("BEGIN IMMEDIATE")
        raw.execute("INSERT INTO t VALUES (?, ?)", (str(next(counter)), "x" * 300))
        raw.execute("COMMIT")

    store = Store(tmp / "desk.sqlite")
    store.operator = "bench"
    svc = IncidentService(store)
    loc = Location(
        lat=-3.41,
        lon=114.85,
        desa_code="63.03.05.2004",
        desa_name="X",
        kecamatan_code="63.03.05",
        kecamatan_name="Y",
        source="map",
        confirmed=True,
    )
    fields = {
        "category": "fire",
        "priority": "P1",
        "location": loc,
        "narrative": "Rumah terbakar " * 10,
        "caller_name": "Pak Udin",
        "caller_number": "+6281234567890",
        "casualties": 1,
    }

    def save() -> None:
        svc.create(fields)

    for _ in range(20):  # warm up both
        raw_insert()
        save()
    floor = timeit(raw_insert, N)
    ours = timeit(save, N)
    print(f"save incident: median {med_ms(ours):.2f} ms, p95 {p95_ms(ours):.2f} ms over {N}")
    print(f"raw durable insert: median {med_ms(floor):.2f} ms, p95 {p95_ms(floor):.2f} ms over {N}")
    report("save incident vs raw durable insert", med_ms(ours), med_ms(floor), 3.0)
    rows = store.query("SELECT count(*) FROM outbox")[0][0]
    print(f"(outbox rows written: {rows}, audit rows: {store.query('SELECT count(*) FROM audit')[0][0]})")
    store.close()


if __name__ == "__main__":
    main()
