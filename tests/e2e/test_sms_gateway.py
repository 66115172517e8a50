"""A referral sent by SMS through a real gammu-smsd (FILES backend, Gammu's dummy phone), the agency's
reply ticking the referral's steps, and what is never applied: an unknown sender, an incident not
referred to that agency, an incident number that does not exist. Real store, real daemon, real folders."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from gammu_helpers import GAMMU_SMSD, Smsd

from operator_desk.domain.location import Location
from operator_desk.services.agencies import AgencyService
from operator_desk.services.incidents import IncidentService
from operator_desk.services.referral_sending import PollResult, ReferralMessaging
from operator_desk.services.referrals import ReferralService
from operator_desk.services.sms_gateway import GammuFilesGateway, GatewayPaths, decode
from operator_desk.store.store import Store

pytestmark = pytest.mark.skipif(
    GAMMU_SMSD is None, reason="gammu-smsd not installed (scripts/setup.sh --dev)"
)

DAMKAR = "+625114721234"
PSC = "+625114780119"
STRANGER = "+6281299990000"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:  # real clock: the daemon's files carry real times
    s = Store(tmp_path / "desk.sqlite")
    s.operator = "Rina"
    yield s
    s.close()


@pytest.fixture
def smsd(tmp_path: Path) -> Iterator[Smsd]:
    daemon = Smsd(tmp_path / "gammu").start()
    yield daemon
    daemon.stop()


def _scenario(store: Store) -> tuple[str, str, str]:
    agencies = AgencyService(store)
    agencies.ensure_defaults()
    by_kind = {a["kind"]: a["id"] for a in agencies.all()}
    store.write(lambda tx: tx.update_record("agencies", by_kind["fire"], {"phone": "0511-4721234"}))
    store.write(lambda tx: tx.update_record("agencies", by_kind["ambulance"], {"phone": PSC}))
    loc = Location(
        lat=-3.4123,
        lon=114.8456,
        address="Jl. Sukaramai",
        desa_code="63.03.05.2003",
        desa_name="Tambak Baru",
        kecamatan_name="Martapura",
        confirmed=True,
    )
    inc = IncidentService(store).create(
        {
            "category": "fire",
            "priority": "P1",
            "location": loc,
            "caller_number": "+6281234563373",
            "narrative": "Gudang terbakar",
        }
    )
    number = store.query("SELECT number FROM incidents WHERE id=?", (inc,))[0][0]
    rid = ReferralService(store).refer(inc, by_kind["fire"])
    return inc, number, rid


def _until(poll: Callable[[], PollResult], done: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        poll()
        if done():
            return
        time.sleep(0.2)
    raise AssertionError("the gateway did not get there in time")


def _referral(store: Store, rid: str) -> dict:
    return dict(store.query("SELECT * FROM referrals WHERE id=?", (rid,))[0])


def test_sms_out_and_the_agencys_replies_tick_the_steps(store: Store, smsd: Smsd) -> None:
    inc, number, rid = _scenario(store)
    msg = ReferralMessaging(store, GammuFilesGateway(GatewayPaths.under(smsd.spool)), center="112 Banjar")
    draft = msg.draft(rid)
    assert draft.gateway == "ok" and draft.sms_number == DAMKAR
    assert f"Balas SMS: OK {number}" in draft.text
    text = draft.text + "\nTambahan operator: akses lewat gang ✓"  # edited before sending (UCS-2 now)
    state = msg.send_sms(rid, text)
    assert (state.status, state.to) == ("queued", DAMKAR)
    assert (
        state.ref
        and (smsd.spool / "outbox" / state.ref).exists()
        or (smsd.spool / "sent" / state.ref).exists()
    )

    _until(msg.poll, lambda: msg.state(rid).status == "sent")
    sent = msg.state(rid)
    assert sent.error is None and sent.sent_at is not None and sent.sent_at >= sent.at - 1000  # type: ignore[operator]
    body, problem = decode((smsd.spool / "sent" / str(sent.ref)).read_bytes())
    assert problem is None and body == text
    assert f"to {DAMKAR}" in smsd.log_text() and "Transmitted" in smsd.log_text()

    # A stranger's "OK" and an agency the incident is not referred to: kept, never applied.
    smsd.receive(STRANGER, f"OK {number}")
    smsd.receive(PSC, f"OK {number}")
    smsd.receive(DAMKAR, "OK BJR-NOPE-20261204-9999")
    smsd.receive(DAMKAR, "Siap, meluncur")
    _until(msg.poll, lambda: len(msg.unmatched()) == 4)
    assert sorted(u.reason for u in msg.unmatched()) == [
        "not_a_reply",
        "not_referred",
        "unknown_incident",
        "unknown_sender",
    ]
    assert _referral(store, rid)["acknowledged_at"] is None

    # The agency's "OK <number>" ticks acknowledged, recorded as received from that number.
    smsd.receive(DAMKAR, f"ok {number}")
    _until(msg.poll, lambda: _referral(store, rid)["acknowledged_at"] is not None)
    ref = _referral(store, rid)
    assert ref["status"] == "acknowledged"
    events = store.query(
        "SELECT step, detail, operator FROM referral_events WHERE referral_id=? ORDER BY at", (rid,)
    )
    assert [tuple(e) for e in events][-1] == ("acknowledged", f"SMS dari {DAMKAR}", "Rina")
    audit = store.query("SELECT detail FROM audit WHERE action='sms_reply' AND pk=?", (rid,))
    assert len(audit) == 1 and f'"from": "{DAMKAR}"' in audit[0][0]

    # TIBA and SELESAI: on scene (the incident follows) and the feedback with its text.
    smsd.receive(DAMKAR, f"TIBA {number}")
    _until(msg.poll, lambda: _referral(store, rid)["on_scene_at"] is not None)
    assert store.query("SELECT status FROM incidents WHERE id=?", (inc,))[0][0] == "on_scene"
    smsd.receive(DAMKAR, f"SELESAI {number} api padam pukul 14.40, 1 rumah rusak")
    _until(msg.poll, lambda: _referral(store, rid)["feedback_at"] is not None)
    assert _referral(store, rid)["feedback"] == "api padam pukul 14.40, 1 rumah rusak"

    # The same OK twice: a duplicate, not an error and not the operator's work.
    smsd.receive(DAMKAR, f"OK {number}")
    _until(
        msg.poll, lambda: store.query("SELECT count(*) FROM sms_inbound WHERE state='duplicate'")[0][0] == 1
    )
    assert len(msg.unmatched()) == 4
    assert store.query("SELECT count(*) FROM audit WHERE action='sms_reply'")[0][0] == 3


def test_a_daemon_that_never_sends_fails_the_message_which_then_goes_out(
    store: Store, tmp_path: Path
) -> None:
    _inc, _number, rid = _scenario(store)
    broken = Smsd(tmp_path / "broken", broken=True).start()
    try:
        msg = ReferralMessaging(
            store, GammuFilesGateway(GatewayPaths.under(broken.spool)), send_timeout_ms=1500
        )
        state = msg.send_sms(rid, "Kebakaran gudang, mohon kirim unit")
        assert state.status == "queued"
        time.sleep(1.0)
        msg.poll()
        assert msg.state(rid).status == "queued"  # not yet timed out
        _until(msg.poll, lambda: msg.state(rid).status == "failed", timeout=10)
        failed = msg.state(rid)
        assert failed.error == "gateway_timeout"
        assert not (broken.spool / "outbox" / str(state.ref)).exists()  # withdrawn: it will not go out late
        time.sleep(2.5)
        assert not list((broken.spool / "sent").iterdir())
    finally:
        broken.stop()
    # The gateway back (the same folders, a working phone): the operator sends again.
    good = Smsd(tmp_path / "broken").start()
    try:
        msg = ReferralMessaging(store, GammuFilesGateway(GatewayPaths.under(good.spool)))
        assert msg.send_sms(rid, "Kebakaran gudang, mohon kirim unit").status == "queued"
        _until(msg.poll, lambda: msg.state(rid).status == "sent")
    finally:
        good.stop()


def test_missing_gateway_folders_say_so_on_the_referral(store: Store, tmp_path: Path) -> None:
    _inc, _number, rid = _scenario(store)
    msg = ReferralMessaging(store, GammuFilesGateway(GatewayPaths.under(tmp_path / "no-spool")))
    assert msg.draft(rid).gateway == "gateway_unavailable"
    state = msg.send_sms(rid, "Pesan")
    assert (state.status, state.error) == ("failed", "gateway_unavailable")


def test_modem_refusal_in_the_error_folder_is_a_failed_message(store: Store, tmp_path: Path) -> None:
    """The daemon moves a message the modem refused to its error folder (the dummy phone never refuses,
    so the move is done here as the daemon does it)."""
    _inc, _number, rid = _scenario(store)
    paths = GatewayPaths.under(tmp_path / "spool")
    for p in (paths.inbox, paths.outbox, paths.sent, paths.error):
        p.mkdir(parents=True)
    msg = ReferralMessaging(store, GammuFilesGateway(paths))
    ref = msg.send_sms(rid, "Pesan").ref
    assert ref is not None
    (paths.outbox / ref).replace(paths.error / ref)
    msg.poll()
    assert (msg.state(rid).status, msg.state(rid).error) == ("failed", "modem_error")
