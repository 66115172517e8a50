"""Ring-to-screen latency with a 1,000,000-call history.

From `desk.simulator.ring(number)` until the caller history of that number is in the `callerHistory`
widget and painted, on a real desk (create_desk) over a store pre-filled with N calls, against the
floor: the raw indexed SQL lookup of that number's calls on a keyed SQLCipher connection of its own.

Run: .venv/bin/python bench/bench_ring.py [N] [REPEAT]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import med_ms, p95_ms
from big_store import big_store, copy_store

FLOOR_SQL = (
    "SELECT id, started_at, outcome, incident_id, operator FROM calls "
    "WHERE caller_number=? ORDER BY started_at DESC LIMIT 20"
)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    source = big_store(n)
    from PySide6.QtWidgets import QApplication

    from operator_desk.app import create_desk
    from operator_desk.domain import phone
    from operator_desk.store.database import connect

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory(prefix="bench-ring-") as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        t0 = time.perf_counter()
        copy_store(source, data / "desk.sqlite")  # with its key
        print(f"{n} calls; store copied in {time.perf_counter() - t0:.1f} s")
        raw = connect(data / "desk.sqlite")  # keyed, like the desk's own connections
        # numbers with a real history (several earlier calls each), in the national form a caller shows
        step = max(1, n // repeat)
        numbers = [
            r[0]
            for r in raw.execute("SELECT caller_raw FROM calls WHERE rowid % ? = 7 LIMIT ?", (step, repeat))
        ]
        t0 = time.perf_counter()
        desk = create_desk(data, region=None, call_source="simulator", operator="bench")
        desk.window.resize(1440, 900)
        desk.window.show()
        app.processEvents()
        print(f"desk opened in {time.perf_counter() - t0:.2f} s")
        history = desk.window.history
        ours: list[float] = []
        shown: list[float] = []
        rows = 0
        for i, number in enumerate(numbers):
            e164 = phone.normalise(number)
            t0 = time.perf_counter()
            ext = desk.simulator.ring(number)
            while history.history is None or history.history.number != e164:
                app.processEvents()  # the ring is handled synchronously; this loop is a safety net
            t1 = time.perf_counter()
            history.viewport().repaint()  # paint now, as the next frame would
            t2 = time.perf_counter()
            if i:  # the first ring warms caches (page cache of the copied file, Qt fonts)
                shown.append(t1 - t0)
                ours.append(t2 - t0)
            rows += history.count()
            desk.simulator.caller_hangup(ext)  # frees the line for the next ring (abandoned call)
            app.processEvents()
        lookup: list[float] = []
        for e164 in [phone.normalise(x) for x in numbers] * 3:
            t0 = time.perf_counter()
            desk.calls.history(e164)
            lookup.append(time.perf_counter() - t0)
        desk.close()

        e164s = [phone.normalise(x) for x in numbers]
        floor: list[float] = []
        for _ in range(3):
            for e164 in e164s:
                t0 = time.perf_counter()
                raw.execute(FLOOR_SQL, (e164,)).fetchall()
                floor.append(time.perf_counter() - t0)
        # a durable insert of one call row on the same file (WAL, synchronous=FULL), as a ring does
        raw.execute("PRAGMA journal_mode=WAL")
        raw.execute("PRAGMA synchronous=FULL")
        write: list[float] = []
        for i in range(len(e164s)):
            t0 = time.perf_counter()
            raw.execute("BEGIN IMMEDIATE")
            raw.execute(
                "INSERT INTO calls (id, caller_number, started_at) VALUES (?, ?, ?)",
                (f"floor-{i}", e164s[i], i),
            )
            raw.execute("COMMIT")
            write.append(time.perf_counter() - t0)
        raw.close()

    print(f"{len(ours)} rings, {rows / len(numbers):.1f} history rows shown per ring")
    print(f"ring -> history in widget: median {med_ms(shown):.2f} ms, p95 {p95_ms(shown):.2f} ms")
    print(
        f"ring -> history painted:   median {med_ms(ours):.2f} ms, p95 {p95_ms(ours):.2f} ms, "
        f"max {max(ours) * 1000:.2f} ms"
    )
    print(
        f"floor (raw indexed SQL of the number's calls): median {med_ms(floor):.3f} ms, "
        f"mean {statistics.mean(floor) * 1000:.3f} ms"
    )
    print(f"CallService.history (3 indexed queries): median {med_ms(lookup):.3f} ms")
    print(f"durable insert of one call row (WAL, synchronous=FULL): median {med_ms(write):.3f} ms")
    ratio = med_ms(ours) / med_ms(floor)
    both = med_ms(floor) + med_ms(write)
    print(
        f"RATIO ring-to-screen / raw lookup: {ratio:.0f}x; / (raw lookup + durable insert): "
        f"{med_ms(ours) / both:.1f}x; GUI budget 100 ms: median {'OK' if med_ms(ours) < 100 else 'OVER'}, "
        f"p95 {'OK' if p95_ms(ours) < 100 else 'OVER'}"
    )


if __name__ == "__main__":
    main()
