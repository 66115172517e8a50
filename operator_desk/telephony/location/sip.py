"""PIDF-LO carried by value in a SIP message (RFC 6442): find the application/pidf+xml body part.

Accepts a whole SIP request/response (start line, headers, blank line, body), a MIME entity with
headers only (Content-Type: multipart/mixed; boundary=...), or a bare multipart body starting with
its "--boundary" line. MIME is split by the standard library's email package. When the SIP
Geolocation header names a cid:, that part is preferred. Location by reference (http/https URI)
is not fetched here. The caller number falls back to P-Asserted-Identity, then From.
"""

from __future__ import annotations

import re
from email import message_from_string
from email.message import Message

from ._fields import check_size
from .model import DeviceLocation, LocationParseError
from .pidf import parse_pidf

FMT = "SIP/MIME"
_START_LINE = re.compile(r"(?:[A-Z]+ \S+ SIP/2\.0|SIP/2\.0 [0-9]{3}(?: .*)?)", re.ASCII)
_HEADER_LINE = re.compile(r"[A-Za-z][A-Za-z0-9\-]*[ \t]*:", re.ASCII)
# RFC 3261 compact header forms that matter for finding the body.
_COMPACT = {"c": "Content-Type", "f": "From", "l": "Content-Length", "e": "Content-Encoding"}
_PIDF_TYPE = "application/pidf+xml"


def is_sip_or_mime(text: str) -> bool:
    first = text.lstrip("\ufeff \t\r\n").split("\n", 1)[0].rstrip("\r")
    if _START_LINE.fullmatch(first):
        return True
    if first.startswith("--") and _PIDF_TYPE in text.lower():
        return True
    return first.lower().startswith(("content-type:", "mime-version:")) and _PIDF_TYPE in text.lower()


def parse_sip_message(text: str) -> DeviceLocation:
    """Parse the PIDF-LO body of a SIP message or MIME entity (see module docstring)."""
    check_size(text, FMT)
    body = text.lstrip("\ufeff \t\r\n").replace("\r\n", "\n")
    first, _, rest = body.partition("\n")
    if _START_LINE.fullmatch(first):
        body = rest
    elif first.startswith("--"):
        boundary = first[2:].strip()
        if not boundary or '"' in boundary:
            raise LocationParseError(f"{FMT}: bad multipart boundary line {first[:60]!r}")
        body = f'Content-Type: multipart/mixed; boundary="{boundary}"\n\n{body}'
    message = message_from_string(_expand_compact_headers(body))
    part = _pidf_part(message)
    if part is None:
        where = _geolocation_uri(message)
        detail = f" (location by reference {where[:80]!r} is not fetched)" if where else ""
        raise LocationParseError(f"{FMT}: no {_PIDF_TYPE} body part{detail}")
    payload = _payload(part)
    fallback = message.get("P-Asserted-Identity") or message.get("From")
    return parse_pidf(payload, raw=text, fallback_number=str(fallback) if fallback else None)


def _expand_compact_headers(body: str) -> str:
    head, sep, tail = body.partition("\n\n")
    lines = []
    for line in head.split("\n"):
        name, colon, value = line.partition(":")
        key = name.strip().lower()
        if colon and key in _COMPACT and _HEADER_LINE.match(line):
            line = f"{_COMPACT[key]}:{value}"
        lines.append(line)
    return "\n".join(lines) + sep + tail


def _geolocation_uri(message: Message) -> str | None:
    value = message.get("Geolocation")
    if not value:
        return None
    text = str(value)
    if "<" in text and ">" in text:
        return text.split("<", 1)[1].split(">", 1)[0].strip()
    return text.strip()


def _pidf_part(message: Message) -> Message | None:
    candidates = [p for p in message.walk() if p.get_content_type() == _PIDF_TYPE]
    if not candidates:
        return None
    uri = _geolocation_uri(message)
    if uri and uri.lower().startswith("cid:"):
        wanted = uri[4:]
        for part in candidates:
            if str(part.get("Content-ID", "")).strip().strip("<>") == wanted:
                return part
    return candidates[0]


def _payload(part: Message) -> str | bytes:
    encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    if encoding in ("base64", "quoted-printable"):
        data = part.get_payload(decode=True)
        if isinstance(data, bytes):
            return data
    payload = part.get_payload()
    if not isinstance(payload, str):
        raise LocationParseError(f"{FMT}: {_PIDF_TYPE} part is not a single document")
    return payload
