"""IncidentLifecycle: every path that moves or closes an incident leaves the same rows (real store)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from operator_desk.domain.errors import DomainError
from operator_desk.domain.location import Location
from operator_desk.domain.records import BoardRow, Incident, Referral, StatusEvent
from operator_desk.domain.rules import (
    OVERRIDE_CLOSE,
    REOPEN,
    check_reopen,
    may,
    plan_close,
    reopen_target,
)
from operator_desk.services.agencies import AgencyService
from operator_desk.services.demo import generate_demo
from operator_desk.services.incidents import IncidentService
from operator_desk.services.lifecycle import IncidentLifecycle
from operator_desk.services.referrals import ReferralService
from operator_desk.store.store import Store

MIN = 60_000


def make_supervisor(store: Store, name: str) -> None:
    store.write(lambda tx: tx.insert_record("operators", {"name": name, "role": "supervisor", "active": 1}))


def agency_id(store: Store, kind: str) -> str:
    return str(next(a["id"] for a in AgencyService(store).all() if a["kind"] == kind))


@pytest.fixture
def parts(store: Store) -> dict[str, Any]:
    AgencyService(store).ensure_defaults()
    life = IncidentLifecycle(store)
    return {
        "life": life,
        "incidents": IncidentService(store, lifecycle=life),
        "referrals": ReferralService(store, lifecycle=life),
    }


def fire(parts: dict[str, Any]) -> str:
    loc = Location(
        address="Jl. A. Yani km 39", kecamatan_code="63.03.05", kecamatan_name="Martapura", confirmed=True
    )
    return str(parts["incidents"].create({"category": "fire", "priority": "P1", "location": loc}))


def ready_to_close(store: Store, parts: dict[str, Any], clock: Any) -> str:
    """An incident on scene with two agencies' feedback in (one reached through an escalation)."""
    refs = parts["referrals"]
    inc = fire(parts)
    clock.advance(MIN)
    damkar = refs.refer(inc, agency_id(store, "fire"))
    police = refs.refer(inc, agency_id(store, "police"))
    clock.advance(MIN)
    satpol = refs.escalate(police, agency_id(store, "public_order"), "Polres tidak menjawab")
    refs.step(damkar, "on_scene")
    clock.advance(MIN)
    refs.step(damkar, "feedback", "api padam")
    refs.step(satpol, "feedback", "jalan dijaga")
    clock.advance(MIN)
    return inc


def closing_state(store: Store, inc: str) -> dict[str, Any]:
    """What a close leaves behind, without ids and clocks: comparable between paths."""
    row = store.query("SELECT status, disposition FROM incidents WHERE id=?", (inc,))[0]
    closed_events = store.query(
        "SELECT status_from, operator FROM status_events WHERE incident_id=? AND status_to='closed'", (inc,)
    )
    refs = store.query(
        "SELECT id, status, escalated_to FROM referrals WHERE incident_id=? ORDER BY sent_at, id", (inc,)
    )
    closed_with = store.query(
        "SELECT count(*) FROM referral_events e JOIN referrals r ON r.id = e.referral_id "
        "WHERE r.incident_id=? AND e.step='closed' AND e.detail='incident_closed'",
        (inc,),
    )[0][0]
    audits = [
        (a["action"], {k: v for k, v in json.loads(a["detail"]).items() if k != "reason"})
        for a in store.query(
            "SELECT action, detail FROM audit WHERE tbl='incidents' AND pk=? AND action LIKE 'incident_%' "
            "AND json_extract(detail, '$.to')='closed'",
            (inc,),
        )
    ]
    outbox_status = store.query(
        "SELECT value FROM outbox WHERE tbl='incidents' AND pk=? AND col='status' ORDER BY site_seq DESC LIMIT 1",
        (inc,),
    )
    return {
        "status": (row["status"], row["disposition"]),
        "closed_events": [tuple(e) for e in closed_events],
        "referrals": [(r["status"], r["escalated_to"] is not None) for r in refs],
        "referrals_closed_with_incident": closed_with,
        "audit": audits,
        "synced_status": json.loads(outbox_status[0]["value"]),
    }


