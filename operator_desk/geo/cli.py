"""Headless geo subcommands: `gazetteer`, `locate`, `region import` (wired in by operator_desk/cli.py).

JSON goes to stdout; failures print one line on stderr and return non-zero. Options that the main
parser may also define (`--region`, `--data-dir`) use SUPPRESS defaults so a subparser never hides a
value given before the subcommand.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .errors import RegionError
from .gazetteer import Gazetteer
from .model import Region
from .pack import INSTALL_DIR, import_region, load_region, region_summary
from .reverse import ReverseGeocoder

EXIT_USAGE = 2
EXIT_REGION = 3


def _fail(message: str, code: int) -> int:
    print(" ".join(message.split()), file=sys.stderr)
    return code


def _data_dir(args: argparse.Namespace) -> str | None:
    return getattr(args, "data_dir", None) or os.environ.get("OPERATOR_DESK_DATA")


def _region(args: argparse.Namespace) -> Region:
    path = getattr(args, "region", None)
    if not path and _data_dir(args):
        installed = Path(str(_data_dir(args))) / INSTALL_DIR
        path = str(installed) if installed.is_dir() else None
    if not path:
        raise RegionError("--region", "no region pack given (and none installed in --data-dir)")
    return load_region(path)


def _print(obj: Any) -> None:
    json.dump(obj, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def add_gazetteer_parser(subparsers: Any) -> None:
    p = subparsers.add_parser("gazetteer", help="search place names of the region (JSON)")
    p.add_argument("--region", default=argparse.SUPPRESS, help="region pack folder")
    p.add_argument("--data-dir", default=argparse.SUPPRESS, help="a desk data dir (its installed region pack)")
    p.add_argument("query", help="place name as the caller said it")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--kecamatan", default=None, help="prefer places in this kecamatan code")
    p.set_defaults(func=run_gazetteer)


def run_gazetteer(args: argparse.Namespace) -> int:
    try:
        gaz = Gazetteer.from_region(_region(args))
    except RegionError as exc:
        return _fail(str(exc), EXIT_REGION)
    if args.limit <= 0:
        return _fail("--limit must be positive", EXIT_USAGE)
    matches = gaz.search(args.query, limit=args.limit, kecamatan_code=getattr(args, "kecamatan", None))
    _print([asdict(m) for m in matches])
    return 0


def add_locate_parser(subparsers: Any) -> None:
    p = subparsers.add_parser("locate", help="reverse geocode a point to desa/kecamatan (JSON)")
    p.add_argument("--region", default=argparse.SUPPRESS, help="region pack folder")
    p.add_argument("--data-dir", default=argparse.SUPPRESS, help="a desk data dir (its installed region pack)")
    p.add_argument("lat", type=float)
    p.add_argument("lon", type=float)
    p.set_defaults(func=run_locate)


def run_locate(args: argparse.Namespace) -> int:
    if not (-90 <= args.lat <= 90 and -180 <= args.lon <= 180):
        return _fail(f"lat/lon out of range: {args.lat} {args.lon}", EXIT_USAGE)
    try:
        place = ReverseGeocoder(_region(args)).locate(args.lat, args.lon)
    except RegionError as exc:
        return _fail(str(exc), EXIT_REGION)
    if place is None:
        _print({"desa": None, "kecamatan": None, "distance_m": None})
        return 0
    kec = {"code": place.kecamatan_code, "name": place.kecamatan_name} if place.kecamatan_code else None
    _print({
        "desa": {"code": place.desa_code, "name": place.desa_name, "level": place.desa_level},
        "kecamatan": kec,
        "distance_m": round(place.distance_m, 1),
    })  # fmt: skip
    return 0


def add_region_parser(subparsers: Any) -> None:
    p = subparsers.add_parser("region", help="region pack administration")
    sub = p.add_subparsers(dest="region_command", required=True)
    imp = sub.add_parser("import", help="validate a region pack and install it in the data dir")
    imp.add_argument("src", help="pack folder (or the Banjar source folder)")
    imp.add_argument("--data-dir", default=argparse.SUPPRESS, help="desk data dir")
    imp.set_defaults(func=run_region_import)
    bld = sub.add_parser("build", help="build a region pack from Kemendagri-coded boundary files (wilayah_boundaries)")
    bld.add_argument("--source", required=True, help="folder of wilayah_boundaries_{kab,kec,kel}_*.sql files")
    bld.add_argument("--code", required=True, help="the kabupaten/kota code, e.g. 63.03")
    bld.add_argument("--out", required=True, help="the pack folder to write")
    bld.add_argument("--prefix", default=None, help="incident-number prefix (2-8 capitals/digits)")
    bld.add_argument("--pois", default=None, help="an OSM GeoJSON of health facilities (points), optional")
    bld.set_defaults(func=run_region_build)


def run_region_build(args: argparse.Namespace) -> int:
    from .pack import load_region
    from .wilayah import build_pack

    out = Path(args.out)
    if out.exists() and any(out.iterdir()):
        return _fail(f"region build: {out} exists and is not empty", EXIT_USAGE)
    try:
        build_pack(args.source, args.code, out, prefix=args.prefix, pois=args.pois)
        region = load_region(out)
    except (RegionError, OSError) as exc:
        return _fail(f"region build failed: {exc}", EXIT_REGION)
    _print({"built": str(out), **region_summary(region)})
    return 0


def run_region_import(args: argparse.Namespace) -> int:
    data_dir = _data_dir(args)
    if not data_dir:
        return _fail("region import: --data-dir is required", EXIT_USAGE)
    try:
        region = import_region(args.src, data_dir)
    except RegionError as exc:
        return _fail(f"region import failed: {exc}", EXIT_REGION)
    except OSError as exc:
        return _fail(f"region import failed: {exc}", EXIT_REGION)
    _print({"installed": True, **region_summary(region)})
    return 0


def add_parsers(subparsers: Any) -> None:
    """Register `gazetteer`, `locate` and `region import`; each sets `func` to its run function."""
    add_gazetteer_parser(subparsers)
    add_locate_parser(subparsers)
    add_region_parser(subparsers)


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry for tests and scripts: `python -m operator_desk.geo.cli locate ...`."""
    parser = argparse.ArgumentParser(prog="operator-desk-geo")
    parser.add_argument("--data-dir", default=argparse.SUPPRESS, help="desk data dir (installed region)")
    add_parsers(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
