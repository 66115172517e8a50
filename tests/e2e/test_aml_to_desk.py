"""AML over HTTPS at the hub reaches the desk whose call has that number, and shows on its map."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
from hub_helpers import enrol


def test_aml_form_at_hub_attaches_to_live_call(qtbot, tmp_path: Path, hub, banjar_dir: Path) -> None:  # type: ignore[no-untyped-def]
    from operator_desk.app import create_desk

    url, hub_dir = hub
    enrol(hub_dir, url, tmp_path / "a", "desk A")
    desk = create_desk(tmp_path / "a", region=banjar_dir, call_source="simulator", operator="Rina")
    try:
        qtbot.addWidget(desk.window)
        desk.window.show()
        qtbot.waitUntil(lambda: desk.sync is not None and desk.sync.status.online, timeout=10_000)
        desk.simulator.ring("0812-3456-7890")
        desk.window.answer()
        shown = []
        panel = desk.ui.map_panel
        orig = panel.set_caller_location
        panel.set_caller_location = lambda *a: (shown.append(a), orig(*a))
        now_ms = int(time.time() * 1000)
        body = {"v": "3", "device_number": "+6281234567890", "location_latitude": "-3.41230",
                "location_longitude": "114.84560", "location_time": str(now_ms - 20_000),
                "location_accuracy": "12", "location_source": "gps", "location_confidence": "0.68"}
        res = httpx.post(f"{url}/aml", data=body, timeout=5)
        assert res.status_code == 200 and res.json()["accepted"] is True
        garbage = httpx.post(f"{url}/aml", content=b"\x00\xffnot aml", timeout=5)
        assert garbage.status_code == 200 and garbage.json()["accepted"] is False  # 2xx, discarded
        qtbot.waitUntil(lambda: bool(desk.session.current and desk.session.current.device_location), timeout=5000)
        loc = desk.session.current.device_location
        assert abs(float(loc["lat"]) + 3.41230) < 1e-6 and abs(float(loc["lon"]) - 114.84560) < 1e-6
        assert shown and abs(shown[-1][0] + 3.41230) < 1e-6
        call = desk.store.query("SELECT device_location FROM calls WHERE id=?", (desk.session.current.call_id,))
        assert "114.8456" in call[0][0]
    finally:
        desk.close()
