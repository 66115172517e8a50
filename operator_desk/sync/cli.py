"""`operator-desk join` and `operator-desk sync` (wired into operator_desk.cli by add_parsers).

operator-desk join --data-dir D --server URL --token T [--ca-file CA.pem]
operator-desk sync --data-dir D [--server URL] [--once]

The hub address, the credential and the pinned CA live in the desk's store (`meta`), which is
encrypted at rest (SQLCipher, store/keys.py): no file on the disk holds the token in plain text.
With a pinned CA, sync and the recordings upload trust that CA only and check the hub's host name.
"""

from __future__ import annotations

import argparse
import json
import signal
import ssl
import sys
import threading
from pathlib import Path
from typing import Any

from .. import paths
from ..store.store import Store
from . import apply as ap
from .protocol import ProtocolError, split_token


class JoinError(ValueError):
    """The desk cannot take this credential (malformed token, missing server, unreadable CA file)."""


CA_KEY = "sync_ca_pem"  # meta: the center's CA certificate(s), PEM, pinned by `join --ca-file`


def read_ca_file(path: str) -> str:
    """The PEM text of a CA file, checked to hold at least one X.509 certificate."""
    from cryptography import x509

    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise JoinError(f"--ca-file: cannot read {path} ({exc.strerror or exc})") from None
    try:
        certs = x509.load_pem_x509_certificates(raw)
    except ValueError:
        certs = []
    if not certs:
        raise JoinError(
            f"--ca-file: {path} holds no PEM certificate (expected the center's CA, -----BEGIN CERTIFICATE-----)"
        )
    return raw.decode("ascii", errors="replace")


def hub_verify(store: Store) -> bool | ssl.SSLContext:
    """How to verify the hub's TLS certificate: the pinned CA when `join --ca-file` set one, else the
    system's trust store (True). Host names are checked in both cases."""
    from .client import tls_context

    pem = store.get_meta(CA_KEY)
    return tls_context(pem) if pem else True


def join(store: Store, server_url: str, token: str, ca_pem: str | None = None) -> dict[str, Any]:
    """Store the hub address and credential; the desk takes the enrolled site id as its own.

    The server takes a desk's site id from its credential, so the desk must write its outbox and
    field clocks under that id too, or the (hlc, site_id) tie-break would differ between replicas.
    Rows already in the outbox are re-labelled and pushed again (the server dedupes).
    """
    try:
        site_id, _ = split_token(token)
    except ProtocolError as exc:
        raise JoinError(
            f"--token: {exc} (expected the token printed by `operator-desk-server enroll`)"
        ) from None
    if not server_url.startswith(("http://", "https://")):
        raise JoinError(f"--server: expected an http(s):// URL, got {server_url!r}")
    if ca_pem and not server_url.startswith("https://"):
        raise JoinError(f"--ca-file: a pinned CA needs an https:// server, got {server_url!r}")
    old = store.site_id
    old_server = store.get_meta(ap.SERVER_URL_KEY)
    keep_ca = old_server == server_url.rstrip("/")  # a re-join of the same hub keeps its pin

    def job(conn: Any) -> None:
        if old != site_id:
            conn.execute("UPDATE outbox SET site_id=?, pushed=0 WHERE site_id=?", (site_id, old))
            conn.execute("UPDATE field_clock SET site_id=? WHERE site_id=?", (site_id, old))
            ap.set_meta(conn, "site_id", site_id)
        if old_server != server_url.rstrip("/") or old != site_id:
            conn.execute("UPDATE outbox SET pushed=0")
            conn.execute("DELETE FROM meta WHERE key IN (?, ?)", (ap.CURSOR_KEY, ap.SERVER_ID_KEY))
        ap.set_meta(conn, ap.SERVER_URL_KEY, server_url.rstrip("/"))
        ap.set_meta(conn, ap.TOKEN_KEY, token)
        if ca_pem:
            ap.set_meta(conn, CA_KEY, ca_pem)
        elif not keep_ca:
            conn.execute("DELETE FROM meta WHERE key=?", (CA_KEY,))

    store.raw_write(job)
    if old != site_id:
        store.adopt_site_id(site_id)
    pinned = bool(ca_pem) or (keep_ca and store.get_meta(CA_KEY) is not None)
    return {
        "site_id": site_id,
        "server": server_url.rstrip("/"),
        "previous_site_id": old,
        "ca_pinned": pinned,
    }


