"""AML over HTTPS: the application/x-www-form-urlencoded POST body (ETSI TS 103 625 HTTPS transport).

Fields used: v, device_number, location_latitude, location_longitude, location_time (UNIX ms),
location_accuracy (m), location_source, location_confidence (0-1), device_imei, device_imsi.
Some senders use location_certainty (percent) instead of location_confidence; both are read.
Other fields (altitude, floor, device model, cell ids, hmac, ...) are tolerated and ignored.
The endpoint must still answer 2xx to messages this parser rejects; that is the server's job.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import parse_qs

from ._fields import (
    check_size,
    coordinate,
    decimal,
    digits_or_none,
    epoch_to_utc,
    integer,
    phone_number,
    reject_null_island,
)
from .model import DeviceLocation, LocationParseError

FMT = "AML HTTPS"
# A form body is one line of name=value pairs; names are lowercase with underscores.
_FORM = re.compile(r"[A-Za-z0-9_.\-]+=[^\s]*(?:&[^\s]*)*", re.ASCII)
_AML_FIELD = re.compile(r"(?:^|&)(?:location_[a-z_]+|device_number|v)=", re.ASCII)
_SOURCES = {
    "GPS": "gnss",
    "GNSS": "gnss",
    "WIFI": "wifi",
    "WLAN": "wifi",
    "CELL": "cell",
    "NETWORK": "cell",
    "FUSED": "hybrid",
    "HYBRID": "hybrid",
    "UNKNOWN": "unknown",
}
# parse_qs is given a cap so a hostile body cannot make us build a huge dict.
_MAX_FIELDS = 200


def is_aml_https(text: str) -> bool:
    """A one-line form body naming at least one AML HTTPS field (so a missing one is reported)."""
    body = text.strip()
    return _AML_FIELD.search(body) is not None and _FORM.fullmatch(body) is not None


def parse_aml_https(body: str) -> DeviceLocation:
    """Parse one AML HTTPS form body (already URL-encoded text, as received)."""
    check_size(body, FMT)
    text = body.strip()
    try:
        form = parse_qs(text, keep_blank_values=True, max_num_fields=_MAX_FIELDS)
    except ValueError as exc:  # too many fields
        raise LocationParseError(f"{FMT}: unreadable form body ({exc})") from exc
    warnings: list[str] = []
    fields: dict[str, str] = {}
    for key, values in form.items():
        fields[key] = values[0]
        if len(values) > 1:
            warnings.append(f"duplicate_key:{key[:32]}")
    if "v" not in fields:
        warnings.append("version_missing")
    lat = coordinate(fields.get("location_latitude"), "location_latitude", FMT, 90.0)
    lon = coordinate(fields.get("location_longitude"), "location_longitude", FMT, 180.0)
    reject_null_island(lat, lon, FMT, "location_latitude/location_longitude zero")
    # Each reader may append to warnings, so all run before the tuple is taken.
    radius = _accuracy(fields.get("location_accuracy"), warnings)
    time = _time(fields.get("location_time"), warnings)
    method = _method(fields.get("location_source"), warnings)
    confidence = _confidence(fields, warnings)
    number = phone_number(fields.get("device_number"), warnings)
    return DeviceLocation(
        lat=lat,
        lon=lon,
        radius_m=radius,
        time=time,
        method=method,
        confidence=confidence,
        number=number,
        source="aml_https",
        warnings=tuple(warnings),
        imei=digits_or_none(fields.get("device_imei")),
        imsi=digits_or_none(fields.get("device_imsi")),
        raw=body,
    )


def _accuracy(value: str | None, warnings: list[str]) -> float | None:
    if not value:
        return None
    radius = decimal(value)
    if radius is None or radius < 0:
        warnings.append("bad_radius")
        return None
    return radius


def _time(value: str | None, warnings: list[str]) -> datetime | None:
    if not value:
        return None
    ms = integer(value)
    when = epoch_to_utc(ms / 1000) if ms is not None else None
    if when is None:
        warnings.append("bad_time")
    return when


def _method(value: str | None, warnings: list[str]) -> str:
    if not value:
        return "unknown"
    method = _SOURCES.get(value.strip().upper().replace("-", "").replace(" ", ""))
    if method is None:
        warnings.append("unknown_method")
        return "unknown"
    return method


def _confidence(fields: dict[str, str], warnings: list[str]) -> float | None:
    if fields.get("location_confidence"):
        value = decimal(fields["location_confidence"])
        if value is not None and 0 <= value <= 1:
            return value
        warnings.append("bad_confidence")
        return None
    if fields.get("location_certainty"):
        percent = decimal(fields["location_certainty"])
        if percent is not None and 0 <= percent <= 100:
            return percent / 100.0
        warnings.append("bad_confidence")
    return None
