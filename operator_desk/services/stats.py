"""Statistics of a period: calls by hour/day and outcome, incidents, referrals, answer/handling times.

Plain data in, plain data out (runs on a worker thread with its own read connection). Every figure is
a SQL aggregate over an indexed range; percentiles come from per-second histograms that SQLite
groups, so nothing row-by-row crosses into Python (a year of a busy center is ~1M calls).

Definitions (the report and its tests rely on them):
- the period is [from_ms, to_ms) in UTC ms; calls count by `started_at`, incidents by `created_at`,
  referrals by their first `sent_at`;
- days and hours of day are local to `zone` (WITA for Banjar), whose UTC offset must be whole hours;
- answer time = answered_at - started_at, handling time = ended_at - answered_at, each floored to whole
  seconds (negative clamped to 0); percentiles are nearest-rank: the p-th is the ceil(p*n)-th smallest,
  the median is p = 0.5;
- referral intervals run from the first `sent_at` to acknowledged / on scene / feedback;
- an "additional report" is a call attached to an incident that an earlier call already reported.
"""

from __future__ import annotations

import math
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ..domain.enums import CallOutcome
from ..domain.timeutil import WITA
from ..store.repositories import IncidentRepository, ReferralRepository
from ..store.store import Store

HOUR_MS = 3_600_000
NO_OUTCOME = "open"  # calls still ringing or in progress at the time of the statistics
OUTCOMES: tuple[str, ...] = (*(str(o) for o in CallOutcome), NO_OUTCOME)


@dataclass(frozen=True)
class Percentiles:
    """Median and 90th percentile in whole seconds (None when there is no value)."""

    n: int = 0
    median_s: int | None = None
    p90_s: int | None = None


def nearest_rank(sorted_hist: list[tuple[int, int]], p: float) -> int | None:
    """The nearest-rank percentile of a histogram [(value, count)] sorted by value."""
    n = sum(c for _, c in sorted_hist)
    if n == 0:
        return None
    rank = max(1, math.ceil(p * n))
    seen = 0
    for value, count in sorted_hist:
        seen += count
        if seen >= rank:
            return value
    return sorted_hist[-1][0]


def percentiles(hist: Mapping[int, int]) -> Percentiles:
    items = sorted((v, c) for v, c in hist.items() if c)
    return Percentiles(sum(c for _, c in items), nearest_rank(items, 0.5), nearest_rank(items, 0.9))


def percentiles_of(values: Iterable[int]) -> Percentiles:
    hist: dict[int, int] = defaultdict(int)
    for v in values:
        hist[v] += 1
    return percentiles(hist)


@dataclass
class OperatorStats:
    operator: str
    calls: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    answer: Percentiles = field(default_factory=Percentiles)
    handling: Percentiles = field(default_factory=Percentiles)


@dataclass
class AgencyStats:
    agency_id: str | None
    name: str
    kind: str | None
    referrals: int = 0
    acknowledged: int = 0
    on_scene: int = 0
    feedback: int = 0
    closed: int = 0
    escalated: int = 0
    resent: int = 0
    reopened: int = 0
    ack: Percentiles = field(default_factory=Percentiles)
    arrive: Percentiles = field(default_factory=Percentiles)
    feedback_time: Percentiles = field(default_factory=Percentiles)


