"""Reading an incoming INVITE's text: caller number (P-Asserted-Identity, else From) and PIDF-LO."""

from __future__ import annotations

import logging
import re
from typing import Any

log = logging.getLogger(__name__)

_COMPACT = {"f": "from", "c": "content-type"}
_URI = re.compile(r"<([^>]*)>")


def headers(message: str) -> list[tuple[str, str]]:
    """(lower-case name, value) of each header line of a SIP message, folded lines joined."""
    head = message.replace("\r\n", "\n").split("\n\n", 1)[0]
    lines = head.split("\n")[1:]  # skip the start line
    result: list[tuple[str, str]] = []
    for line in lines:
        if line[:1] in (" ", "\t") and result:
            name, value = result[-1]
            result[-1] = (name, value + " " + line.strip())
            continue
        name, colon, value = line.partition(":")
        if not colon:
            continue
        key = name.strip().lower()
        result.append((_COMPACT.get(key, key), value.strip()))
    return result


def header(message: str, name: str) -> str | None:
    wanted = name.lower()
    for key, value in headers(message):
        if key == wanted:
            return value
    return None


def uri_number(value: str) -> str:
    """The user part of a name-addr/addr-spec: '<sip:+62812@host;user=phone>;tag=x' -> '+62812'."""
    match = _URI.search(value)
    uri = match.group(1) if match else value.split(";", 1)[0]
    uri = uri.strip()
    scheme, _, rest = uri.partition(":")
    if scheme.lower() == "tel":
        return rest.split(";", 1)[0]
    if scheme.lower() in ("sip", "sips"):
        user = rest.split("@", 1)[0] if "@" in rest else ""
        return user.split(";", 1)[0]
    return uri


def caller_number(message: str) -> str:
    """ANI: the network-asserted identity when the PBX added one, else the From user part."""
    for name in ("p-asserted-identity", "from"):
        value = header(message, name)
        if value:
            # P-Asserted-Identity may list a sip: and a tel: URI; prefer tel: (pure number)
            parts = [p for p in value.split(",") if p.strip()]
            numbers = [uri_number(p) for p in parts]
            tel = [n for p, n in zip(parts, numbers, strict=True) if "tel:" in p.lower() and n]
            number = tel[0] if tel else next((n for n in numbers if n), "")
            if number:
                return number
    return ""


def carries_pidf(message: str) -> bool:
    content_type = (header(message, "content-type") or "").lower()
    if "application/pidf+xml" in content_type:
        return True
    return content_type.startswith("multipart/") and "application/pidf+xml" in message.lower()


def device_location(message: str) -> dict[str, Any] | None:
    """The PIDF-LO location of an NG112 INVITE as a plain dict (lat, lon, radius_m, ...), else None.

    The parser lives in operator_desk.telephony.location (imported lazily: plain calls never pay
    for it). A malformed body is logged and yields None: the call must ring regardless.
    """
    if not carries_pidf(message):
        return None
    try:
        from operator_desk.telephony.location import parse_any

        location = parse_any(message)
    except Exception as exc:  # noqa: BLE001 - LocationParseError or a parser bug: never block the ring
        from operator_desk.domain.privacy import scrub_numbers  # the error may quote the INVITE

        log.warning("PIDF-LO in INVITE not usable: %s", scrub_numbers(str(exc)))
        return None
    return location.to_json()
