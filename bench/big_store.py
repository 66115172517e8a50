"""Builds (once, cached in $TMPDIR) a desk store with N synthetic calls for the benchmarks."""

from __future__ import annotations

import os
import random
import tempfile
import time
from pathlib import Path

from operator_desk.store.store import Store

YEAR_MS = 365 * 86_400_000
OUTCOMES = (
    ["ghost"] * 44
    + ["prank"] * 24
    + ["information"] * 12
    + ["wrong_number"] * 5
    + ["test"] * 2
    + ["abandoned"] * 6
    + ["emergency"] * 7
)


def big_store(n: int = 1_000_000, seed: int = 1) -> Path:
    """Path of a store holding `n` calls over a year (built on first use, ~1–2 min for a million)."""
    path = (
        Path(os.environ.get("BENCH_CACHE", tempfile.gettempdir())) / f"operator_desk_bench_{n}_{seed}.sqlite"
    )
    if path.exists():
        return path
    t0 = time.perf_counter()
    tmp = path.with_suffix(".building")
    for p in (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
        p.unlink(missing_ok=True)
    Store(tmp).close()  # schema through the real migrations
    import sqlite3

    conn = sqlite3.connect(tmp)
    conn.execute("PRAGMA synchronous=OFF")
    rng = random.Random(seed)
    end = 1_795_000_000_000
    numbers = [f"+628{rng.randint(100_000_000, 9_999_999_999)}" for _ in range(n // 4)]
    batch = []
    for i in range(n):
        t = end - rng.randint(0, YEAR_MS)
        num = rng.choice(numbers)
        outcome = rng.choice(OUTCOMES)
        ans = None if outcome == "abandoned" else t + rng.randint(2_000, 15_000)
        batch.append(
            (
                f"call-{i:08d}",
                "bench",
                num,
                "0" + num[3:],
                "sip",
                t,
                ans,
                (ans or t) + rng.randint(5_000, 200_000),
                outcome,
                None,
                rng.choice(("Rina", "Ahmad", "Siti", "Yusuf")),
                None,
            )
        )
        if len(batch) == 50_000:
            conn.executemany(
                "INSERT INTO calls (id, site_id, caller_number, caller_raw, source, started_at, "
                "answered_at, ended_at, outcome, incident_id, operator, notes) VALUES "
                "(?,?,?,?,?,?,?,?,?,?,?,?)",
                batch,
            )
            conn.commit()
            batch.clear()
    if batch:
        conn.executemany(
            "INSERT INTO calls (id, site_id, caller_number, caller_raw, source, started_at, answered_at, "
            "ended_at, outcome, incident_id, operator, notes) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            batch,
        )
        conn.commit()
    conn.execute("ANALYZE")
    conn.commit()
    conn.close()
    tmp.rename(path)
    print(f"(built {n} calls in {time.perf_counter() - t0:.1f} s: {path})")
    return path