@dataclass
class Stats:
    """The statistics of one period. `asdict(stats)` is JSON-ready."""

    from_ms: int
    to_ms: int
    zone: str
    calls_total: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    by_hour: list[dict[str, int]] = field(default_factory=list)  # 24 entries: outcome -> count
    by_day: list[tuple[str, dict[str, int]]] = field(default_factory=list)  # (YYYY-MM-DD, outcome -> count)
    additional_reports: int = 0
    answer: Percentiles = field(default_factory=Percentiles)
    handling: Percentiles = field(default_factory=Percentiles)
    operators: list[OperatorStats] = field(default_factory=list)
    incidents_total: int = 0
    incidents_by_category: dict[str, int] = field(default_factory=dict)
    incidents_by_priority: dict[str, int] = field(default_factory=dict)
    incidents_by_kecamatan: list[tuple[str | None, str | None, int]] = field(default_factory=list)
    agencies: list[AgencyStats] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def day_bounds(first: date, last: date, zone: ZoneInfo = WITA) -> tuple[int, int]:
    """[start of `first`, start of the day after `last`) in UTC ms, days local to `zone`."""
    if last < first:
        raise ValueError(f"period ends ({last}) before it starts ({first})")
    start = datetime(first.year, first.month, first.day, tzinfo=zone)
    end = datetime(last.year, last.month, last.day, tzinfo=zone) + timedelta(days=1)
    return int(start.timestamp() * 1000), int(end.timestamp() * 1000)


def _check_zone(zone: ZoneInfo, from_ms: int, to_ms: int) -> None:
    for ms in (from_ms, to_ms):
        off = datetime.fromtimestamp(ms / 1000, tz=UTC).astimezone(zone).utcoffset()
        if off is None or off.total_seconds() % 3600:
            raise ValueError(
                f"time zone {zone.key}: offset {off} is not whole hours (hourly buckets need it)"
            )


CALLS_BY_HOUR_SQL = (
    "SELECT started_at / 3600000 AS h, outcome, count(*) FROM calls "
    "WHERE started_at >= ? AND started_at < ? GROUP BY h, outcome"
)
# One scan for outcome per operator and both duration histograms (whole seconds).
CALLS_BY_OPERATOR_SQL = (
    "SELECT operator, outcome, "
    "CASE WHEN answered_at IS NOT NULL THEN max(answered_at - started_at, 0) / 1000 END AS a, "
    "CASE WHEN answered_at IS NOT NULL AND ended_at IS NOT NULL THEN max(ended_at - answered_at, 0) / 1000 END AS d, "
    "count(*) FROM calls WHERE started_at >= ? AND started_at < ? GROUP BY operator, outcome, a, d"
)
ADDITIONAL_REPORTS_SQL = (
    "SELECT count(*) FROM calls c WHERE c.started_at >= ? AND c.started_at < ? AND c.incident_id IS NOT NULL "
    "AND EXISTS (SELECT 1 FROM calls e WHERE e.incident_id = c.incident_id AND "
    "(e.started_at < c.started_at OR (e.started_at = c.started_at AND e.id < c.id)))"
)


def compute_stats(conn: sqlite3.Connection, from_ms: int, to_ms: int, zone: ZoneInfo = WITA) -> Stats:
    """All statistics of [from_ms, to_ms) read through `conn` (a connection of the calling thread)."""
    _check_zone(zone, from_ms, to_ms)
    st = Stats(from_ms=from_ms, to_ms=to_ms, zone=zone.key)
    rng = (from_ms, to_ms)
    # Calls per hour of day and per local day.
    hours: list[dict[str, int]] = [defaultdict(int) for _ in range(24)]
    days: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    local_of: dict[int, datetime] = {}
    for h, outcome, n in conn.execute(CALLS_BY_HOUR_SQL, rng):
        when = local_of.get(h)
        if when is None:
            when = local_of[h] = datetime.fromtimestamp(h * 3600, tz=UTC).astimezone(zone)
        key = outcome or NO_OUTCOME
        hours[when.hour][key] += n
        days[when.date().isoformat()][key] += n
    st.by_hour = [dict(h) for h in hours]
    st.by_day = [(d, dict(days[d])) for d in sorted(days)]
    # Outcomes, operators and duration histograms.
    outcomes: dict[str, int] = defaultdict(int)
    answer_all: dict[int, int] = defaultdict(int)
    handle_all: dict[int, int] = defaultdict(int)
    ops: dict[str, tuple[dict[str, int], dict[int, int], dict[int, int]]] = {}
    for operator, outcome, a, d, n in conn.execute(CALLS_BY_OPERATOR_SQL, rng):
        key = outcome or NO_OUTCOME
        outcomes[key] += n
        if a is not None:
            answer_all[a] += n
        if d is not None:
            handle_all[d] += n
        if operator is None:
            continue
        o_out, o_ans, o_hdl = ops.setdefault(operator, (defaultdict(int), defaultdict(int), defaultdict(int)))
        o_out[key] += n
        if a is not None:
            o_ans[a] += n
        if d is not None:
            o_hdl[d] += n
    st.outcomes = {k: outcomes[k] for k in OUTCOMES if outcomes.get(k)}
    st.calls_total = sum(outcomes.values())
    st.answer, st.handling = percentiles(answer_all), percentiles(handle_all)
    st.operators = [
        OperatorStats(name, sum(o.values()), dict(o), percentiles(a), percentiles(d))
        for name, (o, a, d) in sorted(ops.items())
    ]
    st.additional_reports = conn.execute(ADDITIONAL_REPORTS_SQL, rng).fetchone()[0]
    _incidents(conn, st, rng)
    _referrals(conn, st, rng)
    return st


