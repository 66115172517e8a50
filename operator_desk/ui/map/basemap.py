"""Raster basemap from an MBTiles file: decoded tiles in an LRU cache, drawn under the vector layers.

Reading and decoding happen on the GUI thread but under a per-frame time budget: a frame that runs
out of budget draws what it has, sets `missing`, and the panel asks for another frame. A local
SQLite tile read is ~0.1 ms and a PNG decode ~1 ms, so the GUI never stalls for long.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from pathlib import Path

from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter

from .mbtiles import MBTilesReader
from .projection import Viewport, tile_bounds

FRAME_BUDGET_S = 0.012
CACHE_TILES = 384


class TileCache:
    """Decoded basemap tiles of one MBTiles file, drawn for a viewport (XYZ addressing)."""

    def __init__(self, path: str | Path) -> None:
        self.reader = MBTilesReader(path)
        self.attribution = str(self.reader.metadata.get("attribution", ""))
        self._images: OrderedDict[tuple[int, int, int], QImage | None] = OrderedDict()
        self.missing = False
        self.drawn = 0  # tiles drawn in the last frame (tests, QA)

    def close(self) -> None:
        self.reader.close()
        self._images.clear()

    def _get(self, key: tuple[int, int, int], deadline: float) -> tuple[QImage | None, bool]:
        """(image or None, whether it is known); unknown when the frame budget is spent."""
        if key in self._images:
            self._images.move_to_end(key)
            return self._images[key], True
        if time.perf_counter() > deadline:
            return None, False
        data = self.reader.tile(*key)
        image: QImage | None = None
        if data is not None:
            decoded = QImage.fromData(data)
            if not decoded.isNull():
                image = decoded.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
        self._images[key] = image
        while len(self._images) > CACHE_TILES:
            self._images.popitem(last=False)
        return image, True

    def draw(self, p: QPainter, vp: Viewport) -> bool:
        """Draw the tiles covering the viewport; True when any tile was drawn."""
        r = self.reader
        z = max(r.min_zoom, min(r.max_zoom, int(math.floor(vp.zoom + 0.3))))
        deadline = time.perf_counter() + FRAME_BUDGET_S
        self.missing = False
        self.drawn = 0
        tiles = vp.visible_tiles(z)
        if len(tiles) > 400:  # far zoomed out of a detailed file: do not decode the world
            return False
        for key in tiles:
            image, known = self._get(key, deadline)
            if not known:
                self.missing = True
                continue
            if image is None:
                continue
            x0, y0, x1, y1 = tile_bounds(*key)
            px0, py0 = vp.world_to_px(x0, y1)
            px1, py1 = vp.world_to_px(x1, y0)
            # Round to whole pixels so neighbouring tiles meet without hairline seams.
            target = QRectF(round(px0), round(py0), round(px1) - round(px0), round(py1) - round(py0))
            p.drawImage(target, image)
            self.drawn += 1
        return self.drawn > 0
