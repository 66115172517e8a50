"""Property tests: for ANY input every location parser returns a valid DeviceLocation or raises
LocationParseError — never another exception, never an impossible coordinate."""

from __future__ import annotations

import math
import os
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from operator_desk.telephony.location import (
    DeviceLocation,
    LocationParseError,
    parse_aml_https,
    parse_aml_sms,
    parse_any,
    parse_pidf,
    parse_sip_message,
)
from operator_desk.telephony.location.samples import (
    AML_HTTPS,
    AML_V1_FIX,
    AML_V2,
    PIDF_POINT,
    invite_from_sipp_scenario,
    pidf_of_message,
)

SIPP_SCENARIO = (
    Path(__file__).resolve().parents[3].parent / "shared" / "telephony" / "rig" / "sipp_ng112_pidflo_uac.xml"
)


def sipp_invite() -> str:
    return invite_from_sipp_scenario(SIPP_SCENARIO)


def pidf_of_invite() -> str:
    return pidf_of_message(sipp_invite())


PARSERS: list[Callable[[str], DeviceLocation]] = [
    parse_any,
    parse_aml_sms,
    parse_aml_https,
    parse_pidf,
    parse_sip_message,
]
SAMPLES = [AML_V1_FIX, AML_V2, AML_HTTPS, PIDF_POINT, pidf_of_invite(), sipp_invite()]
PREFIXES = ['A"ML=1;', 'A"ML=2;', "<", "INVITE sip:a@b SIP/2.0\n", "--b\n", "location_latitude=", ""]
# LOCATION_FUZZ_EXAMPLES=5000 for a longer local/nightly run.
FUZZ = settings(
    max_examples=int(os.environ.get("LOCATION_FUZZ_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def check_all(text: str) -> None:
    for parser in PARSERS:
        try:
            loc = parser(text)
        except LocationParseError:
            continue
        assert isinstance(loc, DeviceLocation)
        assert -90.0 <= loc.lat <= 90.0 and -180.0 <= loc.lon <= 180.0
        assert loc.radius_m is None or (math.isfinite(loc.radius_m) and loc.radius_m >= 0)
        assert loc.confidence is None or 0.0 <= loc.confidence <= 1.0
        assert loc.time is None or loc.time.utcoffset() is not None
        assert all(isinstance(w, str) for w in loc.warnings)
        loc.to_json()


@FUZZ
@given(st.sampled_from(PREFIXES), st.text())
def test_random_text(prefix: str, text: str) -> None:
    check_all(prefix + text)


@FUZZ
@given(st.binary(max_size=2000), st.sampled_from(["utf-8", "latin-1", "utf-16"]))
def test_random_bytes_decoded(data: bytes, encoding: str) -> None:
    check_all(data.decode(encoding, "surrogateescape" if encoding == "utf-8" else "replace"))


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SAMPLES))
    for _ in range(draw(st.integers(1, 8))):
        if not text:
            break
        i = draw(st.integers(0, len(text) - 1))
        op = draw(st.sampled_from(["delete", "insert", "replace", "duplicate"]))
        char = draw(st.sampled_from(list(';=,.-+&<>/:"0123456789 \nNaN%') + [draw(st.characters())]))
        if op == "delete":
            text = text[:i] + text[i + 1 :]
        elif op == "insert":
            text = text[:i] + char + text[i:]
        elif op == "replace":
            text = text[:i] + char + text[i + 1 :]
        else:
            j = draw(st.integers(i, min(len(text), i + 40)))
            text = text[:j] + text[i:j] + text[j:]
    return text


@FUZZ
@given(mutated())
def test_mutated_valid_messages(text: str) -> None:
    check_all(text)


@FUZZ
@given(st.sampled_from(SAMPLES), st.data())
def test_truncated_messages(sample: str, data: st.DataObject) -> None:
    cut = data.draw(st.integers(0, len(sample)))
    check_all(sample[:cut])
    check_all(sample[cut:])


NUMBERISH = st.one_of(
    st.floats(-200, 200).map(lambda x: f"{x:+.5f}"),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers().map(str),
    st.sampled_from(["", "N", "-0", "1e999", "+91.0", "-180.0001", "0", "1_0", "٣", " 5 "]),
    st.text(max_size=12),
)


@FUZZ
@given(
    st.sampled_from(["1", "2"]),
    st.dictionaries(
        st.sampled_from(
            ["lt", "lg", "rd", "top", "lc", "pm", "ei", "si", "ml", "lo", "et", "ls", "lz", "en"]
        ),
        NUMBERISH,
        max_size=10,
    ),
)
def test_aml_sms_random_field_values(version: str, fields: dict[str, str]) -> None:
    check_all(f'A"ML={version};' + ";".join(f"{k}={v}" for k, v in fields.items()))


@FUZZ
@given(
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
                "location_certainty",
            ]
        ),
        NUMBERISH,
        max_size=9,
    )
)
def test_https_random_field_values(fields: dict[str, str]) -> None:
    check_all(urlencode(fields) + "&location_latitude=")


