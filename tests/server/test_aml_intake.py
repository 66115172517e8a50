"""POST /aml: off until configured; allowlisted or signed (timestamp, number, body; no replays);
parses AML HTTPS / SMS / PIDF-LO; answers an authenticated gateway 2xx always; hands locations on."""

from __future__ import annotations

import asyncio
import urllib.parse
from typing import Any

import anyio
import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette

from operator_desk.server import aml_intake
from operator_desk.telephony.location import parse_any
from operator_desk.telephony.location.samples import AML_HTTPS, AML_V1_FIX, AML_V2, PIDF_POINT

FORM = (
    "v=3&device_number=%2B6281234567890&location_latitude=-3.41230&location_longitude=114.84560"
    "&location_time=1795000000000&location_accuracy=15&location_source=GPS&location_confidence=0.68"
)
SMS = (
    'A"ML=1;lt=+51.53321;lg=-0.12601;rd=14;top=20220131171748;lc=68;pm=W;si=234159000000000;'
    "ei=123456789012345;mcc=234;mnc=15;ml=126"
)
FORM_CT = {"Content-Type": "application/x-www-form-urlencoded"}
TEXT_CT = {"Content-Type": "text/plain; charset=utf-8"}


class Client:
    """The real ASGI app in-process (httpx.ASGITransport), driven synchronously for hypothesis."""

    def __init__(self, app: Starlette) -> None:
        self.app = app

    def post(self, url: str, **kw: Any) -> httpx.Response:
        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app, raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport, base_url="http://hub") as c:
                return await c.post(url, **kw)

        return anyio.run(go)


NOW_MS = 1_795_000_000_000
LOCAL = ("127.0.0.1",)  # httpx.ASGITransport's client address


def signed(secret: str, body: str | bytes, sender: str = "", ts: int = NOW_MS // 1000) -> dict[str, str]:
    raw = body.encode() if isinstance(body, str) else body
    return {"X-AML-Timestamp": str(ts), "X-AML-Signature": aml_intake.signature(secret, raw, ts, sender)}


def make(
    secret: str | None = None, fail: bool = False, allow: tuple[str, ...] | None = LOCAL
) -> tuple[Client, list[dict[str, Any]], dict[str, int]]:
    got: list[dict[str, Any]] = []
    counters: dict[str, int] = {}

    def on_location(loc: dict[str, Any]) -> None:
        if fail:
            raise RuntimeError("database is locked")
        got.append(loc)

    app = Starlette(
        routes=aml_intake.routes(
            on_location,
            parse_any,
            secret=secret,
            allow=None if secret else allow,
            counters=counters,
            now_ms=lambda: NOW_MS,
        )
    )
    return Client(app), got, counters


def test_form_body_is_parsed_and_handed_on() -> None:
    client, got, counters = make()
    r = client.post("/aml", content=FORM, headers=FORM_CT)
    assert r.status_code == 200 and r.json()["accepted"] is True and r.json()["reason"] is None
    (loc,) = got
    assert loc["lat"] == pytest.approx(-3.4123) and loc["lon"] == pytest.approx(114.8456)
    assert loc["number"] == "+6281234567890" and loc["source"] == "aml_https" and loc["received_at"] == NOW_MS
    assert loc["radius_m"] == 15 and loc["method"] == "gnss" and loc["time"].endswith("Z")
    assert counters == {"aml_accepted": 1}
    row = aml_intake.device_location_row(loc)
    assert set(row) == {
        "number",
        "lat",
        "lon",
        "radius_m",
        "time",
        "method",
        "source",
        "received_at",
        "call_id",
    }
    assert row["call_id"] is None and row["received_at"] == NOW_MS


def test_raw_sms_with_sender_header_and_query() -> None:
    client, got, _ = make()
    r = client.post("/aml", content=SMS, headers={**TEXT_CT, "X-SMS-From": "081234567890"})
    assert r.json()["accepted"] is True and r.json()["warnings"] == ["ml_mismatch"]
    assert got[0]["source"] == "aml_sms_v1" and got[0]["number"] == "+6281234567890"
    client.post("/aml?from=%2B6281299999999", content=SMS, headers=TEXT_CT)
    assert got[1]["number"] == "+6281299999999"
    client.post("/aml", content=SMS, headers=TEXT_CT)
    assert got[2]["number"] is None


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "unparsable"),
        (b"hello", "unparsable"),
        (b'A"ML=1;lt=+00.00000;lg=+000.00000;rd=N;pm=N;ml=127', "unparsable"),
        (b"\xff\xfe\x00garbage", "not_text"),
        (b"v=3&location_latitude=95&location_longitude=1", "unparsable"),
        (b"x" * (aml_intake.MAX_BODY + 1), "too_large"),
    ],
)
def test_garbage_is_discarded_with_2xx(body: bytes, reason: str) -> None:
    client, got, counters = make()
    r = client.post("/aml", content=body, headers=FORM_CT)
    assert r.status_code == 200
    assert r.json()["accepted"] is False and r.json()["reason"] == reason and r.json()["detail"]
    assert got == [] and counters == {f"aml_discarded_{reason}": 1}