CLOSE_PATHS: dict[str, Callable[[dict[str, Any], str], None]] = {
    "IncidentService.advance(closed)": lambda p, inc: p["incidents"].advance(
        inc, "closed", disposition="Api padam"
    ),
    "IncidentService.close": lambda p, inc: p["incidents"].close(inc, "Api padam"),
    "ReferralService.close_incident": lambda p, inc: p["referrals"].close_incident(inc, "Api padam"),
    "IncidentLifecycle.close": lambda p, inc: p["life"].close(inc, "Api padam"),
    # an operator typed a reason although every agency reported: an ordinary close, no override needed
    "close_incident with an unneeded reason": lambda p, inc: p["referrals"].close_incident(
        inc, "Api padam", "x"
    ),
}


def test_every_path_that_closes_leaves_the_same_state(
    store: Store, clock: Any, parts: dict[str, Any]
) -> None:
    states = {}
    for name, close in CLOSE_PATHS.items():
        inc = ready_to_close(store, parts, clock)
        close(parts, inc)
        states[name] = closing_state(store, inc)
    first = next(iter(states.values()))
    assert first == {
        "status": ("closed", "Api padam"),
        "closed_events": [("on_scene", "tester")],  # exactly one status event
        # damkar and the escalation target closed with the incident; the escalated one was closed before
        "referrals": [("closed", False), ("closed", True), ("closed", False)],
        "referrals_closed_with_incident": 2,
        "audit": [
            (
                "incident_status",
                {"from": "on_scene", "to": "closed", "disposition": "Api padam", "referrals_closed": 2},
            )
        ],
        "synced_status": "closed",
    }
    for name, state in states.items():
        assert state == first, name
    assert all(not r.incident_id or r.status != "closed" for r in parts["referrals"].open_board())
    assert parts["referrals"].open_board() == []  # the board is empty whichever path closed


def test_override_closes_open_referrals_too_and_only_for_a_supervisor(
    store: Store, clock: Any, parts: dict[str, Any]
) -> None:
    refs = parts["referrals"]
    inc = fire(parts)
    rid = refs.refer(inc, agency_id(store, "fire"))  # no feedback: only an override closes it
    with pytest.raises(DomainError) as no_feedback:
        parts["incidents"].advance(inc, "closed", disposition="Api padam")
    assert no_feedback.value.code == "feedback_required"
    with pytest.raises(DomainError) as operator:
        parts["life"].override_close(inc, "Api padam", "radio mati")
    assert operator.value.code == "supervisor_required"
    with pytest.raises(DomainError) as operator_board:
        refs.close_incident(inc, "Api padam", "radio mati")
    assert operator_board.value.code == "supervisor_required"
    assert store.query("SELECT status FROM incidents WHERE id=?", (inc,))[0][0] == "referred"
    make_supervisor(store, "tester")
    with pytest.raises(DomainError) as blank:
        parts["life"].override_close(inc, "Api padam", "   ")
    assert blank.value.code == "override_reason_required"
    parts["life"].override_close(inc, "Api padam", "radio mati")
    state = closing_state(store, inc)
    assert state["status"] == ("closed", "Api padam")
    assert state["closed_events"] == [("referred", "tester")]
    assert state["referrals"] == [("closed", False)] and state["referrals_closed_with_incident"] == 1
    assert [a for a, _ in state["audit"]] == ["incident_close_override"]
    detail = json.loads(
        store.query("SELECT detail FROM audit WHERE pk=? ORDER BY seq DESC LIMIT 1", (inc,))[0][0]
    )
    assert detail["reason"] == "radio mati"
    assert refs.get(rid)["status"] == "closed" and refs.open_board() == []


