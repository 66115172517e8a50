"""Masking of personal data (UU 27/2022 PDP): one definition for exports, reports, PDFs and logs.

What leaves the desk by default is masked: a caller's number keeps the first and last digits of its
national form (``0812-****-3373``), a caller's name becomes initials (``B. S.``), free text an operator
typed about a person (narrative, notes, disposition, address) is left out, and a position is rounded
to about 110 m. Field names never change: a masked value is a masked or empty value of the same field.
Unmasked output is an admin's audited choice (services/export.py), never a default.

Pure functions, no I/O, no Qt.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any, Literal

import phonenumbers

from . import phone

Rule = Literal["number", "name", "omit", "coarse"]

HIDDEN = "****"
COARSE_DECIMALS = 3  # 0.001 degree: about 110 m, enough for a map of where incidents happen

# (table, field) -> how it is masked. Fields not listed are not personal data of a caller (ids,
# times, outcome and category codes, agency names, the operator who handled the call).
RULES: Mapping[tuple[str, str], Rule] = {
    ("calls", "caller_number"): "number",
    ("calls", "caller_raw"): "number",
    ("calls", "notes"): "omit",
    ("callers", "number"): "number",
    ("callers", "name"): "name",
    ("callers", "notes"): "omit",
    ("incidents", "caller_number"): "number",
    ("incidents", "caller_name"): "name",
    ("incidents", "narrative"): "omit",
    ("incidents", "disposition"): "omit",
    ("incidents", "address"): "omit",
    ("incidents", "lat"): "coarse",
    ("incidents", "lon"): "coarse",
    ("incident_notes", "text"): "omit",
    ("device_locations", "number"): "number",
    ("device_locations", "lat"): "coarse",
    ("device_locations", "lon"): "coarse",
}


def mask_number(value: str | None) -> str | None:
    """A phone number with its middle hidden: ``+6281234563373`` -> ``0812-****-3373``.

    The national form is used (trunk 0 for Indonesia, ``+CC`` before other countries' numbers); at
    most four digits are kept at each end and always at least four are hidden, so a short number
    shows less (``051-****-112``) and a very short one nothing (``****``). Text that holds no number
    is kept when it has no digits (``anonymous``), else hidden.
    """
    if value is None or value == "":
        return value
    e164 = phone.normalise(value)
    if e164 is None or not e164.startswith("+"):
        digits = "".join(ch for ch in value if ch.isdigit())
        if not digits:
            return value
        prefix = ""
    else:
        prefix, digits = _national(e164)
    keep = min(4, (len(digits) - 4) // 2)
    if keep <= 0:
        return prefix + HIDDEN
    return f"{prefix}{digits[:keep]}-{HIDDEN}-{digits[-keep:]}"


def _national(e164: str) -> tuple[str, str]:
    """(prefix, national digits): ("", "0812…") for +62, ("+65 ", "9123…") for other countries."""
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return "", e164.lstrip("+")
    cc, national = str(parsed.country_code), "0" * (parsed.number_of_leading_zeros or 0)
    national += str(parsed.national_number)
    if cc == "62":
        return "", "0" + national
    return f"+{cc} ", national


def initials(name: str | None) -> str | None:
    """``Budi Santoso`` -> ``B. S.``; at most four initials; empty stays empty."""
    if name is None or not name.strip():
        return name
    letters = [next((ch for ch in word if ch.isalnum()), "") for word in name.split()]
    letters = [ch.upper() for ch in letters if ch]
    return " ".join(f"{ch}." for ch in letters[:4]) or HIDDEN


def coarse(value: Any) -> Any:
    """A coordinate rounded to COARSE_DECIMALS; anything that is not a number is left out."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return round(float(value), COARSE_DECIMALS)


def mask_value(rule: Rule, value: Any) -> Any:
    if value is None:
        return None
    if rule == "number":
        return mask_number(value) if isinstance(value, str) else None
    if rule == "name":
        return initials(value) if isinstance(value, str) else None
    if rule == "coarse":
        return coarse(value)
    return None  # "omit"


def mask_record(table: str, record: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of one exported record of `table` with its personal fields masked (same keys, same order)."""
    return {
        k: (mask_value(rule, v) if (rule := RULES.get((table, k))) is not None else v)
        for k, v in record.items()
    }


# -- logs ------------------------------------------------------------------------------------------------
# A number that reached a log line by accident (an exception text, a SIP URI) is masked on its way to
# the file. Names and narratives cannot be recognised: log calls never format them (a test checks).
# A run that starts like a phone number does (+CC, a trunk 0, 62) and has 8-15 digits; dates, times,
# epoch values, ids and counts do not start that way.
_NUMBER_IN_TEXT = re.compile(r"(?<![\w+\-])(?:\+\d|0\d|62)(?:[ \-]?\d){6,13}(?![\w\-])")


def scrub_numbers(text: str) -> str:
    """Every phone-like run of digits in `text` masked (``tel:+6281234563373`` -> ``tel:0812-****-3373``)."""
    return _NUMBER_IN_TEXT.sub(lambda m: mask_number(m.group(0)) or HIDDEN, text)


class PersonalDataFilter(logging.Filter):
    """A log filter that masks phone numbers in the formatted message (and drops the args it used)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a bad format string: the handler reports it
            return True
        scrubbed = scrub_numbers(message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
        return True
