"""The agency catalogue is the center's (issue 13): three joined desks show one agency per name."""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from pathlib import Path

from hub_helpers import DESK, enrol

from operator_desk.services.agencies import BANJAR_DEFAULTS, AgencyService, agency_id
from operator_desk.store.store import Store


def _sync(desk_dir: Path) -> None:
    res = subprocess.run([*DESK, "sync", "--data-dir", str(desk_dir), "--once"], capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 0, res.stderr


def _active_names(desk_dir: Path) -> Counter[str]:
    res = subprocess.run([*DESK, "export", "--data-dir", str(desk_dir), "--what", "agencies"], capture_output=True,
                         text=True, timeout=120)
    if res.returncode == 0:
        return Counter(json.loads(x)["name"] for x in res.stdout.splitlines() if json.loads(x).get("active", 1))
    store = Store(desk_dir / "desk.sqlite")  # export --what agencies not there: read the store
    try:
        return Counter(r[0] for r in store.query("SELECT name FROM agencies WHERE active=1"))
    finally:
        store.close()


def _start(desk_dir: Path) -> None:
    """What a desk does at start: seed the catalogue when empty and merge duplicates."""
    store = Store(desk_dir / "desk.sqlite")
    try:
        service = AgencyService(store)
        service.ensure_defaults()
        service.merge_duplicates()
    finally:
        store.close()


def test_three_joined_desks_hold_one_agency_per_name(hub: tuple[str, Path], tmp_path: Path) -> None:
    url, hub_dir = hub
    desks = [tmp_path / f"desk{i}" for i in range(3)]
    _start(desks[0])  # the center's first desk ran alone for a while: its seed is an ordinary change
    for i, d in enumerate(desks):
        enrol(hub_dir, url, d, f"Desk {i}")
        _start(d)  # the others seed offline, before they ever synced
    for _ in range(2):
        for d in desks:
            _sync(d)
    want = Counter(name for name, *_ in BANJAR_DEFAULTS)
    for d in desks:
        assert _active_names(d) == want


def test_old_random_id_duplicates_are_merged_to_the_same_record_everywhere(tmp_path: Path) -> None:
    """Stores from before: the same names under random ids. Each desk keeps the same one."""
    from operator_desk.store.tx import Tx

    kept = []
    for i in range(2):
        store = Store(tmp_path / f"d{i}" / "desk.sqlite")
        try:
            pks = ("0190-b", "0190-a", agency_id("Damkar Kabupaten Banjar") if i else "0190-c")

            def fn(tx: Tx, pks: tuple[str, ...] = pks) -> None:
                for pk in pks:
                    tx.insert_record("agencies", {"name": "Damkar Kabupaten Banjar", "kind": "fire", "active": 1}, pk=pk)

            store.write(fn)
            assert AgencyService(store).merge_duplicates() == 2
            rows = store.query("SELECT id FROM agencies WHERE active=1")
            assert len(rows) == 1
            kept.append(rows[0][0])
            assert AgencyService(store).merge_duplicates() == 0  # idempotent
        finally:
            store.close()
    assert kept == ["0190-a", agency_id("Damkar Kabupaten Banjar")]  # the name's own id wins where present


def test_a_joined_desk_seeds_locally_and_a_standalone_one_publishes(tmp_path: Path) -> None:
    joined = Store(tmp_path / "j" / "desk.sqlite")
    alone = Store(tmp_path / "a" / "desk.sqlite")
    try:
        joined.set_meta("sync_server", "http://127.0.0.1:9")
        assert AgencyService(joined).ensure_defaults() == len(BANJAR_DEFAULTS)
        assert AgencyService(alone).ensure_defaults() == len(BANJAR_DEFAULTS)
        outbox = "SELECT count(*) FROM outbox WHERE tbl='agencies'"
        assert joined.query(outbox)[0][0] == 0  # its copy never overwrites what the center entered
        assert alone.query(outbox)[0][0] > 0
        ids = "SELECT id FROM agencies ORDER BY id"
        assert [r[0] for r in joined.query(ids)] == [r[0] for r in alone.query(ids)]
    finally:
        joined.close()
        alone.close()
