"""Caller number and PIDF-LO extraction from INVITE text, and the worker's wire format/config."""

from __future__ import annotations

from pathlib import Path

import pytest

from operator_desk.telephony.sip.config import SipConfig
from operator_desk.telephony.sip.protocol import ProtocolError, decode, encode
from operator_desk.telephony.sip.sipmsg import caller_number, carries_pidf, device_location, uri_number

RIG = Path(__file__).resolve().parents[3].parent / "shared" / "telephony" / "rig"

PLAIN = (
    "INVITE sip:desk@127.0.0.1:5070 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bK1\r\n"
    'From: "Ibu Sari" <sip:081234567890@10.0.0.1>;tag=abc\r\n'
    "To: <sip:desk@127.0.0.1>\r\n"
    "Content-Type: application/sdp\r\n"
    "\r\n"
    "v=0\r\n"
)


def _ng112_invite() -> str:
    """The sipp NG112 scenario's INVITE with its [keywords] filled in."""
    text = (RIG / "sipp_ng112_pidflo_uac.xml").read_text()
    body = text.split("<![CDATA[", 1)[1].split("]]>", 1)[0].strip("\n")
    for key, value in {
        "[remote_ip]": "127.0.0.1", "[remote_port]": "5070", "[local_ip]": "127.0.0.1", "[local_port]": "5090",
        "[transport]": "UDP", "[branch]": "z9hG4bK-1", "[pid]": "1", "[call_number]": "1", "[call_id]": "c1@x",
        "[len]": "999", "[local_ip_type]": "4", "[media_ip_type]": "4", "[media_ip]": "127.0.0.1",
        "[media_port]": "6000",
    }.items():  # fmt: skip
        body = body.replace(key, value)
    return body.replace("\n", "\r\n")


def test_from_user_part_when_no_pai() -> None:
    assert caller_number(PLAIN) == "081234567890"


def test_pai_wins_and_tel_uri_preferred() -> None:
    msg = PLAIN.replace(
        "To:", "P-Asserted-Identity: <sip:+6281111@pbx;user=phone>, <tel:+6281234567890>\r\nTo:", 1
    )
    assert caller_number(msg) == "+6281234567890"


def test_compact_from_header() -> None:
    msg = PLAIN.replace('From: "Ibu Sari" <sip:081234567890@10.0.0.1>;tag=abc', "f: <sip:0811@h>;tag=1")
    assert caller_number(msg) == "0811"


@pytest.mark.parametrize(
    ("value", "number"),
    [
        ("<sip:+62812@host;user=phone>;tag=x", "+62812"),
        ("tel:+62812;phone-context=x", "+62812"),
        ("sip:anonymous@anonymous.invalid", "anonymous"),
        ("<sip:host.only>", ""),
    ],
)
def test_uri_number(value: str, number: str) -> None:
    assert uri_number(value) == number


def test_plain_invite_has_no_location() -> None:
    assert not carries_pidf(PLAIN)
    assert device_location(PLAIN) is None


def test_ng112_invite_location() -> None:
    msg = _ng112_invite()
    assert carries_pidf(msg)
    assert caller_number(msg) == "+6281234567890"
    loc = device_location(msg)
    assert loc is not None
    assert (loc["lat"], loc["lon"], loc["radius_m"]) == pytest.approx((-3.41230, 114.84560, 15.0))


def test_broken_pidf_still_rings_without_location() -> None:
    msg = _ng112_invite().replace("<gml:pos>-3.41230 114.84560</gml:pos>", "<gml:pos>nonsense</gml:pos>")
    assert device_location(msg) is None


def test_protocol_round_trip_and_errors() -> None:
    message = {"ev": "ring", "ext_id": "a@b", "location": {"lat": -3.4}}
    assert decode(encode(message)) == message
    with pytest.raises(ProtocolError):
        decode(b"[1, 2]")
    with pytest.raises(ProtocolError):
        decode(b"{not json")


def test_config_round_trip_rejects_unknown_and_redacts_password() -> None:
    cfg = SipConfig(registrar="sip:10.0.0.5", password="s3cret")
    assert SipConfig.from_json(cfg.to_json()) == cfg
    assert cfg.redacted()["password"] == "***"
    with pytest.raises(ValueError, match="unknown field"):
        SipConfig.from_json({"port": 5070, "pasword": "typo"})
