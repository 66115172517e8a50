"""AML SMS (ETSI TS 103 625 / EENA AML) text messages, version 1 and version 2.

v1 keys (ETSI TS 103 625, Google ELS "V1"): lt, lg (WGS84 degrees), rd (radius m or N), top
(YYYYMMDDhhmmss UTC), lc (confidence %), pm (G/W/C/N), si (IMSI), ei (IMEI), mcc, mnc, ml
(total length in characters including the header and ml= itself).

v2 keys, as published in Google's ELS SMS specification ("ELS Beta", header A"ML=2): en (emergency
number dialled), et (call start, UNIX seconds), lo (lat,lon,accuracy m; accuracy 0 = unknown),
lt (location time in seconds RELATIVE to et — not a latitude), lc (confidence %), lz (altitude m,
vertical accuracy m), ls (source W/G/C/F/U; F = fused), ei (IMEI). The keys nc/hc (network and
home MCC+MNC) and lg (language tag — not a longitude) appear in a public implementation's sample
but were not confirmed in the published table: they are read but flagged "v2_unconfirmed_key:K".

The AML text carries no caller number (si is an IMSI): the SMS originator address is outside the
text, so callers pass it as ``sender`` when they have it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

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

HEADER = re.compile(r'\s*A"ML=([^;]*)', re.ASCII)

_V1_METHODS = {"G": "gnss", "W": "wifi", "C": "cell", "N": "unknown"}
_V2_METHODS = {"G": "gnss", "W": "wifi", "C": "cell", "F": "hybrid", "U": "unknown"}
_V1_KEYS = frozenset({"lt", "lg", "rd", "top", "lc", "pm", "si", "ei", "mcc", "mnc", "ml"})
_V2_KEYS = frozenset({"en", "et", "lo", "lt", "lc", "lz", "ls", "ei"})
_V2_UNCONFIRMED = frozenset({"nc", "hc", "lg"})
_TOP = re.compile(r"[0-9]{14}", re.ASCII)


def is_aml_sms(text: str) -> bool:
    return HEADER.match(text) is not None


def parse_aml_sms(text: str, sender: str | None = None) -> DeviceLocation:
    """Parse one AML SMS text (v1 or v2). ``sender`` is the SMS originator address, if known."""
    check_size(text, "AML SMS")
    match = HEADER.match(text)
    if match is None:
        raise LocationParseError('AML SMS: missing header A"ML=1 or A"ML=2')
    version = match.group(1).strip()
    warnings: list[str] = []
    fields = _split_fields(text.strip(), warnings)
    if version == "1":
        return _parse_v1(text, fields, warnings, sender)
    if version == "2":
        return _parse_v2(text, fields, warnings, sender)
    raise LocationParseError(f'AML SMS: unsupported version A"ML={version[:10]!r}')


def _split_fields(text: str, warnings: list[str]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for part in text.split(";")[1:]:
        if not part.strip():
            continue  # a trailing ';' or ';;'
        key, sep, value = part.partition("=")
        key = key.strip()
        if not sep or not key:
            if "malformed_field" not in warnings:
                warnings.append("malformed_field")
            continue
        if key in fields:
            warnings.append(f"duplicate_key:{key[:16]}")
            continue
        fields[key] = value.strip()
    return fields


def _unknown_keys(fields: dict[str, str], known: frozenset[str], warnings: list[str]) -> None:
    for key in fields:
        if key not in known:
            warnings.append(f"unknown_key:{key[:16]}")


def _confidence_percent(value: str | None, warnings: list[str]) -> float | None:
    if value is None or value == "":
        return None
    percent = decimal(value)
    if percent is None or not 0 <= percent <= 100:
        warnings.append("bad_confidence")
        return None
    return percent / 100.0


def _radius(value: str | None, warnings: list[str]) -> float | None:
    if value is None or value == "" or value.upper() == "N":
        return None
    radius = decimal(value)
    if radius is None or radius < 0:
        warnings.append("bad_radius")
        return None
    return radius


def _parse_v1(raw: str, fields: dict[str, str], warnings: list[str], sender: str | None) -> DeviceLocation:
    fmt = "AML SMS v1"
    pm = fields.get("pm", "").upper()
    lat = coordinate(fields.get("lt"), "lt (latitude)", fmt, 90.0)
    lon = coordinate(fields.get("lg"), "lg (longitude)", fmt, 180.0)
    reject_null_island(lat, lon, "AML SMS", f"pm={pm or '?'}, lt/lg zero")
    method = _V1_METHODS.get(pm)
    if method is None:
        method = "unknown"
        if pm:
            warnings.append("unknown_method")
    if pm == "N":
        warnings.append("no_fix")
    time = None
    top = fields.get("top")
    if top:
        time = _top_time(top)
        if time is None:
            warnings.append("bad_time")
    _check_ml(raw, fields.get("ml"), warnings)
    _unknown_keys(fields, _V1_KEYS, warnings)
    radius = _radius(fields.get("rd"), warnings)
    confidence = _confidence_percent(fields.get("lc"), warnings)
    number = phone_number(sender, warnings)  # helpers above append to warnings: build it last
    return DeviceLocation(
        lat=lat,
        lon=lon,
        radius_m=radius,
        time=time,
        method=method,
        confidence=confidence,
        number=number,
        source="aml_sms_v1",
        warnings=tuple(warnings),
        imei=digits_or_none(fields.get("ei")),
        imsi=digits_or_none(fields.get("si")),
        raw=raw,
    )


def _top_time(value: str) -> datetime | None:
    if not _TOP.fullmatch(value):
        return None
    v = value  # slicing is ~10x cheaper than strptime and just as strict after the regex
    try:
        return datetime(
            int(v[:4]), int(v[4:6]), int(v[6:8]), int(v[8:10]), int(v[10:12]), int(v[12:]), tzinfo=UTC
        )
    except ValueError:
        return None


def _check_ml(raw: str, declared: str | None, warnings: list[str]) -> None:
    # Never reject on ml: the published v1 sample is 127 characters but declares ml=126.
    if declared is None:
        return
    length = integer(declared)
    if length is None:
        warnings.append("ml_invalid")
    elif length != len(raw.strip()):
        warnings.append("ml_mismatch")


def _parse_v2(raw: str, fields: dict[str, str], warnings: list[str], sender: str | None) -> DeviceLocation:
    fmt = "AML SMS v2"
    reused = _v1_meaning_of_lt_lg(fields)
    if reused:
        warnings.append("v2_key_reused")
    lo = fields.get("lo")
    if not lo:
        hint = " (lt/lg hold coordinates, but v2 puts them in lo=lat,lon,accuracy)" if reused else ""
        raise LocationParseError(f"{fmt}: no lo= location{hint}")
    parts = [p.strip() for p in lo.split(",")]
    if len(parts) < 2:
        raise LocationParseError(f"{fmt}: lo={lo[:40]!r} is not lat,lon[,accuracy]")
    lat = coordinate(parts[0], "lo latitude", fmt, 90.0)
    lon = coordinate(parts[1], "lo longitude", fmt, 180.0)
    ls = fields.get("ls", "").upper()
    reject_null_island(lat, lon, "AML SMS", f"ls={ls or '?'}, lo zero")
    radius = None
    if len(parts) >= 3:
        radius = _radius(parts[2], warnings)
        if radius == 0.0:
            radius = None  # published: accuracy 0 means unknown
    method = _V2_METHODS.get(ls)
    if method is None:
        method = "unknown"
        if ls:
            warnings.append("unknown_method")
    if ls == "U":
        warnings.append("no_fix")
    time = _v2_time(fields, reused, warnings)
    for key in sorted(_V2_UNCONFIRMED & fields.keys()):
        warnings.append(f"v2_unconfirmed_key:{key}")
    _unknown_keys(fields, _V2_KEYS | _V2_UNCONFIRMED, warnings)
    confidence = _confidence_percent(fields.get("lc"), warnings)
    number = phone_number(sender, warnings)
    return DeviceLocation(
        lat=lat,
        lon=lon,
        radius_m=radius,
        time=time,
        method=method,
        confidence=confidence,
        number=number,
        source="aml_sms_v2",
        warnings=tuple(warnings),
        imei=digits_or_none(fields.get("ei")),
        raw=raw,
    )


def _v1_meaning_of_lt_lg(fields: dict[str, str]) -> bool:
    """True when lt= looks like a latitude (has a fraction) or lg= like a longitude, not a language."""
    lt, lg = fields.get("lt"), fields.get("lg")
    lt_is_coordinate = lt is not None and "." in lt and decimal(lt) is not None
    lg_is_coordinate = lg is not None and decimal(lg) is not None
    return lt_is_coordinate or lg_is_coordinate


def _v2_time(fields: dict[str, str], reused: bool, warnings: list[str]) -> datetime | None:
    et_raw, lt_raw = fields.get("et"), fields.get("lt")
    if not et_raw:
        if lt_raw and not reused:
            warnings.append("v2_no_call_time")
        return None
    et = integer(et_raw)
    call_time = epoch_to_utc(et) if et is not None else None
    if call_time is None:
        warnings.append("bad_time")
        return None
    if not lt_raw or reused:
        return None  # et is the call start, not the fix time: do not pass one off as the other
    offset = integer(lt_raw)
    if offset is None:
        warnings.append("bad_time")
        return call_time
    try:
        return call_time + timedelta(seconds=offset)
    except OverflowError:
        warnings.append("bad_time")
        return call_time
