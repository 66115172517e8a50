"""The wall display (issue 14) on a real hub: a wall credential pulls but never pushes; the wall shows a desk
ringing and the center's figures, in figures readable from 5 m, and keeps going when the hub restarts."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hub_helpers import DESK, SERVER, enrol, free_port

from operator_desk.core import build_core
from operator_desk.ui.wall import open_wall


def _start(data: Path, port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([*SERVER, "--data-dir", str(data), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    pytest.fail("hub did not start")


@pytest.fixture
def own_hub(tmp_path: Path) -> Iterator[dict[str, object]]:
    port, data = free_port(), tmp_path / "hub"
    state: dict[str, object] = {"port": port, "data": data, "url": f"http://127.0.0.1:{port}",
                                "proc": _start(data, port)}
    try:
        yield state
    finally:
        proc = state["proc"]
        assert isinstance(proc, subprocess.Popen)
        proc.terminate()
        proc.wait(10)


def _wall_token(hub_dir: Path, wall_dir: Path, url: str) -> str:
    out = subprocess.run([*SERVER, "enroll", "--data-dir", str(hub_dir), "--site", "Wall", "--kind", "wall"],
                         capture_output=True, text=True, check=True)
    token = str(json.loads(out.stdout)["token"])
    subprocess.run([*DESK, "join", "--data-dir", str(wall_dir), "--server", url, "--token", token], check=True,
                   capture_output=True)
    return token


def _desk_state(window: object, name: str) -> str | None:
    table = window.table  # type: ignore[attr-defined]
    for r in range(table.rowCount()):
        if table.item(r, 0) and table.item(r, 0).text() == name:
            return str(table.item(r, 2).text())
    return None


def test_the_wall_shows_the_floor_pulls_only_and_survives_a_hub_restart(own_hub, tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    url, hub_dir = str(own_hub["url"]), Path(str(own_hub["data"]))
    token = _wall_token(hub_dir, tmp_path / "wall", url)
    auth = {"Authorization": f"Bearer {token}"}
    # a wall credential pulls; its pushes are refused (403), an empty push included
    assert httpx.get(f"{url}/v1/pull", params={"after": 0}, headers=auth, timeout=10).status_code == 200
    resp = httpx.post(f"{url}/v1/push", json={"changes": []}, headers=auth, timeout=10)
    assert resp.status_code == 403, resp.text

    enrol(hub_dir, url, tmp_path / "a", "Desk A")
    desk = build_core(tmp_path / "a", call_source="simulator", operator="Siti")
    wall, window, binding = open_wall(tmp_path / "wall")
    qtbot.addWidget(window)
    try:
        window.resize(1920, 1080)
        window.show()
        qtbot.waitUntil(lambda: _desk_state(window, "Desk A") == window.states["ready"], timeout=10_000)
        desk.session.ring("sim-1", "081234567890")
        qtbot.waitUntil(lambda: _desk_state(window, "Desk A") == window.states["ringing"], timeout=5_000)
        qtbot.waitUntil(lambda: window.figures["ringing"].text() == "1", timeout=5_000)
        # the center's figures: the desk's call reaches the wall's store by the pull
        qtbot.waitUntil(lambda: window.figures["calls"].text() not in ("–", "0"), timeout=20_000)
        # readable from 5 m: the key figures' glyphs are at least 48 px at 1920x1080
        for key in ("ringing", "longest", "calls", "abandoned", "open_P1"):
            label = window.figures[key]
            assert label.fontInfo().pixelSize() >= 48 and label.height() >= 48, key
        # the wall pushed nothing
        assert wall.core.store.reader().execute("SELECT count(*) FROM outbox WHERE pushed=1").fetchone()[0] == 0

        # kill the hub, restart it on the same port and data dir: the wall picks up again
        proc = own_hub["proc"]
        assert isinstance(proc, subprocess.Popen)
        proc.kill()
        proc.wait(10)
        qtbot.waitUntil(lambda: window.reachable is False, timeout=15_000)
        own_hub["proc"] = _start(hub_dir, int(str(own_hub["port"])))
        qtbot.waitUntil(lambda: window.reachable is True, timeout=20_000)
        desk.session.ring("sim-2", "081234567891")  # a change after the restart still reaches the wall
        qtbot.waitUntil(lambda: _desk_state(window, "Desk A") is not None, timeout=10_000)
    finally:
        binding.stop()
        window.stop()
        wall.close()
        desk.close()
