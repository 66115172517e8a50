"""Hypothesis stateful model of the whole sync topology, in-process:

    D1, D2 -> hub H1 --\\
                         upstream U
    D3     -> hub H2 --/

Desks write through the real services on a shared fake clock (so HLCs of different desks tie and
the site_id tie-break matters); requests are lost, duplicated, answered-then-lost, or the server
crashes mid-batch; a desk crashes mid-apply. After healing, every replica equals every other (and
each server's merged state), every committed change is in every server's log exactly once, and
every pair of concurrent edits of one field left a conflict record holding both values.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    precondition,
    rule,
    run_state_machine_as_test,
)

from operator_desk.domain.errors import DomainError
from operator_desk.domain.location import Location
from operator_desk.server.auth import cheap_hasher
from operator_desk.server.core import SyncServer
from operator_desk.server.loopback import FAULTS, LoopbackClient
from operator_desk.server.relay import Relay
from operator_desk.server.sqlite_backend import SqliteStorage
from operator_desk.server.storage import Storage
from operator_desk.services.incidents import IncidentService
from operator_desk.store.store import Store
from operator_desk.sync.apply import replica_state
from operator_desk.sync.cli import join
from operator_desk.sync.client import SyncClientError
from operator_desk.sync.engine import SyncEngine

START_MS = 1_795_000_000_000
STATUSES = ["new", "referred", "on_scene", "resolved", "closed"]
faults = st.sampled_from(FAULTS)
texts = st.text(alphabet="abcxyz ", min_size=1, max_size=6)


class Clock:
    def __init__(self) -> None:
        self.ms = START_MS

    def __call__(self) -> int:
        return self.ms


class SyncModel(RuleBasedStateMachine):
    make_upstream: Callable[[str], Storage]

    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="syncmodel-"))
        self.clock = Clock()
        self.up = SyncServer(
            type(self).make_upstream(f"up{self.dir.name[-8:]}"), now_ms=self.clock, hasher=cheap_hasher()
        )
        self.hubs = [
            SyncServer(SqliteStorage(self.dir / f"h{i}"), now_ms=self.clock, hasher=cheap_hasher())
            for i in (1, 2)
        ]
        self.relays = [
            Relay(h, LoopbackClient(self.up, self.up.enroll(f"hub{i}", "hub")["token"]))
            for i, h in enumerate(self.hubs)
        ]
        self.stores: list[Store] = []
        self.engines: list[SyncEngine] = []
        for i, hub in enumerate([self.hubs[0], self.hubs[0], self.hubs[1]]):
            store = Store(self.dir / f"d{i}" / "desk.sqlite", now_ms=self.clock, site_code=f"D{i}")
            store.operator = f"op{i}"
            token = hub.enroll(f"desk{i}")["token"]
            join(store, "http://hub", token)
            self.stores.append(store)
            self.engines.append(SyncEngine(store, client=LoopbackClient(hub, token)))
        self.services = [IncidentService(s) for s in self.stores]
        self.dirty: set[str] = set()  # incidents whose caller_name was written since the last heal
        self.healed: list[str] = []  # incidents every desk has
        self.expected_conflicts: list[tuple[str, str, str]] = []
        self.furthest: dict[str, str] = {}  # the furthest status any desk set, per incident

    def teardown(self) -> None:
        try:
            self.heal()
        finally:
            for store in self.stores:
                store.close()
            for server in [*self.hubs, self.up]:
                server.storage.close()
            shutil.rmtree(self.dir, ignore_errors=True)

    def _incidents(self, d: int) -> list[str]:
        return [r[0] for r in self.stores[d].query("SELECT id FROM incidents ORDER BY id")]

    @initialize(d=st.integers(0, 2))
    def first_incident(self, d: int) -> None:
        self.create(d, "awal")

    # -- desk work ------------------------------------------------------------------------------
    @rule(d=st.integers(0, 2), text=texts)
    def create(self, d: int, text: str) -> None:
        self.services[d].create(
            {
                "category": "fire",
                "priority": "P2",
                "narrative": text,
                "location": Location(lat=-3.41, lon=114.85, address=text),
            }
        )

    @rule(
        d=st.integers(0, 2),
        i=st.integers(0, 50),
        text=texts,
        field=st.sampled_from(["narrative", "priority"]),
    )
    def edit(self, d: int, i: int, text: str, field: str) -> None:
        ids = self._incidents(d)
        if not ids:
            return
        value = text if field == "narrative" else ["P1", "P2", "P3", "P4"][len(text) % 4]
        self.services[d].update(ids[i % len(ids)], {field: value})

    @rule(d=st.integers(0, 2), i=st.integers(0, 50), status=st.sampled_from(STATUSES))
    def advance(self, d: int, i: int, status: str) -> None:
        ids = self._incidents(d)
        if not ids:
            return
        pk = ids[i % len(ids)]
        try:
            self.services[d].advance(pk, status, disposition="selesai" if status == "closed" else None)
        except DomainError:
            return  # backwards: refused locally, as in the UI
        self.dirty.add(pk)
        self.furthest[pk] = max(self.furthest.get(pk, "new"), status, key=STATUSES.index)

    @rule(d=st.integers(0, 2), i=st.integers(0, 50), text=texts)
    def note(self, d: int, i: int, text: str) -> None:
        ids = self._incidents(d)
        if not ids:
            return
        self.services[d].add_note(ids[i % len(ids)], text)

    @precondition(lambda self: any(i not in self.dirty for i in self.healed))
    @rule(pair=st.sampled_from([(0, 1), (0, 2), (1, 2), (2, 0)]), i=st.integers(0, 50), data=st.data())
    def concurrent_edit(self, pair: tuple[int, int], i: int, data: st.DataObject) -> None:
        """Two desks change one field, neither having seen the other's write."""
        clean = [x for x in self.healed if x not in self.dirty]
        pk = clean[i % len(clean)]
        a, b = pair
        va, vb = f"A{len(self.expected_conflicts)}", f"B{len(self.expected_conflicts)}"
        self.services[a].update(pk, {"caller_name": va})
        if data.draw(st.booleans(), label="clock moves between the two writes"):
            self.clock.ms += 1
        self.services[b].update(pk, {"caller_name": vb})
        self.dirty.add(pk)
        self.expected_conflicts.append((pk, va, vb))

    @precondition(lambda self: any(i not in self.dirty for i in self.healed))
    @rule(pair=st.sampled_from([(0, 1), (1, 2), (2, 0)]), i=st.integers(0, 50))
    def concurrent_advance(self, pair: tuple[int, int], i: int) -> None:
        """One desk resolves an incident while another, not knowing, moves it a smaller step later."""
        clean = [x for x in self.healed if x not in self.dirty]
        pk = clean[i % len(clean)]
        a, b = pair
        current = self.stores[a].query("SELECT status FROM incidents WHERE id=?", (pk,))[0][0]
        if STATUSES.index(current) >= 2:
            return
        self.services[a].advance(pk, "resolved")
        self.clock.ms += 1
        self.services[b].advance(pk, STATUSES[STATUSES.index(current) + 1])
        self.furthest[pk] = "resolved"
        self.dirty.add(pk)

    @rule(ms=st.sampled_from([0, 1, 250, 60_000]))
    def tick(self, ms: int) -> None:
        self.clock.ms += ms

    # -- network, with faults -------------------------------------------------------------------
    def _try(self, fn: Callable[[], Any]) -> None:
        try:
            fn()
        except SyncClientError:
            pass  # lost or crashed: retried by a later step
        finally:
            self._clear_faults()

    def _clear_faults(self) -> None:
        for client in [e.client for e in self.engines] + [r.upstream for r in self.relays]:
            client.faults.clear()  # type: ignore[attr-defined]

    @rule(d=st.integers(0, 2), fault=faults)
    def desk_push(self, d: int, fault: str) -> None:
        self.engines[d].client.faults.append(fault)  # type: ignore[attr-defined]
        self._try(self.engines[d].push_once)

    @rule(d=st.integers(0, 2), fault=faults)
    def desk_pull(self, d: int, fault: str) -> None:
        self.engines[d].client.faults.append(fault)  # type: ignore[attr-defined]
        self._try(self.engines[d].pull_once)

    @rule(d=st.integers(0, 2))
    def desk_crash_mid_apply(self, d: int) -> None:
        engine = self.engines[d]
        before = engine.store.get_meta("sync_cursor")
        state = replica_state(engine.store.reader())

        def boom(i: int) -> None:
            raise RuntimeError("power cut")

        engine.fault_hook = boom
        try:
            engine.pull_once()
        except (RuntimeError, SyncClientError):
            pass
        finally:
            engine.fault_hook = None
        if engine.store.get_meta("sync_cursor") != before:  # an empty page may move the cursor only
            return
        assert replica_state(engine.store.reader()) == state

    @rule(h=st.integers(0, 1), fault=faults)
    def relay_push(self, h: int, fault: str) -> None:
        self.relays[h].upstream.faults.append(fault)  # type: ignore[attr-defined]
        self._try(self.relays[h].push_once)

    @rule(h=st.integers(0, 1), fault=faults)
    def relay_pull(self, h: int, fault: str) -> None:
        self.relays[h].upstream.faults.append(fault)  # type: ignore[attr-defined]
        self._try(self.relays[h].pull_once)

    # -- healing and the invariants -------------------------------------------------------------
    @rule()
    def heal(self) -> None:
        self._clear_faults()
        for _ in range(3):
            for engine in self.engines:
                while engine.push_once():
                    pass
            for relay in self.relays:
                while relay.push_once():
                    pass
            for relay in self.relays:
                while relay.pull_once():
                    pass
            for engine in self.engines:
                while engine.pull_once():
                    pass
        self.check_converged()
        self.dirty.clear()
        self.healed = self._incidents(0)

    def check_converged(self) -> None:
        states = [replica_state(s.reader()) for s in self.stores]
        for i, state in enumerate(states[1:], 1):
            assert state == states[0], f"desk {i} differs from desk 0"
        for server in [*self.hubs, self.up]:
            assert server.storage.materialize() == states[0], "a server's merged state differs from the desks"
        for store in self.stores:
            outbox = [
                (r[0], r[1], r[2], r[3], r[4], json.loads(r[5]))
                for r in store.query("SELECT site_seq, hlc, tbl, pk, col, value FROM outbox")
            ]
            assert store.query("SELECT count(*) FROM outbox WHERE pushed=0")[0][0] == 0
            for server in [self.hubs[0] if store is not self.stores[2] else self.hubs[1], self.up]:
                logged = [
                    (c["site_seq"], c["hlc"], c["tbl"], c["pk"], c["col"], c["value"])
                    for c in server.storage.iter_log()
                    if c["site_id"] == store.site_id
                ]
                assert len(logged) == len(outbox), "a change is missing or logged twice"
                assert {(*x[:5], json.dumps(x[5], sort_keys=True)) for x in logged} == {
                    (*x[:5], json.dumps(x[5], sort_keys=True)) for x in outbox
                }
        for pk, status in self.furthest.items():
            assert states[0]["incidents"][pk]["status"] == status, "status moved backwards in a merge"
        conflicts = states[0].get("conflicts", {}).values()
        for pk, va, vb in self.expected_conflicts:
            pair = {json.dumps(va), json.dumps(vb)}
            assert any(
                c["pk"] == pk and c["col"] == "caller_name" and {c["local_value"], c["remote_value"]} == pair
                for c in conflicts
            ), f"no conflict record for concurrent edits {va!r}/{vb!r} of {pk}"


def _run(make_storage: Callable[[str], Storage], examples: int, steps: int) -> None:
    SyncModel.make_upstream = staticmethod(make_storage)  # type: ignore[assignment]
    run_state_machine_as_test(
        SyncModel,
        settings=settings(
            max_examples=examples,
            stateful_step_count=steps,
            deadline=None,
            phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
            suppress_health_check=list(HealthCheck),
        ),
    )


def test_replicas_converge_through_hubs_and_upstream(make_storage: Callable[[str], Storage]) -> None:
    _run(make_storage, examples=30, steps=40)


@pytest.mark.parametrize("make_storage", ["sqlite"], indirect=True)
def test_replicas_converge_long_runs(make_storage: Callable[[str], Storage]) -> None:
    _run(make_storage, examples=8, steps=120)
