"""`operator-desk-server`: run the hub / upstream sync server, or enrol a site.

operator-desk-server --data-dir D [--host H] [--port P] [--certfile C --keyfile K]
                     [--database postgresql://…] [--upstream URL --upstream-token T]
operator-desk-server enroll --data-dir D --site NAME [--kind desk|hub|admin]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .storage import Storage

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8112


def open_storage(data_dir: str | None, database: str | None) -> Storage:
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

    return SqliteStorage(data_dir)


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="operator-desk-server", description="Operator Desk sync hub / upstream")

    def storage_args(sp: argparse.ArgumentParser, top: bool) -> None:
        d = None if top else argparse.SUPPRESS
        sp.add_argument("--data-dir", default=d, help="folder of the SQLite database (default backend)")
        sp.add_argument("--database", default=d, help="postgresql://… to use PostgreSQL instead")

    storage_args(ap, True)
    ap.add_argument("--host", default=DEFAULT_HOST)
    ap.add_argument("--port", type=int, default=DEFAULT_PORT)
    ap.add_argument("--certfile", help="TLS certificate (PEM); with --keyfile serves HTTPS")
    ap.add_argument("--keyfile", help="TLS private key (PEM)")
    ap.add_argument("--upstream", help="URL of the server this hub relays to")
    ap.add_argument("--upstream-token", help="this hub's credential at the upstream (kind hub)")
    ap.add_argument("--upstream-ca", help="CA bundle to verify the upstream's TLS certificate")
    ap.add_argument("--log-level", default="warning")
    sub = ap.add_subparsers(dest="command")
    sp = sub.add_parser("enroll", help="register a desk (or hub/admin) and print its credential")
    storage_args(sp, False)
    sp.add_argument("--site", required=True, help="a name for the site, e.g. 'desk 2'")
    sp.add_argument("--kind", choices=("desk", "hub", "admin"), default="desk")
    return ap


def run_enroll(args: argparse.Namespace) -> int:
    from .core import SyncServer

    storage = open_storage(args.data_dir, args.database)
    try:
        out = SyncServer(storage).enroll(args.site, args.kind)
    finally:
        storage.close()
    print(json.dumps({"site_id": out["site_id"], "token": out["token"], "kind": out["kind"]}))
    return 0


def extra_routes(server: Any, args: argparse.Namespace) -> list[Any]:
    """AML intake (POST /aml, answered 2xx always) and recordings (PUT/GET /recordings/{call_id}).

    An AML location becomes a `device_locations` row written by this server: it syncs to every desk,
    and the desk whose live or recent call has that number attaches it.
    """
    from ..telephony.location import parse_any  # the same parsers as `operator-desk location parse`
    from . import aml_intake, recordings

    def on_location(loc: dict[str, Any]) -> None:
        server.append_row("device_locations", aml_intake.device_location_row(loc))

    folder = Path(args.data_dir or ".") / "recordings"
    return [
        *aml_intake.routes(
            on_location,
            parse_any,
            secret=os.environ.get("OPERATOR_DESK_AML_SECRET"),
            counters=server.counters,
        ),
        *recordings.routes(server.authenticate, folder),
    ]


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
    storage = open_storage(args.data_dir, args.database)
    server = SyncServer(storage)
    starts: list[Any] = []
    stops: list[Any] = []
    if args.upstream:
        relay = Relay(
            server, HttpSyncClient(args.upstream, args.upstream_token, verify=args.upstream_ca or True)
        )
        starts.append(relay.start)
        stops.append(relay.stop)
    app = create_app(server, on_startup=starts, on_shutdown=stops, extra_routes=extra_routes(server, args))
    config = uvicorn.Config(
        app,
        host=args.host,
        port=args.port,
        ssl_certfile=args.certfile,
        ssl_keyfile=args.keyfile,
        log_level=args.log_level,
        timeout_graceful_shutdown=2,
        access_log=False,
    )
    try:
        uvicorn.Server(config).run()
    finally:
        storage.close()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=getattr(logging, str(args.log_level).upper(), logging.WARNING))
    try:
        if args.command == "enroll":
            return run_enroll(args)
        return run_server(args)
    except (ValueError, OSError) as exc:
        print(f"operator-desk-server: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