def test_off_until_configured_and_allowlist() -> None:
    client, got, counters = make(allow=None)
    r = client.post("/aml", content=FORM, headers=FORM_CT)
    assert r.status_code == 403 and r.json()["reason"] == "disabled" and got == []
    client, got, _ = make(allow=("10.9.9.9", "192.168.0.0/16"))
    r = client.post("/aml", content=FORM, headers=FORM_CT)
    assert r.status_code == 403 and r.json()["reason"] == "not_allowed" and got == []
    client, got, _ = make(allow=("127.0.0.0/8",))
    assert client.post("/aml", content=FORM, headers=FORM_CT).json()["accepted"] is True and len(got) == 1
    assert "off" in aml_intake.mode(None, None) and "10.0.0.1" in aml_intake.mode(None, ["10.0.0.1"])
    assert "signed" in aml_intake.mode("k", None)
    with pytest.raises(ValueError, match="not an address"):
        aml_intake.parse_allow(["gateway.example"])


def test_hmac() -> None:
    client, got, _ = make(secret="s3cret")
    good = signed("s3cret", FORM)
    for header in (
        {},
        {"X-AML-Signature": "0" * 64, "X-AML-Timestamp": str(NOW_MS // 1000)},
        signed("x", FORM),
        {"X-AML-Signature": good["X-AML-Signature"]},  # no timestamp
        {**good, "X-AML-Timestamp": str(NOW_MS // 1000 + 1)},  # the timestamp is signed
        {"X-AML-Signature": ("é" * 64).encode(), "X-AML-Timestamp": "1"},  # non-ASCII: a plain refusal
    ):
        r = client.post("/aml", content=FORM.encode(), headers={**FORM_CT, **header})
        assert r.status_code == 403 and r.json()["reason"] == "bad_signature", header
    assert got == []
    up = {**good, "X-AML-Signature": "sha256=" + good["X-AML-Signature"].upper()}
    r = client.post("/aml", content=FORM, headers={**FORM_CT, **up})
    assert r.status_code == 200 and r.json()["accepted"] is True and len(got) == 1
    r = client.post("/aml", content=FORM, headers={**FORM_CT, **good})  # the same message again
    assert r.status_code == 409 and r.json()["reason"] == "replay" and len(got) == 1


def test_signature_covers_the_number_and_the_time() -> None:
    client, got, _ = make(secret="k")
    sig = signed("k", SMS, sender="081234567890")
    r = client.post("/aml", content=SMS, headers={**TEXT_CT, **sig, "X-SMS-From": "081299999999"})
    assert r.status_code == 403 and r.json()["reason"] == "bad_signature"
    r = client.post("/aml?from=081299999999", content=SMS, headers={**TEXT_CT, **signed("k", SMS)})
    assert r.status_code == 403 and got == []  # a number added outside the signature
    r = client.post("/aml", content=SMS, headers={**TEXT_CT, **sig, "X-SMS-From": "081234567890"})
    assert r.status_code == 200 and got[0]["number"] == "+6281234567890"
    old = signed("k", SMS, ts=NOW_MS // 1000 - aml_intake.WINDOW_S - 5)
    r = client.post("/aml", content=SMS, headers={**TEXT_CT, **old})
    assert r.status_code == 403 and r.json()["reason"] == "stale" and len(got) == 1


def test_callback_failure_still_2xx() -> None:
    client, got, counters = make(fail=True)
    r = client.post("/aml", content=FORM, headers=FORM_CT)
    assert r.status_code == 200 and r.json()["reason"] == "callback_failed"
    assert "database is locked" in r.json()["detail"]


def test_async_callback() -> None:
    got: list[dict[str, Any]] = []

    async def on_location(loc: dict[str, Any]) -> None:
        await asyncio.sleep(0)
        got.append(loc)

    client = Client(Starlette(routes=aml_intake.routes(on_location, parse_any, allow=LOCAL)))
    assert client.post("/aml", content=FORM, headers=FORM_CT).json()["accepted"] is True
    assert got[0]["number"] == "+6281234567890"


@pytest.mark.parametrize(
    ("body", "source"),
    [(AML_HTTPS, "aml_https"), (AML_V1_FIX, "aml_sms_v1"), (AML_V2, "aml_sms_v2"), (PIDF_POINT, "pidf")],
)
def test_published_samples(body: str, source: str) -> None:
    client, got, _ = make()
    r = client.post("/aml", content=body.encode(), headers={"Content-Type": "text/plain"})
    assert r.status_code == 200 and r.json()["accepted"] is True, r.json()
    assert got[0]["source"] == source


bodies = st.one_of(
    st.binary(max_size=600),
    st.text(max_size=400).map(lambda s: s.encode("utf-8", "surrogatepass")),
    st.dictionaries(
        st.sampled_from(
            [
                "v",
                "device_number",
                "location_latitude",
                "location_longitude",
                "location_time",
                "location_accuracy",
                "location_source",
                "location_confidence",
                "hmac",
                "x",
            ]
        ),
        st.text(max_size=30),
        max_size=9,
    ).map(lambda d: urllib.parse.urlencode(d).encode()),
    st.lists(
        st.sampled_from(
            ['A"ML=1', 'A"ML=2', "lt=+12.5", "lg=-200", "rd=x", "top=2022", "pm=G", "ml=9", "lc=", "=", ";;"]
        ),
        max_size=10,
    ).map(lambda xs: ";".join(xs).encode()),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=bodies,
    ctype=st.sampled_from(
        ["application/x-www-form-urlencoded", "text/plain", "application/json", "", "x/y;;"]
    ),
    sig=st.one_of(st.none(), st.text(max_size=70)),
    secret=st.one_of(st.none(), st.just("k")),
)
def test_random_bodies_never_5xx(body: bytes, ctype: str, sig: str | None, secret: str | None) -> None:
    client, _, _ = make(secret=secret)
    headers = {"Content-Type": ctype} if ctype else {}
    raw: dict[str, str | bytes] = dict(headers)
    if sig is not None and sig.isprintable():
        raw["X-AML-Signature"] = sig.encode()  # any text, non-ASCII too
        raw["X-AML-Timestamp"] = str(NOW_MS // 1000)
    r = client.post("/aml", content=body, headers=raw)
    # an authenticated gateway always gets 2xx; an unauthenticated message a plain refusal
    assert 200 <= r.status_code < 300 or (secret and r.status_code in (403, 413))
    assert isinstance(r.json()["accepted"], bool)
