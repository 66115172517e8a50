"""Throughput of the device-location parsers against floors measured in the same run.

Floors: AML SMS -> plain str.split into a dict; HTTPS form -> urllib.parse.parse_qs;
PIDF-LO -> xml.etree.ElementTree.fromstring; SIP INVITE -> email.message_from_string.
Ratio = parser time / floor time (how many floors one parse costs). Best of 5 repeats.

Run: .venv/bin/python bench/bench_aml.py [--number N]
"""

from __future__ import annotations

import argparse
import email
import sys
import timeit
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # runnable as a plain script from a checkout

from operator_desk.telephony.location import (  # noqa: E402
    parse_aml_https,
    parse_aml_sms,
    parse_pidf,
    parse_sip_message,
)
from operator_desk.telephony.location.samples import (  # noqa: E402
    AML_HTTPS,
    AML_V1_FIX,
    AML_V2,
    invite_from_sipp_scenario,
    pidf_of_message,
)

SIPP = ROOT.parent / "shared" / "telephony" / "rig" / "sipp_ng112_pidflo_uac.xml"


def _split_floor(text: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in text.split(";"))


def _best_rate(fn: Callable[[], object], number: int) -> float:
    best = min(timeit.Timer(fn).repeat(repeat=5, number=number))
    return number / best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--number", type=int, default=5_000, help="calls per timing repeat")
    n = ap.parse_args().number
    invite = invite_from_sipp_scenario(SIPP)
    pidf = pidf_of_message(invite)
    sip_body = invite.split("\n", 1)[1]
    cases: list[tuple[str, Callable[[], object], str, Callable[[], object], int]] = [
        ("AML SMS v1", lambda: parse_aml_sms(AML_V1_FIX), "str.split", lambda: _split_floor(AML_V1_FIX), n),
        ("AML SMS v2", lambda: parse_aml_sms(AML_V2), "str.split", lambda: _split_floor(AML_V2), n),
        ("AML HTTPS form", lambda: parse_aml_https(AML_HTTPS), "parse_qs", lambda: parse_qs(AML_HTTPS), n),
        ("PIDF-LO", lambda: parse_pidf(pidf), "ET.fromstring", lambda: ET.fromstring(pidf), n // 4),
        (
            "SIP INVITE+PIDF",
            lambda: parse_sip_message(invite),
            "email.message_from_string",
            lambda: email.message_from_string(sip_body),
            n // 10,
        ),
    ]
    print(f"{'format':<17}{'parser msg/s':>14}{'floor':>27}{'floor msg/s':>14}{'ratio':>8}")
    for name, parse, floor_name, floor, number in cases:
        parse()  # warm caches (phonenumbers metadata, regexes)
        rate = _best_rate(parse, number)
        floor_rate = _best_rate(floor, number)
        print(f"{name:<17}{rate:>14,.0f}{floor_name:>27}{floor_rate:>14,.0f}{floor_rate / rate:>7.1f}x")


if __name__ == "__main__":
    main()
