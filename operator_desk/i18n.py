"""Loading the UI language: Indonesian from the .qm shipped in resources/translations."""

from __future__ import annotations

import locale
import os
import sys
from pathlib import Path

SUPPORTED = ("id", "en")


def resources_dir() -> Path:
    """resources/ beside the package, or inside a PyInstaller bundle."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def translations_dir() -> Path:
    return resources_dir() / "translations"


def pick_language(explicit: str | None) -> str:
    """--lang, else the system locale: Indonesian for id_*, English otherwise."""
    if explicit in SUPPORTED:
        return explicit
    env = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG") or ""
    code = env or (locale.getlocale()[0] or "")
    return "id" if code.lower().startswith(("id", "in_")) else "en"
