"""`operator-desk report --data-dir D --from DATE --to DATE [--format json|csv|pdf] [--out F]` and
`operator-desk subject-report --data-dir D --number N [--out F.pdf] --as ADMIN --reason TEXT`.

Wired in by operator_desk/cli.py through `add_parsers`. Dates are local days (WITA), both ends
inclusive. JSON/CSV go to stdout unless --out; a PDF needs --out (binary). Failures: one line on
stderr, non-zero exit. Personal data is masked unless `--unmasked --as ADMIN --reason TEXT` (the
admin's password on stdin); every report is audited. Files written are private (0600).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path
from typing import IO, Any

from .. import paths
from ..domain.errors import DomainError
from ..store.database import StoreError

EXIT_FAIL = 2


def _date(text: str) -> date:
    """A day between 2000-01-01 and 2199-12-31 (a store holds nothing outside; a far year would overflow)."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None
    if not date(2000, 1, 1) <= day <= date(2199, 12, 31):
        raise argparse.ArgumentTypeError(f"date out of range (2000-01-01 … 2199-12-31): {text}")
    return day


def add_parsers(subparsers: Any) -> None:
    p = subparsers.add_parser("report", help="the period report (JSON, CSV or PDF in Bahasa Indonesia)")
    p.add_argument("--data-dir", default=argparse.SUPPRESS, help="the desk's data folder")
    p.add_argument("--from", dest="date_from", type=_date, required=True, help="first day (YYYY-MM-DD, WITA)")
    p.add_argument("--to", dest="date_to", type=_date, required=True, help="last day, inclusive")
    p.add_argument("--format", choices=("json", "csv", "pdf"), default="json")
    p.add_argument("--out", help="write to this file (required for pdf)")
    p.add_argument("--lang", dest="report_lang", choices=("id", "en"), default="id", help="PDF language")
    add_unmasked_args(p)
    p.set_defaults(func=run_report)

    p = subparsers.add_parser(
        "subject-report", help="admin: everything held about one phone number (UU PDP access request)"
    )
    p.add_argument("--data-dir", default=argparse.SUPPRESS, help="the desk's data folder")
    p.add_argument("--number", required=True, help="the phone number (any form: 0812…, +62812…)")
    p.add_argument("--out", help="also write the report as a PDF in Bahasa Indonesia (FILE.pdf)")
    p.add_argument("--as", dest="as_name", required=True, metavar="NAME",
                   help="the admin answering the request (password on stdin)")
    p.add_argument("--reason", required=True, help="the request answered (e.g. its letter number)")
    p.add_argument("--lang", dest="report_lang", choices=("id", "en"), default="id", help="PDF language")
    p.set_defaults(func=run_subject_report)


# -- unmasked output: an admin, a password on stdin, a reason ----------------------------------------------
def add_unmasked_args(p: argparse.ArgumentParser) -> None:
    """--unmasked, --as NAME, --reason TEXT (export and report share them)."""
    p.add_argument("--unmasked", action="store_true",
                   help="full numbers, names and narratives (needs --as ADMIN and --reason; audited)")
    p.add_argument("--as", dest="as_name", metavar="NAME", help="the admin asking (password on stdin)")
    p.add_argument("--reason", help="why the unmasked data is needed (recorded in the audit)")


def read_password(stream: IO[str] | None = None) -> str:
    """The password: typed without echo at a terminal, else the first line of stdin."""
    stream = stream or sys.stdin
    if stream.isatty():
        import getpass

        return getpass.getpass("Password: ")
    line = stream.readline()
    password = line.rstrip("\r\n")
    if not password:
        raise ValueError("no password on stdin")
    return password


