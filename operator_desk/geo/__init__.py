"""Geo core (Qt-free): region packs, reverse geocoding and gazetteer search."""

from .errors import RegionError
from .gazetteer import Gazetteer, GazetteerEntry, Match
from .model import AreaFeature, GazetteerRow, LineFeature, Poi, Region
from .pack import convert_banjar, import_region, load_region, region_summary
from .reverse import Place, ReverseGeocoder

__all__ = [
    "AreaFeature",
    "Gazetteer",
    "GazetteerEntry",
    "GazetteerRow",
    "LineFeature",
    "Match",
    "Place",
    "Poi",
    "Region",
    "RegionError",
    "ReverseGeocoder",
    "convert_banjar",
    "import_region",
    "load_region",
    "region_summary",
]
