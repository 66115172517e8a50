"""`operator-desk-server backup --data-dir DIR --out FILE`: an online backup of a SQLite hub.

One tar (mode 0600): `manifest.json` first (format `operator-desk-hub-backup`, the hub's server id, each
member's size and SHA-256), `sync-server.sqlite` (SQLite's backup API in one step: one consistent
state while the hub ingests; encrypted with the hub's own key, server/sqlite_backend.py) and
`recordings/<file>` (sealed with keys derived from that key). The key is not in the archive: it is
written beside it as `FILE.key` (0600) — keep it on another medium.

Restoring a hub: stop it, make a new data dir, extract the tar there (`tar -xf FILE -C DIR`, check the
SHA-256s against the manifest), put the key at `DIR/keys/sync-server.sqlite.key` (or pass `--key-file`),
start the hub. Desks notice nothing unless the hub lost changes after the backup; those desks push
them again (their outbox keeps every row until the hub confirms it).

PostgreSQL (the upstream tier): `pg_dump --format=custom --file FILE URL` (online, one consistent
snapshot) and `pg_restore --no-owner --dbname NEWURL FILE` into an empty database; tested in
tests/server/test_hub_backup.py.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import tarfile
import time
from pathlib import Path
from typing import Any

from ..store import keys
from .sqlite_backend import DB_FILE, connect_hub, hub_key

FORMAT = "operator-desk-hub-backup"
VERSION = 1


def backup_hub(data_dir: Path, out: Path, key_file: Path | None = None) -> dict[str, Any]:
    data_dir, out = Path(data_dir), Path(out)
    db = data_dir / DB_FILE
    if not db.exists():
        raise ValueError(f"{data_dir}: no hub database here ({DB_FILE})")
    os.umask(0o077)
    stage = out.parent / f".{out.name}.{os.getpid()}.tmp"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(mode=0o700, parents=True)
    try:
        key = hub_key(db, key_file)
        copy = stage / DB_FILE
        t0 = time.perf_counter()
        src = connect_hub(db, key_file)
        try:
            dst = keys.open_sqlcipher(copy, key)
            try:
                src.backup(dst)
                row = dst.execute("SELECT value FROM meta WHERE key='site_id'").fetchone()
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        copy_s = time.perf_counter() - t0
        files = [(DB_FILE, copy)]
        rec = data_dir / "recordings"
        if rec.is_dir():
            files += [(f"recordings/{f.name}", f) for f in sorted(rec.iterdir()) if f.is_file() and not f.is_symlink()]
        entries = []
        for name, f in files:
            h = hashlib.sha256()
            with open(f, "rb") as fh:
                while chunk := fh.read(1 << 20):
                    h.update(chunk)
            entries.append({"name": name, "size": f.stat().st_size, "sha256": h.hexdigest()})
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": int(time.time() * 1000),
            "server_id": str(row[0]) if row else None,
            "key_id": keys.key_id(key).hex(),
            "files": entries,
        }
        tmp = stage / "archive.tar"
        with tarfile.open(tmp, "w", format=tarfile.PAX_FORMAT) as tar:
            body = json.dumps(manifest, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mode, info.mtime = len(body), 0o600, int(time.time())
            tar.addfile(info, io.BytesIO(body))
            for (name, f), e in zip(files, entries, strict=True):
                info = tarfile.TarInfo(name)
                info.size, info.mode, info.mtime = e["size"], 0o600, int(time.time())
                with open(f, "rb") as fh:
                    tar.addfile(info, fh)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, out)
        key_out = Path(str(out) + ".key")
        fd = os.open(key_out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(key.hex() + "\n")
        return {"out": str(out), "key_file": str(key_out), "server_id": manifest["server_id"],
                "files": len(entries), "bytes": out.stat().st_size, "copy_s": round(copy_s, 3)}
    except (sqlite3.DatabaseError, keys.StoreKeyError) as exc:
        raise ValueError(f"backup of {data_dir} failed: {exc}") from exc
    finally:
        shutil.rmtree(stage, ignore_errors=True)
