"""PIDF-LO documents (RFC 4119, shapes per RFC 5491 / GeoShape): geodetic position of a device.

Read: the first shape under gp:location-info — gml:Point, gs:Circle and gs:Sphere exactly;
gs:Ellipse, gs:Ellipsoid, gs:ArcBand, gml:Polygon and gs:Prism reduced to centre + radius with a
"shape_approximated" warning. Also <timestamp> (pidf or data-model namespace), gp:method,
RFC 7459 con:confidence (percent) and the presence entity (tel:/sip:/pres: URI) as the number.
Untrusted input: parsed by defusedxml with DTDs forbidden, so entity bombs and external entities
are refused (LocationParseError), never expanded.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import cast
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from operator_desk.domain.location import distance_m

from ._fields import check_size, decimal, phone_number, reject_null_island
from .model import DeviceLocation, LocationParseError

FMT = "PIDF-LO"
PIDF = "urn:ietf:params:xml:ns:pidf"
GP = "urn:ietf:params:xml:ns:pidf:geopriv10"
GML = "http://www.opengis.net/gml"
GS = "http://www.opengis.net/pidflo/1.0"
DM = "urn:ietf:params:xml:ns:pidf:data-model"
CON = "urn:ietf:params:xml:ns:geopriv:conf"
CIVIC = "urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr"

_EXACT = {f"{{{GML}}}Point", f"{{{GS}}}Circle", f"{{{GS}}}Sphere"}
_APPROX = {f"{{{GS}}}{n}" for n in ("Ellipse", "Ellipsoid", "ArcBand", "Prism")} | {f"{{{GML}}}Polygon"}
_CRS_2D_3D = ("urn:ogc:def:crs:EPSG::4326", "urn:ogc:def:crs:EPSG::4979")
_METRES = "urn:ogc:def:uom:EPSG::9001"
_METHODS = {
    "gps": "gnss",
    "agps": "gnss",
    "gnss": "gnss",
    "agnss": "gnss",
    "802.11": "wifi",
    "wifi": "wifi",
    "wlan": "wifi",
    "ssid": "wifi",
    "cell": "cell",
    "aflt": "cell",
    "eotd": "cell",
    "otdoa": "cell",
    "utdoa": "cell",
    "ipdl": "cell",
    "triangulation": "cell",
    "hybrid": "hybrid",
    "fused": "hybrid",
    "manual": "manual",
    "dhcp": "network",
    "wiremap": "network",
    "derived": "network",
}
_NUMBERISH = re.compile(r"\+?[0-9][0-9().\- ]{2,30}", re.ASCII)


def is_pidf(text: str) -> bool:
    return text.lstrip("\ufeff \t\r\n").startswith("<")


def parse_pidf(
    document: str | bytes, *, raw: str | None = None, fallback_number: str | None = None
) -> DeviceLocation:
    """Parse a standalone PIDF-LO document. ``fallback_number`` (e.g. from SIP P-Asserted-Identity)
    is used when the presence entity carries no phone number."""
    check_size(document, FMT)
    root = _parse_xml(document)
    warnings: list[str] = []
    shapes = [el for info in root.iter(f"{{{GP}}}location-info") for el in info if _is_shape(el)]
    if not shapes:
        civic = next(root.iter(f"{{{CIVIC}}}civicAddress"), None) is not None
        detail = (
            "civic address only, no geodetic shape" if civic else "no gml:Point/gs:Circle in location-info"
        )
        raise LocationParseError(f"{FMT}: {detail}")
    if len(shapes) > 1:
        warnings.append("multiple_locations")
    shape = shapes[0]
    lat, lon, radius = _read_shape(shape, warnings)
    reject_null_island(lat, lon, FMT, "gml:pos zero")
    entity = root.get("entity")
    number = _number_from_uri(entity, warnings) if entity else None
    if number is None and fallback_number:
        number = _number_from_uri(fallback_number, warnings)
    if raw is None:
        raw = document if isinstance(document, str) else document.decode("utf-8", "replace")
    # Each reader may append to warnings, so all run before the tuple is taken.
    time = _timestamp(root, warnings)
    method = _method(root, warnings)
    confidence = _confidence(root, warnings)
    return DeviceLocation(
        lat=lat,
        lon=lon,
        radius_m=radius,
        time=time,
        method=method,
        confidence=confidence,
        number=number,
        source="pidf",
        warnings=tuple(warnings),
        raw=raw,
    )


def _parse_xml(document: str | bytes) -> Element:
    try:
        return cast(Element, fromstring(document, forbid_dtd=True))  # defusedxml ships no types
    except (ParseError, DefusedXmlException, ValueError) as exc:
        # ValueError covers text that cannot be encoded for expat (lone surrogates).
        reason = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        raise LocationParseError(f"{FMT}: not well-formed or refused XML ({reason})") from exc


def _is_shape(el: Element) -> bool:
    return el.tag in _EXACT or el.tag in _APPROX


def _positions(el: Element) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for pos in el.iter(f"{{{GML}}}pos"):
        points.append(_pos(pos.text, 3))
    for pos_list in el.iter(f"{{{GML}}}posList"):
        dim = 3 if pos_list.get("srsDimension", "2").strip() == "3" else 2
        values = (pos_list.text or "").split()
        if not values or len(values) % dim or len(values) > 3000:
            raise LocationParseError(f"{FMT}: gml:posList has {len(values)} values, not pairs")
        for i in range(0, len(values), dim):
            points.append(_pos(" ".join(values[i : i + 2]), 2))
    return points


def _pos(text: str | None, max_dim: int) -> tuple[float, float]:
    values = (text or "").split()
    if not 2 <= len(values) <= max_dim:
        raise LocationParseError(f"{FMT}: gml:pos {(text or '').strip()[:40]!r} is not 'lat lon'")
    lat, lon = decimal(values[0]), decimal(values[1])
    if lat is None or lon is None or not -90 <= lat <= 90 or not -180 <= lon <= 180:
        raise LocationParseError(f"{FMT}: gml:pos {(text or '').strip()[:40]!r} is not a WGS84 position")
    return lat, lon


def _read_shape(shape: Element, warnings: list[str]) -> tuple[float, float, float | None]:
    crs = shape.get("srsName")
    if crs is not None and crs.strip() not in _CRS_2D_3D:
        raise LocationParseError(f"{FMT}: unsupported srsName {crs.strip()[:60]!r} (want EPSG::4326/4979)")
    points = _positions(shape)
    if not points:
        raise LocationParseError(f"{FMT}: {_local(shape.tag)} without gml:pos")
    local = _local(shape.tag)
    if local == "Point":
        return points[0][0], points[0][1], None
    if local in ("Circle", "Sphere"):
        return points[0][0], points[0][1], _length(shape.find(f"{{{GS}}}radius"), warnings)
    warnings.append("shape_approximated")
    if local in ("Polygon", "Prism"):
        return _polygon(points)
    axis = "outerRadius" if local == "ArcBand" else "semiMajorAxis"
    return points[0][0], points[0][1], _length(shape.find(f"{{{GS}}}{axis}"), warnings)


def _polygon(points: list[tuple[float, float]]) -> tuple[float, float, float]:
    if len(points) > 1 and points[0] == points[-1]:
        points = points[:-1]  # the closing vertex repeats the first
    lat = sum(p[0] for p in points) / len(points)
    lon = sum(p[1] for p in points) / len(points)  # fine away from the antimeridian (Indonesia is)
    radius = max(distance_m(lat, lon, p[0], p[1]) for p in points)
    return lat, lon, radius


def _length(el: Element | None, warnings: list[str]) -> float | None:
    if el is None:
        return None
    value = decimal(el.text)
    uom = el.get("uom", _METRES).strip()
    if value is None or value < 0 or uom != _METRES:
        warnings.append("bad_radius")
        return None
    return value


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _timestamp(root: Element, warnings: list[str]) -> datetime | None:
    for tag in (f"{{{PIDF}}}timestamp", f"{{{DM}}}timestamp"):
        el = next(root.iter(tag), None)
        if el is None or not (el.text or "").strip():
            continue
        text = el.text.strip() if el.text else ""
        try:
            when = datetime.fromisoformat(text) if len(text) <= 40 else None
        except ValueError:
            when = None
        if when is None:
            warnings.append("bad_time")
            return None
        if when.tzinfo is None:
            warnings.append("time_no_zone")
            when = when.replace(tzinfo=UTC)
        try:
            return when.astimezone(UTC)
        except OverflowError:
            warnings.append("bad_time")
            return None
    return None


def _method(root: Element, warnings: list[str]) -> str:
    el = next(root.iter(f"{{{GP}}}method"), None)
    if el is None or not (el.text or "").strip():
        return "unknown"
    key = (el.text or "").strip().lower().replace("-", "").replace(" ", "")
    method = _METHODS.get(key)
    if method is None:
        warnings.append("unknown_method")
        return "unknown"
    return method


def _confidence(root: Element, warnings: list[str]) -> float | None:
    el = next(root.iter(f"{{{CON}}}confidence"), None)
    if el is None:
        return None
    percent = decimal(el.text)
    if percent is None or not 0 <= percent <= 100:
        warnings.append("bad_confidence")
        return None
    return percent / 100.0


def _number_from_uri(uri: str, warnings: list[str]) -> str | None:
    """tel:+62..., sip:+62...@host;user=phone, <sip:...>: the user part if it looks like a number."""
    text = uri.strip().strip("<>").strip()
    if "<" in text:
        text = text.split("<", 1)[1].split(">", 1)[0]
    scheme, sep, rest = text.partition(":")
    if not sep or scheme.lower() not in ("tel", "sip", "sips", "pres"):
        return None
    user = rest.split(";", 1)[0] if scheme.lower() == "tel" else rest.split("@", 1)[0].split(";", 1)[0]
    if not _NUMBERISH.fullmatch(user):
        return None
    return phone_number(user, warnings)
