"""The floor (issue 14): desk event -> supervisor's board updated, via a real hub; FloorBoard repaint with 30 desks.

A: a desk core (simulator) joined to a real hub rings N times; each time, from `session.ring` until the
   hub's /floor long-poll answers with the new ringing call and FloorBoard.show_floor has painted it.
B: FloorBoard.show_floor with a 30-desk snapshot, repeated.

Run: .venv/bin/python bench/bench_floor.py [N] [REPEAT]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "e2e"))
import httpx
from _util import med_ms, p95_ms
from hub_helpers import SERVER, enrol, free_port


def _ringing(snap: dict, name: str) -> int:  # type: ignore[type-arg]
    d = next((d for d in snap["desks"] if d["site_name"] == name), None)
    return len(d.get("ringing_since_ms") or []) if d else -1


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    from PySide6.QtWidgets import QApplication

    from operator_desk.core import build_core
    from operator_desk.ui.floor_board import FloorBoard

    app = QApplication.instance() or QApplication([])
    board = FloorBoard()
    board.resize(1366, 768)
    board.show()
    tmp = Path(tempfile.mkdtemp(prefix="bench_floor_"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([*SERVER, "--data-dir", str(tmp / "hub"), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        out = subprocess.run([*SERVER, "enroll", "--data-dir", str(tmp / "hub"), "--site", "Sup", "--supervisor"],
                             capture_output=True, text=True, check=True)
        auth = {"Authorization": f"Bearer {json.loads(out.stdout)['token']}"}
        enrol(tmp / "hub", url, tmp / "a", "Desk A")
        core = build_core(tmp / "a", call_source="simulator", operator="Siti")
        try:
            snap = httpx.get(f"{url}/floor", headers=auth, timeout=30).json()
            while _ringing(snap, "Desk A") < 0:
                snap = httpx.get(f"{url}/floor", headers=auth, params={"after": snap["version"], "wait": 2},
                                 timeout=30).json()
            samples = []
            for i in range(n):
                before = max(0, _ringing(snap, "Desk A"))
                t0 = time.perf_counter()
                core.session.ring(f"sim-{i}", f"08123456{i:04d}")
                while _ringing(snap, "Desk A") <= before and time.perf_counter() - t0 < 5:
                    snap = httpx.get(f"{url}/floor", headers=auth, params={"after": snap["version"], "wait": 2},
                                     timeout=30).json()
                board.show_floor(snap)
                app.processEvents()
                samples.append(time.perf_counter() - t0)
            print(f"A desk ring -> board updated via hub (n={n}): p50 {med_ms(samples):.1f} ms, "
                  f"p95 {p95_ms(samples):.1f} ms")
        finally:
            core.close()
    finally:
        proc.terminate()
        proc.wait(10)

    now = int(time.time() * 1000)
    states = ("ready", "ringing", "on_call", "wrap_up", "break", "offline")
    desks = [{"site_id": f"s{i}", "site_name": f"Desk {i}", "operator": f"Op {i}", "state": states[i % 6],
              "since_ms": now - 1000 * i, "call_started_ms": now - 500 * i,
              "ringing_since_ms": [now - 200 * i] if states[i % 6] == "ringing" else []} for i in range(30)]
    snapshot = {"version": 1, "now_ms": now, "desks": desks}
    rep = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        board.show_floor(snapshot)
        app.processEvents()
        rep.append(time.perf_counter() - t0)
    print(f"B FloorBoard.show_floor + paint, 30 desks (n={repeat}): p50 {med_ms(rep):.2f} ms, p95 {p95_ms(rep):.2f} ms")
    board.stop()


if __name__ == "__main__":
    main()
