"""Typed errors of the geo core."""

from __future__ import annotations


class RegionError(Exception):
    """A region pack is missing, malformed or inconsistent.

    Carries the file (relative to the pack folder when known) and the problem, so the UI and the CLI
    can show one precise line ("desa.geojson: feature 12 (63.03.01.2001): coordinates outside the
    bbox") and an administrator can fix the pack without reading a traceback.
    """

    def __init__(self, file: str, problem: str) -> None:
        self.file = file
        self.problem = problem
        super().__init__(f"{file}: {problem}")
