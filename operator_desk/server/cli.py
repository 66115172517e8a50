"""`operator-desk-server`: run the hub / upstream sync server, or manage its credentials.

operator-desk-server --data-dir D [--host H] [--port P] [--certfile C --keyfile K]
                     [--database postgresql://…] [--upstream URL --upstream-token T]
                     [--aml-allow ADDR[,ADDR…]] [--max-connections N] [--header-timeout S]
operator-desk-server enroll --data-dir D --site NAME [--kind desk|hub|admin|wall] [--supervisor]
operator-desk-server revoke --data-dir D --site NAME     (refused within a second, no restart)
operator-desk-server supervisor --data-dir D --site NAME [--off]
operator-desk-server sites --data-dir D                  (JSON: kind, flags, last seen)
operator-desk-server retention show|set|run --data-dir D [--calls-days N --recordings-days N --incidents-years N]
operator-desk-server breach-report --data-dir D --site NAME [--since DATE] [--unmasked]
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import logging
import os
import sqlite3
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import limits
from .storage import Storage

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8112


def open_storage(data_dir: str | None, database: str | None, key_file: str | None = None) -> Storage:
    """PostgreSQL for a postgresql:// URL, else SQLite in the data dir."""
    if database:
        if not database.startswith(("postgresql://", "postgres://")):
            raise ValueError(f"--database: expected a postgresql:// URL, got {database!r}")
        from .postgres_backend import PostgresStorage

        return PostgresStorage(database)
    if not data_dir:
        data_dir = os.environ.get("OPERATOR_DESK_SERVER_DATA")
    if not data_dir:
        raise ValueError("--data-dir (or --database) is required")
    from .sqlite_backend import SqliteStorage

    return SqliteStorage(data_dir, key_file or os.environ.get("OPERATOR_DESK_SERVER_KEY_FILE"))


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="operator-desk-server", description="Operator Desk sync hub / upstream")

    def storage_args(sp: argparse.ArgumentParser, top: bool) -> None:
        d = None if top else argparse.SUPPRESS
        sp.add_argument("--data-dir", default=d, help="folder of the SQLite database (default backend)")
        sp.add_argument("--database", default=d, help="postgresql://… to use PostgreSQL instead")
        sp.add_argument(
            "--key-file",
            default=d,
            help="the hub database's key file (default: "
            "<data-dir>/keys/sync-server.sqlite.key; made with a new hub)",
        )

    storage_args(ap, True)
    ap.add_argument("--host", default=DEFAULT_HOST)
    ap.add_argument("--port", type=int, default=DEFAULT_PORT)
    ap.add_argument("--certfile", help="TLS certificate (PEM); with --keyfile serves HTTPS")
    ap.add_argument("--keyfile", help="TLS private key (PEM)")
    ap.add_argument("--upstream", help="URL of the server this hub relays to")
    ap.add_argument("--upstream-token", help="this hub's credential at the upstream (kind hub)")
    ap.add_argument("--upstream-ca", help="CA bundle to verify the upstream's TLS certificate")
    ap.add_argument("--log-level", default="warning")
    ap.add_argument(
        "--aml-allow",
        default=os.environ.get("OPERATOR_DESK_AML_ALLOW", ""),
        help="comma-separated AML gateway addresses/networks allowed to POST /aml (env OPERATOR_DESK_AML_ALLOW); "
        "with neither this nor OPERATOR_DESK_AML_SECRET the AML intake is off",
    )
    ap.add_argument(
        "--max-connections",
        type=int,
        default=None,
        help="open connections at once (default: "
        "what the descriptor limit allows); past it new connections get 503",
    )
    ap.add_argument(
        "--header-timeout",
        type=float,
        default=limits.HEADER_TIMEOUT_S,
        help="seconds a connection may take to send a complete request head",
    )
    ap.add_argument("--max-wait", type=float, default=30.0, help="longest long-poll of a pull, seconds")
    ap.add_argument(
        "--body-timeout",
        type=float,
        default=limits.BODY_IDLE_S,
        help="seconds a request body may stall between two chunks (then 408)",
    )
    ap.add_argument(
        "--retention-every",
        type=float,
        default=24 * 3600.0,
        help="seconds between two runs of the retention job (default a day; it also runs at start)",
    )
    sub = ap.add_subparsers(dest="command")
    sp = sub.add_parser("enroll", help="register a desk (or hub/admin/wall) and print its credential")
    storage_args(sp, False)
    sp.add_argument("--site", required=True, help="a name for the site, e.g. 'desk 2'")
    sp.add_argument("--kind", choices=("desk", "hub", "admin", "wall"), default="desk")
    sp.add_argument(
        "--supervisor", action="store_true", help="a desk whose conflict resolutions the hub accepts"
    )
    sp.add_argument(
        "--replaces",
        action="append",
        metavar="OLD_SITE",
        help="a restored desk: succeed this site (name or id; may repeat): its token is revoked, its calls "
        "become writable by the new site (needs --as)",
    )
    sp.add_argument("--as", dest="as_name", default=None, help="the admin who records the replacement")
    sp = sub.add_parser("revoke", help="refuse a credential from now on (a running server within a second)")
    storage_args(sp, False)
    sp.add_argument("--site", required=True, help="the site's name or id")
    sp = sub.add_parser("supervisor", help="flag a desk supervisor (it may resolve conflicts)")
    storage_args(sp, False)
    sp.add_argument("--site", required=True, help="the site's name or id")
    sp.add_argument("--off", action="store_true", help="remove the flag")
    sp = sub.add_parser("sites", help="list credentials with kind, flags and last seen (JSON)")
    storage_args(sp, False)
    sp = sub.add_parser(
        "check", help="verify the log, the audit chains and trees (JSON; non-zero on a problem)"
    )
    storage_args(sp, False)
    sp = sub.add_parser(
        "backup",
        help="online backup of a SQLite hub to one file (+ its key file); "
        "PostgreSQL: pg_dump (server/backup.py)",
    )
    storage_args(sp, False)
    sp.add_argument("--out", required=True, help="the backup file (a tar, mode 0600)")
    sp = sub.add_parser("retention", help="the center's retention settings (synced to every desk) and job")
    sp.add_argument("action", choices=["show", "set", "run"])
    sp.add_argument(
        "--calls-days", type=int, help="pseudonymise non-emergency calls after N days (default 90)"
    )
    sp.add_argument("--recordings-days", type=int, help="delete recordings after N days (default 90)")
    sp.add_argument("--incidents-years", type=int, help="redact incidents after N years (default 5)")
    sp.add_argument("--as", dest="as_name", default=None, help="the admin the setting is recorded for")
    storage_args(sp, False)
    sp = sub.add_parser(
        "breach-report", help="whose personal data a lost or stolen desk held (UU PDP Pasal 46)"
    )
    sp.add_argument("--site", required=True, help="the desk's site name or id")
    sp.add_argument("--since", help="only what reached the hub since this date (YYYY-MM-DD, UTC) or ISO time")
    sp.add_argument("--unmasked", action="store_true", help="full numbers and names (for the notice itself)")
    storage_args(sp, False)
    return ap


