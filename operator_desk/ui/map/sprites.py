"""Map colours and pre-rendered marker sprites, drawn in bulk with QPainter.drawPixmapFragments.

Why sprites: painting 10,000 vector circles one by one from Python costs ~30 ms; blitting
pre-rendered pixmaps from one atlas in a single native call costs ~1-2 ms (pyqtgraph's trick).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import shiboken6
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPainterPath, QPen, QPixmap, QPolygonF

PRIORITY_COLOURS: dict[str, QColor] = {
    "P1": QColor("#d7191c"),  # red
    "P2": QColor("#f07f12"),  # orange
    "P3": QColor("#f5d327"),  # yellow (dark outline keeps it readable on light ground)
    "P4": QColor("#2b6fd6"),  # blue
}
UNKNOWN_COLOUR = QColor("#7a7a7a")
CLOSED_STATUSES = frozenset({"resolved", "closed"})
OUTLINE = QColor("#1e1e1e")
SELECT_COLOUR = QColor("#00b7ff")
PENDING_COLOUR = QColor("#8a2be2")
CALLER_COLOUR = QColor("#0a84ff")

PRIORITIES = ("P1", "P2", "P3", "P4", "")
INCIDENT_SPRITE = 15  # logical px cell: the 12 px dot plus its outline, no more (blend cost)
POI_SPRITE = 18
POI_KINDS = ("hospital", "clinic", "puskesmas", "doctor", "police", "fire_station", "other")
# Source kinds folded into a drawn symbol.
POI_SYMBOL = {"dentist": "doctor", "midwife": "doctor"}

DrawFn = Callable[[QPainter, float], None]


def incident_style(priority: object, status: object) -> int:
    """Index of the sprite for a priority/status pair (unknown priority -> grey)."""
    p = str(priority or "").upper()
    pi = PRIORITIES.index(p) if p in PRIORITIES[:4] else 4
    closed = str(status or "").lower() in CLOSED_STATUSES
    return pi * 2 + (1 if closed else 0)


def muted(colour: QColor) -> QColor:
    """Priority colour washed towards grey: resolved/closed incidents stay recognisable but quiet."""
    grey = 150
    return QColor(
        (colour.red() + 2 * grey) // 3, (colour.green() + 2 * grey) // 3, (colour.blue() + 2 * grey) // 3
    )


def _incident_drawer(colour: QColor, closed: bool) -> DrawFn:
    def draw(p: QPainter, c: float) -> None:
        if closed:
            p.setPen(QPen(OUTLINE, 3.2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawEllipse(QPointF(c, c), 4.5, 4.5)
            p.setPen(QPen(muted(colour), 2.0))
            p.drawEllipse(QPointF(c, c), 4.5, 4.5)
        else:
            p.setPen(QPen(OUTLINE, 1.4))
            p.setBrush(colour)
            p.drawEllipse(QPointF(c, c), 6.0, 6.0)

    return draw


def _cross(p: QPainter, c: float, arm: float, width: float, colour: QColor) -> None:
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(colour)
    p.drawRect(QRectF(c - width / 2, c - arm, width, 2 * arm))
    p.drawRect(QRectF(c - arm, c - width / 2, 2 * arm, width))


def _poi_drawer(kind: str) -> DrawFn:
    def draw(p: QPainter, c: float) -> None:
        p.setPen(QPen(OUTLINE, 1.2))
        if kind == "hospital":  # white square, red cross
            p.setBrush(QColor("white"))
            p.drawRoundedRect(QRectF(c - 7, c - 7, 14, 14), 2, 2)
            _cross(p, c, 5, 3.2, QColor("#d4001c"))
        elif kind in ("clinic", "puskesmas"):  # green disc, white cross
            p.setBrush(QColor("#1b9e4b"))
            p.drawEllipse(QPointF(c, c), 6.5, 6.5)
            _cross(p, c, 4, 2.4, QColor("white"))
        elif kind == "doctor":  # small teal disc, white cross
            p.setBrush(QColor("#14a0a0"))
            p.drawEllipse(QPointF(c, c), 5, 5)
            _cross(p, c, 3, 1.8, QColor("white"))
        elif kind == "police":  # navy shield
            path = QPainterPath()
            path.moveTo(c - 6, c - 7)
            path.lineTo(c + 6, c - 7)
            path.lineTo(c + 6, c)
            path.quadTo(c + 5, c + 6, c, c + 8)
            path.quadTo(c - 5, c + 6, c - 6, c)
            path.closeSubpath()
            p.setBrush(QColor("#1d3a8a"))
            p.drawPath(path)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor("#f5d327"))
            p.drawEllipse(QPointF(c, c - 1), 2.2, 2.2)
        elif kind == "fire_station":  # red triangle with a flame-coloured core
            p.setBrush(QColor("#c81e1e"))
            p.drawPolygon(QPolygonF([QPointF(c, c - 8), QPointF(c + 7.5, c + 6), QPointF(c - 7.5, c + 6)]))
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor("#ffb000"))
            p.drawEllipse(QPointF(c, c + 2), 2.4, 3.0)
        else:  # grey diamond
            p.setBrush(QColor("#8c8c8c"))
            p.drawPolygon(
                QPolygonF([QPointF(c, c - 6), QPointF(c + 6, c), QPointF(c, c + 6), QPointF(c - 6, c)])
            )

    return draw


class SpriteAtlas:
    """One pixmap holding square sprites side by side; `draw` blits many of them in one native call."""

    def __init__(self, cell: int, drawers: list[DrawFn], dpr: float = 1.0) -> None:
        self.cell = cell
        self.dpr = dpr
        px = int(round(cell * dpr))
        image = QImage(px * len(drawers), px, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.scale(dpr, dpr)
        for i, draw in enumerate(drawers):
            painter.save()
            painter.translate(i * cell, 0)
            draw(painter, cell / 2)
            painter.restore()
        painter.end()
        self.pixmap = QPixmap.fromImage(image)
        self.pixmap.setDevicePixelRatio(1.0)  # fragments carry the 1/dpr scale themselves
        self._px = px
        self._frags = np.empty((0, 10), dtype=np.float64)

    def draw(self, painter: QPainter, x: np.ndarray, y: np.ndarray, index: np.ndarray) -> None:
        """Blit sprite index[i] centred on device pixel (x[i], y[i]); painter must be untransformed."""
        n = len(x)
        if n == 0:
            return
        if len(self._frags) < n:
            self._frags = np.empty((max(n, 2 * len(self._frags)), 10), dtype=np.float64)
        frags = self._frags[:n]
        frags[:, 0] = x
        frags[:, 1] = y
        frags[:, 2] = index * self._px
        frags[:, 3] = 0.0
        frags[:, 4:6] = self._px
        frags[:, 6:8] = 1.0 / self.dpr
        frags[:, 8] = 0.0
        frags[:, 9] = 1.0
        # PySide's drawPixmapFragments takes a pointer to a C array of PixmapFragment (10 doubles each).
        ptr = shiboken6.wrapInstance(frags.ctypes.data, QPainter.PixmapFragment)
        painter.drawPixmapFragments(ptr, n, self.pixmap)


def incident_atlas(dpr: float = 1.0) -> SpriteAtlas:
    drawers = []
    for p in PRIORITIES:
        colour = PRIORITY_COLOURS.get(p, UNKNOWN_COLOUR)
        drawers += [_incident_drawer(colour, False), _incident_drawer(colour, True)]
    return SpriteAtlas(INCIDENT_SPRITE, drawers, dpr)


def poi_atlas(dpr: float = 1.0) -> SpriteAtlas:
    return SpriteAtlas(POI_SPRITE, [_poi_drawer(k) for k in POI_KINDS], dpr)


def poi_symbol(kind: str) -> int:
    k = POI_SYMBOL.get(kind, kind)
    return POI_KINDS.index(k) if k in POI_KINDS else POI_KINDS.index("other")


def brush(colour: QColor, alpha: int) -> QBrush:
    c = QColor(colour)
    c.setAlpha(alpha)
    return QBrush(c)


def incident_drawer(priority: str, closed: bool = False) -> DrawFn:
    """The drawing of one incident marker (the legend shows the very same markers)."""
    return _incident_drawer(PRIORITY_COLOURS.get(priority, UNKNOWN_COLOUR), closed)


def poi_drawer(kind: str) -> DrawFn:
    """The drawing of one facility symbol (the legend shows the very same symbols)."""
    return _poi_drawer(POI_SYMBOL.get(kind, kind) if kind in POI_KINDS or kind in POI_SYMBOL else "other")


def icon_pixmap(draw: DrawFn, cell: int = POI_SPRITE, dpr: float = 1.0) -> QPixmap:
    """One symbol as a small pixmap (legend entries)."""
    px = int(round(cell * dpr))
    image = QImage(px, px, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(dpr, dpr)
    draw(painter, cell / 2)
    painter.end()
    pix = QPixmap.fromImage(image)
    pix.setDevicePixelRatio(dpr)
    return pix
