"""The map inside the desk: a click sets the incident location (asking first when one is confirmed)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from operator_desk.app import Desk


def test_map_click_sets_incident_location(qtbot, desk: Desk, press) -> None:  # type: ignore[no-untyped-def]
    panel = desk.ui.map_panel
    form = desk.window.form
    press(Qt.Key.Key_F2)
    press(Qt.Key.Key_F9)
    panel.center_on(-3.4144, 114.8513, zoom=14)  # Martapura
    qtbot.waitUntil(lambda: panel.width() > 50 and panel.height() > 50)
    target = panel.pos_of(-3.4144, 114.8513).toPoint()
    qtbot.mouseClick(panel, Qt.MouseButton.LeftButton, pos=target)
    loc = form.location
    assert loc.source == "map" and loc.has_point()
    assert abs(loc.lat - (-3.4144)) < 0.002 and abs(loc.lon - 114.8513) < 0.002
    assert loc.kecamatan_name == "Martapura" and loc.desa_code and loc.desa_code.startswith("63.03.")
    assert loc.desa_name in form.resolved.text()

    # a confirmed location is not replaced without asking; the operator says no
    asked = []
    form.confirm_overwrite = lambda: asked.append(1) or False
    qtbot.mouseClick(panel, Qt.MouseButton.LeftButton, pos=target + QPoint(60, 40))
    assert asked == [1]
    assert abs(form.location.lon - 114.8513) < 0.002  # unchanged
    form.confirm_overwrite = lambda: True
    qtbot.mouseClick(panel, Qt.MouseButton.LeftButton, pos=target + QPoint(60, 40))
    assert abs(form.location.lon - 114.8513) > 0.002


def test_saved_incident_appears_on_map(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    from operator_desk.domain.location import Location

    binding = desk.ui.map_binding
    seen = []
    orig = binding.panel.set_incidents
    binding.panel.set_incidents = lambda rows: (seen.append(rows), orig(rows))
    desk.incidents.create(
        {
            "category": "fire",
            "priority": "P1",
            "location": Location(lat=-3.40, lon=114.90, source="map", confirmed=True),
        }
    )
    # the map's own first load may land after the patch: wait for the redraw that has the new incident
    qtbot.waitUntil(lambda: bool(seen) and any(r["lat"] == -3.40 and r["priority"] == "P1" for r in seen[-1]),
                    timeout=3000)


def test_landmark_added_is_searchable_at_once(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    binding = desk.ui.map_binding
    binding.save_landmark("Masjid Al Karomah", -3.4139, 114.8553, kind="mosque")

    def names() -> list[str]:
        return [m.name for m in desk.gazetteer.search("masjid karomah", limit=3)]

    qtbot.waitUntil(lambda: "Masjid Al Karomah" in names(), timeout=3000)  # searchable once it is saved
    rows = desk.store.query("SELECT id FROM landmarks WHERE name='Masjid Al Karomah'")
    assert len(rows) == 1
    pk = rows[0][0]
    assert desk.store.query("SELECT count(*) FROM outbox WHERE tbl='landmarks' AND pk=?", (pk,))[0][0] > 0


def test_selecting_a_call_follows_its_incident(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    from operator_desk.domain.location import Location

    call = desk.calls.ring("081200001234")
    inc = desk.incidents.create({"category": "fire", "priority": "P1",
                                 "location": Location(lat=-3.30, lon=115.10, source="map", confirmed=True)},
                                call_id=call)
    panel = desk.ui.map_panel
    followed = []
    orig = panel.follow
    panel.follow = lambda pk: (followed.append(pk), orig(pk))
    log = desk.window.call_log
    qtbot.waitUntil(lambda: log.model.rowCount() >= 1, timeout=2000)
    log.table.setCurrentIndex(log.model.index(0, 0))
    qtbot.waitUntil(lambda: followed == [inc], timeout=2000)  # looked up off the GUI thread


def test_landmark_from_another_desk_is_searchable_once(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    from operator_desk.domain.changes import Changes

    binding = desk.ui.map_binding

    def job(conn):  # type: ignore[no-untyped-def]  # as the sync apply writes it
        conn.execute("INSERT INTO landmarks (id, name, kind, lat, lon) VALUES "
                     "('lm-remote', 'Jembatan Pasayangan', 'bridge', -3.4170, 114.8480)")

    desk.store.raw_write(job)
    for _ in range(2):  # e.g. the insert, then a later edit of it
        binding.on_changes(Changes(origin="sync", ids={"landmarks": {"lm-remote"}}))
        desk.settle()

    def hits() -> list:  # type: ignore[type-arg]
        return [m for m in desk.gazetteer.search("jembatan pasayangan", limit=5) if m.name == "Jembatan Pasayangan"]

    qtbot.waitUntil(lambda: bool(hits()), timeout=3000)
    desk.settle()
    assert len(hits()) == 1
