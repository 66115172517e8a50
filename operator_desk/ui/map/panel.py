"""The map dock: region, basemap, incidents and caller location, with pan/zoom and click-to-locate."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, QPointF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPixmap,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from ...geo import Region
from .basemap import TileCache
from .layers import RegionLayers
from .legend import MapLegend
from .mbtiles import MBTilesError
from .projection import lonlat_to_merc
from .renderer import CallerLocation, MapRenderer, region_fit_box

KEY_PAN_PX = 80
WHEEL_NOTCH = 120  # angleDelta units per wheel notch; one notch zooms by sqrt(2)
DEFAULT_BBOX = (114.35, -3.85, 115.70, -2.70)  # Kabupaten Banjar, used only without a region


class MapPanel(QWidget):
    """Native Web Mercator map of the region with incidents, the caller's location and the pending pin.

    Why native: no QtWebEngine (size, sandbox, online tiles). The static layers are cached in a
    pixmap per viewport, so incident updates repaint only the markers; a full redraw of 10,000
    markers stays within one 60 Hz frame (bench/bench_map.py).

    A "Legend" button (top left) opens the legend of markers and symbols (`legend`, map/legend.py).

    Signals: `location_clicked(lat, lon)` on a plain left click (not a drag),
    `landmark_requested(lat, lon)` from the context menu, `incident_clicked(id)` when the click hit
    an incident marker (emitted after location_clicked).
    """

    location_clicked = Signal(float, float)
    landmark_requested = Signal(float, float)
    incident_clicked = Signal(str)

    def __init__(self, region: Region | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mapPanel")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setMinimumSize(200, 150)
        self._renderer = MapRenderer()
        self._renderer.texts = self
        self._renderer.on_tiles_missing = self._schedule_tiles
        self._tile_timer = QTimer(self)
        self._tile_timer.setSingleShot(True)
        self._tile_timer.setInterval(0)
        self._tile_timer.timeout.connect(self._repaint_static)
        self._static: QPixmap | None = None
        self._static_key: tuple[Any, ...] | None = None
        self._static_version = 0
        self._press: QPointF | None = None
        self._last: QPointF | None = None
        self._dragging = False
        self._auto_fit = True  # refit on resize until the user navigates
        self._follow: str | None = None
        self.region: Region | None = None
        self._rows: list[dict[str, Any]] = []
        vp = self._renderer.viewport
        vp.width, vp.height = self.width(), self.height()
        self.legend = MapLegend(self)
        self.legend.move(6, 6)
        self.legend.toggled.connect(self._legend_toggled)
        self._legend_toggled(False)
        self.set_region(region)

    def sizeHint(self) -> QSize:
        return QSize(800, 600)

    # -- public API ---------------------------------------------------------------------------------
    def set_region(self, region: Region | None) -> None:
        """Show another region (e.g. after an import); keeps incidents and overlays."""
        self.region = region
        layers = RegionLayers.build(region) if region is not None else RegionLayers()
        self._renderer.layers = layers
        self._renderer.incidents.ox, self._renderer.incidents.oy = layers.ox, layers.oy
        self._renderer.incidents.set_rows(self._rows)
        self.set_basemap(region.basemap if region is not None else None)
        self.fit_region()

    def set_basemap(self, path: str | Path | None) -> None:
        """Use an MBTiles raster file under the vector layers (None removes it).

        Raises MBTilesError (message names the file) when the file cannot be read as MBTiles.
        """
        old, self._renderer.tiles = self._renderer.tiles, None
        if old is not None:
            old.close()
        if path is not None:
            try:
                self._renderer.tiles = TileCache(path)
            except MBTilesError:
                self._invalidate()
                raise
        self._invalidate()

    def set_incidents(self, rows: list[dict[str, Any]]) -> None:
        """Replace the incidents shown (dicts with id, number, category, priority, status, lat, lon)."""
        self._rows = list(rows)
        self._renderer.incidents.set_rows(self._rows)
        if self._follow is not None:
            self._centre_on_incident(self._follow)
        self.update()

    def select_incident(self, incident_id: str | None) -> None:
        self._renderer.selected = None if incident_id is None else str(incident_id)
        self.update()

    def follow(self, incident_id: str | None) -> None:
        """Select and keep centring on this incident as its position updates; a manual pan stops it."""
        self._follow = None if incident_id is None else str(incident_id)
        if self._follow is not None:
            self.select_incident(self._follow)
            self._centre_on_incident(self._follow)

    def set_caller_location(self, lat: float, lon: float, accuracy_m: float, age_s: float | None) -> None:
        self._renderer.caller = CallerLocation(float(lat), float(lon), float(accuracy_m), age_s)
        self.update()

    def clear_caller_location(self) -> None:
        self._renderer.caller = None
        self.update()

    def set_pending_location(self, lat: float | None, lon: float | None) -> None:
        """The location chosen for the open incident form (None, None clears the pin)."""
        self._renderer.pending = None if lat is None or lon is None else (float(lat), float(lon))
        self.update()

    def clear_pending_location(self) -> None:
        self.set_pending_location(None, None)

    def fit_region(self) -> None:
        """Show the whole kabupaten (Home key)."""
        bbox = self.region.bbox if self.region is not None else DEFAULT_BBOX
        self._renderer.viewport.fit(*region_fit_box(self._renderer.layers, bbox))
        self._auto_fit = True
        self._invalidate()

    def center_on(self, lat: float, lon: float, zoom: float | None = None) -> None:
        vp = self._renderer.viewport
        vp.cx, vp.cy = lonlat_to_merc(lon, lat)
        if zoom is not None:
            vp.set_zoom(zoom)
        self._auto_fit = False
        self._invalidate()

    # -- queries (tests, the lead's window) ---------------------------------------------------------
    def zoom(self) -> float:
        return self._renderer.viewport.zoom

    def lonlat_at(self, pos: QPointF | QPoint) -> tuple[float, float]:
        """(lat, lon) under a widget position."""
        lon, lat = self._renderer.viewport.px_to_lonlat(pos.x(), pos.y())
        return lat, lon

    def pos_of(self, lat: float, lon: float) -> QPointF:
        """Widget position of a lat/lon."""
        return QPointF(*self._renderer.viewport.lonlat_to_px(lon, lat))

    def _legend_toggled(self, _open: bool) -> None:
        self._renderer.reserved = [self.legend.covered()]  # the button, or the whole open legend
        self._invalidate()

    def visible_labels(self) -> list[tuple[str, str]]:
        """(level, text) of the labels drawn in the last frame."""
        return list(self._renderer.placer.placed)

    def basemap_tiles_drawn(self) -> int:
        tiles = self._renderer.tiles
        return 0 if tiles is None else tiles.drawn

    @property
    def renderer(self) -> MapRenderer:
        return self._renderer

    # -- texts drawn on the map (through tr so they are translated) ----------------------------------
    def text_north(self) -> str:
        return self.tr("N", "north arrow")

    def text_distance(self, metres: float) -> str:
        if metres >= 1000:
            return self.tr("{0} km").format(f"{metres / 1000:g}")
        return self.tr("{0} m").format(f"{metres:g}")

    def text_caller(self, accuracy_m: float, age_s: float | None) -> str:
        acc = (
            self.tr("±{0} km").format(f"{accuracy_m / 1000:.1f}")
            if accuracy_m >= 1000
            else self.tr("±{0} m").format(f"{accuracy_m:.0f}")
        )
        if age_s is None:
            return acc
        if age_s < 60:
            age = self.tr("{0} s ago").format(int(age_s))
        elif age_s < 3600:
            age = self.tr("{0} min ago").format(int(age_s // 60))
        else:
            age = self.tr("{0} h ago").format(int(age_s // 3600))
        return f"{acc} · {age}"

    # -- painting -----------------------------------------------------------------------------------
    def _invalidate(self) -> None:
        self._static_version += 1
        self.update()

    def _schedule_tiles(self) -> None:
        if not self._tile_timer.isActive():
            self._tile_timer.start()

    def _repaint_static(self) -> None:
        self._invalidate()

    def paintEvent(self, event: QPaintEvent) -> None:
        r = self._renderer
        dpr = self.devicePixelRatioF()
        if dpr != r.dpr:
            r.set_dpr(dpr)
        vp = r.viewport
        key = (vp.cx, vp.cy, vp.res, vp.width, vp.height, dpr, self._static_version)
        if self._static is None or key != self._static_key:
            pix = QPixmap(max(1, int(vp.width * dpr)), max(1, int(vp.height * dpr)))
            pix.setDevicePixelRatio(dpr)
            cache = QPainter(pix)
            r.render_static(cache)
            cache.end()
            self._static, self._static_key = pix, key
        p = QPainter(self)
        p.drawPixmap(0, 0, self._static)
        r.render_dynamic(p)
        if self.hasFocus():
            p.setPen(self.palette().highlight().color())
            p.drawRect(self.rect().adjusted(0, 0, -1, -1))
        p.end()

    def resizeEvent(self, event: QResizeEvent) -> None:
        vp = self._renderer.viewport
        vp.width, vp.height = max(1, self.width()), max(1, self.height())
        self.legend.fit(self.width() - 12, self.height() - 12)
        self._renderer.reserved = [self.legend.covered()]
        if self._auto_fit:
            self.fit_region()
        self._invalidate()
        super().resizeEvent(event)

    # -- interaction --------------------------------------------------------------------------------
    def _user_moved(self) -> None:
        self._auto_fit = False
        self._follow = None
        self._invalidate()

    def _centre_on_incident(self, incident_id: str) -> None:
        pos = self._renderer.incidents.position(incident_id)
        if pos is None:
            return
        vp, lay = self._renderer.viewport, self._renderer.layers
        vp.cx, vp.cy = pos[0] + lay.ox, pos[1] + lay.oy
        self._auto_fit = False
        self._invalidate()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = self._last = event.position()
            self._dragging = False
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is None or self._last is None or not (event.buttons() & Qt.MouseButton.LeftButton):
            return
        pos = event.position()
        if not self._dragging:
            moved = (pos - self._press).manhattanLength()
            if moved < QApplication.startDragDistance():
                return
            self._dragging = True
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
        d = pos - self._last
        self._last = pos
        self._renderer.viewport.pan_px(d.x(), d.y())
        self._user_moved()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._press is None:
            return
        was_drag, self._press, self._last = self._dragging, None, None
        self._dragging = False
        self.unsetCursor()
        if was_drag:
            return
        pos = event.position()
        lat, lon = self.lonlat_at(pos)
        self.location_clicked.emit(lat, lon)
        hit = self._renderer.incident_at(pos.x(), pos.y())
        if hit is not None:
            self.incident_clicked.emit(hit)

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / WHEEL_NOTCH
        if steps == 0:
            return
        pos = event.position()
        self._renderer.viewport.zoom_at(math.pow(2.0, steps / 2), pos.x(), pos.y())
        self._user_moved()
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        vp = self._renderer.viewport
        step = KEY_PAN_PX * (4 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else 1)
        pans = {
            Qt.Key.Key_Left: (step, 0),
            Qt.Key.Key_Right: (-step, 0),
            Qt.Key.Key_Up: (0, step),
            Qt.Key.Key_Down: (0, -step),
        }
        key = Qt.Key(event.key())
        if key in pans:
            vp.pan_px(*pans[key])
            self._user_moved()
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            vp.zoom_at(2.0, vp.width / 2, vp.height / 2)
            self._user_moved()
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
            vp.zoom_at(0.5, vp.width / 2, vp.height / 2)
            self._user_moved()
        elif key == Qt.Key.Key_Home:
            self.fit_region()
        else:
            super().keyPressEvent(event)

    def build_context_menu(self, pos: QPoint) -> QMenu:
        """The right-click menu for a widget position (separate from exec so tests can trigger it)."""
        lat, lon = self.lonlat_at(pos)
        menu = QMenu(self)
        add = menu.addAction(self.tr("Add landmark here…"))
        add.triggered.connect(lambda: self.landmark_requested.emit(lat, lon))
        menu.addSeparator()
        fit = menu.addAction(self.tr("Fit to region"))
        fit.triggered.connect(self.fit_region)
        return menu

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self.build_context_menu(event.pos())
        menu.exec(event.globalPos())
        menu.deleteLater()
