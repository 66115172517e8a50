"""The training desk (issue 13): its own store, a banner that never goes, never synced, never in real reports."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel

from operator_desk.app import create_desk
from operator_desk.domain.enums import CallOutcome
from operator_desk.services.accounts import AccountService
from operator_desk.store.store import Store


def _cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "operator_desk.cli", *args], capture_output=True, text=True,
                          timeout=120, input=stdin)


def _real_desk_with_account(data: Path) -> None:
    store = Store(data / "desk.sqlite")
    try:
        accounts = AccountService(store, trusted=True)  # the command line on the desk PC
        accounts.add("Admin", "admin", "kata-sandi-admin-1")  # a desk's first account is its admin
        accounts.add("Siti", "operator", "kata-sandi-siti-1")
        store.set_meta("sync_server", "http://127.0.0.1:9")  # joined to a hub (unreachable: never dialled)
        store.set_meta("sync_token", "t" * 40)
    finally:
        store.close()


def test_training_calls_stay_in_the_training_store(qtbot, tmp_path: Path, banjar_dir: Path) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "desk"
    _real_desk_with_account(data)
    desk = create_desk(data, region=banjar_dir, call_source="sip", server="http://127.0.0.1:9",
                       login=("Siti", "kata-sandi-siti-1"), training=True)
    qtbot.addWidget(desk.window)
    try:
        # the trainee logged in with the real account; the desk is on its own store, with the simulator
        assert desk.core.account is not None and desk.core.account.name == "Siti"
        assert desk.store.path == data / "training" / "desk.sqlite"
        assert desk.core.sync is None  # never synced, though a server was given and the real desk is joined
        banner = desk.window.findChild(QLabel, "trainingBanner")
        assert banner is not None and "TRAINING" in banner.text()
        desk.window.show()
        assert banner.isVisible()
        desk.simulator.ring("081234567890")
        qtbot.waitUntil(lambda: len(desk.session.ringing) == 1)
        desk.session.answer()
        desk.session.close(CallOutcome.PRANK)
        desk.settle()
        assert desk.store.query("SELECT count(*) FROM calls")[0][0] == 1
        # the training desk has no way to open another training desk
        assert desk.window.findChild(QAction, "actOpenTraining") is None
    finally:
        desk.close()
    real = Store(data / "desk.sqlite")
    try:
        assert real.query("SELECT count(*) FROM calls")[0][0] == 0
    finally:
        real.close()
    today = date.today().isoformat()
    res = _cli("report", "--data-dir", str(data), "--from", "2026-01-01", "--to", max(today, "2026-12-31"))
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["calls"]["total"] == 0


def test_a_training_store_cannot_be_joined_or_synced(tmp_path: Path) -> None:
    data = tmp_path / "desk"
    _real_desk_with_account(data)
    from operator_desk.services.training import prepare

    tdir = prepare(data)
    res = _cli("join", "--data-dir", str(tdir), "--server", "http://127.0.0.1:9", "--token", "x" * 40)
    assert res.returncode != 0 and "training store" in res.stderr
    res = _cli("sync", "--data-dir", str(tdir), "--once")
    assert res.returncode != 0 and "training store" in res.stderr
    # the other side: the real store next to it is not refused for being next to a training store
    res = _cli("sync", "--data-dir", str(data), "--once", "--server", "http://127.0.0.1:9")
    assert "training store" not in res.stderr


def test_a_real_desk_offers_the_training_desk(qtbot, desk) -> None:  # type: ignore[no-untyped-def]
    act = desk.window.findChild(QAction, "actOpenTraining")
    assert act is not None
    assert desk.window.findChild(QLabel, "trainingBanner") is None
    from operator_desk.ui.training import training_command

    program, args = training_command(desk.core.data_dir)
    assert program == sys.executable and args[-5:-2] == ["--training", "--data-dir", str(desk.core.data_dir)]
