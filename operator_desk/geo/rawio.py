"""Reading the raw files of a region pack with precise errors (file, line, problem)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any, cast

from .errors import RegionError

GAZETTEER_REQUIRED = ("code", "name", "level", "parent_code", "lat", "lon")
GAZETTEER_COLUMNS = (*GAZETTEER_REQUIRED, "postal_code", "kecamatan")


def read_geojson(path: Path, label: str) -> dict[str, Any]:
    """Parse a GeoJSON FeatureCollection; a syntax error is reported with its line and column."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RegionError(label, "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RegionError(label, f"cannot read file ({exc})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RegionError(label, f"line {exc.lineno} column {exc.colno}: invalid JSON ({exc.msg})") from None
    check_feature_collection(data, label)
    return cast("dict[str, Any]", data)


def check_feature_collection(data: Any, label: str) -> None:
    """Reject anything that is not a GeoJSON FeatureCollection with a list of features."""
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise RegionError(label, "not a GeoJSON FeatureCollection")
    if not isinstance(data.get("features"), list):
        raise RegionError(label, "FeatureCollection without a 'features' list")


# One gazetteer row: (line number in the file, column -> value).
CsvRow = tuple[int, dict[str, str]]


def read_gazetteer_csv(path: Path, label: str) -> list[CsvRow]:
    """Read gazetteer.csv, checking the header has every required column."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RegionError(label, "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RegionError(label, f"cannot read file ({exc})") from None
    return parse_gazetteer_csv(text, label)


def parse_gazetteer_csv(text: str, label: str) -> list[CsvRow]:
    """Parse gazetteer CSV text (header on line 1)."""
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in GAZETTEER_REQUIRED if c not in header]
    if missing:
        raise RegionError(label, f"missing required column(s): {', '.join(missing)}")
    rows: list[CsvRow] = []
    for raw in reader:
        values = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if isinstance(v, str)}
        rows.append((reader.line_num, values))
    return rows


def write_gazetteer_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    """Write rows with the canonical column order."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(GAZETTEER_COLUMNS), extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if row.get(k) is None else row.get(k)) for k in GAZETTEER_COLUMNS})
