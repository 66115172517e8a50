"""Small helpers shared by the benchmarks: timing, medians, printing a ratio against a floor."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def timeit(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def med_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def p95_ms(samples: list[float]) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, int(round(0.95 * (len(s) - 1))))] * 1000


def report(name: str, ours: float, floor: float, target: float, unit: str = "ms") -> None:
    ratio = ours / floor if floor > 0 else float("inf")
    verdict = "OK" if ratio <= target else "OVER TARGET"
    print(
        f"{name}: ours {ours:.2f} {unit}, floor {floor:.2f} {unit}, ratio {ratio:.2f}x (target <= {target}x) {verdict}"
    )
