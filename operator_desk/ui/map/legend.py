"""The map's legend: what each marker, symbol and line means, drawn with the map's own sprites.

A small "Legend" button in the map's top-left corner opens and closes it (closed at first, so the
docked map at 1366x768 keeps its room); while open, the renderer keeps place names off it.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QScrollArea, QToolButton, QVBoxLayout, QWidget

from .. import labels
from .renderer import KABUPATEN_LINE, KECAMATAN_LINE, WATER
from .sprites import (
    CALLER_COLOUR,
    INCIDENT_SPRITE,
    PENDING_COLOUR,
    DrawFn,
    brush,
    icon_pixmap,
    incident_drawer,
    poi_drawer,
)

ICON = 18


def _caller(p: QPainter, c: float) -> None:
    p.setPen(QPen(CALLER_COLOUR, 1.2))
    p.setBrush(brush(CALLER_COLOUR, 40))
    p.drawEllipse(QPointF(c, c), 8.0, 8.0)
    p.setPen(QPen(QColor("white"), 1.5))
    p.setBrush(CALLER_COLOUR)
    p.drawEllipse(QPointF(c, c), 4.0, 4.0)


def _pin(p: QPainter, c: float) -> None:
    head = QPainterPath()
    head.addEllipse(QPointF(c, c - 3), 5.0, 5.0)
    tip = QPainterPath()
    tip.addPolygon(QPolygonF([QPointF(c - 4.2, c), QPointF(c + 4.2, c), QPointF(c, c + 8)]))
    p.setPen(QPen(QColor("white"), 1.0))
    p.setBrush(PENDING_COLOUR)
    p.drawPath(head.united(tip))


def _line(colour: QColor, width: float) -> DrawFn:
    def draw(p: QPainter, c: float) -> None:
        p.setPen(QPen(colour, width))
        p.drawLine(QPointF(1, c), QPointF(2 * c - 1, c))

    return draw


class MapLegend(QWidget):
    """The legend overlay: a toggle button and, when open, the list of symbols."""

    toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mapLegendHost")
        self.button = QToolButton(self)
        self.button.setObjectName("mapLegendToggle")
        self.button.setText(self.tr("Legend"))
        self.button.setCheckable(True)
        self.button.setToolTip(self.tr("What the markers and symbols mean"))
        self.button.toggled.connect(self.set_open)
        self.box = QFrame(self)
        self.box.setObjectName("mapLegend")
        self.box.setFrameShape(QFrame.Shape.StyledPanel)
        self.box.setAutoFillBackground(True)
        pal = self.box.palette()
        pal.setColor(self.box.backgroundRole(), QColor(255, 255, 255, 235))
        self.box.setPalette(pal)
        grid = QGridLayout(self.box)
        grid.setContentsMargins(6, 4, 6, 4)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(1)
        self.entries: list[tuple[str, str]] = []  # (section, text) in the order shown
        font = self.font()
        font.setPixelSize(11)
        self.box.setFont(font)
        row = 0
        for section, items in self.sections():
            head = QLabel(f"<b>{section}</b>", self.box)
            grid.addWidget(head, row, 0, 1, 2)
            row += 1
            for draw, cell, text in items:
                icon = QLabel(self.box)
                icon.setPixmap(self._icon(draw, cell))
                icon.setFixedSize(ICON, ICON)
                grid.addWidget(icon, row, 0)
                grid.addWidget(QLabel(text, self.box), row, 1)
                self.entries.append((section, text))
                row += 1
        # A small map (the dock at 1366x768) scrolls the legend rather than cutting it off.
        self.area = QScrollArea(self)
        self.area.setObjectName("mapLegendScroll")
        self.area.setWidget(self.box)
        self.area.setWidgetResizable(True)
        self.area.setFrameShape(QFrame.Shape.NoFrame)
        self.area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._room = (10_000, 10_000)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.button, 0, Qt.AlignmentFlag.AlignLeft)
        lay.addWidget(self.area)
        self.area.hide()
        self.adjustSize()

    def fit(self, width: int, height: int) -> None:
        """The room the map gives the legend (its size minus margins): never larger than the map."""
        self._room = (max(60, width), max(40, height))
        self._resize()

    def _resize(self) -> None:
        want = self.box.sizeHint()
        bar = self.area.verticalScrollBar().sizeHint().width()
        room_h = self._room[1] - self.button.sizeHint().height() - 2
        tall = want.height() > room_h
        w = min(self._room[0], want.width() + (bar if tall else 0))
        self.area.setFixedSize(w, min(want.height(), max(30, room_h)))
        self.adjustSize()

    def _icon(self, draw: DrawFn, cell: int) -> QPixmap:
        pix = icon_pixmap(draw, cell, self.devicePixelRatioF())
        if cell == ICON:
            return pix
        out = QPixmap(int(ICON * pix.devicePixelRatio()), int(ICON * pix.devicePixelRatio()))
        out.setDevicePixelRatio(pix.devicePixelRatio())
        out.fill(Qt.GlobalColor.transparent)
        p = QPainter(out)
        p.drawPixmap(QPointF((ICON - cell) / 2, (ICON - cell) / 2), pix)
        p.end()
        return out

    def sections(self) -> list[tuple[str, list[tuple[DrawFn, int, str]]]]:
        """(section title, [(drawing, cell size, text)]): the markers the map draws."""
        inc = INCIDENT_SPRITE
        return [
            (
                self.tr("Incidents"),
                [
                    *((incident_drawer(p), inc, labels.priority(p)) for p in ("P1", "P2", "P3", "P4")),
                    (incident_drawer("P2", closed=True), inc, self.tr("Resolved or closed (ring)")),
                ],
            ),
            (
                self.tr("Locations"),
                [
                    (_caller, ICON, self.tr("Caller's phone (AML) and its accuracy")),
                    (_pin, ICON, self.tr("Location chosen in the form")),
                ],
            ),
            (
                self.tr("Facilities"),
                [
                    (poi_drawer("hospital"), ICON, self.tr("Hospital")),
                    (poi_drawer("puskesmas"), ICON, self.tr("Puskesmas / clinic")),
                    (poi_drawer("doctor"), ICON, self.tr("Doctor / midwife")),
                    (poi_drawer("police"), ICON, self.tr("Police")),
                    (poi_drawer("fire_station"), ICON, self.tr("Fire station (Damkar)")),
                    (poi_drawer("other"), ICON, self.tr("Other place")),
                ],
            ),
            (
                self.tr("Lines"),
                [
                    (_line(KABUPATEN_LINE, 2.5), ICON, self.tr("Kabupaten boundary")),
                    (_line(KECAMATAN_LINE, 1.0), ICON, self.tr("Kecamatan boundary")),
                    (_line(WATER, 1.5), ICON, self.tr("River")),
                ],
            ),
        ]

    def is_open(self) -> bool:
        return self.area.isVisibleTo(self)

    def set_open(self, open_: bool) -> None:
        if self.button.isChecked() != open_:
            self.button.setChecked(open_)  # comes back here through `toggled`
            return
        self.area.setVisible(open_)
        self._resize()
        self.toggled.emit(open_)

    def covered(self) -> QRectF:
        """The area the legend covers in its parent's coordinates (labels keep off it)."""
        return QRectF(self.geometry())


__all__ = ["MapLegend"]
