"""PIDF-LO standalone and inside a SIP INVITE (the NG112 sipp rig scenario), plus hostile XML."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from pathlib import Path

import pytest

from operator_desk.telephony.location import (
    LocationParseError,
    parse_any,
    parse_pidf,
    parse_sip_message,
)
from operator_desk.telephony.location.samples import PIDF_POINT, invite_from_sipp_scenario, pidf_of_message

NS = (
    'xmlns="urn:ietf:params:xml:ns:pidf" xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10" '
    'xmlns:gml="http://www.opengis.net/gml" xmlns:gs="http://www.opengis.net/pidflo/1.0" '
    'xmlns:con="urn:ietf:params:xml:ns:geopriv:conf"'
)

SIPP_SCENARIO = (
    Path(__file__).resolve().parents[3].parent / "shared" / "telephony" / "rig" / "sipp_ng112_pidflo_uac.xml"
)


def sipp_invite() -> str:
    return invite_from_sipp_scenario(SIPP_SCENARIO)


def pidf_of_invite() -> str:
    return pidf_of_message(sipp_invite())


def _doc(shape: str, extra: str = "", entity: str = "sip:+6281234567890@example.invalid") -> str:
    return (
        f'<presence {NS} entity="{entity}"><tuple id="a"><status><gp:geopriv><gp:location-info>'
        f"{shape}</gp:location-info>{extra}</gp:geopriv></status></tuple></presence>"
    )


def test_sipp_invite_parses_to_the_rig_circle() -> None:
    loc = parse_sip_message(sipp_invite())
    assert (loc.lat, loc.lon, loc.radius_m) == (-3.41230, 114.84560, 15.0)
    assert loc.time == datetime(2025, 1, 1, 10, 0, tzinfo=UTC)  # dm:timestamp
    assert loc.method == "gnss" and loc.number == "+6281234567890"
    assert loc.source == "pidf" and loc.warnings == ()
    assert parse_any(sipp_invite()) == loc
    assert parse_any(sipp_invite().replace("\n", "\r\n")).lat == -3.41230


def test_pidf_part_alone_and_bare_multipart_body() -> None:
    assert parse_any(pidf_of_invite()).radius_m == 15.0
    invite = sipp_invite()
    body = invite[invite.index("--boundary1") :]
    assert parse_any(body).lon == 114.84560


def test_point_with_tel_entity_and_zone_offset() -> None:
    loc = parse_pidf(PIDF_POINT)
    assert (loc.lat, loc.lon, loc.radius_m) == (-3.31987, 114.59075, None)
    assert loc.time == datetime(2025, 3, 1, 0, 30, tzinfo=UTC)
    assert loc.method == "cell" and loc.number == "+628115000123"


def test_confidence_and_naive_timestamp() -> None:
    shape = '<gml:Point srsName="urn:ogc:def:crs:EPSG::4326"><gml:pos>-3.4 114.8</gml:pos></gml:Point>'
    doc = _doc(shape, '<gp:method>802.11</gp:method><con:confidence pdf="normal">95</con:confidence>')
    doc = doc.replace("</tuple>", "<timestamp>2025-01-01T10:00:00</timestamp></tuple>")
    loc = parse_pidf(doc)
    assert loc.confidence == pytest.approx(0.95) and loc.method == "wifi"
    assert loc.time == datetime(2025, 1, 1, 10, tzinfo=UTC) and "time_no_zone" in loc.warnings


def test_polygon_is_reduced_to_centre_and_radius() -> None:
    ring = "-3.40 114.80 -3.40 114.82 -3.42 114.82 -3.42 114.80 -3.40 114.80"
    shape = (
        '<gml:Polygon srsName="urn:ogc:def:crs:EPSG::4326"><gml:exterior><gml:LinearRing>'
        f"<gml:posList>{ring}</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>"
    )
    loc = parse_pidf(_doc(shape))
    assert loc.lat == pytest.approx(-3.41) and loc.lon == pytest.approx(114.81)
    assert 1500 < (loc.radius_m or 0) < 1600  # half-diagonal of a ~2.2 km square
    assert "shape_approximated" in loc.warnings


def test_pidf_in_base64_part_selected_by_geolocation_cid() -> None:
    decoy = _doc("<gml:Point><gml:pos>-1.0 100.0</gml:pos></gml:Point>")
    wanted = _doc("<gml:Point><gml:pos>-3.5 114.9</gml:pos></gml:Point>")
    invite = (
        "INVITE sip:desk@127.0.0.1 SIP/2.0\r\nFrom: <sip:+6281234567890@127.0.0.1>;tag=1\r\n"
        "Geolocation: <cid:wanted@x>\r\nc: multipart/mixed; boundary=XX\r\n\r\n"
        f"--XX\r\nContent-Type: application/pidf+xml\r\nContent-ID: <decoy@x>\r\n\r\n{decoy}\r\n"
        "--XX\r\nContent-Type: application/pidf+xml\r\nContent-ID: <wanted@x>\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n"
        f"{base64.b64encode(wanted.encode()).decode()}\r\n--XX--\r\n"
    )
    loc = parse_any(invite)
    assert (loc.lat, loc.lon) == (-3.5, 114.9)


def test_number_falls_back_to_p_asserted_identity() -> None:
    doc = _doc("<gml:Point><gml:pos>-3.5 114.9</gml:pos></gml:Point>", entity="pres:anon@example.invalid")
    invite = (
        "INVITE sip:desk@127.0.0.1 SIP/2.0\nP-Asserted-Identity: <tel:+6281299990000>\n"
        f"Content-Type: application/pidf+xml\n\n{doc}"
    )
    assert parse_any(invite).number == "+6281299990000"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "INVITE sip:desk@x SIP/2.0\nGeolocation: <https://lis.example/loc/1>\nContent-Length: 0\n\n",
            "no application/pidf\\+xml body part .*by reference",
        ),
        (
            _doc('<gml:Point srsName="urn:ogc:def:crs:EPSG::3857"><gml:pos>1 2</gml:pos></gml:Point>'),
            "unsupported srsName",
        ),
        (_doc("<gml:Point><gml:pos>-3.5</gml:pos></gml:Point>"), "is not 'lat lon'"),
        (_doc("<gml:Point><gml:pos>0 0</gml:pos></gml:Point>"), "no fix"),
        (
            _doc('<ca:civicAddress xmlns:ca="urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr"/>'),
            "civic address only",
        ),
        ("<presence", "not well-formed"),
        ("<a>\udc80</a>", "not well-formed or refused"),
    ],
)
def test_no_location(text: str, message: str) -> None:
    with pytest.raises(LocationParseError, match=message):
        parse_any(text)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="&lol4;"/>"""
XXE = """<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="&x;"/>"""


@pytest.mark.parametrize("text", [BILLION_LAUGHS, XXE, "<!DOCTYPE presence><presence/>"])
def test_hostile_xml_is_refused(text: str) -> None:
    with pytest.raises(LocationParseError, match="refused XML"):
        parse_pidf(text)


def test_oversized_input_is_refused_before_parsing() -> None:
    with pytest.raises(LocationParseError, match="exceeds"):
        parse_any("<presence>" + " " * 300_000)
