"""Read raster tiles from an MBTiles 1.x file (SQLite). Qt-free: returns the encoded tile bytes.

MBTiles stores rows in TMS order (tile_row counted from the south); callers ask in XYZ order
(y from the north) and the flip happens here, in one place.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


class MBTilesError(Exception):
    """The file is not a readable MBTiles database; the message names the file."""


class MBTilesReader:
    """Read-only access to one MBTiles file, opened on the thread that uses it.

    The connection is opened read-only (`mode=ro`) so a user-supplied basemap is never modified.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise MBTilesError(f"{self.path}: file not found")
        try:
            self._conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
            self.metadata = dict(self._conn.execute("SELECT name, value FROM metadata").fetchall())
            row = self._conn.execute("SELECT min(zoom_level), max(zoom_level) FROM tiles").fetchone()
        except sqlite3.DatabaseError as exc:
            raise MBTilesError(f"{self.path}: not an MBTiles file ({exc})") from None
        if row is None or row[0] is None:
            raise MBTilesError(f"{self.path}: the tiles table is empty")
        self.min_zoom, self.max_zoom = int(row[0]), int(row[1])

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        """Encoded image bytes of XYZ tile z/x/y, or None when the file has no such tile."""
        tms_y = (1 << z) - 1 - y
        row = self._conn.execute(
            "SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?", (z, x, tms_y)
        ).fetchone()
        return None if row is None else bytes(row[0])

    def close(self) -> None:
        self._conn.close()
