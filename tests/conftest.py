"""Shared fixtures: the Banjar region from ../shared, a fresh store per test, a fake clock."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def banjar_dir() -> Path:
    path = SHARED / "regions" / "banjar"
    if not path.is_dir():
        pytest.fail(f"region data missing: {path} (the tests use ../shared/regions/banjar)")
    return path


class FakeClock:
    """Milliseconds since the epoch that move only when the test says so."""

    def __init__(self, start_ms: int = 1_795_000_000_000) -> None:
        self.ms = start_ms

    def __call__(self) -> int:
        return self.ms

    def advance(self, ms: int) -> None:
        self.ms += ms


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(tmp_path: Path, clock: FakeClock) -> Iterator[object]:
    from operator_desk.store.store import Store

    s = Store(tmp_path / "desk.sqlite", now_ms=clock)
    s.operator = "tester"
    yield s
    s.close()


SHIFT_MIN = 60_000


@pytest.fixture
def shift_scenario():  # type: ignore[no-untyped-def]
    """Builder of a shift's worth of items (tests of the handover service and of its view share it)."""
    from operator_desk.domain.location import Location
    from operator_desk.services.agencies import AgencyService
    from operator_desk.services.calls import CallService
    from operator_desk.services.incidents import IncidentService
    from operator_desk.services.referrals import ReferralService

    MIN = SHIFT_MIN  # noqa: N806

    def scenario(store, clock) -> dict:  # type: ignore[no-untyped-def]
        """A shift's worth of items: some still open, some done. Returns the ids that must be listed."""
        AgencyService(store).ensure_defaults()
        agencies = {a["kind"]: a["id"] for a in AgencyService(store).all()}
        calls, incidents, refs = CallService(store), IncidentService(store), ReferralService(store)
        loc = Location(address="Desa Tambak Baru", kecamatan_name="Martapura", confirmed=True)

        def incident(cat: str) -> str:
            return incidents.create({"category": cat, "priority": "P2", "location": loc})

        def call(number: str, outcome: str) -> str:
            cid = calls.ring(number)
            clock.advance(5000)
            if outcome == "abandoned":
                calls.abandon(cid)
            else:
                calls.answer(cid)
                calls.close(cid, outcome)
            clock.advance(MIN)
            return cid

        old_fire = incident("fire")
        overdue = refs.refer(old_fire, agencies["fire"])  # ack in 5 min: overdue by the end
        closed = incident("medical")
        r_closed = refs.refer(closed, agencies["ambulance"])
        refs.step(r_closed, "feedback", "dibawa ke RSUD")
        refs.close_incident(closed, "Pasien dirujuk")
        call("081211110001", "abandoned")  # never called again: call back
        call("081211110002", "abandoned")
        call("081211110002", "ghost")  # answered later: no call back
        call("081211110003", "abandoned")
        call("081211110003", "abandoned")  # twice: listed once
        clock.advance(30 * MIN)
        fresh = incident("traffic_accident")
        fresh_ref = refs.refer(fresh, agencies["police"])  # just sent: not overdue
        return {
            "incidents": [old_fire, fresh],
            "referrals": [overdue],
            "callbacks": ["+6281211110001", "+6281211110003"],
            "not_overdue": fresh_ref,
        }

    return scenario
