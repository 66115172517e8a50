"""Time: stored as UTC epoch milliseconds, shown in the region's zone (WITA for Banjar)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

WITA = ZoneInfo("Asia/Makassar")


def ms_to_utc(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def ms_to_iso(ms: int | None) -> str | None:
    """UTC ISO 8601 with milliseconds, e.g. ``2026-11-28T06:12:03.120Z``."""
    if ms is None:
        return None
    return ms_to_utc(ms).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def iso_to_ms(text: str) -> int:
    dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return int(dt.timestamp() * 1000)


def local(ms: int, zone: ZoneInfo = WITA) -> datetime:
    return ms_to_utc(ms).astimezone(zone)
