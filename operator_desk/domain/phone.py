"""Phone numbers: E.164 through `phonenumbers`, the raw string kept beside it."""

from __future__ import annotations

from functools import lru_cache

import phonenumbers

DEFAULT_REGION = "ID"


def normalise(raw: str, region: str = DEFAULT_REGION) -> str | None:
    """Return E.164 (``+62…``) or None when the text holds no possible number.

    Indonesian short codes (112, 110, 113, 118, 119) are kept as they are.
    """
    text = (raw or "").strip()
    if not text:
        return None
    digits = "".join(ch for ch in text if ch.isdigit())
    if 3 <= len(digits) <= 5 and not text.startswith("+"):
        return digits
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=65536)
def display(e164: str | None) -> str:
    """A readable national form for the screen (``0812-3456-7890`` style); falls back to the input."""
    if not e164:
        return ""
    try:
        parsed = phonenumbers.parse(e164, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
