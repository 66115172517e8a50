"""ReferralService and AgencyService over a real store with a fake clock."""

from __future__ import annotations

import pytest

from operator_desk.domain.errors import DomainError, ValidationError
from operator_desk.domain.location import Location
from operator_desk.services.agencies import BANJAR_DEFAULTS, AgencyService
from operator_desk.services.incidents import IncidentService
from operator_desk.services.referrals import AMBER, OK, RED, ReferralService, step_timers
from operator_desk.store.store import Store

MIN = 60_000


def make_incident(store: Store, category: str = "fire", kec: str = "63.03.05") -> str:
    loc = Location(
        address="Jl. A. Yani km 39", kecamatan_code=kec, kecamatan_name="Martapura", confirmed=True
    )
    return IncidentService(store).create({"category": category, "priority": "P1", "location": loc})


def agency(store: Store, name: str) -> dict:
    return next(a for a in AgencyService(store).all() if a["name"] == name)


def make_supervisor(store: Store, name: str = "sup") -> None:
    store.write(lambda tx: tx.insert_record("operators", {"name": name, "role": "supervisor", "active": 1}))


@pytest.fixture
def svc(store: Store) -> ReferralService:
    AgencyService(store).ensure_defaults()
    return ReferralService(store)


def test_defaults_have_names_and_kinds_but_no_invented_contacts(store: Store) -> None:
    agencies = AgencyService(store)
    assert agencies.ensure_defaults() == len(BANJAR_DEFAULTS)
    assert agencies.ensure_defaults() == 0
    rows = agencies.all()
    assert {a["name"] for a in rows} == {d[0] for d in BANJAR_DEFAULTS}
    assert all(a["phone"] is None and a["radio"] is None and a["whatsapp"] is None for a in rows)
    assert agencies.suggest("fire", "63.03.05")[0]["name"] == "Damkar Kabupaten Banjar"


def test_agency_editing_needs_a_supervisor_and_valid_fields(store: Store) -> None:
    agencies = AgencyService(store)
    agencies.ensure_defaults()
    damkar = agency(store, "Damkar Kabupaten Banjar")
    with pytest.raises(DomainError) as err:
        agencies.save(damkar["id"], {"phone": "0511 4721234"})
    assert err.value.code == "supervisor_required"
    make_supervisor(store, "tester")
    assert agencies.can_edit()
    with pytest.raises(ValidationError) as bad:
        agencies.save(damkar["id"], {"phone": "abc", "ack_minutes": -3})
    assert bad.value.problems == {"phone": "invalid_phone", "ack_minutes": "out_of_range"}
    agencies.save(damkar["id"], {"phone": "0511 4721234", "kecamatan_codes": ["63.03.05"], "ack_minutes": 4})
    saved = agencies.get(damkar["id"])
    assert (saved["phone"], saved["kecamatan_codes"], saved["ack_minutes"]) == (
        "+625114721234",
        ["63.03.05"],
        4,
    )
    new = agencies.save(
        None, {"name": " Polsek  Martapura ", "kind": "police", "categories": ["crime_security"]}
    )
    assert agencies.get(new)["name"] == "Polsek Martapura"
    # A police station covering only Martapura comes first there, after the kabupaten-wide one elsewhere.
    agencies.save(new, {"kecamatan_codes": ["63.03.05"]})
    assert agencies.suggest("crime_security", "63.03.05")[0]["id"] == new
    assert agencies.suggest("crime_security", "63.03.01")[0]["name"] == "Polres Banjar"
    agencies.set_active(new, False)
    assert new not in {a["id"] for a in agencies.all()}
    assert new in {a["id"] for a in agencies.catalogue()}