def test_explicit_override_needs_a_supervisor_even_when_feedback_is_in(
    store: Store, clock: Any, parts: dict[str, Any]
) -> None:
    inc = ready_to_close(store, parts, clock)
    with pytest.raises(DomainError) as e:
        parts["life"].override_close(inc, "Api padam", "langsung")
    assert e.value.code == "supervisor_required"
    make_supervisor(store, "tester")
    parts["life"].override_close(inc, "Api padam", "langsung")
    assert [a for a, _ in closing_state(store, inc)["audit"]] == ["incident_close_override"]


def test_forward_moves_are_allowed_backward_and_unknown_ones_refused(
    store: Store, clock: Any, parts: dict[str, Any]
) -> None:
    incidents = parts["incidents"]
    inc = fire(parts)
    incidents.advance(inc, "on_scene")
    incidents.advance(inc, "on_scene")  # staying put: allowed, nothing written
    with pytest.raises(DomainError) as back:
        incidents.advance(inc, "referred")
    assert back.value.code == "status_backwards"
    with pytest.raises(DomainError) as unknown:
        incidents.advance(inc, "dispatched")
    assert unknown.value.code == "unknown_status"
    with pytest.raises(DomainError) as missing:
        incidents.advance("no-such-incident", "resolved")
    assert missing.value.code == "not_found"
    incidents.resolve(inc)
    events = [(e.status_from, e.status_to) for e in _events(store, inc)]
    assert events == [(None, "new"), ("new", "on_scene"), ("on_scene", "resolved")]
    actions = [r[0] for r in store.query("SELECT action FROM audit WHERE pk=? ORDER BY seq", (inc,))]
    assert actions == ["incident_create", "incident_status", "incident_status"]  # one audit row per move


def test_referral_steps_pull_the_incident_forward_never_back(
    store: Store, clock: Any, parts: dict[str, Any]
) -> None:
    refs = parts["referrals"]
    inc = fire(parts)
    first = refs.refer(inc, agency_id(store, "fire"))
    assert parts["incidents"].get(inc).status == "referred"
    refs.step(first, "on_scene")
    assert parts["incidents"].get(inc).status == "on_scene"
    parts["incidents"].resolve(inc)
    second = refs.refer(inc, agency_id(store, "ambulance"))  # a late second agency
    refs.step(second, "on_scene")
    assert parts["incidents"].get(inc).status == "resolved"  # not pulled back to referred / on scene
    assert [e.status_to for e in _events(store, inc)] == ["new", "referred", "on_scene", "resolved"]


def test_reopen_is_for_a_supervisor_with_a_reason_and_goes_back_to_the_last_open_status(
    store: Store, clock: Any, parts: dict[str, Any]
) -> None:
    life, refs = parts["life"], parts["referrals"]
    inc = ready_to_close(store, parts, clock)
    with pytest.raises(DomainError) as still_open:
        life.reopen(inc, "api menyala lagi")
    assert still_open.value.code == "incident_open"
    refs.close_incident(inc, "Api padam")
    with pytest.raises(DomainError) as operator:
        life.reopen(inc, "api menyala lagi")
    assert operator.value.code == "supervisor_required"
    make_supervisor(store, "tester")
    with pytest.raises(DomainError) as no_reason:
        life.reopen(inc, "  ")
    assert no_reason.value.code == "reopen_reason_required"
    clock.advance(MIN)
    assert parts["incidents"].reopen(inc, "api menyala lagi") == "on_scene"
    assert parts["incidents"].get(inc).status == "on_scene"
    last = _events(store, inc)[-1]
    assert (last.status_from, last.status_to, last.at) == ("closed", "on_scene", clock.ms)
    audit = store.query("SELECT action, detail FROM audit WHERE pk=? ORDER BY seq DESC LIMIT 1", (inc,))[0]
    assert (
        audit["action"] == "incident_reopen" and json.loads(audit["detail"])["reason"] == "api menyala lagi"
    )
    # back to work: an agency can be asked again and the incident closed again by the same rules
    again = refs.refer(inc, agency_id(store, "fire"))
    with pytest.raises(DomainError) as feedback:
        refs.close_incident(inc, "Api padam total")
    assert feedback.value.code == "feedback_required"
    refs.step(again, "feedback", "padam total")
    refs.close_incident(inc, "Api padam total")
    assert [e.status_to for e in _events(store, inc)].count("closed") == 2


