"""`operator-desk location parse`: one AML SMS / AML HTTPS body / PIDF-LO (or SIP INVITE) on stdin.

Prints JSON (lat, lon, radius_m, time, method, confidence, number, warnings, plus source, imei,
imsi) on stdout and exits 0; for input that holds no location prints one line on stderr and
exits 1. The lead wires `add_location_parser` into operator_desk/cli.py.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from ._fields import MAX_INPUT_CHARS
from .detect import parse_any
from .model import LocationParseError

EXIT_NO_LOCATION = 1


def add_location_parser(subparsers: Any) -> None:
    """Register `location parse` on an argparse subparsers object."""
    location = subparsers.add_parser("location", help="device location tools (AML, PIDF-LO)")
    actions = location.add_subparsers(dest="location_command", required=True)
    parse = actions.add_parser(
        "parse",
        help="parse one AML SMS (v1/v2), AML HTTPS form body or PIDF-LO document from stdin",
    )
    parse.set_defaults(func=run_location_parse)


add_parsers = add_location_parser  # the name used in the task brief


def _decode(data: bytes) -> str:
    # SMS gateways and HTTP bodies are UTF-8 (or ASCII); fall back to Latin-1 so any bytes decode.
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def run_location_parse(
    args: argparse.Namespace, *, stdin: TextIO | None = None, stdout: TextIO | None = None
) -> int:
    """Read stdin, print the location as JSON; return the exit code."""
    out = stdout if stdout is not None else sys.stdout
    source = stdin if stdin is not None else sys.stdin
    buffer = getattr(source, "buffer", None)
    # Read at most a little more than any parser accepts; the parser then names the size problem.
    limit = MAX_INPUT_CHARS + 1
    text = _decode(buffer.read(limit * 4)) if buffer is not None else source.read(limit)
    try:
        location = parse_any(text)
    except LocationParseError as exc:
        reason = " ".join(str(exc).split())
        print(f"location parse: {reason}", file=sys.stderr)
        return EXIT_NO_LOCATION
    json.dump(location.to_json(), out, ensure_ascii=False)
    out.write("\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="operator-desk")
    add_location_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
