"""MapPanel over the real Banjar region: fit, click-to-locate, pan/zoom, markers, basemap, labels."""

from __future__ import annotations

import math
import random
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QApplication, QWidget
from shapely.geometry import Point

from operator_desk.geo import Region, ReverseGeocoder, load_region
from operator_desk.ui.map import MapPanel
from operator_desk.ui.map.mbtiles import MBTilesError, MBTilesReader
from operator_desk.ui.map.projection import (
    Viewport,
    lonlat_to_merc,
    merc_to_lonlat,
    nice_distance,
    tile_bounds,
)
from operator_desk.ui.map.renderer import DESA_LABEL_ZOOM, KECAMATAN_LABEL_ZOOM
from operator_desk.ui.map.sprites import PRIORITY_COLOURS

MARTAPURA = (-3.4135, 114.8570)  # lat, lon: town centre, inside kecamatan Martapura
W, H = 800, 600


@pytest.fixture(scope="module")
def region(banjar_dir: Path) -> Region:
    return load_region(banjar_dir)


@pytest.fixture
def panel(qtbot, region: Region) -> MapPanel:  # type: ignore[no-untyped-def]
    widget = MapPanel(region)
    qtbot.addWidget(widget)
    widget.resize(W, H)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def close(a: QColor, b: QColor, tol: int = 40) -> bool:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) <= tol


