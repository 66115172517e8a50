"""A restored desk as the successor of its old site (issue 13), with a real hub process and the real
CLI: calls desk A pushed at ring and closed after its last push reach the hub from the restored desk
once an admin enrols it with `--replaces` — before that they wait in `restore_pending`
(`refused_owner`), nothing is pushed twice, and the dead desk's old token is refused."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).parent))

from hub_helpers import DESK, SERVER

from operator_desk.services.calls import CallService
from operator_desk.store.store import Store
from operator_desk.sync.cli import credentials
from operator_desk.sync.engine import SyncEngine


def _run(*args: str, raw: bool = False) -> Any:
    out = subprocess.run([*args], capture_output=True, text=True, timeout=240)
    assert out.returncode == 0, out.stderr
    return out.stdout if raw else json.loads(out.stdout)


def _enrol(hub_dir: Path, name: str, *extra: str) -> dict[str, Any]:
    out: dict[str, Any] = _run(*SERVER, "enroll", "--data-dir", str(hub_dir), "--site", name, *extra)
    return out


def _join(desk: Path, url: str, token: str) -> None:
    _run(*DESK, "join", "--data-dir", str(desk), "--server", url, "--token", token, raw=True)


def _export(data: Path) -> dict[str, dict[str, Any]]:
    text = _run(*DESK, "export", "--data-dir", str(data), "--what", "calls", raw=True)
    rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)), "a call appears twice"
    return {r["id"]: r for r in rows}


def _pending(desk: Path) -> tuple[dict[str, int], str | None]:
    s = Store(desk / "desk.sqlite")
    try:
        rows = s.query("SELECT state, count(*) FROM restore_pending GROUP BY state")
        return {str(r[0]): int(r[1]) for r in rows}, s.get_meta("restore_pending")
    finally:
        s.close()


def _desk_a_then_disk_lost(hub_dir: Path, url: str, root: Path) -> tuple[str, list[str], list[str]]:
    """Desk A: calls rung and pushed, then closed (not pushed), one new call; backed up; disk lost.
    Returns (A's token, the calls pushed at ring, the new call)."""
    a_dir = root / "a"
    Store(a_dir / "desk.sqlite").close()
    token = str(_enrol(hub_dir, "desk-a")["token"])
    _join(a_dir, url, token)
    store = Store(a_dir / "desk.sqlite")
    store.operator = "Rina"
    engine = SyncEngine(store, *credentials(store))
    try:
        svc = CallService(store)
        rung = [svc.ring(f"08125550{i:03d}") for i in range(3)]
        engine.sync_once()  # the hub holds these calls from site A
        for i, cid in enumerate(rung):
            svc.close(cid, "prank" if i % 2 else "ghost", notes=f"closed after the push {i}")
        fresh = svc.ring("081255509999")
        svc.close(fresh, "ghost", notes="never pushed")
    finally:
        engine.stop()
        store.close()
    _run(*DESK, "backup", "--data-dir", str(a_dir), "--out", str(root / "a.tar"))
    shutil.rmtree(a_dir)
    return token, rung, [fresh]


def _closed_on(exported: dict[str, dict[str, Any]], calls: list[str]) -> bool:
    return all(exported[c]["outcome"] in ("ghost", "prank") for c in calls)


def test_restored_desk_enrolled_as_successor_pushes_the_old_sites_calls(
    hub: tuple[str, Path], tmp_path: Path
) -> None:
    url, hub_dir = hub
    b_dir, a2_dir = tmp_path / "b", tmp_path / "a2"
    Store(b_dir / "desk.sqlite").close()
    _join(b_dir, url, str(_enrol(hub_dir, "desk-b")["token"]))
    old_token, rung, fresh = _desk_a_then_disk_lost(hub_dir, url, tmp_path)
    restored = _run(*DESK, "restore", str(tmp_path / "a.tar"), "--data-dir", str(a2_dir))
    assert restored["pending"] > 0
    assert f"--replaces {restored['previous_site_id']} --as ADMIN" in restored["enroll"]  # what to ask for

    heir = _enrol(hub_dir, "desk-a-restored", "--replaces", "desk-a", "--as", "Admin Banjar")
    assert heir["replaces"] == [restored["previous_site_id"]]
    _join(a2_dir, url, str(heir["token"]))
    _run(*DESK, "sync", "--data-dir", str(a2_dir), "--once")
    _run(*DESK, "sync", "--data-dir", str(b_dir), "--once")

    assert _pending(a2_dir) == ({}, None)  # every pending change went out
    a2, b = _export(a2_dir), _export(b_dir)
    assert a2 == b
    assert _closed_on(b, rung) and set(fresh) <= set(b)  # A's calls closed on the other desk too
    status = httpx.get(f"{url}/v1/status", headers={"Authorization": f"Bearer {old_token}"}, timeout=5)
    assert status.status_code == 401  # the dead desk's credential

    s2 = Store(a2_dir / "desk.sqlite")
    try:  # nothing the hub held is issued twice: the ring of A's calls stays A's
        again = s2.query(
            f"SELECT count(*) FROM outbox WHERE tbl='calls' AND col='started_at' AND pk IN ({','.join('?' * len(rung))})",
            tuple(rung),
        )[0][0]
    finally:
        s2.close()
    assert again == 0
    for d in (a2_dir, b_dir):
        report = _run(*DESK, "check", "--data-dir", str(d))
        assert report["ok"], report["problems"]
    hub_check = subprocess.run([*SERVER, "check", "--data-dir", str(hub_dir)], capture_output=True, text=True)
    assert hub_check.returncode == 0, hub_check.stdout[-2000:] + hub_check.stderr[-2000:]


def test_without_replaces_they_wait_then_a_successor_enrolment_releases_them(
    hub: tuple[str, Path], tmp_path: Path
) -> None:
    url, hub_dir = hub
    b_dir, a2_dir = tmp_path / "b", tmp_path / "a2"
    Store(b_dir / "desk.sqlite").close()
    _join(b_dir, url, str(_enrol(hub_dir, "desk-b")["token"]))
    _, rung, fresh = _desk_a_then_disk_lost(hub_dir, url, tmp_path)
    _run(*DESK, "restore", str(tmp_path / "a.tar"), "--data-dir", str(a2_dir))

    _join(a2_dir, url, str(_enrol(hub_dir, "desk-a-restored")["token"]))  # a plain enrolment
    _run(*DESK, "sync", "--data-dir", str(a2_dir), "--once")
    _run(*DESK, "sync", "--data-dir", str(a2_dir), "--once")  # a retry changes nothing
    states, key = _pending(a2_dir)
    assert states.get("refused_owner", 0) >= len(rung) and "pending" not in states and key is not None
    _run(*DESK, "sync", "--data-dir", str(b_dir), "--once")
    b = _export(b_dir)
    assert set(fresh) <= set(b)  # the desk's own new call went out
    assert not any(b[c]["outcome"] in ("ghost", "prank") for c in rung)  # A's closes did not

    # the admin enrols the restored desk as the successor of both: A and its plain enrolment
    heir = _enrol(
        hub_dir, "desk-a-successor", "--replaces", "desk-a", "--replaces", "desk-a-restored", "--as", "Admin"
    )
    _join(a2_dir, url, str(heir["token"]))
    _run(*DESK, "sync", "--data-dir", str(a2_dir), "--once")
    _run(*DESK, "sync", "--data-dir", str(b_dir), "--once")
    assert _pending(a2_dir) == ({}, None)  # re-tried and pushed
    a2, b = _export(a2_dir), _export(b_dir)
    assert a2 == b and _closed_on(b, rung)
    for d in (a2_dir, b_dir):
        report = _run(*DESK, "check", "--data-dir", str(d))
        assert report["ok"], report["problems"]