def test_a_conflict_on_status_resolves_through_the_lifecycle(
    store: Store, clock: Any, parts: dict[str, Any]
) -> None:
    """Taking the older value of a status conflict is a status move: backwards is refused."""
    from operator_desk.services.conflicts import TAKE_OLDER, ConflictService

    inc = fire(parts)
    parts["incidents"].advance(inc, "on_scene")
    make_supervisor(store, "tester")

    def conflict(older: str) -> str:
        return str(
            store.write(
                lambda tx: tx.insert_record(
                    "conflicts",
                    {
                        "tbl": "incidents",
                        "pk": inc,
                        "col": "status",
                        "local_value": json.dumps(older),
                        "remote_value": json.dumps("on_scene"),
                        "detected_at": tx.now_ms(),
                    },
                )
            )
        )

    svc = ConflictService(store, lifecycle=parts["life"])
    with pytest.raises(DomainError) as back:
        svc.resolve(conflict("new"), TAKE_OLDER)
    assert back.value.code == "status_backwards"
    svc.resolve(conflict("resolved"), TAKE_OLDER)
    assert parts["incidents"].get(inc).status == "resolved"
    assert _events(store, inc)[-1].status_to == "resolved"


def test_demo_incidents_are_moved_by_the_lifecycle(store: Store, clock: Any) -> None:
    counts = generate_demo(store, calls=300, days=4, seed=7, end_ms=clock.ms)
    assert counts["incidents"] > 5
    rows = store.query(
        "SELECT i.id, i.status, i.disposition, "
        "(SELECT count(*) FROM status_events e WHERE e.incident_id=i.id AND e.status_to=i.status) AS events, "
        "(SELECT count(*) FROM status_events e WHERE e.incident_id=i.id) AS all_events, "
        "(SELECT count(*) FROM referrals r WHERE r.incident_id=i.id AND r.status != 'closed') AS open_refs, "
        "(SELECT count(*) FROM audit a WHERE a.pk=i.id AND json_extract(a.detail, '$.to')=i.status) AS audits "
        "FROM incidents i"
    )
    closed = [r for r in rows if r["status"] == "closed"]
    assert closed, "a 4-day demo has incidents older than a day, closed"
    for r in closed:
        assert (r["disposition"], r["events"], r["open_refs"], r["audits"]) == ("handled", 1, 0, 1)
    for r in rows:
        assert r["all_events"] == (1 if r["status"] == "new" else 2)


def test_records_are_typed_and_read_like_the_former_rows(
    store: Store, clock: Any, parts: dict[str, Any]
) -> None:
    inc_id = fire(parts)
    rid = parts["referrals"].refer(inc_id, agency_id(store, "fire"))
    inc = parts["incidents"].get(inc_id)
    assert isinstance(inc, Incident) and isinstance(inc.location, Location)
    assert inc["number"] == inc.number and inc.get("nope", 1) == 1 and dict(inc)["status"] == "referred"
    with pytest.raises(KeyError):
        inc["nope"]
    row = parts["referrals"].board.open_rows()[0]
    assert isinstance(row, BoardRow) and row.id == rid
    assert (row.incident_number, row.kecamatan_code, row.agency_kind, row.ack_minutes) == (
        inc.number,
        "63.03.05",
        "fire",
        5,
    )
    assert parts["referrals"].get(rid) == row and parts["referrals"].for_incident(inc_id) == [row]
    clock.advance(8 * MIN)
    (late,) = parts["referrals"].board.overdue(clock.ms)
    assert late.id == rid and late["level"] == "red" and "acknowledged" in late.timers


# -- the pure rules, both sides -------------------------------------------------------------------------
def _ref(
    rid: str, status: str = "sent", feedback_at: int | None = None, escalated_to: str | None = None
) -> Referral:
    return Referral(
        id=rid, incident_id="i", status=status, feedback_at=feedback_at, escalated_to=escalated_to
    )


