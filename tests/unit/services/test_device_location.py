"""Device locations: appended as a log, attached to the live or recent call, never to an incident."""

from __future__ import annotations

import json

import pytest

from operator_desk.domain.location import Location
from operator_desk.services.calls import CallService
from operator_desk.services.device_location import DeviceLocationError, DeviceLocationService
from operator_desk.services.incidents import IncidentService
from operator_desk.store.store import Store
from operator_desk.telephony.location import parse_aml_https, parse_aml_sms
from tests.conftest import FakeClock

MIN = 60_000
NUMBER = "081234567890"
E164 = "+6281234567890"


def aml(lat: float = -3.4123, lon: float = 114.8456, number: str = E164, time: str | None = None) -> dict:
    ms = 1_795_000_000_000
    body = (
        f"v=3&device_number={number}&location_latitude={lat}&location_longitude={lon}"
        f"&location_time={ms}&location_accuracy=15&location_source=GPS&location_confidence=0.68"
    )
    loc = parse_aml_https(body).to_json()
    if time is not None:
        loc["time"] = time
    return loc


def test_attaches_to_live_call_and_logs(store: Store, clock: FakeClock) -> None:
    calls = CallService(store)
    call_id = calls.ring(NUMBER)
    clock.advance(20_000)
    svc = DeviceLocationService(store)
    assert svc.record(aml(), clock()) == call_id
    device = calls.get(call_id)["device_location"]
    loc = json.loads(device)
    assert loc["lat"] == pytest.approx(-3.4123) and loc["radius_m"] == 15 and loc["method"] == "gnss"
    rows = store.query("SELECT * FROM device_locations")
    assert len(rows) == 1 and rows[0]["call_id"] == call_id and rows[0]["number"] == E164
    assert loc["device_location_id"] == rows[0]["id"]
    # synced: the append row and the call field are in the outbox; both audited
    tbls = {(r["tbl"], r["col"]) for r in store.query("SELECT tbl, col FROM outbox")}
    assert ("device_locations", "*") in tbls and ("calls", "device_location") in tbls
    actions = [r[0] for r in store.query("SELECT action FROM audit ORDER BY seq")]
    assert "call_device_location" in actions and "device_location" in actions


def test_recent_ended_call_within_30_min_only(store: Store, clock: FakeClock) -> None:
    calls = CallService(store)
    call_id = calls.ring(NUMBER)
    calls.close(call_id, "information")
    svc = DeviceLocationService(store)
    clock.advance(29 * MIN)
    assert svc.record(aml(), clock()) == call_id
    clock.advance(2 * MIN)  # now 31 min after the end
    assert svc.record(aml(lat=-3.5), clock()) is None
    assert json.loads(calls.get(call_id)["device_location"])["lat"] == pytest.approx(-3.4123)
    assert store.query("SELECT count(*) FROM device_locations")[0][0] == 2  # the late fix is still logged


def test_newest_call_of_that_number_wins_and_other_numbers_untouched(store: Store, clock: FakeClock) -> None:
    calls = CallService(store)
    old = calls.ring(NUMBER)
    calls.close(old, "ghost")
    clock.advance(MIN)
    other = calls.ring("081299999999")
    new = calls.ring(NUMBER)
    clock.advance(10_000)
    assert DeviceLocationService(store).record(aml(), clock()) == new
    assert calls.get(old)["device_location"] is None
    assert calls.get(other)["device_location"] is None


def test_stale_unended_call_is_not_live(store: Store, clock: FakeClock) -> None:
    calls = CallService(store)
    calls.ring(NUMBER)  # never ended (desk crashed)
    clock.advance(5 * 3_600_000)
    assert DeviceLocationService(store).record(aml(), clock()) is None


def test_never_overwrites_incident_location(store: Store, clock: FakeClock) -> None:
    calls = CallService(store)
    incidents = IncidentService(store)
    call_id = calls.ring(NUMBER)
    calls.answer(call_id)
    confirmed = Location(lat=-3.41, lon=114.85, address="depan masjid", source="operator", confirmed=True)
    inc = incidents.create({"category": "fire", "priority": "P1", "location": confirmed}, call_id=call_id)
    before = incidents.get(inc)["location"]
    clock.advance(20_000)
    assert DeviceLocationService(store).record(aml(lat=-3.6, lon=114.7), clock()) == call_id
    assert incidents.get(inc)["location"] == before == confirmed
    assert json.loads(calls.get(call_id)["device_location"])["lat"] == pytest.approx(-3.6)


def test_late_older_fix_does_not_replace_newer(store: Store, clock: FakeClock) -> None:
    calls = CallService(store)
    call_id = calls.ring(NUMBER)
    svc = DeviceLocationService(store)
    svc.record(aml(lat=-3.1, time="2026-11-18T08:00:10.000Z"), clock())
    svc.record(aml(lat=-3.2, time="2026-11-18T08:00:05.000Z"), clock())
    assert json.loads(calls.get(call_id)["device_location"])["lat"] == pytest.approx(-3.1)
    assert len(svc.for_number(NUMBER)) == 2


def test_sms_number_without_plus_and_no_number(store: Store, clock: FakeClock) -> None:
    calls = CallService(store)
    call_id = calls.ring(NUMBER)
    loc = aml()
    loc["number"] = "6281234567890"
    svc = DeviceLocationService(store)
    assert svc.record(loc, clock()) == call_id
    sms = parse_aml_sms(
        'A"ML=1;lt=-03.41230;lg=+114.84560;rd=14;top=20220131171748;lc=68;pm=W;si=234159000000000;'
        "ei=123456789012345;mcc=510;mnc=10;ml=126"
    ).to_json()
    assert sms["number"] is None
    assert svc.record(sms, clock()) is None  # logged, attached to nothing
    assert store.query("SELECT count(*) FROM device_locations WHERE number IS NULL")[0][0] == 1


@pytest.mark.parametrize(
    "bad", [{"lat": None, "lon": 1.0}, {"lat": 91.0, "lon": 1.0}, {"lat": 1.0, "lon": "x"}]
)
def test_bad_input_is_refused_before_writing(store: Store, bad: dict) -> None:
    with pytest.raises(DeviceLocationError):
        DeviceLocationService(store).record(bad)
    assert store.query("SELECT count(*) FROM device_locations")[0][0] == 0


def test_attach_synced_only_own_site(store: Store, clock: FakeClock) -> None:
    calls = CallService(store)
    mine = calls.ring(NUMBER)
    clock.advance(15_000)
    svc = DeviceLocationService(store)

    def arrive(conn, pk: str, number: str) -> None:  # what sync/apply does for an append row
        conn.execute(
            "INSERT INTO device_locations (id, number, lat, lon, radius_m, time, method, source, received_at, "
            "call_id) VALUES (?,?,?,?,?,?,?,?,?,NULL)",
            (pk, number, -3.3, 114.9, 20.0, None, "gnss", "aml_https", clock()),
        )

    store.raw_write(lambda c: arrive(c, "loc-1", E164))
    store.raw_write(lambda c: arrive(c, "loc-2", "+6281200000000"))
    assert svc.attach_synced(["loc-1", "loc-2", "missing"]) == {"loc-1": mine}
    assert json.loads(calls.get(mine)["device_location"])["device_location_id"] == "loc-1"
    store.raw_write(lambda c: c.execute("UPDATE calls SET site_id='other' WHERE id=?", (mine,)))
    store.raw_write(lambda c: arrive(c, "loc-3", E164))
    assert svc.attach_synced(["loc-3"]) == {}
