"""Two desks edit one narrative while apart: the hub keeps both values as a conflict, a supervisor on
desk A takes the older one, and that decision reaches desk B like any edit."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_helpers import enrol

from operator_desk.domain.errors import DomainError
from operator_desk.domain.location import Location
from operator_desk.services.conflicts import TAKE_OLDER, ConflictService
from operator_desk.services.incidents import IncidentService
from operator_desk.services.operators import OperatorService
from operator_desk.store.store import Store
from operator_desk.sync.engine import SyncEngine


def _desk(path: Path, operator: str) -> tuple[Store, SyncEngine]:
    store = Store(path / "desk.sqlite")
    store.operator = operator
    engine = SyncEngine(store, store.get_meta("sync_server"), store.get_meta("sync_token"), wait_s=0.0)
    return store, engine


def test_conflict_kept_then_resolved_by_a_supervisor(tmp_path: Path, hub) -> None:  # type: ignore[no-untyped-def]
    url, hub_dir = hub
    enrol(hub_dir, url, tmp_path / "a", "desk A", supervisor=True)
    enrol(hub_dir, url, tmp_path / "b", "desk B")
    a, sync_a = _desk(tmp_path / "a", "Rina")
    b, sync_b = _desk(tmp_path / "b", "Ahmad")
    try:
        OperatorService(a).add("Rina", "supervisor")
        inc = IncidentService(a).create({"category": "fire", "priority": "P2", "narrative": "asap di gudang",
                                         "location": Location(lat=-3.41, lon=114.85, source="map", confirmed=True)})
        sync_a.sync_once()
        sync_b.sync_once()
        assert b.query("SELECT narrative FROM incidents WHERE id=?", (inc,))[0][0] == "asap di gudang"

        # apart: each desk edits the narrative without seeing the other's edit
        IncidentService(a).update(inc, {"narrative": "gudang kayu terbakar, 2 korban"})
        IncidentService(b).update(inc, {"narrative": "api sudah padam"})
        sync_a.sync_once()
        sync_b.sync_once()
        sync_a.sync_once()

        conflicts_a = ConflictService(a).open()
        assert len(conflicts_a) == 1
        c = conflicts_a[0]
        assert c["col"] == "narrative"
        assert {c["older"], c["newer"]} == {"gudang kayu terbakar, 2 korban", "api sudah padam"}
        shown = a.query("SELECT narrative FROM incidents WHERE id=?", (inc,))[0][0]
        assert shown == c["newer"]  # replicas agree on the newer value until someone decides

        with pytest.raises(DomainError) as not_allowed:
            ConflictService(b).resolve(c["id"], TAKE_OLDER)  # Ahmad is not a supervisor
        assert not_allowed.value.code == "supervisor_required"

        ConflictService(a).resolve(c["id"], TAKE_OLDER)
        sync_a.sync_once()
        sync_b.sync_once()
        for store in (a, b):
            assert store.query("SELECT narrative FROM incidents WHERE id=?", (inc,))[0][0] == c["older"]
            assert ConflictService(store).count_open() == 0
        res = b.query("SELECT resolution, resolved_by FROM conflicts WHERE id=?", (c["id"],))[0]
        assert (res[0], res[1]) == ("took_older", "Rina")
    finally:
        for engine in (sync_a, sync_b):
            engine.stop()
        a.close()
        b.close()
