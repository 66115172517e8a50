"""The `operator-desk` command: the GUI without a subcommand, headless subcommands otherwise.

Subcommands print JSON to stdout; on failure they exit non-zero with a one-line reason on stderr.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sqlite3
import sys
from collections.abc import Callable, Sequence
from typing import Any

from . import paths

# Modules that add their own subcommands: add_parsers(subparsers) and run functions set as `func`.
PLUGIN_MODULES = (
    "operator_desk.geo.cli",
    "operator_desk.telephony.location.cli",
    "operator_desk.sync.cli",
    "operator_desk.report.cli",
    "operator_desk.report.incident_pdf",  # incident-report: the Laporan Kejadian PDF
    "operator_desk.services.retention",
)


class CliError(Exception):
    """A failure with a one-line reason for stderr."""


def _open_store(args: argparse.Namespace, must_exist: bool = False) -> Any:
    from .store.store import Store

    data = paths.data_dir(args.data_dir)
    path = paths.store_path(data)
    if must_exist and not path.exists():
        raise CliError(f"no desk store in {data} (expected {path.name})")
    from .store.preflight import refuse_unusable

    refuse_unusable(path)
    return Store(path)


def cmd_demo_data(args: argparse.Namespace) -> int:
    from .services.demo import generate_demo
    from .services.places import places_from_region

    store = _open_store(args)
    try:
        region = paths.default_region(store.path.parent, args.region)
        counts = generate_demo(
            store, calls=args.calls, days=args.days, seed=args.seed, places=places_from_region(region)
        )
        from .services.accounts import ensure_demo_accounts

        result: dict[str, Any] = {**counts, "accounts": ensure_demo_accounts(store)}
    finally:
        store.close()
    print(json.dumps(result))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Masked unless --unmasked (an admin's password on stdin, and a reason); audited either way."""
    from .report.cli import open_private, unmasked_account
    from .services.export import ExportRequest, run_export

    if args.unmasked and not (args.as_name and (args.reason or "").strip()):
        raise CliError("--unmasked needs --as NAME (an admin, password on stdin) and --reason TEXT")
    store = _open_store(args, must_exist=True)
    try:
        req = ExportRequest(args.what, args.format, args.out, unmasked_account(store, args), args.reason)
        if args.out:
            with open_private(args.out) as fh:
                n = run_export(store, req, fh)
            print(json.dumps({"written": n, "out": args.out, "masked": req.account is None}))
        else:
            run_export(store, req, sys.stdout)
    finally:
        store.close()
    return 0


def cmd_export_eidd(args: argparse.Namespace) -> int:
    from .services.eido import export_eido

    store = _open_store(args, must_exist=True)
    try:
        docs = export_eido(store, None if args.all else args.incident)
    finally:
        store.close()
    print(json.dumps(docs[0] if args.incident else docs, ensure_ascii=False, indent=2))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    import time

    from .services.check import check_store

    t0 = time.monotonic()

    def progress(line: str) -> None:  # long runs only: a small store's check stays quiet
        if time.monotonic() - t0 >= 1.0:
            print(line, file=sys.stderr, flush=True)

    store = paths.store_path(paths.data_dir(args.data_dir))
    report = check_store(store, quick=args.quick, progress=progress)
    print(json.dumps(report, indent=2))
    if not report["ok"]:
        print(f"check failed: {report['problems'][0]}", file=sys.stderr)
        return 1
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    """An online backup of the desk (services/backup.py): one tar, the key beside it."""
    from .services.backup import backup

    print(json.dumps(backup(paths.data_dir(args.data_dir), args.out, key_out=args.key_out)))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """A verified restore onto a new data dir: a new site, to be joined again with a new credential."""
    from .services.backup import restore

    if not args.data_dir:
        raise CliError("--data-dir is required (a new, empty folder)")
    print(json.dumps(restore(args.file, paths.data_dir(args.data_dir), key_file=args.key_file)))
    return 0


def cmd_compact(args: argparse.Namespace) -> int:
    """Compact the outbox rows the hub has confirmed (services/compaction.py)."""
    from .services.compaction import compact

    store = _open_store(args, must_exist=True)
    try:
        out = compact(store, through=args.through, keep_days=args.keep_days, vacuum=args.vacuum)
    finally:
        store.close()
    print(json.dumps(out))
    return 0


