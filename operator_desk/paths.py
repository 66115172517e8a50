"""Where things live: the data dir (store, drafts, recordings, logs) and the region pack."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

STORE_FILE = "desk.sqlite"


def data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """--data-dir, else $OPERATOR_DESK_DATA, else the platform's user data dir."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("OPERATOR_DESK_DATA")
    if env:
        return Path(env)
    return Path(platformdirs.user_data_dir("operator-desk", appauthor=False))


def store_path(data: Path) -> Path:
    return data / STORE_FILE


def default_region(data: Path, explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """--region, else the pack installed by `region import`, else none."""
    if explicit:
        return Path(explicit)
    installed = data / "region"
    return installed if installed.is_dir() else None
