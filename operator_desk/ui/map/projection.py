"""Web Mercator (EPSG:3857) maths and the map viewport. Qt-free so it can be tested and benchmarked alone.

World coordinates are Web Mercator metres; screen coordinates are widget pixels with y down.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

EARTH_RADIUS = 6378137.0
HALF_WORLD = math.pi * EARTH_RADIUS  # 20037508.34 m: x and y range of the square Mercator world
MAX_LAT = 85.0511287798066
TILE_SIZE = 256
# Metres per pixel at zoom 0 on the equator (one 256 px tile spans the world).
RES_Z0 = 2 * HALF_WORLD / TILE_SIZE
MIN_ZOOM, MAX_ZOOM = 3.0, 19.0


def lonlat_to_merc(lon: float, lat: float) -> tuple[float, float]:
    """WGS84 degrees -> Web Mercator metres."""
    lat = max(-MAX_LAT, min(MAX_LAT, lat))
    x = math.radians(lon) * EARTH_RADIUS
    y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) * EARTH_RADIUS
    return x, y


def merc_to_lonlat(x: float, y: float) -> tuple[float, float]:
    """Web Mercator metres -> WGS84 degrees (lon, lat)."""
    lon = math.degrees(x / EARTH_RADIUS)
    lat = math.degrees(2 * math.atan(math.exp(y / EARTH_RADIUS)) - math.pi / 2)
    return lon, lat


def lonlat_to_merc_array(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised lonlat_to_merc for arrays of degrees."""
    lat = np.clip(np.asarray(lat, dtype=np.float64), -MAX_LAT, MAX_LAT)
    x = np.radians(np.asarray(lon, dtype=np.float64)) * EARTH_RADIUS
    y = np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)) * EARTH_RADIUS
    return x, y


def zoom_for_resolution(res: float) -> float:
    """Slippy-map zoom level (fractional) of a resolution in Mercator metres per pixel."""
    return math.log2(RES_Z0 / res)


def resolution_for_zoom(zoom: float) -> float:
    return RES_Z0 / (2.0**zoom)


def ground_metres_per_merc(lat: float) -> float:
    """True metres on the ground per Mercator metre at this latitude (the Mercator scale factor)."""
    return math.cos(math.radians(lat))


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """Mercator bounds (minx, miny, maxx, maxy) of XYZ tile z/x/y (y counted from the north)."""
    size = 2 * HALF_WORLD / (1 << z)
    minx = -HALF_WORLD + x * size
    maxy = HALF_WORLD - y * size
    return minx, maxy - size, minx + size, maxy


def nice_distance(max_metres: float) -> float:
    """The largest 1, 2 or 5 x 10^n metres not above max_metres (for the scale bar)."""
    if max_metres <= 0:
        return 0.0
    exp = 10 ** math.floor(math.log10(max_metres))
    for step in (5, 2, 1):
        if step * exp <= max_metres:
            return float(step * exp)
    return float(exp)


@dataclass
class Viewport:
    """What part of the Mercator plane a widget shows: centre, resolution and pixel size.

    Mutable on purpose: the panel pans and zooms it in place; the renderer reads it each frame.
    """

    cx: float = 0.0
    cy: float = 0.0
    res: float = 100.0  # Mercator metres per pixel
    width: int = 800
    height: int = 600

    @property
    def zoom(self) -> float:
        return zoom_for_resolution(self.res)

    def set_zoom(self, zoom: float) -> None:
        self.res = resolution_for_zoom(max(MIN_ZOOM, min(MAX_ZOOM, zoom)))

    # -- transforms ------------------------------------------------------------------------------
    def world_to_px(self, x: float, y: float) -> tuple[float, float]:
        return (x - self.cx) / self.res + self.width / 2, (self.cy - y) / self.res + self.height / 2

    def px_to_world(self, px: float, py: float) -> tuple[float, float]:
        return self.cx + (px - self.width / 2) * self.res, self.cy - (py - self.height / 2) * self.res

    def lonlat_to_px(self, lon: float, lat: float) -> tuple[float, float]:
        return self.world_to_px(*lonlat_to_merc(lon, lat))

    def px_to_lonlat(self, px: float, py: float) -> tuple[float, float]:
        return merc_to_lonlat(*self.px_to_world(px, py))

    def world_to_px_array(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return (x - self.cx) / self.res + self.width / 2, (self.cy - y) / self.res + self.height / 2

    def world_rect(self) -> tuple[float, float, float, float]:
        """Visible Mercator bounds (minx, miny, maxx, maxy)."""
        hw, hh = self.width * self.res / 2, self.height * self.res / 2
        return self.cx - hw, self.cy - hh, self.cx + hw, self.cy + hh

    def affine(self) -> tuple[float, float, float, float]:
        """(sx, sy, dx, dy) such that px = sx*x + dx, py = sy*y + dy (for a QTransform)."""
        s = 1.0 / self.res
        return s, -s, self.width / 2 - self.cx * s, self.height / 2 + self.cy * s

    # -- navigation ------------------------------------------------------------------------------
    def pan_px(self, dx: float, dy: float) -> None:
        """Move the content by (dx, dy) pixels (drag right -> content moves right)."""
        self.cx -= dx * self.res
        self.cy += dy * self.res

    def zoom_at(self, factor: float, px: float, py: float) -> None:
        """Scale by `factor` (>1 zooms in) keeping the world point under pixel (px, py) fixed."""
        wx, wy = self.px_to_world(px, py)
        new_res = self.res / factor
        lo, hi = resolution_for_zoom(MAX_ZOOM), resolution_for_zoom(MIN_ZOOM)
        self.res = max(lo, min(hi, new_res))
        self.cx = wx - (px - self.width / 2) * self.res
        self.cy = wy + (py - self.height / 2) * self.res

    def fit(self, minlon: float, minlat: float, maxlon: float, maxlat: float, margin_px: int = 16) -> None:
        """Centre on a lon/lat box and pick the resolution that shows all of it."""
        x0, y0 = lonlat_to_merc(minlon, minlat)
        x1, y1 = lonlat_to_merc(maxlon, maxlat)
        self.cx, self.cy = (x0 + x1) / 2, (y0 + y1) / 2
        w = max(1, self.width - 2 * margin_px)
        h = max(1, self.height - 2 * margin_px)
        self.res = max((x1 - x0) / w, (y1 - y0) / h, resolution_for_zoom(MAX_ZOOM))

    def visible_tiles(self, z: int) -> list[tuple[int, int, int]]:
        """XYZ tiles of zoom z covering the viewport."""
        n = 1 << z
        size = 2 * HALF_WORLD / n
        minx, miny, maxx, maxy = self.world_rect()
        x0 = max(0, int(math.floor((minx + HALF_WORLD) / size)))
        x1 = min(n - 1, int(math.floor((maxx + HALF_WORLD) / size)))
        y0 = max(0, int(math.floor((HALF_WORLD - maxy) / size)))
        y1 = min(n - 1, int(math.floor((HALF_WORLD - miny) / size)))
        return [(z, x, y) for y in range(y0, y1 + 1) for x in range(x0, x1 + 1)]
