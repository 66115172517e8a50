"""AML HTTPS form bodies (application/x-www-form-urlencoded)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from operator_desk.telephony.location import LocationParseError, parse_aml_https, parse_any
from operator_desk.telephony.location.samples import AML_HTTPS


def test_form_body_fields() -> None:
    loc = parse_aml_https(AML_HTTPS)
    assert (loc.lat, loc.lon) == (-3.441, 114.832)
    assert loc.radius_m == 12.5
    assert loc.time == datetime(2025, 1, 1, 10, 0, tzinfo=UTC)
    assert loc.method == "gnss" and loc.confidence == pytest.approx(0.68)
    assert loc.number == "+6281234567890"
    assert loc.imei == "354773072099116" and loc.imsi == "510100000000000"
    assert loc.source == "aml_https" and loc.warnings == ()
    assert parse_any(AML_HTTPS) == loc


def test_certainty_percent_variant_and_missing_version() -> None:
    body = AML_HTTPS.replace("v=1&", "").replace("location_confidence=0.68", "location_certainty=83")
    loc = parse_aml_https(body)
    assert loc.confidence == pytest.approx(0.83)
    assert "version_missing" in loc.warnings


def test_soft_problems_are_warnings() -> None:
    body = (
        AML_HTTPS.replace("location_confidence=0.68", "location_confidence=68")
        .replace("location_source=GPS", "location_source=PIGEON")
        .replace("location_time=1735725600000", "location_time=99999999999999999999")
        + "&v=2"
    )
    loc = parse_aml_https(body)
    assert loc.confidence is None and loc.method == "unknown" and loc.time is None
    assert {"bad_confidence", "unknown_method", "bad_time", "duplicate_key:v"} <= set(loc.warnings)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("v=1&location_longitude=114.8", "no location_latitude"),
        ("v=1&location_latitude=-3.4&location_longitude=", "no location_longitude"),
        ("v=1&location_latitude=1e3&location_longitude=114.8", "is not a number"),
        ("v=1&location_latitude=0&location_longitude=0.0", "no fix"),
        ("v=1&" + "&".join(f"k{i}=1" for i in range(500)), "unreadable form body"),
    ],
    ids=["no-lat", "blank-lon", "exponent", "zero-zero", "too-many-fields"],
)
def test_no_location(body: str, message: str) -> None:
    with pytest.raises(LocationParseError, match=message):
        parse_aml_https(body)
    with pytest.raises(LocationParseError, match=message):
        parse_any(body)  # detected as AML HTTPS, so the reason names the field
