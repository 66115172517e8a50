"""`operator-desk check` grows linearly with the store: stores of 10,000 and 100,000 demo calls (the real
write path: outbox rows, field clocks, an audit row per call; bench/big_store.py `desk_store`).

Prints the time of the full and the quick check at each size, the growth for 10x the data with its
exponent (time ~ size^k; target: at most 12x, k <= 1.08), and the 1,000,000-call figure: measured with
`--million` (building that store takes about 20 minutes here), else extrapolated from the two sizes
with the measured exponent (and said so).

    .venv/bin/python bench/bench_check.py [--small 10000] [--big 100000] [--million]
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from big_store import desk_store

from operator_desk.services.check import check_store
from operator_desk.store.store import Store


def timed(path: Path, quick: bool) -> tuple[float, float, dict[str, object]]:
    """(wall s, CPU s, report): the machine is shared, so CPU time is printed beside the wall clock."""
    t0, c0 = time.perf_counter(), time.process_time()
    report = check_store(path, quick=quick)
    return time.perf_counter() - t0, time.process_time() - c0, report


def measure(n: int) -> tuple[float, float, float]:
    path = desk_store(n)
    Store(path).close()  # pending migrations (the check indexes) applied, as the desk does at start
    full, cpu, report = timed(path, False)
    quick, _, _ = timed(path, True)
    rows = Store(path)
    try:
        outbox = int(rows.query("SELECT count(*) FROM outbox")[0][0])
    finally:
        rows.close()
    state = "ok" if report["ok"] else f"PROBLEMS: {report['problems'][:3]}"
    print(
        f"{n:>9,} calls, {outbox:>10,} outbox rows: check {full:7.2f} s (CPU {cpu:6.2f} s), "
        f"check --quick {quick:6.2f} s ({state})"
    )
    return full, quick, cpu


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--small", type=int, default=10_000)
    ap.add_argument("--big", type=int, default=100_000)
    ap.add_argument("--million", action="store_true", help="build and check a 1,000,000-call store too")
    args = ap.parse_args()
    small, _, small_cpu = measure(args.small)
    big, big_quick, big_cpu = measure(args.big)
    factor = args.big / args.small
    growth = big / small
    k = math.log(growth) / math.log(factor)
    cpu_growth = big_cpu / small_cpu
    verdict = "OK" if growth <= 12 * factor / 10 else "OVER TARGET"
    print(
        f"growth for {factor:.0f}x the data: {growth:.1f}x wall (target <= 12x), exponent {k:.2f} {verdict}; "
        f"CPU {cpu_growth:.1f}x, exponent {math.log(cpu_growth) / math.log(factor):.2f}"
    )
    if args.million:
        full, quick, _ = measure(1_000_000)
        print(f"1,000,000 calls: check {full:.1f} s, --quick {quick:.1f} s (measured)")
    else:
        scale = 1_000_000 / args.big
        kc = math.log(cpu_growth) / math.log(factor)
        print(
            f"1,000,000 calls: check ~{big * scale**k:.0f} s wall (exponent {k:.2f}), ~{big_cpu * scale**kc:.0f} s "
            f"CPU (exponent {kc:.2f}), --quick ~{big_quick * scale:.0f} s (extrapolated from {args.big:,} calls; "
            "not measured: --million builds that store, about an hour here)"
        )
    return 0 if verdict == "OK" else 1


if __name__ == "__main__":
    sys.exit(main())
