"""Several calls on one desk on the real hub's floor (issue 14): a held call keeps the desk on a call,
with its `held` count on the supervisor's board; a second call ringing during a call shows as waiting."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
from hub_helpers import SERVER, enrol

from operator_desk.core import build_core


def _token(hub_dir: Path, name: str, *extra: str) -> str:
    out = subprocess.run(
        [*SERVER, "enroll", "--data-dir", str(hub_dir), "--site", name, *extra],
        capture_output=True,
        text=True,
        check=True,
    )
    return str(json.loads(out.stdout)["token"])


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _board_until(url: str, token: str, name: str, check: Any, timeout: float = 5.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    d: dict[str, Any] | None = None
    while time.monotonic() < deadline:
        resp = httpx.get(f"{url}/floor", headers=_auth(token), timeout=10)
        assert resp.status_code == 200, resp.text
        d = next((x for x in resp.json()["desks"] if x["site_name"] == name), None)
        if d is not None and check(d):
            return d
        time.sleep(0.1)
    raise AssertionError(f"the board never showed it: {d}")


def test_a_held_call_shows_on_the_floor_board(hub: tuple[str, Path], tmp_path: Path) -> None:
    url, hub_dir = hub
    sup = _token(hub_dir, "Supervisor", "--supervisor")
    data = tmp_path / "a"
    enrol(hub_dir, url, data, "Desk A")
    core = build_core(data, call_source="simulator", operator="Siti")
    s = core.session
    try:
        _board_until(url, sup, "Desk A", lambda d: d["state"] == "ready")
        s.ring("sim-1", "081234567890")
        s.answer()
        s.ring("sim-2", "081298765432")  # a second call during the first: it waits
        d = _board_until(
            url, sup, "Desk A", lambda d: d["state"] == "on_call" and len(d["ringing_since_ms"]) == 1
        )
        assert d["held"] == 0
        s.answer()  # F2 on a call: the first on hold, the second answered
        d = _board_until(url, sup, "Desk A", lambda d: d["held"] == 1)
        assert d["state"] == "on_call" and d["ringing_since_ms"] == [] and d["call_started_ms"]
        s.close("prank")  # the second ends; the first is still held: still on a call
        time.sleep(0.5)
        d = _board_until(url, sup, "Desk A", lambda d: d["held"] == 1)
        assert d["state"] == "on_call"
        s.hold()  # F4: back to the first
        d = _board_until(url, sup, "Desk A", lambda d: d["held"] == 0)
        assert d["state"] == "on_call"
        s.close("ghost")
        d = _board_until(url, sup, "Desk A", lambda d: d["state"] == "wrap_up")
        assert d["held"] == 0
        assert s.wait_written()
        rows = core.store.query("SELECT answered_at, ended_at FROM calls")
        assert len(rows) == 2 and all(r[0] is not None and r[1] >= r[0] for r in rows)
    finally:
        core.close()


def test_a_bad_held_count_is_refused(hub: tuple[str, Path]) -> None:
    url, hub_dir = hub
    desk = _token(hub_dir, "Desk X")
    now = int(time.time() * 1000)
    for held in (-1, "1", True, 10_000, 1.5, None):
        resp = httpx.post(
            f"{url}/floor/state",
            headers=_auth(desk),
            timeout=10,
            json={"state": "on_call", "since_ms": now, "held": held},
        )
        assert resp.status_code == 400, (held, resp.text)
        assert "held" in resp.text
    ok = httpx.post(
        f"{url}/floor/state",
        headers=_auth(desk),
        timeout=10,
        json={"state": "on_call", "since_ms": now, "call_started_ms": now, "held": 2},
    )
    assert ok.status_code == 200, ok.text