def test_all_steps_record_who_and_when(store: Store, svc: ReferralService, clock) -> None:  # type: ignore[no-untyped-def]
    inc = make_incident(store)
    rid = svc.refer(inc, agency(store, "Damkar Kabupaten Banjar")["id"])
    times = {"sent": clock.ms}
    for step in ("acknowledged", "on_scene", "feedback", "closed"):
        clock.advance(3 * MIN)
        svc.step(rid, step, "Api padam, 1 rumah rusak" if step == "feedback" else None)
        times[step] = clock.ms
    row = svc.get(rid)
    assert (
        row["sent_at"],
        row["acknowledged_at"],
        row["on_scene_at"],
        row["feedback_at"],
        row["closed_at"],
    ) == (times["sent"], times["acknowledged"], times["on_scene"], times["feedback"], times["closed"])
    assert row["feedback"] == "Api padam, 1 rumah rusak"
    events = svc.events(rid)
    assert [(e["step"], e["at"], e["operator"]) for e in events] == [
        (s, times[s], "tester") for s in ("sent", "acknowledged", "on_scene", "feedback", "closed")
    ]
    assert IncidentService(store).get(inc)["status"] == "on_scene"
    assert svc.open_board() == []


def test_steps_never_go_back_nor_repeat_and_close_needs_feedback(store: Store, svc: ReferralService) -> None:
    rid = svc.refer(make_incident(store), agency(store, "Polres Banjar")["id"])
    with pytest.raises(DomainError) as e1:
        svc.step(rid, "closed")
    assert e1.value.code == "feedback_required"
    svc.step(rid, "on_scene")
    with pytest.raises(DomainError) as e2:
        svc.step(rid, "acknowledged")
    assert e2.value.code == "step_backwards"
    with pytest.raises(DomainError) as e3:
        svc.step(rid, "on_scene")
    assert e3.value.code == "step_done"
    with pytest.raises(DomainError) as e4:
        svc.step(rid, "dispatched")
    assert e4.value.code == "unknown_step"


def test_timers_turn_amber_then_red_and_resend_restarts_the_ack_timer(
    store: Store,
    svc: ReferralService,
    clock,  # type: ignore[no-untyped-def]
) -> None:
    damkar = agency(store, "Damkar Kabupaten Banjar")  # ack 5 min, arrive 15 min
    rid = svc.refer(make_incident(store), damkar["id"])
    row = svc.get(rid)
    assert step_timers(row, clock.ms + 4 * MIN)["acknowledged"].level == OK
    assert step_timers(row, clock.ms + 5 * MIN)["acknowledged"].level == AMBER
    assert step_timers(row, clock.ms + int(7.5 * MIN))["acknowledged"].level == RED
    assert step_timers(row, clock.ms + 15 * MIN)["on_scene"].level == AMBER
    clock.advance(8 * MIN)
    assert [r["id"] for r in svc.overdue(clock.ms)] == [rid]
    svc.resend(rid)
    row = svc.get(rid)
    assert row["resend_count"] == 1 and row["sent_at"] == clock.ms - 8 * MIN
    assert step_timers(row, clock.ms)["acknowledged"].level == OK
    svc.step(rid, "acknowledged")
    assert "acknowledged" not in step_timers(svc.get(rid), clock.ms + 60 * MIN)


def test_escalation_closes_the_old_referral_and_follows_the_new_agency(
    store: Store, svc: ReferralService
) -> None:
    inc = make_incident(store, "crime_security")
    rid = svc.refer(inc, agency(store, "Polres Banjar")["id"])
    with pytest.raises(DomainError):
        svc.escalate(rid, agency(store, "Polres Banjar")["id"])
    new = svc.escalate(rid, agency(store, "Satpol PP Kabupaten Banjar")["id"], "Polres tidak menjawab")
    old = svc.get(rid)
    assert old["status"] == "closed" and old["escalated_to"] == new
    assert [r["id"] for r in svc.open_board()] == [new]
    assert svc.events(rid)[-1]["step"] == "escalated"


