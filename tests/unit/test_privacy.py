"""Masking of personal data (domain/privacy.py): what is hidden, and what is left as it is."""

from __future__ import annotations

import logging

import pytest

from operator_desk.domain.privacy import (
    PersonalDataFilter,
    coarse,
    initials,
    mask_number,
    mask_record,
    scrub_numbers,
)


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("+6281234563373", "0812-****-3373"),
        ("081234563373", "0812-****-3373"),
        ("0812-3456-3373", "0812-****-3373"),
        ("+62511477112", "051-****-112"),  # a short number keeps less, and always hides four digits
        ("+6591234567", "+65 91-****-67"),  # another country keeps its code
        ("112", "****"),
        ("anonymous", "anonymous"),  # no digits: nothing to hide
        ("", ""),
        (None, None),
    ],
)
def test_numbers_keep_only_their_ends(raw: str | None, masked: str | None) -> None:
    assert mask_number(raw) == masked


def test_a_masked_number_never_holds_the_hidden_digits() -> None:
    out = mask_number("+6281298765432")
    assert out == "0812-****-5432" and "9876" not in (out or "")


def test_names_become_initials() -> None:
    assert initials("Budi Santoso") == "B. S."
    assert initials("hj. siti aminah binti ahmad rahman") == "H. S. A. B."  # at most four
    assert initials("  ") == "  " and initials(None) is None and initials("Ñoño") == "Ñ."


def test_a_record_is_masked_field_by_field_with_the_same_keys() -> None:
    call = {"id": "c1", "caller_number": "+6281234563373", "caller_raw": "0812 3456 3373",
            "outcome": "prank", "notes": "Ibu Sari, rumah di Jl. Mawar 3", "operator": "Rina"}
    out = mask_record("calls", call)
    assert list(out) == list(call)
    assert out == {"id": "c1", "caller_number": "0812-****-3373", "caller_raw": "0812-****-3373",
                   "outcome": "prank", "notes": None, "operator": "Rina"}
    inc = {"number": "BJR-D1-20261128-0001", "caller_name": "Budi Santoso", "narrative": "rumah terbakar",
           "disposition": "dipadamkan", "address": "Jl. Mawar 3", "lat": -3.412345, "lon": 114.856789,
           "caller_number": "+6281234563373", "category": "fire"}
    out = mask_record("incidents", inc)
    assert out == {"number": "BJR-D1-20261128-0001", "caller_name": "B. S.", "narrative": None,
                   "disposition": None, "address": None, "lat": -3.412, "lon": 114.857,
                   "caller_number": "0812-****-3373", "category": "fire"}
    assert mask_record("agencies", {"name": "Damkar", "phone": "0511-4772112"}) == {
        "name": "Damkar", "phone": "0511-4772112"}  # an agency's number is not a caller's
    assert coarse("x") is None and coarse(True) is None


def test_numbers_in_log_text_are_masked_and_other_figures_are_not() -> None:
    text = ("ring tel:+6281234563373 / 0812-3456-3373 / 0812 3456 3373 at 2026-11-28 12:00:00, "
            "id 0190a1b2-77, seq 12345678, ms 1764300000000")
    assert scrub_numbers(text) == (
        "ring tel:0812-****-3373 / 0812-****-3373 / 0812-****-3373 at 2026-11-28 12:00:00, "
        "id 0190a1b2-77, seq 12345678, ms 1764300000000"
    )


def test_the_log_filter_masks_the_formatted_message() -> None:
    rec = logging.LogRecord("x", logging.WARNING, __file__, 1, "SIP failed for %s: %s", ("sip:+6281234563373@pbx", 3), None)
    assert PersonalDataFilter().filter(rec) is True
    assert rec.getMessage() == "SIP failed for sip:0812-****-3373@pbx: 3"
    plain = logging.LogRecord("x", logging.INFO, __file__, 1, "synced %d changes", (12,), None)
    PersonalDataFilter().filter(plain)
    assert plain.args == (12,) and plain.getMessage() == "synced 12 changes"
