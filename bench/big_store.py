"""Builds (once, cached in $TMPDIR) a desk store with N synthetic calls for the benchmarks."""

from __future__ import annotations

import os
import random
import tempfile
import time
from pathlib import Path

from operator_desk.store.database import connect
from operator_desk.store.keys import is_plaintext, key_file_for
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
        if is_plaintext(path):  # cached before encryption at rest: encrypted once, in place
            Store(path).close()
        return path
    t0 = time.perf_counter()
    tmp = path.with_suffix(".building")
    for p in (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
        p.unlink(missing_ok=True)
    Store(tmp).close()  # schema through the real migrations
    conn = connect(tmp)  # keyed (store/keys.py); autocommit: explicit transactions below
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("BEGIN")
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
            batch.clear()
    if batch:
        conn.executemany(
            "INSERT INTO calls (id, site_id, caller_number, caller_raw, source, started_at, answered_at, "
            "ended_at, outcome, incident_id, operator, notes) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            batch,
        )
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()
    tmp.rename(path)
    key_file_for(tmp).rename(key_file_for(path))
    print(f"(built {n} calls in {time.perf_counter() - t0:.1f} s: {path})")
    return path


def copy_store(src: Path, dest: Path) -> None:
    """Copy a store file and its key file (the copy opens with the same key)."""
    import shutil

    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest)
    key = key_file_for(dest)
    key.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    shutil.copyfile(key_file_for(src), key)


def desk_store(n: int, seed: int = 1, days: int = 365) -> Path:
    """Path of a desk store with `n` demo calls written through the real write path (services/demo.py:
    outbox rows, field clocks, an audit row per call), over `days` days; built once, cached in its own
    data dir (with its key). About 1 s per 1,000 calls here."""
    import shutil

    from operator_desk.services.demo import generate_demo

    root = Path(os.environ.get("BENCH_CACHE", tempfile.gettempdir()))
    data = root / f"operator_desk_desk_{n}_{seed}"
    path = data / "desk.sqlite"
    if path.exists():
        return path
    tmp = root / f"operator_desk_desk_{n}_{seed}.building"
    shutil.rmtree(tmp, ignore_errors=True)
    t0 = time.perf_counter()
    store = Store(tmp / "desk.sqlite")
    try:
        end = 1_795_000_000_000
        step = 20_000  # calls per generate_demo run: each run covers its slice of the period
        for i in range(0, n, step):
            k = min(step, n - i)
            part_end = end - int((n - i - k) / n * days * 86_400_000)
            generate_demo(store, calls=k, days=max(1, int(days * k / n)), seed=seed + i, end_ms=part_end, batch=200)
    finally:
        store.close()
    tmp.rename(data)
    print(f"(built a desk store with {n} calls in {time.perf_counter() - t0:.1f} s: {path})")
    return path