def test_closing_the_incident_needs_disposition_and_feedback_or_supervisor_override(
    store: Store, svc: ReferralService
) -> None:
    inc = make_incident(store)
    rid = svc.refer(inc, agency(store, "Damkar Kabupaten Banjar")["id"])
    with pytest.raises(DomainError) as e:
        svc.close_incident(inc, "")
    assert e.value.code == "disposition_required"
    with pytest.raises(DomainError) as e:
        svc.close_incident(inc, "Api padam")
    assert e.value.code == "feedback_required"
    with pytest.raises(DomainError) as e:
        svc.close_incident(inc, "Api padam", override_reason="radio mati")
    assert e.value.code == "supervisor_required"
    svc.step(rid, "feedback", "selesai")
    svc.close_incident(inc, "Api padam")
    assert IncidentService(store).get(inc)["status"] == "closed"
    assert svc.get(rid)["status"] == "closed"
    with pytest.raises(DomainError) as e:
        svc.close_incident(inc, "lagi")
    assert e.value.code == "incident_closed"


def test_supervisor_override_closes_without_feedback_and_is_audited(
    store: Store, svc: ReferralService
) -> None:
    make_supervisor(store, "tester")
    never_referred = make_incident(store, "medical")
    with pytest.raises(DomainError) as e:
        svc.close_incident(never_referred, "Ditangani lewat telepon")
    assert e.value.code == "feedback_required"
    with pytest.raises(DomainError) as e:
        svc.close_incident(never_referred, "Ditangani lewat telepon", override_reason="  ")
    assert e.value.code == "override_reason_required"
    svc.close_incident(never_referred, "Ditangani lewat telepon", override_reason="saran P3K cukup")
    audit = store.query(
        "SELECT action, detail FROM audit WHERE pk=? ORDER BY seq DESC LIMIT 1", (never_referred,)
    )
    assert audit[0]["action"] == "incident_close_override" and "P3K" in audit[0]["detail"]


def test_reopen_brings_a_closed_referral_back_once(store: Store, svc: ReferralService, clock) -> None:  # type: ignore[no-untyped-def]
    inc = make_incident(store)
    rid = svc.refer(inc, agency(store, "Damkar Kabupaten Banjar")["id"])
    for step in ("acknowledged", "on_scene", "feedback", "closed"):
        clock.advance(MIN)
        svc.step(rid, step, "ok" if step == "feedback" else None)
    with pytest.raises(DomainError):
        svc.reopen(make_incident(store) and rid + "x")
    clock.advance(MIN)
    svc.reopen(rid, "api menyala lagi")
    row = svc.get(rid)
    assert (row["status"], row["closed_at"], row["feedback_at"], row["reopen_count"]) == (
        "on_scene",
        None,
        None,
        1,
    )
    assert [r["id"] for r in svc.open_board()] == [rid]
    clock.advance(MIN)
    svc.step(rid, "feedback", "padam total")
    assert svc.get(rid)["feedback_at"] == clock.ms


def test_advance_to_closed_follows_the_closing_rules(store) -> None:  # type: ignore[no-untyped-def]
    """IncidentService.advance cannot close around the referral rules."""
    import pytest

    from operator_desk.domain.errors import DomainError
    from operator_desk.domain.location import Location
    from operator_desk.services.agencies import AgencyService
    from operator_desk.services.incidents import IncidentService
    from operator_desk.services.referrals import ReferralService

    AgencyService(store).ensure_defaults()
    incidents = IncidentService(store)
    pk = incidents.create({"category": "fire", "priority": "P1",
                           "location": Location(lat=-3.4, lon=114.8, source="map", confirmed=True)})
    with pytest.raises(DomainError) as no_disposition:
        incidents.advance(pk, "closed")
    assert no_disposition.value.code == "disposition_required"
    agency = store.query("SELECT id FROM agencies WHERE kind='fire'")[0][0]
    rid = ReferralService(store).refer(pk, agency)
    with pytest.raises(DomainError) as no_feedback:
        incidents.advance(pk, "closed", disposition="handled")
    assert no_feedback.value.code == "feedback_required"
    ReferralService(store).step(rid, "acknowledged")
    ReferralService(store).step(rid, "feedback", "api padam")
    incidents.advance(pk, "closed", disposition="handled")
    assert store.query("SELECT status FROM incidents WHERE id=?", (pk,))[0][0] == "closed"
