"""Native Web Mercator map panel (QPainter), its renderer and Qt-free projection/MBTiles helpers."""

from .panel import MapPanel

__all__ = ["MapPanel"]
