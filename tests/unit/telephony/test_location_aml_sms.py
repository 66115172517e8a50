"""AML SMS v1/v2 parsing against the published samples and the edge cases the spec leaves open."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from operator_desk.telephony.location import LocationParseError, parse_aml_sms
from operator_desk.telephony.location.samples import AML_V1_FIX, AML_V1_NO_FIX, AML_V2


def test_v1_published_sample_parses_with_ml_warning_only() -> None:
    assert len(AML_V1_FIX) == 127  # declares ml=126: the spec's own sample is off by one
    loc = parse_aml_sms(AML_V1_FIX)
    assert (loc.lat, loc.lon) == (51.53321, -0.12601)
    assert loc.radius_m == 14.0
    assert loc.time == datetime(2022, 1, 31, 17, 17, 48, tzinfo=UTC)
    assert loc.method == "wifi"
    assert loc.confidence == pytest.approx(0.68)
    assert loc.imsi == "234159000000000" and loc.imei == "123456789012345"
    assert loc.number is None  # the SMS text carries no MSISDN
    assert loc.source == "aml_sms_v1"
    assert loc.warnings == ("ml_mismatch",)
    assert loc.raw == AML_V1_FIX


def test_v1_correct_ml_gives_no_warning() -> None:
    fixed = AML_V1_FIX.replace("ml=126", "ml=127")
    assert parse_aml_sms(fixed).warnings == ()


def test_v1_published_no_fix_sample_is_rejected_with_reason() -> None:
    with pytest.raises(LocationParseError, match=r"AML SMS: no fix \(pm=N, lt/lg zero\)"):
        parse_aml_sms(AML_V1_NO_FIX)


def test_v1_pm_n_with_coordinates_is_kept_but_flagged() -> None:
    text = AML_V1_NO_FIX.replace("lt=+00.00000", "lt=-3.44000").replace("lg=+000.00000", "lg=+114.83000")
    loc = parse_aml_sms(text)
    assert loc.method == "unknown" and "no_fix" in loc.warnings
    assert loc.radius_m is None  # rd=N


def test_v1_sender_becomes_e164_number() -> None:
    loc = parse_aml_sms(AML_V1_FIX, sender="0812-3456-7890")
    assert loc.number == "+6281234567890"
    assert parse_aml_sms(AML_V1_FIX, sender="not a number").warnings[-1] == "bad_number"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("lt=+51.53321;", ""), "no lt"),
        (("lg=-0.12601", "lg=abc"), "lg .* is not a number"),
        (("lt=+51.53321", "lt=+91.0"), r"outside \[-90, 90\]"),
        (("lg=-0.12601", "lg=nan"), "is not a number"),
        (('A"ML=1', 'A"ML=7'), "unsupported version"),
    ],
)
def test_v1_bad_coordinates_name_the_field(change: tuple[str, str], message: str) -> None:
    with pytest.raises(LocationParseError, match=message):
        parse_aml_sms(AML_V1_FIX.replace(*change))


def test_v1_soft_field_problems_are_warnings() -> None:
    text = AML_V1_FIX.replace("top=20220131171748", "top=20221331171748").replace("lc=68", "lc=140")
    text = text.replace("pm=W", "pm=Q") + ";zz=1;lt=0"
    loc = parse_aml_sms(text)
    assert loc.time is None and loc.confidence is None and loc.method == "unknown"
    for code in ("bad_time", "bad_confidence", "unknown_method", "unknown_key:zz", "duplicate_key:lt"):
        assert code in loc.warnings
    assert loc.lat == 51.53321  # the first lt= wins


def test_v2_published_keys() -> None:
    loc = parse_aml_sms(AML_V2)
    assert (loc.lat, loc.lon, loc.radius_m) == (-37.42175, -122.08461, 2000.1)
    assert loc.source == "aml_sms_v2" and loc.method == "gnss"
    assert loc.confidence == pytest.approx(0.68)
    # lt is an offset from et (call start), NOT a latitude: 1593187189 - 9999 s
    assert loc.time == datetime.fromtimestamp(1593187189 - 9999, tz=UTC)
    assert loc.imei == "358239059042542"
    assert loc.number is None  # en= is the emergency number dialled, not the caller
    assert set(loc.warnings) == {"v2_unconfirmed_key:nc", "v2_unconfirmed_key:hc", "v2_unconfirmed_key:lg"}


def test_v2_accuracy_zero_means_unknown_and_fused_is_hybrid() -> None:
    loc = parse_aml_sms('A"ML=2;et=1735725600;lo=-3.44,114.83,0;lt=5;ls=F')
    assert loc.radius_m is None and loc.method == "hybrid"
    assert loc.time == datetime(2025, 1, 1, 10, 0, 5, tzinfo=UTC)


def test_v2_without_et_has_no_time() -> None:
    loc = parse_aml_sms('A"ML=2;lo=-3.44,114.83,10;lt=5')
    assert loc.time is None and "v2_no_call_time" in loc.warnings


def test_v2_with_v1_style_lt_lg_is_refused_not_misread() -> None:
    text = 'A"ML=2;lt=+51.53321;lg=-0.12601;rd=14;pm=G'
    with pytest.raises(LocationParseError, match="no lo= location .*lt/lg hold coordinates"):
        parse_aml_sms(text)
    loc = parse_aml_sms('A"ML=2;lo=-3.44,114.83,10;lt=+51.53321;lg=-0.12601')
    assert (loc.lat, loc.lon) == (-3.44, 114.83)
    assert "v2_key_reused" in loc.warnings and loc.time is None


def test_v2_no_fix() -> None:
    with pytest.raises(LocationParseError, match="no fix"):
        parse_aml_sms('A"ML=2;et=1735725600;lo=0.0,0.0,0;ls=U')


def test_not_aml() -> None:
    with pytest.raises(LocationParseError, match="missing header"):
        parse_aml_sms("lt=1;lg=2")
