"""Statistics against counts computed independently (plain Python over SQL rows), demo and edge cases."""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from datetime import UTC, date, datetime

import pytest

from operator_desk.domain.location import Location
from operator_desk.domain.timeutil import WITA
from operator_desk.services.agencies import AgencyService
from operator_desk.services.calls import CallService
from operator_desk.services.demo import generate_demo
from operator_desk.services.incidents import IncidentService
from operator_desk.services.referrals import ReferralService
from operator_desk.services.stats import StatsService, day_bounds, nearest_rank
from operator_desk.store.store import Store

MIN = 60_000


def utc_ms(*args: int) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp() * 1000)


def pct(values: list[int], p: float) -> int | None:
    """Nearest-rank percentile, written out independently of the service."""
    if not values:
        return None
    s = sorted(values)
    return s[max(1, math.ceil(p * len(s))) - 1]


def independent(store: Store, from_ms: int, to_ms: int) -> dict:
    calls = [dict(r) for r in store.query("SELECT * FROM calls")]
    calls = [c for c in calls if from_ms <= c["started_at"] < to_ms]
    out: dict = {"outcomes": Counter(c["outcome"] or "open" for c in calls)}
    out["by_day"] = defaultdict(Counter)
    out["by_hour"] = defaultdict(Counter)
    for c in calls:
        when = datetime.fromtimestamp(c["started_at"] / 1000, tz=WITA)
        out["by_day"][when.date().isoformat()][c["outcome"] or "open"] += 1
        out["by_hour"][when.hour][c["outcome"] or "open"] += 1
    answered = [c for c in calls if c["answered_at"] is not None]
    out["answer"] = [max(0, c["answered_at"] - c["started_at"]) // 1000 for c in answered]
    out["handling"] = [
        max(0, c["ended_at"] - c["answered_at"]) // 1000 for c in answered if c["ended_at"] is not None
    ]
    per_op: dict = defaultdict(list)
    for c in answered:
        if c["operator"]:
            per_op[c["operator"]].append(max(0, c["answered_at"] - c["started_at"]) // 1000)
    out["per_operator_answer"] = per_op
    incidents = [dict(r) for r in store.query("SELECT * FROM incidents")]
    incidents = [i for i in incidents if from_ms <= i["created_at"] < to_ms]
    out["categories"] = Counter(i["category"] for i in incidents)
    out["kecamatan"] = Counter((json.loads(i["location"]) or {}).get("kecamatan_code") for i in incidents)
    refs = [
        dict(r)
        for r in store.query("SELECT r.*, a.name FROM referrals r JOIN agencies a ON a.id=r.agency_id")
    ]
    refs = [r for r in refs if from_ms <= r["sent_at"] < to_ms]
    out["referrals"] = Counter(r["name"] for r in refs)
    out["ack"] = defaultdict(list)
    for r in refs:
        if r["acknowledged_at"] is not None:
            out["ack"][r["name"]].append((r["acknowledged_at"] - r["sent_at"]) // 1000)
    first_call: dict = {}
    every_call = sorted(
        (dict(r) for r in store.query("SELECT * FROM calls")), key=lambda c: (c["started_at"], c["id"])
    )
    for c in every_call:
        if c["incident_id"]:
            first_call.setdefault(c["incident_id"], c["id"])
    out["additional"] = sum(1 for c in calls if c["incident_id"] and first_call[c["incident_id"]] != c["id"])
    return out


def check_equal(store: Store, first: date, last: date) -> None:
    from_ms, to_ms = day_bounds(first, last)
    st = StatsService(store).compute(from_ms, to_ms)
    ind = independent(store, from_ms, to_ms)
    assert st.outcomes == {k: v for k, v in ind["outcomes"].items() if v}
    assert st.calls_total == sum(ind["outcomes"].values())
    assert dict(st.by_day) == {d: dict(c) for d, c in ind["by_day"].items()}
    assert {h: c for h, c in enumerate(st.by_hour) if c} == {h: dict(c) for h, c in ind["by_hour"].items()}
    assert (st.answer.n, st.answer.median_s, st.answer.p90_s) == (
        len(ind["answer"]),
        pct(ind["answer"], 0.5),
        pct(ind["answer"], 0.9),
    )
    assert (st.handling.median_s, st.handling.p90_s) == (pct(ind["handling"], 0.5), pct(ind["handling"], 0.9))
    assert {o.operator: o.answer.median_s for o in st.operators} == {
        op: pct(v, 0.5) for op, v in ind["per_operator_answer"].items()
    }
    assert st.incidents_by_category == dict(ind["categories"])
    assert {code: n for code, _, n in st.incidents_by_kecamatan} == dict(ind["kecamatan"])
    assert {a.name: a.referrals for a in st.agencies} == dict(ind["referrals"])
    assert {a.name: a.ack.p90_s for a in st.agencies} == {
        n: pct(ind["ack"][n], 0.9) for n in ind["referrals"]
    }
    assert st.additional_reports == ind["additional"]


def test_nearest_rank() -> None:
    assert nearest_rank([], 0.5) is None
    assert nearest_rank([(7, 1)], 0.9) == 7
    assert nearest_rank([(1, 1), (2, 1), (3, 1), (4, 1)], 0.5) == 2
    assert nearest_rank([(1, 9), (100, 1)], 0.9) == 1
    assert nearest_rank([(1, 9), (100, 2)], 0.9) == 100


def test_demo_data_matches_independent_counts(store: Store, clock) -> None:  # type: ignore[no-untyped-def]
    clock.ms = utc_ms(2026, 11, 28, 4, 0)
    generate_demo(store, calls=600, days=6, seed=11, end_ms=clock.ms)
    check_equal(store, date(2026, 11, 22), date(2026, 11, 28))
    check_equal(store, date(2026, 11, 24), date(2026, 11, 25))  # a part of the range


def _call(
    store: Store, clock, at: int, number: str, outcome: str, wait: int = 4000, talk: int = 30_000
) -> str:  # type: ignore[no-untyped-def]
    calls = CallService(store)
    clock.ms = at
    cid = calls.ring(number)
    if outcome == "abandoned":
        clock.advance(wait)
        calls.abandon(cid)
        return cid
    clock.advance(wait)
    calls.answer(cid)
    clock.advance(talk)
    if outcome != "emergency":
        calls.close(cid, outcome)
    return cid


def test_midnight_in_wita_is_not_midnight_in_utc(store: Store, clock) -> None:  # type: ignore[no-untyped-def]
    last_of_27 = utc_ms(2026, 11, 27, 15, 59, 59) + 999  # 23:59:59.999 WITA on the 27th
    first_of_28 = utc_ms(2026, 11, 27, 16, 0, 0)  # 00:00 WITA on the 28th (still the 27th in UTC)
    _call(store, clock, last_of_27 - 5000, "081234567001", "ghost")
    _call(store, clock, last_of_27, "081234567002", "prank")
    _call(store, clock, first_of_28, "081234567003", "information")
    _call(
        store, clock, utc_ms(2026, 11, 28, 15, 59, 59), "081234567004", "ghost"
    )  # 23:59:59 WITA on the 28th
    _call(store, clock, utc_ms(2026, 11, 28, 16, 0, 0), "081234567005", "test")  # the 29th in WITA
    st = StatsService(store).compute_days(date(2026, 11, 28), date(2026, 11, 28))
    assert st.outcomes == {"information": 1, "ghost": 1}
    assert [d for d, _ in st.by_day] == ["2026-11-28"]
    assert st.by_hour[0] == {"information": 1} and st.by_hour[23] == {"ghost": 1}
    both = StatsService(store).compute_days(date(2026, 11, 27), date(2026, 11, 28))
    assert dict(both.by_day)["2026-11-27"] == {"ghost": 1, "prank": 1}
    check_equal(store, date(2026, 11, 27), date(2026, 11, 29))


def test_calls_attached_to_another_incident_and_reopened_referrals(store: Store, clock) -> None:  # type: ignore[no-untyped-def]
    AgencyService(store).ensure_defaults()
    damkar = next(a for a in AgencyService(store).all() if a["kind"] == "fire")
    incidents, refs = IncidentService(store), ReferralService(store)
    loc = Location(
        address="Pasar Martapura", kecamatan_code="63.03.05", kecamatan_name="Martapura", confirmed=True
    )
    # A fire reported at 23:50 WITA on the 27th; two more calls about it after midnight (the 28th).
    c1 = _call(store, clock, utc_ms(2026, 11, 27, 15, 50), "081300000001", "emergency")
    inc = incidents.create({"category": "fire", "priority": "P1", "location": loc}, call_id=c1)
    CallService(store).close(c1, "emergency", incident_id=inc)
    rid = refs.refer(inc, damkar["id"])
    sent = clock.ms
    for t, num in (
        (utc_ms(2026, 11, 27, 16, 5), "081300000002"),
        (utc_ms(2026, 11, 27, 16, 9), "081300000003"),
    ):
        c = _call(store, clock, t, num, "emergency")
        incidents.attach_call(c, inc)
    clock.ms = sent + 4 * MIN
    refs.step(rid, "acknowledged")
    refs.step(rid, "feedback", "padam")
    refs.step(rid, "closed")
    clock.advance(10 * MIN)
    refs.reopen(rid, "menyala lagi")
    clock.advance(20 * MIN)
    refs.step(rid, "feedback", "padam total")
    feedback_at = clock.ms
    day28 = StatsService(store).compute_days(date(2026, 11, 28), date(2026, 11, 28))
    assert day28.outcomes == {"emergency": 2}
    assert day28.additional_reports == 2  # both attached to the fire of the 27th
    assert day28.incidents_total == 0 and day28.agencies == []
    day27 = StatsService(store).compute_days(date(2026, 11, 27), date(2026, 11, 27))
    assert day27.incidents_total == 1 and day27.additional_reports == 0
    assert day27.incidents_by_kecamatan == [("63.03.05", "Martapura", 1)]
    (a,) = day27.agencies
    assert (a.referrals, a.reopened, a.feedback, a.closed) == (1, 1, 1, 0)  # counted once, open again
    assert a.feedback_time.median_s == (feedback_at - sent) // 1000
    assert a.ack.median_s == 240
    check_equal(store, date(2026, 11, 27), date(2026, 11, 28))


def test_period_must_not_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        day_bounds(date(2026, 11, 2), date(2026, 11, 1))
    assert day_bounds(date(2026, 11, 28), date(2026, 11, 28)) == (
        utc_ms(2026, 11, 27, 16),
        utc_ms(2026, 11, 28, 16),
    )