def count_colour(image: QImage, colour: QColor, x0: int, y0: int, x1: int, y1: int, tol: int = 40) -> int:
    """Pixels in [x0, x1) x [y0, y1) within `tol` (sum of |dR|+|dG|+|dB|) of colour."""
    img = image.convertToFormat(QImage.Format.Format_RGB32)
    px = np.frombuffer(img.constBits(), dtype=np.uint8).reshape(img.height(), img.bytesPerLine() // 4, 4)
    box = px[max(0, y0) : max(0, y1), max(0, x0) : max(0, min(x1, img.width())), :3].astype(np.int32)
    diff = np.abs(box - np.array([colour.blue(), colour.green(), colour.red()])).sum(axis=2)  # BGRA bytes
    return int((diff <= tol).sum())


def grab(panel: MapPanel) -> QImage:
    return panel.grab().toImage()


def send_mouse(panel: MapPanel, kind: QEvent.Type, pos: QPointF, buttons: Qt.MouseButton) -> None:
    button = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseMove else Qt.MouseButton.LeftButton
    event = QMouseEvent(kind, pos, panel.mapToGlobal(pos), button, buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(panel, event)


# -- projection (Qt-free) -----------------------------------------------------------------------------
def test_mercator_round_trip_and_known_values() -> None:
    x, y = lonlat_to_merc(114.857, -3.4135)
    # Independent forms: x = R*lambda, y = R*atanh(sin(phi)); 1 degree of longitude = 111,319.49 m.
    assert x == pytest.approx(114.857 * 111_319.4908, abs=0.01)
    assert y == pytest.approx(6378137.0 * math.atanh(math.sin(math.radians(-3.4135))), abs=1e-6)
    lon, lat = merc_to_lonlat(x, y)
    assert (lon, lat) == pytest.approx((114.857, -3.4135), abs=1e-9)
    assert tile_bounds(0, 0, 0) == pytest.approx(
        (-20037508.34, -20037508.34, 20037508.34, 20037508.34), abs=0.01
    )
    assert [nice_distance(v) for v in (0, 7.5, 130, 2600, 99_000)] == [0, 5, 100, 2000, 50_000]


def test_viewport_zoom_at_keeps_the_point_under_the_cursor() -> None:
    vp = Viewport(width=640, height=480)
    vp.fit(114.35, -3.85, 115.70, -2.70)
    before = vp.px_to_lonlat(100, 50)
    z = vp.zoom
    vp.zoom_at(2.0, 100, 50)
    assert vp.zoom == pytest.approx(z + 1)
    assert vp.px_to_lonlat(100, 50) == pytest.approx(before, abs=1e-9)


# -- the panel ----------------------------------------------------------------------------------------
def test_panel_loads_banjar_and_fits_it(panel: MapPanel, region: Region) -> None:
    assert panel.objectName() == "mapPanel"
    minx, miny, maxx, maxy = region.kabupaten[0].geometry.bounds
    corners = [panel.pos_of(lat, lon) for lon, lat in ((minx, miny), (maxx, maxy))]
    for c in corners:
        assert 0 <= c.x() <= W and 0 <= c.y() <= H
    # Fitted: the region fills the panel in one direction (within the 16 px margins).
    span_x = abs(corners[1].x() - corners[0].x())
    span_y = abs(corners[1].y() - corners[0].y())
    assert span_x >= W - 40 or span_y >= H - 40
    assert 8.0 < panel.zoom() < 12.0


def test_plain_click_emits_location_inside_banjar_that_maps_back(
    qtbot, panel: MapPanel, region: Region
) -> None:  # type: ignore[no-untyped-def]
    target = panel.pos_of(*MARTAPURA).toPoint()
    with qtbot.waitSignal(panel.location_clicked, timeout=2000) as blocker:
        qtbot.mouseClick(panel, Qt.MouseButton.LeftButton, pos=target)
    lat, lon = blocker.args
    assert region.kabupaten[0].geometry.contains(Point(lon, lat))
    back = panel.pos_of(lat, lon)
    assert back.x() == pytest.approx(target.x(), abs=1e-6)
    assert back.y() == pytest.approx(target.y(), abs=1e-6)
    # One pixel is ~150 m at this zoom: the click is within a pixel of Martapura and in kecamatan Martapura.
    assert math.hypot(lat - MARTAPURA[0], lon - MARTAPURA[1]) < 0.002
    place = ReverseGeocoder(region).locate(lat, lon)
    assert place is not None and place.kecamatan_name == "Martapura"


def test_drag_pans_and_does_not_click(qtbot, panel: MapPanel) -> None:  # type: ignore[no-untyped-def]
    clicks: list[tuple[float, float]] = []
    panel.location_clicked.connect(lambda lat, lon: clicks.append((lat, lon)))
    start = QPointF(400, 300)
    grabbed = panel.lonlat_at(start)
    send_mouse(panel, QEvent.Type.MouseButtonPress, start, Qt.MouseButton.LeftButton)
    for step in range(1, 11):
        send_mouse(
            panel, QEvent.Type.MouseMove, start + QPointF(12 * step, 5 * step), Qt.MouseButton.LeftButton
        )
    end = start + QPointF(120, 50)
    send_mouse(panel, QEvent.Type.MouseButtonRelease, end, Qt.MouseButton.NoButton)
    assert clicks == []
    # The map point grabbed at the start is now under the cursor.
    assert panel.lonlat_at(end) == pytest.approx(grabbed, abs=1e-9)


def test_wheel_zooms_around_the_cursor(panel: MapPanel) -> None:
    pos = QPointF(250, 180)
    under = panel.lonlat_at(pos)
    z = panel.zoom()
    event = QWheelEvent(
        pos,
        panel.mapToGlobal(pos),
        QPoint(),
        QPoint(0, 240),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(panel, event)
    assert panel.zoom() == pytest.approx(z + 1.0)  # two notches, sqrt(2) each
    assert panel.lonlat_at(pos) == pytest.approx(under, abs=1e-9)
    back = QWheelEvent(
        pos,
        panel.mapToGlobal(pos),
        QPoint(),
        QPoint(0, -120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(panel, back)
    assert panel.zoom() == pytest.approx(z + 0.5)
    assert panel.lonlat_at(pos) == pytest.approx(under, abs=1e-9)


def test_keyboard_pans_zooms_and_home_fits(qtbot, panel: MapPanel) -> None:  # type: ignore[no-untyped-def]
    centre = QPointF(W / 2, H / 2)
    fitted_zoom = panel.zoom()
    lat0, lon0 = panel.lonlat_at(centre)
    qtbot.keyClick(panel, Qt.Key.Key_Right)
    lat1, lon1 = panel.lonlat_at(centre)
    assert lon1 > lon0 and lat1 == pytest.approx(lat0, abs=1e-9)
    assert panel.pos_of(lat0, lon0).x() == pytest.approx(W / 2 - 80)  # content moved 80 px left
    qtbot.keyClick(panel, Qt.Key.Key_Up)
    assert panel.lonlat_at(centre)[0] > lat1
    qtbot.keyClick(panel, Qt.Key.Key_Plus)
    assert panel.zoom() == pytest.approx(fitted_zoom + 1)
    qtbot.keyClick(panel, Qt.Key.Key_Minus)
    qtbot.keyClick(panel, Qt.Key.Key_Minus)
    assert panel.zoom() == pytest.approx(fitted_zoom - 1)
    qtbot.keyClick(panel, Qt.Key.Key_Home)
    assert panel.zoom() == pytest.approx(fitted_zoom)
    assert panel.lonlat_at(centre) == pytest.approx((lat0, lon0), abs=1e-9)


def random_rows(region: Region, n: int, seed: int = 3) -> list[dict[str, object]]:
    rnd = random.Random(seed)
    kab = region.kabupaten[0].geometry
    minx, miny, maxx, maxy = kab.bounds
    rows: list[dict[str, object]] = []
    while len(rows) < n:
        lon, lat = rnd.uniform(minx, maxx), rnd.uniform(miny, maxy)
        if not kab.contains(Point(lon, lat)) or math.hypot(lon - 115.2, lat + 3.2) < 0.12:
            continue  # keep a clear spot around (115.2, -3.2) for the markers checked below
        rows.append(
            {
                "id": f"r{len(rows)}",
                "number": f"BJR-D1-20260101-{len(rows):04d}",
                "category": "fire",
                "priority": rnd.choice(["P1", "P2", "P3", "P4"]),
                "status": rnd.choice(["new", "referred", "resolved"]),
                "lat": lat,
                "lon": lon,
            }
        )
    return rows


def test_incidents_are_drawn_in_priority_colours(panel: MapPanel, region: Region) -> None:
    rows = random_rows(region, 300)
    p1 = {
        "id": "fire-1",
        "number": "BJR-1",
        "category": "fire",
        "priority": "P1",
        "status": "new",
        "lat": -3.2,
        "lon": 115.2,
    }
    done = {
        "id": "done-1",
        "number": "BJR-2",
        "category": "fire",
        "priority": "P1",
        "status": "closed",
        "lat": -3.2,
        "lon": 115.28,
    }
    blue = {
        "id": "p4",
        "number": "BJR-3",
        "category": "other",
        "priority": "P4",
        "status": "referred",
        "lat": -3.26,
        "lon": 115.2,
    }
    nowhere = {"id": "no-location", "priority": "P1", "status": "new", "lat": None, "lon": None}
    panel.set_incidents([*rows, p1, done, blue, nowhere])
    image = grab(panel)
    red = PRIORITY_COLOURS["P1"]
    c = panel.pos_of(-3.2, 115.2).toPoint()
    assert close(image.pixelColor(c), red)
    assert count_colour(image, red, c.x() - 6, c.y() - 6, c.x() + 7, c.y() + 7) >= 40  # a filled dot
    b = panel.pos_of(-3.26, 115.2).toPoint()
    assert close(image.pixelColor(b), PRIORITY_COLOURS["P4"])
    # Closed: hollow and greyed — no red at all, and the centre shows the map through the ring.
    d = panel.pos_of(-3.2, 115.28).toPoint()
    assert count_colour(image, red, d.x() - 8, d.y() - 8, d.x() + 9, d.y() + 9) == 0
    assert not close(image.pixelColor(d), red, 120)
    # The 300 random markers: every priority colour shows up across the map.
    for prio in ("P1", "P2", "P3", "P4"):
        assert count_colour(image, PRIORITY_COLOURS[prio], 0, 0, W, H, tol=12) > 100, prio


def test_select_and_follow_an_incident(qtbot, panel: MapPanel) -> None:  # type: ignore[no-untyped-def]
    row = {"id": "f", "priority": "P2", "status": "new", "lat": -3.30, "lon": 115.00}
    panel.set_incidents([row])
    panel.follow("f")
    centre = QPointF(W / 2, H / 2)
    assert panel.lonlat_at(centre) == pytest.approx((-3.30, 115.00), abs=1e-9)
    panel.set_incidents([{**row, "lat": -3.35, "lon": 115.05}])  # the incident moved: the map follows
    assert panel.lonlat_at(centre) == pytest.approx((-3.35, 115.05), abs=1e-9)
    image = grab(panel)
    assert count_colour(image, QColor("#00b7ff"), W // 2 - 14, H // 2 - 14, W // 2 + 15, H // 2 + 15) > 20
    hits: list[str] = []
    panel.incident_clicked.connect(hits.append)
    qtbot.mouseClick(panel, Qt.MouseButton.LeftButton, pos=centre.toPoint() + QPoint(3, 2))
    assert hits == ["f"]
    qtbot.keyClick(panel, Qt.Key.Key_Left)  # a manual pan stops following
    panel.set_incidents([{**row, "lat": -3.40, "lon": 115.10}])
    assert panel.lonlat_at(centre) != pytest.approx((-3.40, 115.10), abs=1e-6)


def png_tile(colour: QColor) -> bytes:
    image = QImage(256, 256, QImage.Format.Format_RGB32)
    image.fill(colour)
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    assert image.save(buf, "PNG")
    return bytes(data.data())


def make_mbtiles(path: Path, tiles: dict[tuple[int, int, int], bytes]) -> None:
    """A minimal MBTiles 1.3 file; `tiles` keyed by XYZ (z, x, y) and stored TMS-flipped."""
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
        db.execute(
            "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)"
        )
        db.executemany(
            "INSERT INTO metadata VALUES (?, ?)",
            [("name", "test"), ("format", "png"), ("attribution", "<a href='x'>© Test</a>")],
        )
        for (z, x, y), data in tiles.items():
            db.execute("INSERT INTO tiles VALUES (?, ?, ?, ?)", (z, x, (1 << z) - 1 - y, data))
    db.close()


def xyz_tile_of(lat: float, lon: float, z: int) -> tuple[int, int, int]:
    x, y = lonlat_to_merc(lon, lat)
    size = 2 * 20037508.342789244 / (1 << z)
    return z, int((x + 20037508.342789244) // size), int((20037508.342789244 - y) // size)


def test_mbtiles_reader_flips_tms_rows(tmp_path: Path) -> None:
    path = tmp_path / "t.mbtiles"
    make_mbtiles(path, {(9, 419, 260): b"tile-a"})
    reader = MBTilesReader(path)
    assert (reader.min_zoom, reader.max_zoom) == (9, 9)
    assert reader.tile(9, 419, 260) == b"tile-a"
    assert reader.tile(9, 419, 511 - 260) is None
    reader.close()
    (tmp_path / "bad.mbtiles").write_bytes(b"not sqlite at all")
    with pytest.raises(MBTilesError, match="bad.mbtiles"):
        MBTilesReader(tmp_path / "bad.mbtiles")


def test_mbtiles_basemap_tile_is_drawn_where_it_belongs(qtbot, panel: MapPanel, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    z = 9
    key = xyz_tile_of(*MARTAPURA, z)
    magenta = QColor("#ff00ff")
    path = tmp_path / "basemap.mbtiles"
    make_mbtiles(path, {key: png_tile(magenta)})
    panel.set_basemap(path)
    assert panel.renderer.tiles is not None and "© Test" in panel.renderer.tiles.attribution
    qtbot.waitUntil(lambda: (grab(panel), panel.basemap_tiles_drawn())[1] == 1, timeout=3000)
    image = grab(panel)
    x0, y0, x1, y1 = tile_bounds(*key)
    top_left = panel.pos_of(*reversed(merc_to_lonlat(x0, y1)))
    bottom_right = panel.pos_of(*reversed(merc_to_lonlat(x1, y0)))
    inside = count_colour(
        image,
        magenta,
        int(top_left.x()) + 2,
        int(top_left.y()) + 2,
        int(bottom_right.x()) - 2,
        int(bottom_right.y()) - 2,
        tol=30,
    )
    area = (bottom_right.x() - top_left.x() - 4) * (bottom_right.y() - top_left.y() - 4)
    assert inside > 0.5 * area  # most of the tile shows (boundaries, labels and POIs sit on top)
    # Nothing magenta outside the tile: the row was flipped from TMS correctly.
    total = count_colour(image, magenta, 0, 0, W, H, tol=30)
    assert total - inside < 0.02 * W * H
    panel.set_basemap(None)
    assert count_colour(grab(panel), magenta, 0, 0, W, H, tol=30) == 0


def test_labels_appear_only_past_zoom_thresholds(panel: MapPanel) -> None:
    grab(panel)
    levels = {level for level, _ in panel.visible_labels()}
    assert panel.zoom() >= KECAMATAN_LABEL_ZOOM
    assert "kecamatan" in levels and "desa" not in levels
    assert ("kecamatan", "Martapura") in panel.visible_labels()
    panel.center_on(*MARTAPURA, zoom=DESA_LABEL_ZOOM + 1.5)
    grab(panel)
    desa = [text for level, text in panel.visible_labels() if level == "desa"]
    assert len(desa) >= 5
    boxes = panel.renderer.placer.boxes
    assert all(not a.intersects(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    panel.center_on(*MARTAPURA, zoom=KECAMATAN_LABEL_ZOOM - 1)
    grab(panel)
    assert panel.visible_labels() == []


def test_panel_without_a_region_still_locates_clicks(qtbot) -> None:  # type: ignore[no-untyped-def]
    widget = MapPanel(None)
    qtbot.addWidget(widget)
    widget.resize(W, H)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_incidents([{"id": "a", "priority": "P1", "status": "new", "lat": -3.4, "lon": 114.9}])
    image = grab(widget)
    assert count_colour(image, PRIORITY_COLOURS["P1"], 0, 0, W, H) > 40
    with qtbot.waitSignal(widget.location_clicked, timeout=1000) as blocker:
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(400, 300))
    lat, lon = blocker.args
    assert -3.85 < lat < -2.70 and 114.35 < lon < 115.70  # the default view is the Banjar box


def test_context_menu_requests_a_landmark(qtbot, panel: MapPanel) -> None:  # type: ignore[no-untyped-def]
    pos = QPoint(300, 260)
    menu = panel.build_context_menu(pos)
    add = menu.actions()[0]
    assert add.text().startswith("Add landmark")
    with qtbot.waitSignal(panel.landmark_requested, timeout=1000) as blocker:
        add.trigger()
    assert tuple(blocker.args) == pytest.approx(panel.lonlat_at(pos), abs=1e-12)
    menu.deleteLater()


def test_caller_location_and_pending_pin_are_drawn(panel: MapPanel) -> None:
    panel.center_on(*MARTAPURA, zoom=13)
    before = grab(panel)
    panel.set_caller_location(MARTAPURA[0], MARTAPURA[1], accuracy_m=300, age_s=95)
    panel.set_pending_location(-3.425, 114.875)
    image = grab(panel)
    c = panel.pos_of(*MARTAPURA).toPoint()
    assert close(image.pixelColor(c), QColor("#0a84ff"))
    # 300 m at zoom 13 is ~16 px: the accuracy ring tints the map around the dot.
    ring = c + QPoint(0, -int(300 / 0.998 / 19.1) + 3)
    assert image.pixelColor(ring) != before.pixelColor(ring)
    pin = panel.pos_of(-3.425, 114.875).toPoint() + QPoint(0, -14)
    assert close(image.pixelColor(pin), QColor("#8a2be2"), 60)
    assert panel.text_caller(300, 95) == "±300 m · 1 min ago"
    panel.clear_caller_location()
    panel.clear_pending_location()
    after = grab(panel)
    assert after.pixelColor(c) == before.pixelColor(c)


def test_kecamatan_names_are_drawn_at_the_docked_size(qtbot, region: Region) -> None:  # type: ignore[no-untyped-def]
    """The map dock of a 1366x768 desk is about 340x450 px (zoom ~8.6): the names must show there."""
    from operator_desk.ui.map.renderer import KECAMATAN_SMALL_ZOOM

    small = MapPanel(region)
    qtbot.addWidget(small)
    small.resize(340, 450)
    small.show()
    qtbot.waitExposed(small)
    grab(small)
    assert KECAMATAN_LABEL_ZOOM <= small.zoom() < KECAMATAN_SMALL_ZOOM
    names = [text for level, text in small.visible_labels() if level == "kecamatan"]
    assert len(names) >= 12 and "Martapura" in names  # the capital first, of 20
    boxes = small.renderer.placer.boxes
    assert all(b.left() >= 0 and b.right() <= 340 and b.top() >= 0 and b.bottom() <= 450 for b in boxes)
    assert all(not a.intersects(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    # A long name goes onto two lines at this zoom.
    from operator_desk.ui.map.labels import wrap_name

    assert wrap_name("Cintapuri Darussalam") == "Cintapuri\nDarussalam" and wrap_name("Gambut") == "Gambut"


def test_the_legend_names_every_marker_and_keeps_labels_off_it(qtbot, region: Region) -> None:  # type: ignore[no-untyped-def]
    small = MapPanel(region)
    qtbot.addWidget(small)
    small.resize(340, 450)
    small.show()
    qtbot.waitExposed(small)
    legend = small.findChild(QWidget, "mapLegendHost")
    toggle = small.findChild(QWidget, "mapLegendToggle")
    assert legend is small.legend and toggle is not None and toggle.isVisible()
    assert not small.legend.is_open()  # closed at first: the docked map keeps its room
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    assert small.legend.is_open() and small.findChild(QWidget, "mapLegend").isVisible()
    texts = [t for _, t in small.legend.entries]
    for want in (
        "P1",
        "P2",
        "P3",
        "P4",
        "Resolved or closed",
        "Caller's phone",
        "Location chosen",
        "Hospital",
        "Puskesmas",
        "Police",
        "Fire station",
        "Kecamatan boundary",
    ):
        assert any(want in t for t in texts), want
    grab(small)
    covered = small.legend.covered()
    assert all(not covered.intersects(b) for b in small.renderer.placer.boxes)
    small.resize(260, 300)  # a smaller dock: the legend scrolls inside the map, never past its edge
    qtbot.waitUntil(lambda: small.legend.geometry().bottom() < 300)
    assert small.rect().contains(small.legend.geometry())
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    assert not small.legend.is_open()
