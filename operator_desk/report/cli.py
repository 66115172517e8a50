"""`operator-desk report --data-dir D --from DATE --to DATE [--format json|csv|pdf] [--out F]`.

Wired in by operator_desk/cli.py through `add_parsers`. Reads the store read-only (no migration, no
writer thread), dates are local days (WITA), both ends inclusive. JSON/CSV go to stdout unless --out;
a PDF needs --out (binary). Failures: one line on stderr, non-zero exit.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from .. import paths
from ..store.database import StoreError, connect
from .pdf import build_pdf
from .report import build_report, report_csv

EXIT_FAIL = 2


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def add_parsers(subparsers: Any) -> None:
    p = subparsers.add_parser("report", help="the period report (JSON, CSV or PDF in Bahasa Indonesia)")
    p.add_argument("--data-dir", default=argparse.SUPPRESS, help="the desk's data folder")
    p.add_argument("--from", dest="date_from", type=_date, required=True, help="first day (YYYY-MM-DD, WITA)")
    p.add_argument("--to", dest="date_to", type=_date, required=True, help="last day, inclusive")
    p.add_argument("--format", choices=("json", "csv", "pdf"), default="json")
    p.add_argument("--out", help="write to this file (required for pdf)")
    p.add_argument("--lang", dest="report_lang", choices=("id", "en"), default="id", help="PDF language")
    p.set_defaults(func=run_report)


def run_report(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except (StoreError, ValueError, OSError) as exc:
        print(f"operator-desk report: {' '.join(str(exc).split())}", file=sys.stderr)
        return EXIT_FAIL


def _run(args: argparse.Namespace) -> int:
    if args.date_to < args.date_from:
        raise ValueError(f"--to {args.date_to} is before --from {args.date_from}")
    if args.format == "pdf" and not args.out:
        raise ValueError("--format pdf needs --out FILE.pdf")
    store = paths.store_path(paths.data_dir(getattr(args, "data_dir", None)))
    if not store.exists():
        raise StoreError(f"no desk store at {store}")
    conn = connect(store, readonly=True)
    try:
        report = build_report(conn, args.date_from, args.date_to, int(time.time() * 1000))
    finally:
        conn.close()
    if args.format == "pdf":
        build_pdf(report, Path(args.out), lang=args.report_lang)
        print(json.dumps({"written": args.out, "format": "pdf"}))
        return 0
    text = (
        report_csv(report)
        if args.format == "csv"
        else json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    )
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(json.dumps({"written": args.out, "format": args.format}))
    else:
        sys.stdout.write(text)
    return 0


# The name the conventions ask for, beside add_parsers.
add_report_parser = add_parsers