def test_policy_supervisor_only() -> None:
    assert may("supervisor", OVERRIDE_CLOSE) and may("supervisor", REOPEN)
    assert not may("operator", OVERRIDE_CLOSE) and not may(None, REOPEN) and not may("supervisor", "unknown")


def test_plan_close_both_sides() -> None:
    done = [_ref("a", "feedback", 1), _ref("b", "closed", None, escalated_to="c"), _ref("c", "feedback", 2)]
    plan = plan_close("on_scene", "ok", done, None, None)
    assert (plan.close_referrals, plan.override) == (("a", "c"), False)
    waiting = [_ref("a", "acknowledged")]
    for args, code in (
        (("closed", "ok", done, None, None), "incident_closed"),
        (("on_scene", " ", done, None, None), "disposition_required"),
        (("on_scene", "ok", waiting, None, "supervisor"), "feedback_required"),
        (("new", "ok", [], None, "supervisor"), "feedback_required"),
        (("on_scene", "ok", waiting, "", "supervisor"), "override_reason_required"),
        (("on_scene", "ok", waiting, "radio", "operator"), "supervisor_required"),
    ):
        with pytest.raises(DomainError) as e:
            plan_close(*args)
        assert e.value.code == code
    over = plan_close("on_scene", "ok", waiting, "radio", "supervisor")
    assert (over.close_referrals, over.override) == (("a",), True)


def test_reopen_rules_both_sides() -> None:
    check_reopen("closed", "why", "supervisor")
    check_reopen("resolved", "why", "supervisor")
    for status, reason, role, code in (
        ("on_scene", "why", "supervisor", "incident_open"),
        ("closed", "", "supervisor", "reopen_reason_required"),
        ("closed", "why", "operator", "supervisor_required"),
    ):
        with pytest.raises(DomainError) as e:
            check_reopen(status, reason, role)
        assert e.value.code == code
    history = [
        StatusEvent("1", "i", None, "new", 1),
        StatusEvent("2", "i", "new", "referred", 2),
        StatusEvent("3", "i", "referred", "resolved", 3),
        StatusEvent("4", "i", "resolved", "closed", 4),
    ]
    assert reopen_target(history) == "referred"
    assert reopen_target([]) == "new"


def test_status_events_are_written_in_one_place_only() -> None:
    """Every path appends its status event through store.repositories.append_status_event."""
    root = Path(__file__).resolve().parents[3] / "operator_desk"
    writers = sorted(
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if '"status_events"' in p.read_text(encoding="utf-8")
        or "'status_events'" in p.read_text(encoding="utf-8")
    )
    assert set(writers) <= {"store/repositories.py", "store/schema.py", "domain/tables.py"}, writers


def _events(store: Store, inc: str) -> list[StatusEvent]:
    from operator_desk.store.repositories import IncidentRepository

    return IncidentRepository(store.reader()).status_events(inc)


def test_records_match_the_table_declarations() -> None:
    """The typed records carry exactly the declared columns (domain/tables.py) plus the id."""
    from dataclasses import fields

    from operator_desk.domain.records import IncidentNote
    from operator_desk.domain.tables import TABLE

    for record, table in (
        (Incident, "incidents"),
        (Referral, "referrals"),
        (StatusEvent, "status_events"),
        (IncidentNote, "incident_notes"),
    ):
        assert [f.name for f in fields(record)] == ["id", *(c.name for c in TABLE[table].columns)], table


def test_only_the_lifecycle_writes_a_status(store: Store, parts: dict[str, Any]) -> None:
    from operator_desk.store.repositories import update_incident

    inc = fire(parts)
    with pytest.raises(KeyError):
        store.write(lambda tx: update_incident(tx, inc, {"status": "closed", "disposition": "x"}))
    assert parts["incidents"].get(inc).status == "new" and parts["incidents"].get(inc).disposition is None
    assert parts["incidents"].update(inc, {"status": "closed"}) == {}  # not an editable field