def _incidents(conn: sqlite3.Connection, st: Stats, rng: tuple[int, int]) -> None:
    cats: dict[str, int] = defaultdict(int)
    prios: dict[str, int] = defaultdict(int)
    kec: dict[str | None, list[Any]] = {}
    for category, priority, code, name, n in IncidentRepository(conn).counts_in(*rng):
        cats[category or "other"] += n
        prios[priority or "-"] += n
        entry = kec.setdefault(code, [code, name, 0])
        entry[1] = entry[1] or name
        entry[2] += n
    st.incidents_total = sum(cats.values())
    st.incidents_by_category = dict(sorted(cats.items(), key=lambda kv: (-kv[1], kv[0])))
    st.incidents_by_priority = dict(sorted(prios.items()))
    st.incidents_by_kecamatan = sorted(
        ((c, nm, n) for c, nm, n in kec.values()), key=lambda t: (-t[2], t[1] or "~", t[0] or "~")
    )


def _referrals(conn: sqlite3.Connection, st: Stats, rng: tuple[int, int]) -> None:
    per: dict[str | None, tuple[AgencyStats, list[int], list[int], list[int]]] = {}
    for agency_id, name, kind, ack, scene, fb, closed, escalated, resent, reopened in ReferralRepository(
        conn
    ).period_rows(*rng):
        a, acks, scenes, fbs = per.setdefault(
            agency_id, (AgencyStats(agency_id, name or "?", kind), [], [], [])
        )
        a.referrals += 1
        a.closed += bool(closed)
        a.escalated += bool(escalated)
        a.resent += bool(resent)
        a.reopened += bool(reopened)
        for value, bucket in ((ack, acks), (scene, scenes), (fb, fbs)):
            if value is not None:
                bucket.append(max(value, 0) // 1000)
    out = []
    for a, acks, scenes, fbs in per.values():
        a.acknowledged, a.on_scene, a.feedback = len(acks), len(scenes), len(fbs)
        a.ack, a.arrive, a.feedback_time = percentiles_of(acks), percentiles_of(scenes), percentiles_of(fbs)
        out.append(a)
    st.agencies = sorted(out, key=lambda a: (-a.referrals, a.name))


class StatsService:
    """Statistics over the desk's store; safe to call from a worker thread (own read connection)."""

    def __init__(self, store: Store, zone: ZoneInfo = WITA) -> None:
        self.store = store
        self.zone = zone

    def compute(self, from_ms: int, to_ms: int) -> Stats:
        return compute_stats(self.store.reader(), from_ms, to_ms, self.zone)

    def compute_days(self, first: date, last: date) -> Stats:
        return self.compute(*day_bounds(first, last, self.zone))
