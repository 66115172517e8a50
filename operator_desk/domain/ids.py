"""Identifiers: UUIDv7 keys made on the desk, human incident numbers carrying the site code."""

from __future__ import annotations

from datetime import datetime

import uuid6


def new_id() -> str:
    """A UUIDv7 as text: time-ordered, unique across desks without coordination."""
    return str(uuid6.uuid7())


def incident_number(prefix: str, site_code: str, local_day: datetime, seq: int) -> str:
    """E.g. ``BJR-D2-20261128-0042``: readable on the radio, unique across desks offline."""
    return f"{prefix}-{site_code}-{local_day:%Y%m%d}-{seq:04d}"
