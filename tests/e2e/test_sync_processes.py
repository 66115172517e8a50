"""Real processes on 127.0.0.1: an upstream server, a hub relaying to it, three desks running
`operator-desk sync`, and writer processes using the services. Servers and sync processes are
SIGKILLed at random points; the hub is down for a long stretch while the desks keep writing.
Afterwards every desk, the hub and the upstream hold the same data.
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from operator_desk.server.sqlite_backend import SqliteStorage
from operator_desk.store.database import connect
from operator_desk.sync.apply import replica_state

pytestmark = pytest.mark.slow
PY = sys.executable
WRITER = """
import sys
from operator_desk.domain.location import Location
from operator_desk.services.calls import CallService
from operator_desk.services.incidents import IncidentService
from operator_desk.store.store import Store
store = Store(sys.argv[1]); store.operator = sys.argv[2]
calls, incidents = CallService(store), IncidentService(store)
for i in range(int(sys.argv[3])):
    cid = calls.ring(f"0812{abs(hash(sys.argv[2])) % 1000:03d}{i:05d}")
    if i % 7 == 0:
        iid = incidents.create({"category": "fire", "priority": "P2", "narrative": f"{sys.argv[2]} {i}",
                                "location": Location(lat=-3.41, lon=114.85, address="Martapura")}, call_id=cid)
        incidents.add_note(iid, "unit dikirim")
        incidents.advance(iid, "referred")
    else:
        calls.close(cid, "ghost")
store.close()
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_json(*args: str) -> dict:  # type: ignore[type-arg]
    out = subprocess.run([PY, *args], check=True, capture_output=True, text=True, timeout=60)
    return json.loads(out.stdout)


class Proc:
    """A restartable child process."""

    def __init__(self, args: list[str], log: Path) -> None:
        self.args, self.log, self.p = args, log, None  # type: ignore[var-annotated]

    def start(self) -> None:
        self.p = subprocess.Popen([PY, *self.args], stdout=self.log.open("ab"), stderr=subprocess.STDOUT)

    def kill(self) -> None:
        if self.p is not None and self.p.poll() is None:
            self.p.send_signal(signal.SIGKILL)
            self.p.wait(10)

    def stop(self) -> None:
        if self.p is not None and self.p.poll() is None:
            self.p.terminate()
            try:
                self.p.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


def wait_http(port: int, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), 0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing listens on {port}")


def test_kill_everything_at_random_then_converge(tmp_path: Path) -> None:
    rng = random.Random(int(os.environ.get("SYNC_E2E_SEED", "112")))
    up_port, hub_port = free_port(), free_port()
    up_dir, hub_dir = tmp_path / "upstream", tmp_path / "hub"
    srv = ["-m", "operator_desk.server.cli"]
    hub_cred = run_json(*srv, "enroll", "--data-dir", str(up_dir), "--site", "hub banjar", "--kind", "hub")
    upstream = Proc([*srv, "--data-dir", str(up_dir), "--port", str(up_port)], tmp_path / "up.log")
    hub = Proc(
        [
            *srv,
            "--data-dir",
            str(hub_dir),
            "--port",
            str(hub_port),
            "--upstream",
            f"http://127.0.0.1:{up_port}",
            "--upstream-token",
            hub_cred["token"],
        ],
        tmp_path / "hub.log",
    )
    desks, syncs = [], []
    for i in range(3):
        data = tmp_path / f"desk{i}"
        cred = run_json(*srv, "enroll", "--data-dir", str(hub_dir), "--site", f"desk {i}")
        run_json(
            "-m",
            "operator_desk.cli",
            "join",
            "--data-dir",
            str(data),
            "--server",
            f"http://127.0.0.1:{hub_port}",
            "--token",
            cred["token"],
        )
        desks.append(data)
        syncs.append(
            Proc(
                ["-m", "operator_desk.cli", "sync", "--data-dir", str(data), "--wait", "5"],
                tmp_path / f"sync{i}.log",
            )
        )
    procs = [upstream, hub, *syncs]
    for proc in procs:
        proc.start()
    wait_http(up_port)
    wait_http(hub_port)

    def write(n: int) -> list[subprocess.Popen]:  # type: ignore[type-arg]
        return [
            subprocess.Popen([PY, "-c", WRITER, str(d / "desk.sqlite"), f"op{i}", str(n)])
            for i, d in enumerate(desks)
        ]

    try:
        for _ in range(6):  # writers run while processes die and come back
            writers = write(15)
            victim = rng.choice(procs)
            time.sleep(rng.uniform(0.05, 0.8))
            victim.kill()
            time.sleep(rng.uniform(0.0, 0.5))
            victim.start()
            for w in writers:
                assert w.wait(120) == 0
        hub.kill()  # the hub is down for "an hour": the desks keep writing
        for w in write(60):
            assert w.wait(300) == 0
        hub.start()
        wait_http(hub_port)
        assert_converged(desks, hub_dir, up_dir, timeout=90)
        for data in desks:  # every desk's store is whole after all the SIGKILLs
            report = json.loads(run_check(data))
            assert report["ok"], report["problems"]
        logs = " ".join((tmp_path / f"sync{i}.log").read_text() for i in range(3))
        assert '"error": "offline"' in logs and '"waiting": 0' in logs  # the desks saw the outage
    finally:
        for proc in procs:
            proc.stop()


def run_check(data: Path) -> str:
    """`operator-desk check` as an administrator would run it; read-only, alongside running syncs."""
    res = subprocess.run([PY, "-m", "operator_desk.cli", "check", "--data-dir", str(data)], capture_output=True,
                         text=True, timeout=120)
    assert res.returncode == 0, res.stdout + res.stderr
    return res.stdout


def desk_state(data: Path) -> tuple[dict, int]:  # type: ignore[type-arg]
    conn = connect(data / "desk.sqlite")
    try:
        return replica_state(conn), conn.execute("SELECT count(*) FROM outbox WHERE pushed=0").fetchone()[0]
    finally:
        conn.close()


def assert_converged(desks: list[Path], hub_dir: Path, up_dir: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    why = ""
    while time.monotonic() < deadline:
        states = [desk_state(d) for d in desks]
        hub, up = SqliteStorage(hub_dir), SqliteStorage(up_dir)
        try:
            hub_state, up_state = hub.materialize(), up.materialize()
        finally:
            hub.close()
            up.close()
        first = states[0][0]
        waiting = sum(s[1] for s in states)
        if waiting == 0 and all(s[0] == first for s in states) and hub_state == first and up_state == first:
            assert len(first["calls"]) == 3 * (6 * 15 + 60)
            return
        why = (
            f"waiting={waiting}, calls per desk={[len(s[0].get('calls', {})) for s in states]}, "
            f"hub={len(hub_state.get('calls', {}))}, upstream={len(up_state.get('calls', {}))}"
        )
        time.sleep(0.5)
    raise AssertionError(f"replicas did not converge: {why}")