def run_retention(args: argparse.Namespace) -> int:
    """show / set / run on the hub's database (whoever holds the hub's data dir is trusted)."""
    from .core import SyncServer
    from .retention import read_policy, run_once, write_policy

    storage = open_storage(args.data_dir, args.database, args.key_file)
    try:
        server = SyncServer(storage)
        if args.action == "show":
            out: Any = read_policy(storage).public()
        elif args.action == "set":
            fields = {
                k: v
                for k, v in (
                    ("calls_days", args.calls_days),
                    ("recordings_days", args.recordings_days),
                    ("incidents_years", args.incidents_years),
                )
                if v is not None
            }
            if not fields:
                raise ValueError("retention set: give --calls-days, --recordings-days or --incidents-years")
            out = write_policy(server, fields, args.as_name or "hub").public()
        else:
            out = run_once(server, Path(args.data_dir) if args.data_dir else None)
    finally:
        storage.close()
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


def parse_since(text: str | None) -> int | None:
    """YYYY-MM-DD (UTC midnight) or an ISO 8601 time -> epoch ms; ValueError naming the option."""
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"--since: expected a date like 2026-12-01 or an ISO time, got {text!r}") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return int(when.timestamp() * 1000)


def run_breach(args: argparse.Namespace) -> int:
    from ..sync.protocol import ProtocolError
    from .breach import breach_report
    from .core import SyncServer

    since = parse_since(args.since)
    storage = open_storage(args.data_dir, args.database, args.key_file)
    try:
        try:
            site = SyncServer(storage).find_site(args.site)
        except ProtocolError as exc:
            raise ValueError(str(exc)) from None
        out = breach_report(storage, site.site_id, site.name, since_ms=since, unmasked=args.unmasked)
    finally:
        storage.close()
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


