"""Two desks on one real hub: an incident edited in desk A's detail (priority, place, a note) shows on
desk B — in its incident list and its open detail, with old → new in B's timeline — within about a second."""

from __future__ import annotations

import os
import time
from pathlib import Path

from hub_helpers import enrol


def test_incident_edit_on_desk_a_shows_on_desk_b(qtbot, tmp_path: Path, hub) -> None:  # type: ignore[no-untyped-def]
    from operator_desk.app import create_desk
    from operator_desk.domain.location import Location
    from operator_desk.ui.compose import open_incident

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
        qtbot.waitUntil(lambda: a.sync is not None and a.sync.status.online, timeout=10_000)
        qtbot.waitUntil(lambda: b.sync is not None and b.sync.status.online, timeout=10_000)
        inc = a.incidents.create(
            {
                "category": "fire",
                "priority": "P1",
                "location": Location(
                    lat=-3.4144,
                    lon=114.8513,
                    desa_name="Jawa",
                    kecamatan_name="Martapura",
                    kecamatan_code="63.03.05",
                    source="map",
                    confirmed=True,
                ),
            }
        )
        list_b, detail_b = b.ui.incident_list, b.ui.incident_detail
        qtbot.waitUntil(lambda: [r.id for r in list_b.model.rows] == [inc], timeout=5000)
        open_incident(b.ui, inc, focus=False)
        qtbot.waitUntil(lambda: detail_b.data is not None and detail_b.data.incident.id == inc, timeout=5000)

        detail_a = a.ui.incident_detail
        open_incident(a.ui, inc)
        qtbot.waitUntil(lambda: detail_a.data is not None and detail_a.data.incident.id == inc, timeout=5000)
        detail_a.priority.setCurrentIndex(detail_a.priority.findData("P2"))
        detail_a.address.setText("Jl. A. Yani km 39")
        detail_a.save()
        t0 = time.monotonic()
        qtbot.waitUntil(lambda: "Saved" in detail_a.info.text(), timeout=5000)
        qtbot.waitUntil(
            lambda: detail_b.data is not None and detail_b.data.incident.priority == "P2", timeout=5000
        )
        elapsed = time.monotonic() - t0
        print(f"incident edit desk A -> hub -> desk B detail: {elapsed * 1000:.0f} ms")
        assert detail_b.priority.currentData() == "P2" and detail_b.address.text() == "Jl. A. Yani km 39"
        qtbot.waitUntil(lambda: list_b.model.rows and list_b.model.rows[0].priority == "P2", timeout=3000)
        qtbot.waitUntil(
            lambda: any("Priority: P1 → P2 (Rina)" in ln for ln in detail_b.timeline.lines()), timeout=3000
        )
        assert elapsed < 3.0  # about a second; generous for a loaded CI machine
        a.incidents.add_note(inc, "Damkar dua unit berangkat")
        qtbot.waitUntil(
            lambda: any("Note by Rina: Damkar dua unit berangkat" in ln for ln in detail_b.timeline.lines()),
            timeout=5000,
        )
    finally:
        a.close()
        b.close()
