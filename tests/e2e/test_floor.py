"""The floor (issue 14) on a real hub: desks publish their state, a supervisor reads it, messages arrive;
the channel refuses what is not a desk's own state, and a killed desk turns offline."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from hub_helpers import SERVER, enrol

from operator_desk.core import build_core


def _token(hub_dir: Path, name: str, *extra: str) -> str:
    out = subprocess.run([*SERVER, "enroll", "--data-dir", str(hub_dir), "--site", name, *extra],
                         capture_output=True, text=True, check=True)
    return str(json.loads(out.stdout)["token"])


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _floor(url: str, token: str, **params: object) -> dict:  # type: ignore[type-arg]
    resp = httpx.get(f"{url}/floor", headers=_auth(token), params=params, timeout=30)
    assert resp.status_code == 200, resp.text
    return resp.json()  # type: ignore[no-any-return]


def _desk(snapshot: dict, name: str) -> dict | None:  # type: ignore[type-arg]
    return next((d for d in snapshot["desks"] if d["site_name"] == name), None)


def test_a_ring_shows_on_the_board_within_a_second(hub: tuple[str, Path], tmp_path: Path) -> None:
    url, hub_dir = hub
    sup = _token(hub_dir, "Supervisor", "--supervisor")
    data = tmp_path / "a"
    enrol(hub_dir, url, data, "Desk A")
    core = build_core(data, call_source="simulator", operator="Siti")
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            d = _desk(_floor(url, sup), "Desk A")
            if d and d["state"] == "ready":
                break
            time.sleep(0.1)
        assert d and d["state"] == "ready" and d["operator"] == "Siti"
        version = _floor(url, sup)["version"]
        t0 = time.monotonic()
        core.session.ring("sim-1", "081234567890")  # what the call source reports
        snap = _floor(url, sup, after=version, wait=5)  # the long-poll answers on the change
        while _desk(snap, "Desk A")["state"] != "ringing" and time.monotonic() - t0 < 3:  # type: ignore[index]
            snap = _floor(url, sup, after=snap["version"], wait=2)
        elapsed = time.monotonic() - t0
        d = _desk(snap, "Desk A")
        assert d is not None and d["state"] == "ringing" and len(d["ringing_since_ms"]) == 1
        assert snap["ringing"] == 1 and snap["longest_wait_ms"] >= 0
        assert elapsed < 1.0, f"the board heard of the ring after {elapsed:.2f} s"
        core.session.answer()
        for _ in range(30):
            d = _desk(_floor(url, sup), "Desk A")
            if d and d["state"] == "on_call":
                break
            time.sleep(0.1)
        assert d and d["state"] == "on_call" and d["call_started_ms"]
    finally:
        core.close()


def test_messages_reach_the_desk_and_are_acknowledged(hub: tuple[str, Path], tmp_path: Path) -> None:
    url, hub_dir = hub
    sup = _token(hub_dir, "Supervisor", "--supervisor")
    data = tmp_path / "a"
    enrol(hub_dir, url, data, "Desk A")
    core = build_core(data, call_source="simulator", operator="Siti")
    got: list[dict] = []  # type: ignore[type-arg]
    try:
        assert core.floor is not None
        core.floor.on_messages = got.extend
        for _ in range(50):
            d = _desk(_floor(url, sup), "Desk A")
            if d:
                break
            time.sleep(0.1)
        assert d is not None
        resp = httpx.post(f"{url}/floor/message", headers=_auth(sup), json={"to": "all", "text": "Rapat jam 08.00"})
        assert resp.status_code == 201, resp.text
        for _ in range(60):
            if got:
                break
            time.sleep(0.1)
        assert got and got[0]["text"] == "Rapat jam 08.00" and got[0]["sender"] == "Supervisor"
        core.floor.ack(got[0]["id"])
        for _ in range(60):
            msgs = _floor(url, sup)["messages"]
            if msgs and d["site_id"] in msgs[-1]["acked_by"]:
                break
            time.sleep(0.1)
        assert d["site_id"] in msgs[-1]["acked_by"]
    finally:
        core.close()


def test_a_killed_desk_turns_offline(hub: tuple[str, Path], tmp_path: Path) -> None:
    url, hub_dir = hub
    sup = _token(hub_dir, "Supervisor", "--supervisor")
    data = tmp_path / "k"
    enrol(hub_dir, url, data, "Desk K")
    code = (
        "import sys, time\n"
        "from operator_desk.core import build_core\n"
        f"core = build_core({str(data)!r}, call_source='manual', operator='Ahmad')\n"
        "print('up', flush=True)\n"
        "time.sleep(600)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "up"
        for _ in range(100):
            d = _desk(_floor(url, sup), "Desk K")
            if d and d["state"] == "ready":
                break
            time.sleep(0.1)
        assert d and d["state"] == "ready"
        os.kill(proc.pid, signal.SIGKILL)
        t0 = time.monotonic()
        snap = _floor(url, sup)
        while _desk(snap, "Desk K")["state"] != "offline" and time.monotonic() - t0 < 15:  # type: ignore[index]
            snap = _floor(url, sup, after=snap["version"], wait=2)
        assert _desk(snap, "Desk K")["state"] == "offline"  # type: ignore[index]
        assert time.monotonic() - t0 < 10
    finally:
        proc.kill()
        proc.wait(10)


HOSTILE = [
    {"state": "napping", "since_ms": 0},
    {"state": "ready", "since_ms": "yesterday"},
    {"state": "ready", "since_ms": 1, "operator": "x" * 500},
    {"state": "ready", "since_ms": 1, "ringing_since_ms": [1] * 500},
    {"state": "ready", "since_ms": 1, "site_id": "someone-else"},  # a desk speaks for itself only
    {"state": "ready", "since_ms": 1, "operator": "Siti\nINFO forged log line"},
    {"state": "ready", "since_ms": 10**30},
    [1, 2, 3],
]


def test_hostile_state_bodies_are_refused(hub: tuple[str, Path]) -> None:
    url, hub_dir = hub
    desk = _token(hub_dir, "Desk X")
    now = int(time.time() * 1000)
    for body in HOSTILE:
        if isinstance(body, dict) and body.get("since_ms") == 1:
            body = {**body, "since_ms": now}
        resp = httpx.post(f"{url}/floor/state", headers=_auth(desk), json=body, timeout=10)
        assert resp.status_code == 400, (body, resp.text)
        assert "error" in resp.json()
    raw = httpx.post(f"{url}/floor/state", headers={**_auth(desk), "Content-Type": "application/json"},
                     content=b"{" * 5000, timeout=10)
    assert raw.status_code == 400
    big = httpx.post(f"{url}/floor/state", headers=_auth(desk), content=b" " * 100_000, timeout=10)
    assert big.status_code == 413
    ok = httpx.post(f"{url}/floor/state", headers=_auth(desk), json={"state": "ready", "since_ms": now}, timeout=10)
    assert ok.status_code == 200  # the other side: a well-formed state is taken


def test_who_may_read_and_send(hub: tuple[str, Path]) -> None:
    url, hub_dir = hub
    desk = _token(hub_dir, "Desk Y")
    wall = _token(hub_dir, "Wall", "--kind", "wall")
    sup = _token(hub_dir, "Supervisor", "--supervisor")
    assert httpx.get(f"{url}/floor", headers=_auth(desk)).status_code == 403  # an operator's desk
    assert httpx.get(f"{url}/floor", headers=_auth(wall)).status_code == 200
    assert httpx.get(f"{url}/floor", headers=_auth(sup)).status_code == 200
    assert httpx.get(f"{url}/floor").status_code == 401
    assert httpx.post(f"{url}/floor/message", headers=_auth(desk), json={"to": "all", "text": "x"}).status_code == 403
    assert httpx.post(f"{url}/floor/message", headers=_auth(wall), json={"to": "all", "text": "x"}).status_code == 403
    now = int(time.time() * 1000)
    assert httpx.post(f"{url}/floor/state", headers=_auth(wall), json={"state": "ready", "since_ms": now}).status_code == 403
    bad = httpx.post(f"{url}/floor/message", headers=_auth(sup), json={"to": "all", "text": "a\x00b"})
    assert bad.status_code == 400
    for to in ({}, [], 5, None, "x" * 100, "no-such-desk"):  # schemathesis found `{}` once: a 500
        bad = httpx.post(f"{url}/floor/message", headers=_auth(sup), json={"to": to, "text": "x"})
        assert bad.status_code == 400, (to, bad.text)