def cmd_operators(args: argparse.Namespace) -> int:
    from .services.operators import OperatorService

    store = _open_store(args)
    try:
        svc = OperatorService(store)
        store.operator = "admin-cli"
        if args.add:
            svc.add(args.add, args.role)
        if args.remove:
            svc.deactivate(args.remove)
        print(json.dumps([{"name": o["name"], "role": o["role"]} for o in svc.all()]))
    finally:
        store.close()
    return 0


def _stdin_password() -> str:
    """The password: the first line of stdin (never an argument: it would show in `ps` and history)."""
    line = sys.stdin.readline()
    password = line.rstrip("\r\n")
    if not password:
        raise CliError("no password on stdin (give it as the first line)")
    return password


def _account_json(a: Any) -> dict[str, Any]:
    return {"id": a.id, "name": a.name, "role": a.role, "disabled": a.disabled, "must_change": a.must_change}


def cmd_accounts(args: argparse.Namespace) -> int:
    """`accounts add|list|disable|enable|reset|idle-lock`: run on the desk PC by whoever holds its data
    dir (trusted: no log-in needed; every change audited as `admin-cli`)."""
    from .services.accounts import AccountService, idle_lock_minutes, set_idle_lock_minutes

    store = _open_store(args)
    try:
        store.operator = "admin-cli"
        svc = AccountService(store, trusted=True)
        action = args.accounts_command
        if action == "list":
            print(json.dumps([_account_json(a) for a in svc.all()]))
        elif action == "idle-lock":
            minutes = set_idle_lock_minutes(store, args.minutes) if args.minutes is not None \
                else idle_lock_minutes(store)
            print(json.dumps({"idle_lock_minutes": minutes}))
        else:
            if action == "add":
                account = svc.add(args.name, args.role, _stdin_password())
            elif action == "reset":
                account = svc.reset(args.name, _stdin_password())
            elif action == "disable":
                account = svc.disable(args.name)
            else:
                account = svc.enable(args.name)
            print(json.dumps(_account_json(account)))
    finally:
        store.close()
    return 0


