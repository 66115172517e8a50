"""Statistics of a year of a busy center (1,000,000 calls) against the floor of raw SQL aggregates.

Usage: .venv/bin/python bench/bench_stats.py [--calls N] [--keep FILE]

The store is made by the real migrations, then filled with executemany straight into its tables (no
outbox: this measures reading). The floor is the least SQL that touches the same rows for the same
figures (GROUP BY counts and averages, no percentiles, no Python post-processing); the statistics are
`compute_stats` on the whole year. Both run in the same process on the same warm file; best of 3.
Target: statistics <= 2x the floor.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from operator_desk.domain.ids import new_id
from operator_desk.services.stats import compute_stats, day_bounds
from operator_desk.store.database import connect
from operator_desk.store.store import Store

OUTCOMES = (
    ("ghost", 0.44),
    ("prank", 0.24),
    ("information", 0.12),
    ("wrong_number", 0.05),
    ("test", 0.02),
    ("abandoned", 0.06),
    ("emergency", 0.07),
)
CATEGORIES = (
    "fire",
    "medical",
    "traffic_accident",
    "crime_security",
    "disaster_flood",
    "animal_snake",
    "other",
)
OPERATORS = tuple(f"op{i:02d}" for i in range(16))
KECAMATAN = tuple((f"63.03.{i:02d}", f"Kecamatan {i}") for i in range(1, 21))
YEAR_MS = 365 * 86_400_000


def fill(path: Path, n_calls: int, seed: int = 7) -> tuple[int, int]:
    """A year of calls ending at 2026-01-01 WITA; returns the (from, to) of that year."""
    start, end = day_bounds(*(date(2025, 1, 1), date(2025, 12, 31)))
    Store(path).close()  # migrations
    rng = random.Random(seed)
    agencies = [
        (new_id(), f"Agency {i}", k, 5, 30) for i, k in enumerate(("fire", "ambulance", "police", "disaster"))
    ]
    conn = connect(path)  # keyed (store/keys.py), autocommit
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO agencies (id, name, kind, ack_minutes, arrive_minutes, active, categories, kecamatan_codes) "
        "VALUES (?,?,?,?,?,1,'[]','[]')",
        agencies,
    )
    # The call log's search index is not read by the statistics: skip filling it (trigger put back below).
    fts_trigger = conn.execute("SELECT sql FROM sqlite_master WHERE name='calls_fts_ai'").fetchone()[0]
    conn.execute("DROP TRIGGER calls_fts_ai")
    names, weights = zip(*OUTCOMES, strict=True)
    calls, incidents, referrals = [], [], []
    # Calls arrive in time order, so rowid order follows started_at as on a real desk.
    for t in sorted(rng.randrange(start, end) for _ in range(n_calls)):
        outcome = rng.choices(names, weights)[0]
        answered = None if outcome == "abandoned" else t + rng.randint(1_000, 20_000)
        ended = (answered or t) + rng.randint(3_000, 300_000 if outcome == "emergency" else 45_000)
        op = None if answered is None else rng.choice(OPERATORS)
        inc = None
        if outcome == "emergency":
            inc = new_id()
            code, kname = rng.choice(KECAMATAN)
            loc = json.dumps({"kecamatan_code": code, "kecamatan_name": kname, "lat": -3.4, "lon": 114.8})
            incidents.append(
                (inc, rng.choice(CATEGORIES), rng.choice(("P1", "P2", "P3")), "closed", loc, t + 30_000)
            )
            sent = t + 90_000
            ag = rng.choice(agencies)[0]
            referrals.append(
                (
                    new_id(),
                    inc,
                    ag,
                    sent,
                    sent + rng.randint(30_000, 900_000),
                    sent + rng.randint(300_000, 3_600_000),
                    sent + rng.randint(900_000, 7_200_000),
                    sent + 7_300_000,
                    "closed",
                )
            )
        calls.append(
            (
                new_id(),
                "site",
                f"+62812{rng.randrange(10**7):07d}",
                "sip",
                t,
                answered,
                ended,
                outcome,
                inc,
                op,
            )
        )
    conn.executemany(
        "INSERT INTO calls (id, site_id, caller_number, source, started_at, answered_at, ended_at, outcome, "
        "incident_id, operator) VALUES (?,?,?,?,?,?,?,?,?,?)",
        calls,
    )
    conn.executemany(
        "INSERT INTO incidents (id, category, priority, status, location, created_at) VALUES (?,?,?,?,?,?)",
        incidents,
    )
    conn.executemany(
        "INSERT INTO referrals (id, incident_id, agency_id, sent_at, acknowledged_at, on_scene_at, feedback_at, "
        "closed_at, status) VALUES (?,?,?,?,?,?,?,?,?)",
        referrals,
    )
    conn.execute(fts_trigger)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()
    return start, end


FLOOR_SQL = (
    "SELECT started_at / 3600000, outcome, count(*) FROM calls WHERE started_at >= ? AND started_at < ? GROUP BY 1, 2",
    "SELECT operator, outcome, count(*), avg(answered_at - started_at), avg(ended_at - answered_at) FROM calls "
    "WHERE started_at >= ? AND started_at < ? GROUP BY 1, 2",
    "SELECT count(*) FROM calls c WHERE c.started_at >= ? AND c.started_at < ? AND c.incident_id IS NOT NULL",
    "SELECT category, priority, kecamatan_code, count(*) FROM incidents WHERE created_at >= ? AND created_at < ? "
    "GROUP BY 1, 2, 3",
    "SELECT agency_id, count(*), avg(acknowledged_at - sent_at), avg(on_scene_at - sent_at), "
    "avg(feedback_at - sent_at) FROM referrals WHERE sent_at >= ? AND sent_at < ? GROUP BY 1",
)


def best_of(fn: Callable[[], object], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calls", type=int, default=1_000_000)
    ap.add_argument("--keep", help="reuse / keep the store file here")
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    path = Path(args.keep) if args.keep else Path(tmp.name) / "bench.sqlite"
    t0 = time.perf_counter()
    if args.keep and path.exists():
        start, end = day_bounds(date(2025, 1, 1), date(2025, 12, 31))
    else:
        start, end = fill(path, args.calls)
    fill_s = time.perf_counter() - t0
    conn = connect(path, readonly=True)
    rng = (start, end)
    floor = best_of(lambda: [conn.execute(sql, rng).fetchall() for sql in FLOOR_SQL])
    stats_s = best_of(lambda: compute_stats(conn, start, end))
    st = compute_stats(conn, start, end)
    n = conn.execute("SELECT count(*) FROM calls").fetchone()[0]
    print(
        f"store: {n:,} calls, {st.incidents_total:,} incidents, {sum(a.referrals for a in st.agencies):,} "
        f"referrals (filled in {fill_s:.1f} s)"
    )
    print(f"floor (raw SQL aggregates): {floor * 1000:8.0f} ms")
    print(
        f"statistics (compute_stats): {stats_s * 1000:8.0f} ms   ratio {stats_s / floor:.2f}x (target <= 2x)"
    )
    print(
        f"check: calls_total={st.calls_total:,} answer median={st.answer.median_s}s p90={st.answer.p90_s}s "
        f"handling median={st.handling.median_s}s p90={st.handling.p90_s}s"
    )
    conn.close()
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
