"""The parsed device location and the one error every location parser raises."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from operator_desk.domain.timeutil import ms_to_iso

SOURCES = ("aml_sms_v1", "aml_sms_v2", "aml_https", "pidf")
METHODS = ("gnss", "wifi", "cell", "hybrid", "manual", "unknown")

# Warning codes (the UI maps them to text; a few carry a detail after ':' such as
# "unknown_key:xx" — map the part before the colon):
#   ml_mismatch         AML SMS: declared ml= differs from the real length (the published sample does)
#   ml_invalid          AML SMS: ml= is not a number
#   no_fix              the sender says it has no fix (pm=N / ls=U) but still sent coordinates
#   unknown_method      positioning method code not recognised; method reported as "unknown"
#   bad_time            time field present but unreadable or out of range; time is None
#   time_no_zone        PIDF timestamp without zone offset; read as UTC
#   bad_radius          radius/accuracy unreadable or negative; radius_m is None
#   bad_confidence      confidence unreadable or outside 0..100 % / 0..1; confidence is None
#   bad_number          a number was present but is not a possible phone number; number is None
#   unknown_key:K       a key this parser does not know (kept out of the result)
#   duplicate_key:K     a key given twice; the first value is used
#   malformed_field     an SMS field without '='
#   v2_key_reused       A"ML=2 message whose lt=/lg= look like v1 latitude/longitude; ignored
#   v2_unconfirmed_key:K  A"ML=2 key seen in a public implementation but not in the published table
#   v2_no_call_time     A"ML=2 lt= (time offset) without et= (call time); time is None
#   version_missing     AML HTTPS body without v=
#   multiple_locations  PIDF-LO with several shapes; the first is used
#   shape_approximated  PIDF-LO shape other than Point/Circle reduced to centre + radius


class LocationParseError(ValueError):
    """Raised when input holds no usable device location; the message names the format and the field."""


def _fail(message: str) -> LocationParseError:
    return LocationParseError(message)


@dataclass(frozen=True)
class DeviceLocation:
    """A handset's position as reported by AML (SMS/HTTPS) or PIDF-LO, with provenance and warnings.

    Invariants are checked on construction so no parser can hand out an impossible value:
    lat in [-90, 90], lon in [-180, 180], finite radius >= 0, confidence in [0, 1], time aware UTC.
    """

    lat: float
    lon: float
    source: str
    raw: str
    radius_m: float | None = None
    time: datetime | None = None
    method: str = "unknown"
    confidence: float | None = None
    number: str | None = None
    warnings: tuple[str, ...] = ()
    imei: str | None = None
    imsi: str | None = None

    def __post_init__(self) -> None:
        if not (math.isfinite(self.lat) and -90.0 <= self.lat <= 90.0):
            raise _fail(f"{self.source}: latitude {self.lat!r} outside [-90, 90]")
        if not (math.isfinite(self.lon) and -180.0 <= self.lon <= 180.0):
            raise _fail(f"{self.source}: longitude {self.lon!r} outside [-180, 180]")
        if self.radius_m is not None and not (math.isfinite(self.radius_m) and self.radius_m >= 0):
            raise _fail(f"{self.source}: radius {self.radius_m!r} is not a distance")
        if self.confidence is not None and not (0.0 <= self.confidence <= 1.0):
            raise _fail(f"{self.source}: confidence {self.confidence!r} outside [0, 1]")
        if self.time is not None and self.time.utcoffset() is None:
            raise _fail(f"{self.source}: time without zone")
        if self.time is not None and self.time.tzinfo is not UTC:
            object.__setattr__(self, "time", self.time.astimezone(UTC))
        if self.source not in SOURCES:
            raise _fail(f"unknown location source {self.source!r}")
        if self.method not in METHODS:
            raise _fail(f"{self.source}: unknown method {self.method!r}")

    def to_json(self) -> dict[str, Any]:
        """Plain JSON-ready dict; time as UTC ISO 8601 with milliseconds and 'Z'."""
        time_iso = None
        if self.time is not None:
            time_iso = ms_to_iso(round(self.time.timestamp() * 1000))
        return {
            "lat": self.lat,
            "lon": self.lon,
            "radius_m": self.radius_m,
            "time": time_iso,
            "method": self.method,
            "confidence": self.confidence,
            "number": self.number,
            "source": self.source,
            "warnings": list(self.warnings),
            "imei": self.imei,
            "imsi": self.imsi,
        }
