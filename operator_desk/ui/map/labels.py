"""Label placement without overlaps, and cached haloed label pixmaps.

Labels come in rank order (kecamatan before desa, big areas before small); each tries a few positions
around its anchor (centred, above, below, left, right) and is skipped when all of them hit an already
placed label or leave the view. A coarse grid keeps the overlap test cheap with hundreds of labels.
At region zoom (the map docked at 1366x768) kecamatan names use a smaller font and long names wrap
onto two lines (`wrap_name`), so most of the 20 Banjar kecamatan fit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPainterPath, QPen, QPixmap

if TYPE_CHECKING:
    from .layers import Label

CELL = 64
PAD = 3.0  # halo + breathing room around each label box
TEXT = {"kecamatan": QColor("#3b2f5c"), "desa": QColor("#4d4d4d"), "poi": QColor("#1f3d2b")}
WRAP_AT = 11  # characters: a longer multi-word name goes onto two lines at region zoom


def wrap_name(text: str, limit: int = WRAP_AT) -> str:
    """ "Cintapuri Darussalam" -> "Cintapuri\nDarussalam": split at the space nearest the middle."""
    if len(text) <= limit or " " not in text:
        return text
    middle = len(text) / 2
    cut = min((i for i, ch in enumerate(text) if ch == " "), key=lambda i: abs(i - middle))
    return text[:cut] + "\n" + text[cut + 1 :]


class LabelPlacer:
    """Places labels for one frame; `placed` lists (level, text) of what was drawn, for tests and QA."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str, bool, bool], QPixmap] = {}
        self._grid: dict[tuple[int, int], list[QRectF]] = {}
        self.placed: list[tuple[str, str]] = []
        self.boxes: list[QRectF] = []
        self.dpr = 1.0
        self.width = self.height = 0
        self.fonts = {False: QFont(), True: QFont()}
        self.fonts[False].setPixelSize(11)
        self.fonts[True].setPixelSize(12)
        self.fonts[True].setBold(True)
        self.fonts[True].setLetterSpacing(QFont.SpacingType.PercentageSpacing, 104)
        self.small = QFont()  # kecamatan names at region zoom
        self.small.setPixelSize(10)
        self.small.setWeight(QFont.Weight.DemiBold)

    def clear_cache(self) -> None:
        self._cache.clear()

    def begin(self, width: int, height: int, dpr: float) -> None:
        if dpr != self.dpr:
            self.dpr = dpr
            self._cache.clear()
        self._grid.clear()
        self.width, self.height = width, height
        self.placed = []
        self.boxes = []

    def reserve(self, rect: QRectF) -> None:
        """Mark an area (overlay widgets) where no label may go."""
        self._add(rect)

    def _cells(self, r: QRectF) -> list[tuple[int, int]]:
        x0, x1 = int(r.left() // CELL), int(r.right() // CELL)
        y0, y1 = int(r.top() // CELL), int(r.bottom() // CELL)
        return [(gx, gy) for gx in range(x0, x1 + 1) for gy in range(y0, y1 + 1)]

    def _free(self, r: QRectF) -> bool:
        return not any(r.intersects(o) for c in self._cells(r) for o in self._grid.get(c, ()))

    def _add(self, r: QRectF) -> None:
        for c in self._cells(r):
            self._grid.setdefault(c, []).append(r)

    def place(
        self,
        p: QPainter,
        label: Label,
        x: float,
        y: float,
        bold: bool,
        centred: bool = True,
        small: bool = False,
    ) -> bool:
        """Draw the label near (x, y) unless every position overlaps another or leaves the view; returns
        whether it was drawn. `small`: the region-zoom style (smaller font, long names on two lines)."""
        text = wrap_name(label.text) if small else label.text
        pix = self._pixmap(text, label.level, bold, small)
        w, h = pix.width() / self.dpr, pix.height() / self.dpr
        left = x - w / 2 if centred else x
        # Centred on the anchor first, then above, below, left and right of it.
        offsets = ((0.0, 0.0), (0.0, -h * 0.8), (0.0, h * 0.8), (-w * 0.45, 0.0), (w * 0.45, 0.0))
        for dx, dy in offsets if centred else ((0.0, 0.0),):
            box = QRectF(left + dx, y - h / 2 + dy, w, h)
            if self.width and (
                box.left() < 0 or box.right() > self.width or box.top() < 0 or box.bottom() > self.height
            ):
                continue  # a name cut by the edge is not readable
            if self._free(box):
                self._add(box)
                p.drawPixmap(QPointF(box.left(), box.top()), pix)
                self.placed.append((label.level, label.text))
                self.boxes.append(box)
                return True
        return False

    def _pixmap(self, text: str, level: str, bold: bool, small: bool = False) -> QPixmap:
        key = (text, level, bold, small)
        pix = self._cache.get(key)
        if pix is not None:
            return pix
        font = self.small if small else self.fonts[bold]
        fm = QFontMetricsF(font)
        lines = text.split("\n")
        w = max(fm.horizontalAdvance(line) for line in lines) + 2 * PAD
        h = fm.height() * len(lines) + 2 * PAD
        image = QImage(
            int(w * self.dpr) + 1, int(h * self.dpr) + 1, QImage.Format.Format_ARGB32_Premultiplied
        )
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.scale(self.dpr, self.dpr)
        path = QPainterPath()
        for i, line in enumerate(lines):  # each line centred in the box
            dx = (w - 2 * PAD - fm.horizontalAdvance(line)) / 2
            path.addText(QPointF(PAD + dx, PAD + fm.ascent() + i * fm.height()), font, line)
        halo = QPen(QColor(255, 255, 255, 230), 3.0)
        halo.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.strokePath(path, halo)
        painter.fillPath(path, TEXT.get(level, TEXT["desa"]))
        painter.end()
        pix = QPixmap.fromImage(image)
        pix.setDevicePixelRatio(self.dpr)
        self._cache[key] = pix
        return pix

    def draw_tag(self, p: QPainter, text: str, at: QPointF, colour: QColor) -> None:
        """A small boxed text (caller accuracy/age) at `at`, left-aligned; not cached (changes often)."""
        font = self.fonts[False]
        fm = QFontMetricsF(font)
        box = QRectF(at.x(), at.y() - fm.ascent() - 2, fm.horizontalAdvance(text) + 8, fm.height() + 4)
        p.setPen(QPen(colour, 1))
        p.setBrush(QColor(255, 255, 255, 230))
        p.drawRoundedRect(box, 3, 3)
        p.setFont(font)
        p.setPen(QColor("#102040"))
        p.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
