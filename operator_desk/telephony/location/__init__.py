"""Device location from AML (SMS v1/v2, HTTPS) and PIDF-LO (standalone or in SIP). Qt-free."""

from .aml_http import parse_aml_https
from .aml_sms import parse_aml_sms
from .detect import parse_any
from .model import DeviceLocation, LocationParseError
from .pidf import parse_pidf
from .sip import parse_sip_message

__all__ = [
    "DeviceLocation",
    "LocationParseError",
    "parse_any",
    "parse_aml_https",
    "parse_aml_sms",
    "parse_pidf",
    "parse_sip_message",
]
