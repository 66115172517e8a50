"""Paints the map for a viewport onto any QPainter (widget, QImage for tests/bench, printing).

Kept apart from the widget so the full redraw can be measured and tested without events. The
static part (basemap, boundaries, lines, POIs, labels) and the dynamic part (incidents, caller,
selection) are drawn by separate methods so the panel can cache the former in a pixmap.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen, QPolygonF, QTransform

from .basemap import TileCache
from .labels import LabelPlacer
from .layers import IncidentLayer, RegionLayers
from .projection import Viewport, ground_metres_per_merc, merc_to_lonlat, nice_distance
from .sprites import (
    CALLER_COLOUR,
    OUTLINE,
    PENDING_COLOUR,
    SELECT_COLOUR,
    SpriteAtlas,
    brush,
    incident_atlas,
    poi_atlas,
)

# Zoom thresholds (slippy-map levels). Banjar fitted in a 1280x800 panel is about zoom 10, in the map
# dock of a 1366x768 screen (about 340x450) zoom 8.6: kecamatan names show from there on, smaller.
KECAMATAN_LABEL_ZOOM = 7.5
KECAMATAN_SMALL_ZOOM = 9.5  # below this kecamatan names use the small two-line style
DESA_BOUNDARY_ZOOM = 9.5
DESA_LABEL_ZOOM = 11.5
MINOR_POI_ZOOM = 11.0
POI_LABEL_ZOOM = 14.0

BACKGROUND = QColor("#dde5ea")
LAND = QColor("#f6f3ec")
WATER = QColor("#3d7fc4")
COAST = QColor("#2f6ea8")
DESA_LINE = QColor("#c9c1b2")
KECAMATAN_LINE = QColor("#7d705f")
KABUPATEN_LINE = QColor("#5a4e7a")
NEIGHBOUR_LINE = QColor("#9a9a9a")  # the neighbouring kabupaten/kota: context, not the region


@dataclass
class CallerLocation:
    lat: float
    lon: float
    accuracy_m: float
    age_s: float | None


class TextSource(Protocol):
    """Supplies the user-visible words the renderer draws (the panel, through its tr())."""

    def text_north(self) -> str: ...
    def text_distance(self, metres: float) -> str: ...
    def text_caller(self, accuracy_m: float, age_s: float | None) -> str: ...


class MapTexts:
    """Untranslated fallback words for renders outside the panel (bench, exports)."""

    def text_north(self) -> str:
        return "N"

    def text_distance(self, metres: float) -> str:
        return f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"

    def text_caller(self, accuracy_m: float, age_s: float | None) -> str:
        acc = f"±{accuracy_m:.0f} m"
        return acc if age_s is None else f"{acc}, {age_s:.0f} s"


class MapRenderer:
    """Draws region layers, basemap, incidents and overlays for `viewport` (see module docstring)."""

    def __init__(self, layers: RegionLayers | None = None, dpr: float = 1.0) -> None:
        self.viewport = Viewport()
        self.layers = layers or RegionLayers()
        self.incidents = IncidentLayer(self.layers.ox, self.layers.oy)
        self.tiles: TileCache | None = None
        self.texts: TextSource = MapTexts()
        self.selected: str | None = None
        self.pending: tuple[float, float] | None = None  # lat, lon
        self.caller: CallerLocation | None = None
        self.label_font = QFont()
        self.label_font.setPixelSize(11)
        self.placer = LabelPlacer()
        self.reserved: list[QRectF] = []  # overlay widgets (the open legend): no label goes there
        self.on_tiles_missing: Callable[[], None] | None = None
        self.set_dpr(dpr)

    def set_dpr(self, dpr: float) -> None:
        self.dpr = dpr
        self.incident_sprites: SpriteAtlas = incident_atlas(dpr)
        self.poi_sprites: SpriteAtlas = poi_atlas(dpr)
        self.placer.clear_cache()

    # -- coordinate helpers -------------------------------------------------------------------------
    def local_transform(self) -> QTransform:
        """Local metres -> widget pixels for the current viewport."""
        sx, sy, dx, dy = self.viewport.affine()
        return QTransform(sx, 0, 0, sy, dx + sx * self.layers.ox, dy + sy * self.layers.oy)

    def local_to_px(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.viewport.world_to_px_array(x + self.layers.ox, y + self.layers.oy)

    # -- whole frame --------------------------------------------------------------------------------
    def render(self, p: QPainter) -> None:
        self.render_static(p)
        self.render_dynamic(p)

    def render_static(self, p: QPainter) -> None:
        vp = self.viewport
        p.fillRect(QRectF(0, 0, vp.width, vp.height), BACKGROUND)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        has_tiles = self.tiles is not None and self.tiles.draw(p, vp)
        if self.tiles is not None and self.tiles.missing and self.on_tiles_missing:
            self.on_tiles_missing()
        self._draw_region(p, filled=not has_tiles)
        poi_px = self._draw_pois(p)
        self._draw_labels(p, poi_px)
        if has_tiles and self.tiles is not None and self.tiles.attribution:
            self._draw_attribution(p, self.tiles.attribution)

    def render_dynamic(self, p: QPainter) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self._draw_incidents(p)
        self._draw_pending(p)
        self._draw_caller(p)
        self._draw_scale_bar(p)
        self._draw_north_arrow(p)

    # -- layers -------------------------------------------------------------------------------------
    def _draw_region(self, p: QPainter, filled: bool) -> None:
        # Pens stay at most 1 px wide on the many-vertex layers: Qt's raster engine strokes wider
        # cosmetic pens through its general stroker, ~100x slower on 17,000 desa vertices.
        lay, zoom = self.layers, self.viewport.zoom
        kabupaten = lay.path("kabupaten", zoom)
        p.save()
        p.setTransform(self.local_transform())
        if filled:
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(LAND)
            p.drawPath(kabupaten)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(self._pen(NEIGHBOUR_LINE, 1.0, Qt.PenStyle.DashLine))  # neighbouring kabupaten/kota
        p.drawPath(lay.path("neighbour", zoom))
        p.setPen(self._pen(WATER, 1.0))
        p.drawPath(lay.rivers)
        if zoom >= DESA_BOUNDARY_ZOOM:
            p.setPen(self._pen(DESA_LINE, 1.0))
            p.drawPath(lay.path("desa", zoom))
        p.setPen(self._pen(KECAMATAN_LINE, 1.0))
        p.drawPath(lay.path("kecamatan", zoom))
        p.setPen(self._pen(COAST, 1.0))
        p.drawPath(lay.coast)
        p.setPen(self._pen(KABUPATEN_LINE, 2.5))
        p.drawPath(kabupaten)
        p.restore()

    @staticmethod
    def _pen(colour: QColor, width: float, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
        pen = QPen(colour, width, style)
        pen.setCosmetic(True)
        return pen

    def _draw_pois(self, p: QPainter) -> tuple[np.ndarray, np.ndarray]:
        """Draw the POI icons; returns their pixel positions (labels keep clear of them)."""
        lay = self.layers
        if len(lay.poi_x) == 0:
            return np.empty(0), np.empty(0)
        show = lay.poi_major | (self.viewport.zoom >= MINOR_POI_ZOOM)
        x, y = self.local_to_px(lay.poi_x[show], lay.poi_y[show])
        p.save()
        p.resetTransform()
        self.poi_sprites.draw(p, x, y, lay.poi_symbol[show])
        p.restore()
        return x, y

    def _draw_labels(self, p: QPainter, poi_px: tuple[np.ndarray, np.ndarray]) -> None:
        zoom, lay = self.viewport.zoom, self.layers
        groups = []
        if zoom >= KECAMATAN_LABEL_ZOOM:
            groups.append((lay.kecamatan_labels, True))
        if zoom >= DESA_LABEL_ZOOM:
            groups.append((lay.desa_labels, False))
        if zoom >= POI_LABEL_ZOOM:
            groups.append((lay.poi_labels, False))
        vp = self.viewport
        self.placer.begin(vp.width, vp.height, self.dpr)
        # Keep labels off the north arrow and scale bar corners.
        self.placer.reserve(QRectF(vp.width - 44, 0, 44, 60))
        self.placer.reserve(QRectF(0, vp.height - 34, 180, 34))
        for rect in self.reserved:
            self.placer.reserve(rect)
        # At region zoom the kecamatan names go first (a town's cluster of hospital icons must not hide
        # "Martapura"); POI icons keep the other labels off them.
        poi_reserved = False

        def reserve_pois() -> None:
            for x, y in zip(*poi_px, strict=True):
                self.placer.reserve(QRectF(float(x) - 6, float(y) - 6, 12, 12))

        for labels, bold in groups:
            if not poi_reserved and not (labels is lay.kecamatan_labels and zoom < KECAMATAN_SMALL_ZOOM):
                reserve_pois()
                poi_reserved = True
            if not labels:
                continue
            lx = np.fromiter((lb.x for lb in labels), dtype=np.float64, count=len(labels))
            ly = np.fromiter((lb.y for lb in labels), dtype=np.float64, count=len(labels))
            px, py = self.local_to_px(lx, ly)
            inside = (px > -50) & (px < vp.width + 50) & (py > -20) & (py < vp.height + 20)
            for i in np.flatnonzero(inside):
                lb = labels[i]
                # POI names sit to the right of the icon; area names are centred on their point.
                dx = 12.0 if lb.level == "poi" else 0.0
                small = lb.level == "kecamatan" and zoom < KECAMATAN_SMALL_ZOOM
                self.placer.place(
                    p, lb, float(px[i]) + dx, float(py[i]), bold, centred=lb.level != "poi", small=small
                )

    def _draw_incidents(self, p: QPainter) -> None:
        inc = self.incidents
        if len(inc) == 0 and self.selected is None:
            return
        vp = self.viewport
        x, y = self.local_to_px(inc.x, inc.y)
        m = 12
        view = (x > -m) & (x < vp.width + m) & (y > -m) & (y < vp.height + m)
        p.save()
        p.resetTransform()
        if view.all():
            self.incident_sprites.draw(p, x, y, inc.style)
        else:
            self.incident_sprites.draw(p, x[view], y[view], inc.style[view])
        pos = inc.position(self.selected) if self.selected is not None else None
        if pos is not None:
            sx, sy = self.local_to_px(np.array([pos[0]]), np.array([pos[1]]))
            c = QPointF(float(sx[0]), float(sy[0]))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.setPen(QPen(QColor("white"), 5))
            p.drawEllipse(c, 11, 11)
            p.setPen(QPen(SELECT_COLOUR, 3))
            p.drawEllipse(c, 11, 11)
        p.restore()

    def _draw_pending(self, p: QPainter) -> None:
        if self.pending is None:
            return
        x, y = self.viewport.lonlat_to_px(self.pending[1], self.pending[0])
        head = QPainterPath()
        head.addEllipse(QPointF(x, y - 20), 8.5, 8.5)
        tip = QPainterPath()
        tip.addPolygon(QPolygonF([QPointF(x - 7.2, y - 15.5), QPointF(x + 7.2, y - 15.5), QPointF(x, y)]))
        pin = head.united(tip)
        p.save()
        p.resetTransform()
        p.setPen(QPen(QColor("white"), 1.5))
        p.setBrush(PENDING_COLOUR)
        p.drawPath(pin)
        p.setBrush(QColor("white"))
        p.setPen(Qt.PenStyle.NoPen)
        p.drawEllipse(QPointF(x, y - 20), 3.4, 3.4)
        p.restore()

    def _draw_caller(self, p: QPainter) -> None:
        c = self.caller
        if c is None:
            return
        vp = self.viewport
        x, y = vp.lonlat_to_px(c.lon, c.lat)
        radius = max(0.0, c.accuracy_m) / ground_metres_per_merc(c.lat) / vp.res
        p.save()
        p.resetTransform()
        centre = QPointF(x, y)
        if radius >= 3:
            p.setPen(QPen(CALLER_COLOUR, 1.5))
            p.setBrush(brush(CALLER_COLOUR, 40))
            p.drawEllipse(centre, radius, radius)
        p.setPen(QPen(QColor("white"), 2.5))
        p.setBrush(CALLER_COLOUR)
        p.drawEllipse(centre, 6.5, 6.5)
        text = self.texts.text_caller(c.accuracy_m, c.age_s)
        self.placer.draw_tag(p, text, QPointF(x + 10, y + 14), CALLER_COLOUR)
        p.restore()

    def _draw_attribution(self, p: QPainter, text: str) -> None:
        """The basemap's licence line (MBTiles `attribution`, HTML stripped), bottom right."""
        plain = re.sub(r"<[^>]+>", "", text).strip()
        vp = self.viewport
        p.save()
        p.resetTransform()
        p.setFont(self.placer.fonts[False])
        box = QRectF(vp.width - 420, vp.height - 16, 416, 14)
        p.setPen(QColor("#333333"))
        p.drawText(box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, plain)
        p.restore()

    def _draw_scale_bar(self, p: QPainter) -> None:
        vp = self.viewport
        _, lat = merc_to_lonlat(vp.cx, vp.cy)
        metres_per_px = vp.res * ground_metres_per_merc(lat)
        dist = nice_distance(metres_per_px * 120)
        if dist <= 0:
            return
        length = dist / metres_per_px
        x0, y0 = 12.0, vp.height - 14.0
        p.save()
        p.resetTransform()
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(255, 255, 255, 200))
        p.drawRect(QRectF(x0 - 6, y0 - 18, length + 60, 26))
        p.setPen(QPen(OUTLINE, 2))
        p.drawPolyline(
            QPolygonF(
                [QPointF(x0, y0 - 5), QPointF(x0, y0), QPointF(x0 + length, y0), QPointF(x0 + length, y0 - 5)]
            )
        )
        p.setFont(self.label_font)
        p.drawText(QPointF(x0 + length + 6, y0 + 1), self.texts.text_distance(dist))
        p.restore()

    def _draw_north_arrow(self, p: QPainter) -> None:
        x, y = self.viewport.width - 24.0, 14.0
        p.save()
        p.resetTransform()
        p.setPen(QPen(OUTLINE, 1))
        p.setBrush(QBrush(OUTLINE))
        p.drawPolygon(QPolygonF([QPointF(x, y), QPointF(x + 8, y + 22), QPointF(x, y + 17)]))
        p.setBrush(QColor("white"))
        p.drawPolygon(QPolygonF([QPointF(x, y), QPointF(x - 8, y + 22), QPointF(x, y + 17)]))
        font = QFont(self.label_font)
        font.setBold(True)
        p.setFont(font)
        p.drawText(QRectF(x - 10, y + 22, 20, 16), Qt.AlignmentFlag.AlignCenter, self.texts.text_north())
        p.restore()

    # -- hit testing --------------------------------------------------------------------------------
    def incident_at(self, px: float, py: float, radius: float = 8.0) -> str | None:
        """Id of the top-most incident drawn within `radius` pixels of (px, py)."""
        inc = self.incidents
        if len(inc) == 0:
            return None
        x, y = self.local_to_px(inc.x, inc.y)
        d2 = (x - px) ** 2 + (y - py) ** 2
        hits = np.flatnonzero(d2 <= radius * radius)
        return inc.ids[int(hits[-1])] if len(hits) else None  # last drawn = on top


def region_fit_box(layers: RegionLayers, bbox: tuple[float, float, float, float]) -> tuple[float, ...]:
    """Lon/lat box to fit: the kabupaten outline when there is one, else the pack's bbox."""
    b = layers.bounds()
    if b is None:
        return bbox
    lon0, lat0 = merc_to_lonlat(b[0] + layers.ox, b[1] + layers.oy)
    lon1, lat1 = merc_to_lonlat(b[2] + layers.ox, b[3] + layers.oy)
    return lon0, lat0, lon1, lat1
