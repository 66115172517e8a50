"""Nothing typed is lost: a desk killed with SIGKILL reopens with its draft and its committed records."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

CHILD = textwrap.dedent(
    """
    import sys, time
    from PySide6.QtWidgets import QApplication
    from operator_desk.app import create_desk

    app = QApplication([])
    desk = create_desk(sys.argv[1], region=sys.argv[2], call_source="simulator", operator="Rina")
    desk.window.show()
    # one committed emergency
    desk.simulator.ring("081234567890")
    desk.window.answer(); desk.window.emergency()
    f = desk.window.form
    f.category.setCurrentIndex(f.category.findData("medical"))
    f.set_point(-3.41, 114.85, source="map")
    f.narrative.setPlainText("Ibu hamil pendarahan")
    saved = []
    f.saved.connect(saved.append)
    f.save(force_new=True)  # saved on the task runner
    desk.settle()
    assert saved, f.errors.text()
    # a second call being typed when the power goes
    desk.simulator.ring("085200001111")
    desk.window.answer(); desk.window.emergency()
    f.category.setCurrentIndex(f.category.findData("fire"))
    f.narrative.setPlainText("Api di gudang kayu dekat jembatan, asap hitam tebal")
    f.address.setText("Jl. Ahmad Yani km 38")
    f.dirty = True
    end = time.time() + 2.6   # the autosave timer runs every 2 s: no explicit save here
    while time.time() < end:
        app.processEvents(); time.sleep(0.02)
    print("READY", flush=True)
    while True:
        app.processEvents(); time.sleep(0.05)
    """
)


def test_sigkill_keeps_draft_and_records(tmp_path: Path, banjar_dir: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(data), str(banjar_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        assert line.strip() == "READY", proc.stderr.read() if proc.stderr else ""
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    assert proc.returncode == -signal.SIGKILL

    check = subprocess.run(
        [sys.executable, "-m", "operator_desk.cli", "check", "--data-dir", str(data)],
        capture_output=True,
        text=True,
    )
    report = json.loads(check.stdout)
    assert check.returncode == 0, report["problems"]
    assert report["checks"]["counts"]["incidents"] == 1

    from operator_desk.app import create_desk

    desk = create_desk(data, region=banjar_dir, call_source="simulator")
    qtbot.addWidget(desk.window)
    try:
        form = desk.window.form
        assert form.narrative.toPlainText() == "Api di gudang kayu dekat jembatan, asap hitam tebal"
        assert form.address.text() == "Jl. Ahmad Yani km 38"
        assert form.category.currentData() == "fire"
        assert form.call_id is not None
        calls = desk.store.query("SELECT outcome, caller_number FROM calls ORDER BY started_at")
        assert [(r[0], r[1]) for r in calls] == [("emergency", "+6281234567890"), (None, "+6285200001111")]
    finally:
        desk.close()
