"""Published location messages, for tests, the benchmark and the training simulator.

AML v1: the two examples of the ETSI/EENA AML format as published in Google's ELS SMS spec
(the first is 127 characters but declares ml=126). AML v2: a public implementation's sample
using the keys of the published "ELS Beta" table (nc/hc/lg are not in that table). The HTTPS
body follows the field names of ETSI TS 103 625's HTTPS transport with a Banjar position.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

AML_V1_FIX = (
    'A"ML=1;lt=+51.53321;lg=-0.12601;rd=14;top=20220131171748;lc=68;pm=W;'
    "si=234159000000000;ei=123456789012345;mcc=234;mnc=15;ml=126"
)
AML_V1_NO_FIX = (
    'A"ML=1;lt=+00.00000;lg=+000.00000;rd=N;top=20220131173734;lc=0;pm=N;'
    "si=234159000000000;ei=123456789012345;mcc=234;mnc=15;ml=127"
)
AML_V2 = (
    'A"ML=2;en=+15555555555;et=1593187189;lo=-37.42175,-122.08461,2000.1;lt=-9999;lc=68;'
    "lz=-100.1,100.1;ls=G;ei=358239059042542;nc=310260;hc=310260;lg=en-US"
)
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


def invite_from_sipp_scenario(path: Path) -> str:
    """The first <send> message of a sipp scenario file (its CDATA), without the indentation.

    Placeholders such as [local_ip] stay as they are; the parsers do not need them resolved.
    The scenario is a trusted local file, so the stdlib parser is used here.
    """
    send = ET.parse(path).getroot().find("send")
    if send is None or not send.text:
        raise ValueError(f"{path}: no <send> message")
    return send.text.strip() + "\n"


def pidf_of_message(message: str) -> str:
    """The XML document of a message whose PIDF part starts with '<?xml' and ends at a boundary."""
    start = message.index("<?xml")
    end = message.index("\n--", start)
    return message[start:end] + "\n"