def run_backup(args: argparse.Namespace) -> int:
    """An online backup of a SQLite hub (server/backup.py); PostgreSQL is backed up with pg_dump."""
    from .backup import backup_hub

    if args.database:
        raise ValueError("a PostgreSQL hub is backed up with pg_dump --format=custom (see server/backup.py)")
    folder = Path(args.data_dir or os.environ.get("OPERATOR_DESK_SERVER_DATA") or ".")
    print(json.dumps(backup_hub(folder, Path(args.out), Path(args.key_file) if args.key_file else None)))
    return 0


def run_check(args: argparse.Namespace) -> int:
    """The hub's log and audit trees verified (server/hub_check.py): JSON on stdout, 1 on a problem."""
    from .hub_check import check_hub
    from .sqlite_backend import DB_FILE

    if not args.database:
        folder = Path(args.data_dir or os.environ.get("OPERATOR_DESK_SERVER_DATA") or ".")
        if not (folder / DB_FILE).exists():
            raise ValueError(f"{folder}: no hub database here ({DB_FILE})")
    storage = open_storage(args.data_dir, args.database, args.key_file)
    try:
        report = check_hub(storage)
    finally:
        storage.close()
    print(json.dumps(report, ensure_ascii=False, indent=1))
    if not report["ok"]:
        print(f"operator-desk-server check: {len(report['problems'])} problems", file=sys.stderr)
    return 0 if report["ok"] else 1


def run_enroll(args: argparse.Namespace) -> int:
    from .core import SyncServer

    storage = open_storage(args.data_dir, args.database, args.key_file)
    try:
        out = SyncServer(storage).enroll(
            args.site, args.kind, args.supervisor, replaces=args.replaces, by=args.as_name
        )
    finally:
        storage.close()
    keep = ("site_id", "token", "kind", "replaces")
    print(json.dumps({k: out[k] for k in keep if k in out}))
    return 0


def _iso(ms: int | None) -> str | None:
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def run_admin(args: argparse.Namespace) -> int:
    """revoke / supervisor / sites: straight on the database (a running server sees it within 1 s)."""
    from ..sync.protocol import ProtocolError
    from .core import SyncServer

    storage = open_storage(args.data_dir, args.database, args.key_file)
    try:
        server = SyncServer(storage)
        if args.command == "sites":
            out: Any = [
                {
                    **{k: v for k, v in s.items() if k != "last_seen_ms"},
                    "created_at": _iso(s["created_at"]),
                    "last_seen": _iso(s["last_seen_ms"]),
                }
                for s in server.sites()
            ]
        elif args.command == "revoke":
            out = server.set_flag(args.site, "revoked", True)
        else:
            out = server.set_flag(args.site, "supervisor", not args.off)
    except ProtocolError as exc:
        raise ValueError(str(exc)) from None
    finally:
        storage.close()
    print(json.dumps(out, ensure_ascii=False, indent=1 if args.command == "sites" else None))
    return 0


def extra_routes(server: Any, args: argparse.Namespace) -> list[Any]:
    """AML intake (POST /aml, off until a secret or an allowlist is set) and recordings
    (PUT/GET /recordings/{call_id}, only by the desk that took the call).

    An AML location becomes a `device_locations` row written by this server: it syncs to every desk,
    and the desk whose live or recent call has that number attaches it.
    """
    from ..telephony.location import parse_any  # the same parsers as `operator-desk location parse`
    from . import aml_intake, recordings

    def on_location(loc: dict[str, Any]) -> None:
        server.append_row("device_locations", aml_intake.device_location_row(loc))

    folder = Path(args.data_dir or ".") / "recordings"
    from . import floor as floor_channel  # the light channel of desk states (issue 14)

    floor = floor_channel.Floor(Path(args.data_dir) / "floor" if args.data_dir else None)
    return [
        *floor_channel.routes(floor, server.gate.authenticate),
        *aml_intake.routes(
            on_location,
            parse_any,
            secret=os.environ.get("OPERATOR_DESK_AML_SECRET"),
            allow=aml_allow(args),
            counters=server.counters,
        ),
        *recordings.routes(
            server.gate.authenticate,
            folder,
            call_info=server.storage.call_info,
            key_file=args.key_file or os.environ.get("OPERATOR_DESK_SERVER_KEY_FILE"),
        ),
    ]


