"""Published / rig samples shared by the location parser tests (imported, not collected)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

SHARED = Path(__file__).resolve().parents[3].parent / "shared"
SIPP_SCENARIO = SHARED / "telephony" / "rig" / "sipp_ng112_pidflo_uac.xml"

# ETSI/EENA AML v1 samples as published (Google ELS SMS spec; also in shared/TELEPHONY.md).
AML_V1_FIX = (
    'A"ML=1;lt=+51.53321;lg=-0.12601;rd=14;top=20220131171748;lc=68;pm=W;'
    "si=234159000000000;ei=123456789012345;mcc=234;mnc=15;ml=126"
)
AML_V1_NO_FIX = (
    'A"ML=1;lt=+00.00000;lg=+000.00000;rd=N;top=20220131173734;lc=0;pm=N;'
    "si=234159000000000;ei=123456789012345;mcc=234;mnc=15;ml=127"
)
# AML v2 ("ELS Beta") keys as published by Google; this message is the sample of a public
# implementation's test suite (nc/hc/lg are not in the published table).
AML_V2 = (
    'A"ML=2;en=+15555555555;et=1593187189;lo=-37.42175,-122.08461,2000.1;lt=-9999;lc=68;'
    "lz=-100.1,100.1;ls=G;ei=358239059042542;nc=310260;hc=310260;lg=en-US"
)
# AML HTTPS form body in the shape of the UK/EENA examples.
AML_HTTPS = (
    "v=1&device_number=%2B6281234567890&location_latitude=-3.44100&location_longitude=114.83200"
    "&location_time=1735725600000&location_accuracy=12.5&location_source=GPS"
    "&location_confidence=0.68&location_altitude=0.0&location_floor=2&device_model=ABC+Phone"
    "&device_imei=354773072099116&device_imsi=510100000000000&cell_network_mcc=510"
    "&cell_network_mnc=10&hmac=f64c70eb238bb239e00e8ac8c023bf2b5d3c41dd"
)

PIDF_POINT = """<?xml version="1.0" encoding="UTF-8"?>
<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10"
  xmlns:gml="http://www.opengis.net/gml" entity="tel:+62-811-5000-123">
 <tuple id="t1">
  <status><gp:geopriv><gp:location-info>
   <gml:Point srsName="urn:ogc:def:crs:EPSG::4326"><gml:pos>-3.31987 114.59075</gml:pos></gml:Point>
  </gp:location-info><gp:usage-rules/><gp:method>Cell</gp:method></gp:geopriv></status>
  <timestamp>2025-03-01T08:30:00+08:00</timestamp>
 </tuple>
</presence>
"""


def sipp_invite() -> str:
    """The INVITE text of the NG112 sipp scenario (first <send> CDATA), stripped of indentation."""
    root = ET.parse(SIPP_SCENARIO).getroot()
    send = root.find("send")
    assert send is not None and send.text
    return send.text.strip() + "\n"


def pidf_of_invite() -> str:
    text = sipp_invite()
    start = text.index("<?xml")
    end = text.index("--boundary1--")
    return text[start:end]