XML_TAGS = [
    "{urn:ietf:params:xml:ns:pidf}presence",
    "{urn:ietf:params:xml:ns:pidf}tuple",
    "{urn:ietf:params:xml:ns:pidf}timestamp",
    "{urn:ietf:params:xml:ns:pidf:geopriv10}geopriv",
    "{urn:ietf:params:xml:ns:pidf:geopriv10}location-info",
    "{urn:ietf:params:xml:ns:pidf:geopriv10}method",
    "{http://www.opengis.net/gml}Point",
    "{http://www.opengis.net/gml}pos",
    "{http://www.opengis.net/gml}posList",
    "{http://www.opengis.net/gml}Polygon",
    "{http://www.opengis.net/pidflo/1.0}Circle",
    "{http://www.opengis.net/pidflo/1.0}radius",
    "{http://www.opengis.net/pidflo/1.0}Ellipse",
    "{http://www.opengis.net/pidflo/1.0}semiMajorAxis",
    "{http://www.opengis.net/pidflo/1.0}ArcBand",
    "{urn:ietf:params:xml:ns:geopriv:conf}confidence",
    "x",
]
XML_TEXT = st.one_of(NUMBERISH, st.tuples(NUMBERISH, NUMBERISH).map(" ".join))


@st.composite
def xml_tree(draw: st.DrawFn, depth: int = 0) -> ET.Element:
    el = ET.Element(draw(st.sampled_from(XML_TAGS)))
    el.text = draw(st.none() | XML_TEXT)
    for attr in draw(st.sets(st.sampled_from(["srsName", "uom", "entity", "srsDimension"]), max_size=2)):
        el.set(
            attr,
            draw(
                st.sampled_from(
                    [
                        "urn:ogc:def:crs:EPSG::4326",
                        "urn:ogc:def:uom:EPSG::9001",
                        "tel:+6281234567890",
                        "3",
                        "junk",
                    ]
                )
            ),
        )
    if depth < 3:  # deeper trees only cost generation time; shapes sit at depth <= 3
        for _ in range(draw(st.integers(0, 3))):
            el.append(draw(xml_tree(depth + 1)))
    return el


@FUZZ
@given(xml_tree())
def test_random_pidf_like_xml(tree: ET.Element) -> None:
    text = ET.tostring(tree, encoding="unicode")
    check_all(text)
    check_all(f"INVITE sip:a@b SIP/2.0\nContent-Type: application/pidf+xml\n\n{text}")


GML = "http://www.opengis.net/gml"
GS = "http://www.opengis.net/pidflo/1.0"
COORD = st.one_of(st.floats(-95, 95).map(lambda x: f"{x:.5f}"), NUMBERISH)


@st.composite
def pidf_document(draw: st.DrawFn) -> str:
    """Structurally plausible PIDF-LO with random shapes, values and missing parts."""
    kind = draw(st.sampled_from(["Point", "Circle", "Ellipse", "ArcBand", "Polygon", "Sphere", "Bogus"]))
    ns = GML if kind in ("Point", "Polygon") else GS
    pos_count = draw(st.integers(0, 5)) if kind == "Polygon" else draw(st.integers(0, 2))
    inner = "".join(
        f"<gml:pos>{draw(COORD)} {draw(COORD)}{draw(st.sampled_from(['', ' 12.5', ' x']))}</gml:pos>"
        for _ in range(pos_count)
    )
    if kind == "Polygon" and draw(st.booleans()):
        values = " ".join(draw(st.lists(COORD, max_size=12)))
        inner = f"<gml:exterior><gml:LinearRing><gml:posList>{values}</gml:posList></gml:LinearRing></gml:exterior>"
    for tag in draw(st.sets(st.sampled_from(["radius", "semiMajorAxis", "outerRadius"]), max_size=2)):
        uom = draw(st.sampled_from(["urn:ogc:def:uom:EPSG::9001", "urn:ogc:def:uom:EPSG::9102"]))
        inner += f'<gs:{tag} uom="{uom}">{draw(NUMBERISH)}</gs:{tag}>'
    srs = draw(st.sampled_from(["", ' srsName="urn:ogc:def:crs:EPSG::4326"', ' srsName="EPSG:3857"']))
    prefix = "gml" if ns == GML else "gs"
    shape = f"<{prefix}:{kind}{srs}>{inner}</{prefix}:{kind}>"
    stamp = draw(
        st.sampled_from(["", "2025-01-01T10:00:00Z", "2025-13-01T10:00:00", "9999-12-31T23:59:59-12:00"])
    )
    method = draw(st.sampled_from(["", "GPS", "Cell", "Wiremap", "Pigeon"]))
    entity = draw(st.sampled_from(["tel:+6281234567890", "sip:+62@x", "pres:a@b", "tel:", "::"]))
    return (
        '<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10" '
        f'xmlns:gml="{GML}" xmlns:gs="{GS}" entity="{entity}"><tuple id="a"><status><gp:geopriv>'
        f"<gp:location-info>{shape}</gp:location-info><gp:method>{method}</gp:method></gp:geopriv>"
        f"</status><timestamp>{stamp}</timestamp></tuple></presence>"
    )


@FUZZ
@given(pidf_document())
def test_random_pidf_documents(text: str) -> None:
    check_all(text)