def aml_allow(args: argparse.Namespace) -> list[str]:
    return [a for a in str(args.aml_allow or "").split(",") if a.strip()]


def is_loopback_host(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def start_lines(args: argparse.Namespace, storage: Storage, cap: int, aml_line: str) -> list[str]:
    """What the server prints when it starts: address, backend, AML mode, and a warning for a
    non-loopback address without TLS."""
    scheme = "https" if args.certfile else "http"
    where = getattr(storage, "path", None) or "PostgreSQL"
    lines = [
        f"listening on {scheme}://{args.host}:{args.port}, backend {storage.backend} ({where}), "
        f"at most {cap} connections",
        aml_line,
    ]
    if not args.certfile and not is_loopback_host(args.host):
        lines.append(
            f"WARNING: serving {args.host} without TLS: tokens and data cross the network in clear text "
            "(give --certfile and --keyfile)"
        )
    return lines


def say(text: str) -> None:
    print(f"operator-desk-server: {text}", file=sys.stderr, flush=True)


def run_server(args: argparse.Namespace) -> int:
    import uvicorn

    from ..sync.client import HttpSyncClient
    from .app import create_app
    from .core import SyncServer
    from .relay import Relay

    if bool(args.certfile) != bool(args.keyfile):
        raise ValueError("--certfile and --keyfile go together")
    if bool(args.upstream) != bool(args.upstream_token):
        raise ValueError("--upstream and --upstream-token go together")
    from . import aml_intake

    aml_line = aml_intake.mode(os.environ.get("OPERATOR_DESK_AML_SECRET"), aml_allow(args))  # checks the list
    storage = open_storage(args.data_dir, args.database, args.key_file)
    server = SyncServer(storage)
    starts: list[Any] = []
    stops: list[Any] = []
    from .retention import RetentionJob

    job = RetentionJob(server, Path(args.data_dir) if args.data_dir else None, max(1.0, args.retention_every))
    starts.append(job.start)
    stops.append(job.stop)
    if args.upstream:
        relay = Relay(
            server, HttpSyncClient(args.upstream, args.upstream_token, verify=args.upstream_ca or True)
        )
        starts.append(relay.start)
        stops.append(relay.stop)
    app = create_app(
        server,
        on_startup=starts,
        on_shutdown=stops,
        extra_routes=extra_routes(server, args),
        max_wait=max(0.0, min(args.max_wait, 30.0)),
    )
    cap = limits.connection_cap(args.max_connections)
    limits.BODY_IDLE_S = args.body_timeout
    config = uvicorn.Config(
        app,
        host=args.host,
        port=args.port,
        ssl_certfile=args.certfile,
        ssl_keyfile=args.keyfile,
        log_level=args.log_level,
        log_config=None,  # the root logger's handlers (with the repeat filter) take uvicorn's lines
        timeout_graceful_shutdown=2,
        access_log=False,
        http=limits.guarded_protocol(cap, args.header_timeout, server.counters),
        limit_concurrency=cap + 1,  # requests past it: 503 (the protocol caps connections at `cap`)
        timeout_keep_alive=5,
        h11_max_incomplete_event_size=16 * 1024,  # request line + headers
        backlog=256,  # also the accepts per loop turn: a burst stays below the descriptor limit
    )
    for line in start_lines(args, storage, cap, aml_line):
        say(line)
    try:
        uvicorn.Server(config).run()
    finally:
        server.auth.flush_all_seen()
        storage.close()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=getattr(logging, str(args.log_level).upper(), logging.WARNING))
    limits.install_log_filter()
    try:
        if args.command == "enroll":
            return run_enroll(args)
        if args.command in ("revoke", "supervisor", "sites"):
            return run_admin(args)
        if args.command == "check":
            return run_check(args)
        if args.command == "backup":
            return run_backup(args)
        if args.command == "retention":
            return run_retention(args)
        if args.command == "breach-report":
            return run_breach(args)
        return run_server(args)
    except (ValueError, OSError) as exc:
        print(f"operator-desk-server: {exc}", file=sys.stderr)
        return 2
    except sqlite3.Error as exc:  # the hub database cannot be opened or written (read-only folder, full disk)
        where = getattr(args, "data_dir", None) or "the data dir"
        print(f"operator-desk-server: cannot use the hub database in {where}: {exc} "
              "(a read-only or full disk, or a file of another program?)", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
