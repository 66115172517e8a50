"""Strict field readers shared by the location parsers (no float('nan'), no '1_000', no Unicode digits)."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime

from operator_desk.domain.phone import normalise

from .model import LocationParseError

# Upper bound on any one input: an AML SMS is < 1 kB, a form body a few kB, an INVITE with
# PIDF-LO some tens of kB. Anything bigger is refused before any parsing work is done.
MAX_INPUT_CHARS = 256 * 1024

_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", re.ASCII)
_INTEGER = re.compile(r"[+-]?[0-9]+", re.ASCII)


def check_size(text: str | bytes, fmt: str) -> None:
    if len(text) > MAX_INPUT_CHARS:
        raise LocationParseError(f"{fmt}: input of {len(text)} characters exceeds {MAX_INPUT_CHARS}")


def decimal(value: str | None) -> float | None:
    """A plain decimal number (optional sign and fraction) or None when the text is anything else."""
    if value is None:
        return None
    text = value.strip()
    if not _DECIMAL.fullmatch(text) or len(text) > 40:
        return None
    number = float(text)
    return number if math.isfinite(number) else None


def integer(value: str | None) -> int | None:
    if value is None:
        return None
    text = value.strip()
    if not _INTEGER.fullmatch(text) or len(text) > 20:
        return None
    return int(text)


def coordinate(value: str | None, field: str, fmt: str, limit: float) -> float:
    """Latitude (limit 90) or longitude (limit 180); raises naming the field when absent or invalid."""
    if value is None or not value.strip():
        raise LocationParseError(f"{fmt}: no {field}")
    number = decimal(value)
    if number is None:
        raise LocationParseError(f"{fmt}: {field}={value.strip()[:40]!r} is not a number")
    if not -limit <= number <= limit:
        raise LocationParseError(f"{fmt}: {field}={number} outside [-{limit:g}, {limit:g}]")
    return number


def reject_null_island(lat: float, lon: float, fmt: str, detail: str) -> None:
    """0,0 is what handsets send when they have no fix; it is never a caller's position here."""
    if lat == 0.0 and lon == 0.0:
        raise LocationParseError(f"{fmt}: no fix ({detail})")


def epoch_to_utc(seconds: float) -> datetime | None:
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def phone_number(raw: str | None, warnings: list[str]) -> str | None:
    """E.164 through phonenumbers (Indonesia as the default region); a bad number becomes a warning."""
    if raw is None or not raw.strip():
        return None
    text = raw.strip()[:64]
    result = normalise(text)
    if result is None or not result.startswith("+"):
        warnings.append("bad_number")
        return None
    return result


def digits_or_none(value: str | None, max_len: int = 20) -> str | None:
    """IMEI/IMSI: ASCII digits only, else None (never echo junk into the record)."""
    if value is None:
        return None
    text = value.strip()
    if text and len(text) <= max_len and text.isascii() and text.isdigit():
        return text
    return None