def cmd_wall(args: argparse.Namespace) -> int:
    """The wall display (issue 14): a data dir joined with a wall credential, full screen, read-only."""
    from .ui.wall import run_wall

    return run_wall(args)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="operator-desk", description="Operator Desk — 112 call center workstation"
    )
    p.add_argument("--data-dir", help="where the desk keeps its store (env OPERATOR_DESK_DATA)")
    p.add_argument("--region", help="region pack folder (e.g. ../shared/regions/banjar)")
    p.add_argument("--server", help="hub URL to sync with (none: the desk works alone)")
    p.add_argument("--demo", action="store_true", help="fill an empty store with the demo data set")
    p.add_argument("--training", action="store_true",
                   help="open the training desk: its own store beside the real one, never synced")
    p.add_argument("--call-source", choices=("sip", "simulator", "manual"),
                   help="where calls come from (default: the settings, else manual)")
    p.add_argument("--lang", choices=("id", "en"), help="UI language (default: from the system locale)")
    p.add_argument("--login", metavar="NAME",
                   help="log in as NAME with the password read from stdin (otherwise the desk asks)")
    p.add_argument("--operator", help="with --screenshot only: render as NAME without a log-in")
    p.add_argument("--screenshot", metavar="FILE.png", help="render the main window to FILE and exit")
    sub = p.add_subparsers(dest="command")

    def data_dir_arg(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--data-dir", required=False, default=argparse.SUPPRESS)

    sp = sub.add_parser("demo-data", help="add realistic demo calls")
    data_dir_arg(sp)
    sp.add_argument("--calls", type=int, default=500)
    sp.add_argument("--days", type=int, default=7)
    sp.add_argument("--seed", type=int, default=112)
    sp.add_argument("--region", default=argparse.SUPPRESS)
    sp.set_defaults(func=cmd_demo_data)

    sp = sub.add_parser("export", help="calls or incidents as JSON lines or CSV")
    data_dir_arg(sp)
    sp.add_argument("--what", choices=("calls", "incidents"), required=True)
    sp.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    sp.add_argument("--out")
    from .report.cli import add_unmasked_args

    add_unmasked_args(sp)
    sp.set_defaults(func=cmd_export)

    sp = sub.add_parser("export-eidd", help="incidents as NENA EIDO JSON")
    data_dir_arg(sp)
    grp = sp.add_mutually_exclusive_group(required=True)
    grp.add_argument("--incident", metavar="NUMBER")
    grp.add_argument("--all", action="store_true")
    sp.set_defaults(func=cmd_export_eidd)

    sp = sub.add_parser("check", help="integrity, audit chain and outbox consistency")
    data_dir_arg(sp)
    sp.add_argument("--quick", action="store_true",
                    help="start-up check: quick_check and the set-based tests, no full audit/field walks")
    sp.set_defaults(func=cmd_check)

    sp = sub.add_parser("backup", help="online backup of the desk to one file (+ its key file)")
    data_dir_arg(sp)
    sp.add_argument("--out", required=True, help="the backup file (a tar, mode 0600)")
    sp.add_argument("--key-out", help="where the store key goes (default: OUT.key); keep it apart")
    sp.set_defaults(func=cmd_backup)

    sp = sub.add_parser("restore", help="restore a backup into a new data dir (a new site: join again)")
    sp.add_argument("file")
    data_dir_arg(sp)
    sp.add_argument("--key-file", help="the backup's key file (default: FILE.key)")
    sp.set_defaults(func=cmd_restore)

    sp = sub.add_parser("compact", help="drop outbox values the hub has confirmed (check stays green)")
    data_dir_arg(sp)
    sp.add_argument("--through", type=int, help="compact up to this site_seq (must be confirmed)")
    sp.add_argument("--keep-days", type=float, default=30.0, help="keep the last N days whole (default 30)")
    sp.add_argument("--vacuum", action="store_true", help="switch the store to incremental vacuum (desk closed)")
    sp.set_defaults(func=cmd_compact)

    sp = sub.add_parser("operators", help="the roster: list, add (with a role) or remove operators")
    data_dir_arg(sp)
    sp.add_argument("--add", metavar="NAME")
    sp.add_argument("--role", choices=("operator", "supervisor"), default="operator")
    sp.add_argument("--remove", metavar="NAME")
    sp.set_defaults(func=cmd_operators)

    sp = sub.add_parser("accounts", help="log-in accounts: add, list, disable, enable, reset")
    acc = sp.add_subparsers(dest="accounts_command", required=True)
    for name, text in (("add", "make an account (password on stdin)"), ("list", "every account"),
                       ("disable", "the account cannot log in"), ("enable", "the account can log in again"),
                       ("reset", "a new password on stdin; changed at the next log-in"),
                       ("idle-lock", "the minutes without use before the desk locks (1-30)")):
        a = acc.add_parser(name, help=text)
        data_dir_arg(a)
        if name in ("add", "disable", "enable", "reset"):
            a.add_argument("--name", required=True)
        if name == "add":
            a.add_argument("--role", choices=("operator", "supervisor", "admin"), required=True)
        if name == "idle-lock":
            a.add_argument("--minutes", type=int)
        a.set_defaults(func=cmd_accounts)

    sp = sub.add_parser("wall", help="the wall display: the floor, figures and map, full screen (read-only)")
    data_dir_arg(sp)
    sp.add_argument("--region", default=argparse.SUPPRESS)
    sp.add_argument("--screenshot", metavar="FILE.png", default=argparse.SUPPRESS,
                    help="render the wall at 1920x1080 to FILE and exit")
    sp.add_argument("--lang", choices=("id", "en"), default=argparse.SUPPRESS)
    sp.set_defaults(func=cmd_wall)

    for name in PLUGIN_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name and name.startswith(exc.name):
                continue  # that layer is not installed in this build
            raise
        module.add_parsers(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    if func is None:
        from .app import run_gui

        return run_gui(args)
    from .domain.errors import DomainError
    from .store.database import StoreError

    try:
        return int(func(args) or 0)
    except BrokenPipeError:  # `export | head`: the reader has gone; end quietly
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 0
    except (CliError, StoreError, DomainError, ValueError, OSError) as exc:
        print(f"operator-desk {args.command}: {exc}", file=sys.stderr)
        return 2
    except sqlite3.DatabaseError as exc:  # a page found damaged after the store opened
        print(f"operator-desk {args.command}: the store is damaged or unreadable ({exc})", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
