"""Pick the right parser for one message of unknown format."""

from __future__ import annotations

from ._fields import check_size
from .aml_http import is_aml_https, parse_aml_https
from .aml_sms import is_aml_sms, parse_aml_sms
from .model import DeviceLocation, LocationParseError
from .pidf import is_pidf, parse_pidf
from .sip import is_sip_or_mime, parse_sip_message


def parse_any(text: str) -> DeviceLocation:
    """Auto-detect AML SMS (v1/v2), AML HTTPS form body, PIDF-LO XML, or SIP/MIME carrying PIDF-LO.

    Raises LocationParseError when the text is none of these or holds no location.
    """
    if not isinstance(text, str):
        raise LocationParseError(f"location input must be text, not {type(text).__name__}")
    check_size(text, "location input")
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped:
        raise LocationParseError("location input is empty")
    if is_aml_sms(stripped):
        return parse_aml_sms(text)
    if is_pidf(stripped):
        return parse_pidf(stripped, raw=text)
    if is_sip_or_mime(stripped):
        return parse_sip_message(text)
    if is_aml_https(stripped):
        return parse_aml_https(text)
    raise LocationParseError(
        'unrecognised location format: expected AML SMS (A"ML=1/2;...), AML HTTPS form body '
        "(location_latitude=...), PIDF-LO XML or a SIP message with a PIDF-LO part"
    )