def credentials(store: Store, server: str | None = None) -> tuple[str, str]:
    url = server or store.get_meta(ap.SERVER_URL_KEY)
    token = store.get_meta(ap.TOKEN_KEY)
    if not url or not token:
        raise JoinError("this desk has not joined a server (run `operator-desk join --server URL --token T`)")
    return url, token


def _open(args: argparse.Namespace) -> Store:
    from ..services.training import TrainingStoreError, refuse_sync

    store = Store(paths.store_path(paths.data_dir(getattr(args, "data_dir", None))))
    try:
        refuse_sync(store)  # a training store never talks to a hub
    except TrainingStoreError as exc:
        store.close()
        raise JoinError(str(exc)) from None
    return store


def run_join(args: argparse.Namespace) -> int:
    server = getattr(args, "server", None)
    if not server:
        raise JoinError("--server is required")
    ca_file = getattr(args, "ca_file", None)
    ca_pem = read_ca_file(ca_file) if ca_file else None
    store = _open(args)
    try:
        out = join(store, server, args.token, ca_pem)
    finally:
        store.close()
    print(json.dumps(out))
    return 0


def run_sync(args: argparse.Namespace) -> int:
    from .engine import SyncEngine

    store = _open(args)
    try:
        url, token = credentials(store, getattr(args, "server", None))
        engine = SyncEngine(store, url, token, wait_s=args.wait, verify=hub_verify(store))
        if args.once:
            out = engine.sync_once()
            status = engine.status
            print(json.dumps({**out, "waiting": status.waiting, "open_conflicts": status.open_conflicts}))
            return 0
        done = threading.Event()
        last: list[str] = []

        def report(status: Any) -> None:
            line = json.dumps(
                {
                    "online": status.online,
                    "waiting": status.waiting,
                    "error": status.error,
                    "open_conflicts": status.open_conflicts,
                    "last_success_ms": status.last_success_ms,
                }
            )
            if not last or last[-1] != line:
                last.append(line)
                print(line, flush=True)

        engine.on_status = report
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: done.set())
        engine.start()
        done.wait()
        engine.stop()
        return 0
    finally:
        store.close()


def add_parsers(subparsers: Any) -> None:
    sp = subparsers.add_parser("join", help="store the hub address and this desk's credential")
    sp.add_argument("--data-dir", default=argparse.SUPPRESS)
    sp.add_argument("--server", default=argparse.SUPPRESS, help="hub URL, e.g. https://hub.local:8112")
    sp.add_argument("--token", required=True, help="from `operator-desk-server enroll`")
    sp.add_argument(
        "--ca-file",
        default=None,
        help="the center's CA certificate (PEM): pinned, the hub's "
        "certificate and host name are checked against it",
    )
    sp.set_defaults(func=run_join)
    sp = subparsers.add_parser("sync", help="push and pull with the stored credential")
    sp.add_argument("--data-dir", default=argparse.SUPPRESS)
    sp.add_argument("--server", default=argparse.SUPPRESS, help="override the stored hub URL")
    sp.add_argument("--once", action="store_true", help="stop when nothing is left to push or pull")
    sp.add_argument("--wait", type=float, default=20.0, help="long-poll seconds")
    sp.set_defaults(func=_guard(run_sync))


def _guard(fn: Any) -> Any:
    """Sync failures are expected (offline, refused): one line on stderr, exit 3."""

    def run(args: argparse.Namespace) -> int:
        from ..domain.hlc import ClockSkewError
        from .client import SyncClientError

        try:
            return int(fn(args))
        except ClockSkewError as exc:
            print(f"operator-desk sync: clock_skew: this PC's clock is wrong ({exc})", file=sys.stderr)
            return 3
        except SyncClientError as exc:
            print(f"operator-desk sync: {exc.code}: {exc}", file=sys.stderr)
            return 3

    return run
