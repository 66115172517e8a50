"""Two desks on one hub, GUI open: a call answered on desk A shows in desk B's log within about a second."""

from __future__ import annotations

import os
import time
from pathlib import Path

from hub_helpers import enrol


def test_call_on_desk_a_shows_on_desk_b(qtbot, tmp_path: Path, hub) -> None:  # type: ignore[no-untyped-def]
    from operator_desk.app import create_desk

    url, hub_dir = hub
    a_dir, b_dir = tmp_path / "a", tmp_path / "b"
    enrol(hub_dir, url, a_dir, "desk A")
    enrol(hub_dir, url, b_dir, "desk B")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    a = create_desk(a_dir, call_source="simulator", operator="Rina")
    b = create_desk(b_dir, call_source="simulator", operator="Ahmad")
    try:
        for d in (a, b):
            qtbot.addWidget(d.window)
            d.window.show()
        t_start = time.monotonic()
        qtbot.waitUntil(lambda: b.sync is not None and b.sync.status.online, timeout=10_000)
        print(f"desk B online after {time.monotonic() - t_start:.1f} s")
        qtbot.waitUntil(lambda: "Online" in b.window.status.sync.text(), timeout=5000)
        model_b = b.window.call_log.model
        assert model_b.rowCount() == 0
        a.simulator.ring("081234567890")
        a.window.answer()
        a.window.close_call("ghost")
        t0 = time.monotonic()
        qtbot.waitUntil(lambda: model_b.rowCount() == 1, timeout=5000)
        elapsed = time.monotonic() - t0
        qtbot.waitUntil(lambda: model_b.index(0, 2).data() == "Ghost / silent", timeout=3000)
        assert model_b.index(0, 4).data() == "Rina"  # who answered, on desk A
        print(f"propagation desk A -> hub -> desk B: {elapsed * 1000:.0f} ms")
        assert elapsed < 3.0  # about a second; generous for a loaded CI machine
    finally:
        t_close = time.monotonic()
        a.close()
        b.close()
        print(f"closed in {time.monotonic() - t_close:.1f} s")
