"""Store size per 100,000 calls, desk and hub, before and after compaction (services/compaction.py).

A desk store of N demo calls (bench/big_store.py `desk_store`: the real write path) is joined to an
in-process hub (SQLite, the real ingest), pushed whole, then compacted (everything confirmed, no
days kept) and vacuumed. Sizes are the live pages (page_count - freelist_count) x page_size, scaled
linearly from N to 100,000 calls (said in the output; default N = 10,000). The hub's log is not
compacted (not built yet): its figure is the same before and after.

    .venv/bin/python bench/bench_store_size.py [--calls 10000]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from big_store import desk_store

from operator_desk.server.auth import cheap_hasher
from operator_desk.server.core import SyncServer
from operator_desk.server.loopback import LoopbackClient
from operator_desk.server.sqlite_backend import SqliteStorage, connect_hub
from operator_desk.services.check import check_store
from operator_desk.services.compaction import compact
from operator_desk.store.database import connect
from operator_desk.store.store import Store
from operator_desk.sync.cli import join
from operator_desk.sync.engine import SyncEngine


def live_bytes(conn) -> int:  # type: ignore[no-untyped-def]
    pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
    free = int(conn.execute("PRAGMA freelist_count").fetchone()[0])
    size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    return (pages - free) * size


def mb(n: float) -> str:
    return f"{n / 1e6:,.0f} MB"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=10_000)
    args = ap.parse_args()
    n = args.calls
    scale = 100_000 / n
    src = desk_store(n)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "desk"
        shutil.copytree(src.parent, data)
        hub_dir = Path(tmp) / "hub"
        server = SyncServer(SqliteStorage(hub_dir), hasher=cheap_hasher())
        store = Store(data / "desk.sqlite")
        try:
            token = server.enroll("bench")["token"]
            join(store, "http://hub.invalid", token)
            engine = SyncEngine(store, client=LoopbackClient(server, token))
            t0 = time.perf_counter()
            engine.sync_once()
            push_s = time.perf_counter() - t0
            rows = int(store.query("SELECT count(*) FROM outbox")[0][0])
            before = live_bytes(store.reader())
            t0 = time.perf_counter()
            out = compact(store, keep_days=0)
            compact_s = time.perf_counter() - t0
            after_rows = int(store.query("SELECT count(*) FROM outbox")[0][0])
        finally:
            store.close()
        conn = connect(data / "desk.sqlite")
        try:
            conn.execute("VACUUM")
            after = live_bytes(conn)
        finally:
            conn.close()
        report = check_store(data / "desk.sqlite")
        server.storage.close()
        hub = connect_hub(hub_dir)
        try:
            hub_bytes = live_bytes(hub)
        finally:
            hub.close()
    print(
        f"desk store, {n:,} calls: outbox {rows:,} rows -> {after_rows:,} after compaction "
        f"({out['removed']:,} removed, {out['fields_kept_as_digest']:,} fields kept as a digest); "
        f"push {push_s:.1f} s, compaction {compact_s:.1f} s; check after: {'ok' if report['ok'] else report['problems'][:2]}"
    )
    print(
        f"per 100,000 calls (scaled x{scale:g} from {n:,}): desk {mb(before * scale)} before compaction, "
        f"{mb(after * scale)} after ({after / before:.0%}); hub {mb(hub_bytes * scale)} (log not compacted)"
    )
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