def unmasked_account(store: Any, args: argparse.Namespace, action: str = "export_unmasked") -> Any:
    """The admin Account behind --unmasked (None without it); refuses a missing --as or --reason."""
    if not getattr(args, "unmasked", False):
        return None
    if not args.as_name or not (args.reason or "").strip():
        raise ValueError("--unmasked needs --as NAME (an admin, password on stdin) and --reason TEXT")
    from ..services.export import authorize, check_reason

    check_reason(args.reason)
    return authorize(store, args.as_name, read_password(), action)


def open_private(path: str | Path, binary: bool = False) -> IO[Any]:
    """A new or truncated output file, readable by its owner only (0600, whatever the umask)."""
    return paths.open_private(Path(path), binary=binary)


def _fail(command: str, exc: BaseException) -> int:
    print(f"operator-desk {command}: {' '.join(str(exc).split())}", file=sys.stderr)
    return EXIT_FAIL


def run_report(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except (StoreError, DomainError, ValueError, OSError) as exc:
        return _fail("report", exc)


def _run(args: argparse.Namespace) -> int:
    if args.date_to < args.date_from:
        raise ValueError(f"--to {args.date_to} is before --from {args.date_from}")
    if args.format == "pdf" and not args.out:
        raise ValueError("--format pdf needs --out FILE.pdf")
    if getattr(args, "unmasked", False) and not (args.as_name and (args.reason or "").strip()):
        raise ValueError("--unmasked needs --as NAME (an admin, password on stdin) and --reason TEXT")
    from .pdf import build_pdf
    from .report import build_report, mask_report, report_csv

    store = _open_store(args)
    try:
        account = unmasked_account(store, args)
        report = build_report(store.reader(), args.date_from, args.date_to, int(time.time() * 1000))
        report = mask_report(report) if account is None else {**report, "masked": False}
        from ..services.export import audit_export

        audit_export(
            store,
            "report_unmasked" if account else "report",
            {"what": "report", "from": args.date_from.isoformat(), "to": args.date_to.isoformat(),
             "format": args.format, "out": args.out, "masked": account is None,
             "reason": " ".join((args.reason or "").split())[:500] or None},
            account,
        )
    finally:
        store.close()
    if args.format == "pdf":
        with open_private(args.out, binary=True) as fh:
            build_pdf(report, fh, lang=args.report_lang)
        print(json.dumps({"written": args.out, "format": "pdf"}))
        return 0
    text = (
        report_csv(report)
        if args.format == "csv"
        else json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    )
    if args.out:
        with open_private(args.out) as fh:
            fh.write(text)
        print(json.dumps({"written": args.out, "format": args.format}))
    else:
        sys.stdout.write(text)
    return 0


def _open_store(args: argparse.Namespace) -> Any:
    from ..store.store import Store

    path = paths.store_path(paths.data_dir(getattr(args, "data_dir", None)))
    if not path.exists():
        raise StoreError(f"no desk store at {path}")
    from ..store.preflight import refuse_unusable

    refuse_unusable(path)
    return Store(path)


def run_subject_report(args: argparse.Namespace) -> int:
    try:
        return _run_subject(args)
    except (StoreError, DomainError, ValueError, OSError) as exc:
        return _fail("subject-report", exc)


def _run_subject(args: argparse.Namespace) -> int:
    from ..services.export import authorize, check_reason
    from ..services.subject import subject_report
    from .subject_pdf import build_subject_pdf

    if args.out and not args.out.lower().endswith(".pdf"):
        raise ValueError("--out is the PDF of the report (FILE.pdf); the JSON goes to stdout")
    reason = check_reason(args.reason)
    store = _open_store(args)
    try:
        account = authorize(store, args.as_name, read_password(), "subject_report")
        report = subject_report(store, args.number, account=account, reason=reason,
                                now_ms=int(time.time() * 1000), out=args.out)
    finally:
        store.close()
    if args.out:
        with open_private(args.out, binary=True) as fh:
            build_subject_pdf(report, fh, lang=args.report_lang)
    sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    return 0


# The name the conventions ask for, beside add_parsers.
add_report_parser = add_parsers
