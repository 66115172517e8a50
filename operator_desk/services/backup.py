"""Backup and restore of a desk (`operator-desk backup` / `operator-desk restore`).

**Backup** (online: the desk may be writing). One tar file, mode 0600, holding
`manifest.json` (first), `desk.sqlite` and `recordings/<file>`; the manifest lists every other member
with its size and SHA-256. The store is copied with SQLite's backup API between two connections of
`store.database.connect()`, in one step inside one read transaction: a consistent snapshot while the
writer goes on (WAL). The copy is encrypted with the store's own key (recordings are sealed with keys
derived from it, store/keys.py), and the key is NOT in the archive: it is written beside it as
`<FILE>.key` (0600) — keep it on another medium; `restore` needs it (`--key-file`, default
`<FILE>.key`). A plaintext store (before encryption at rest) gives a plaintext copy and no key file.

**Restore** treats the file as hostile: a tar of regular files only, names from a fixed pattern (no
path, no `..`, no link), no duplicates, the manifest first and small, every member listed in it with
the size it says, the whole within the free space, every checksum equal — checked while extracting
into a staging folder beside the target, which becomes the data dir only when everything verified.
Any failure: one line naming the problem, nothing left behind.

The restored desk is a NEW site: the old desk may have pushed after the backup, and (site_id,
site_seq) must never be issued twice. So:
- it gets a fresh local site id and must `join` again with a new credential (the old token is not
  carried over; revoke the dead desk's credential on the hub);
- its outbox (the old site's) is emptied: what was pushed is the hub's; every own field keeps the
  digest of its value (`field_clock.vhash`) so `check` still compares it; the unpushed changes move to
  the local table `restore_pending`;
- at the first push after `join` (sync/engine.py calls `reissue_restored`), the desk asks the hub how
  far it holds the old site (`/v1/status`: `max_site_seq`), and re-issues each pending change the hub
  does not hold as a new change of the new site (new clock, same value and base) — unless a newer
  change has replaced the field since. Nothing pushed is duplicated, nothing unpushed is lost.
- Exception (the hub's rule that a call belongs to the desk that took it): a pending change to a call
  the hub already holds from the old site cannot be written by the new site; it stays in
  `restore_pending` (state `refused_owner`) and is counted in the re-issue result — until an admin
  enrols the new site as the old one's successor at the hub (`operator-desk-server enroll --replaces
  OLD_SITE --as ADMIN`; the hub's `/v1/status` then lists `replaces` for this site): the next push
  re-issues them like the others.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .. import paths
from ..domain.audit import cell_digest
from ..domain.ids import new_id
from ..domain.tables import TABLES
from ..store import keys
from ..store.database import StoreError, connect, migrate
from ..store.store import Store

FORMAT = "operator-desk-backup"
VERSION = 1
MANIFEST = "manifest.json"
DB_MEMBER = "desk.sqlite"
RECORDINGS = "recordings"
MAX_MANIFEST = 4 * 1024 * 1024
MAX_MEMBERS = 200_000
_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")
PENDING_KEY = "restore_pending"  # meta: JSON {"from_site": …, "count": …} until re-issued
RESTORED_KEY = "restored_from"
CHUNK = 1 << 20


class BackupError(ValueError):
    """A backup that cannot be made, or a file that is not a good backup (the message says why)."""


# -- backup ------------------------------------------------------------------------------------------
def backup(data_dir: Path, out: Path, *, key_out: Path | None = None) -> dict[str, Any]:
    """Write a consistent backup of the desk in `data_dir` to `out` (see the module docstring)."""
    data_dir = Path(data_dir)
    src_path = paths.store_path(data_dir)
    if not src_path.exists():
        raise BackupError(f"no desk store in {data_dir}")
    out = Path(out)
    if out.exists() and out.is_dir():
        raise BackupError(f"--out {out} is a folder; give a file name")
    paths.private_umask()
    stage = out.parent / f".{out.name}.{new_id()[-8:]}.tmp"
    stage.mkdir(mode=0o700, parents=True)
    try:
        if keys.is_plaintext(
            src_path
        ):  # a store from before encryption at rest: encrypted like at a desk start
            connect(src_path).close()
        master = keys.read_key(keys.key_file_for(src_path)) if not keys.is_plaintext(src_path) else None
        copy = stage / DB_MEMBER
        if master is not None:
            _write_key(keys.key_file_for(copy), master)  # the copy is keyed like the store
        site_id, t_copy = _copy_store(src_path, copy)
        files = [(DB_MEMBER, copy)]
        rec = data_dir / RECORDINGS
        if rec.is_dir():
            for f in sorted(rec.iterdir()):
                if f.is_file() and not f.is_symlink() and _SAFE.fullmatch(f.name):
                    files.append((f"{RECORDINGS}/{f.name}", f))
        entries: list[dict[str, Any]] = []
        for name, f in files:
            size, digest = _hash_file(f)
            entries.append({"name": name, "size": size, "sha256": digest})
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": int(time.time() * 1000),
            "site_id": site_id,
            "encrypted": master is not None,
            "key_id": keys.key_id(master).hex() if master is not None else None,
            "files": entries,
        }
        body = json.dumps(manifest, indent=1).encode()
        tmp_out = stage / "archive.tar"
        with (
            open(tmp_out, "wb") as raw,
            tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar,
        ):
            _add_bytes(tar, MANIFEST, body)
            for (name, f), e in zip(files, entries, strict=True):
                info = tarfile.TarInfo(name)
                info.size, info.mode, info.mtime = e["size"], 0o600, int(time.time())
                with open(f, "rb") as fh:
                    tar.addfile(info, _Exact(fh, e["size"], name))
            tar.close()
            raw.flush()
            os.fsync(raw.fileno())
        os.chmod(tmp_out, 0o600)
        os.replace(tmp_out, out)
        key_path = None
        if master is not None:
            key_path = Path(key_out) if key_out else Path(str(out) + ".key")
            _write_key(key_path, master, replace=True)
        return {
            "out": str(out),
            "key_file": str(key_path) if key_path else None,
            "site_id": site_id,
            "files": len(entries),
            "bytes": out.stat().st_size,
            "copy_s": round(t_copy, 3),
        }
    except (OSError, sqlite3.DatabaseError, keys.StoreKeyError) as exc:
        raise BackupError(f"backup of {data_dir} failed: {exc}") from exc
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _write_key(path: Path, master: bytes, *, replace: bool = False) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(master.hex() + "\n")
    if path.exists() and not replace:
        tmp.unlink()
        return
    os.replace(tmp, path)


def _copy_store(src_path: Path, dst_path: Path) -> tuple[str, float]:
    """The backup API in one step: one read transaction, so the copy is one consistent state."""
    t0 = time.perf_counter()
    src = connect(src_path, readonly=True)
    try:
        dst = connect(dst_path)
        try:
            src.backup(dst)
            row = dst.execute("SELECT value FROM meta WHERE key='site_id'").fetchone()
            dst.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file in the archive
        finally:
            dst.close()
    finally:
        src.close()
    for extra in ("-wal", "-shm"):
        Path(str(dst_path) + extra).unlink(missing_ok=True)
    return (str(row[0]) if row else ""), time.perf_counter() - t0


def _hash_file(path: Path) -> tuple[int, str]:
    h = hashlib.sha256()
    n = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            h.update(chunk)
            n += len(chunk)
    return n, h.hexdigest()


class _Exact:
    """A file object that yields exactly `size` bytes (a recording still being written stays as hashed)."""

    def __init__(self, fh: IO[bytes], size: int, name: str) -> None:
        self.fh, self.left, self.name = fh, size, name

    def read(self, n: int = -1) -> bytes:
        n = self.left if n < 0 else min(n, self.left)
        data = self.fh.read(n)
        if len(data) != n:
            raise OSError(f"{self.name} changed while it was backed up")
        self.left -= n
        return data


def _add_bytes(tar: tarfile.TarFile, name: str, body: bytes) -> None:
    import io

    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(body), 0o600, int(time.time())
    tar.addfile(info, io.BytesIO(body))


# -- restore -----------------------------------------------------------------------------------------
@dataclass
class _Entry:
    name: str
    size: int
    sha256: str


def restore(file: Path, data_dir: Path, *, key_file: Path | None = None) -> dict[str, Any]:
    """Verify `file` and make `data_dir` (absent or empty) a restored desk (see the module docstring)."""
    file, data_dir = Path(file), Path(data_dir)
    if not file.is_file():
        raise BackupError(f"{file}: no such backup file")
    if data_dir.exists() and (not data_dir.is_dir() or any(data_dir.iterdir())):
        raise BackupError(f"--data-dir {data_dir} is not empty: restore into a new folder")
    paths.private_umask()
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    stage = data_dir.parent / f".{data_dir.name}.restoring-{new_id()[-8:]}"
    try:
        stage.mkdir(mode=0o700)
        manifest = _extract(file, stage)
        master = None
        if manifest["encrypted"]:
            kf = Path(key_file) if key_file else Path(str(file) + ".key")
            try:
                master = keys.read_key(kf)
            except keys.StoreKeyError as exc:
                raise BackupError(str(exc)) from None
            if master is None:
                raise BackupError(f"{kf}: the backup's key file is missing (give it with --key-file)")
            if keys.key_id(master).hex() != manifest["key_id"]:
                raise BackupError(f"{kf}: this key does not belong to this backup")
            _write_key(keys.key_file_for(stage / DB_MEMBER), master)
        result = _make_new_site(stage / DB_MEMBER)
        if data_dir.exists():
            data_dir.rmdir()
        os.replace(stage, data_dir)
        paths.make_private(data_dir, paths.PRIVATE_DIR)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    store = Store(paths.store_path(data_dir))
    try:
        store.write(
            lambda tx: tx.audit(
                "restore",
                "meta",
                "site_id",
                {
                    "from_site": result["previous_site_id"],
                    "backup_created_at": manifest["created_at"],
                    "pending": result["pending"],
                },
            ),
            operator="admin-cli",
        )
    finally:
        store.close()
    return {
        **result,
        "data_dir": str(data_dir),
        "files": len(manifest["files"]),
        "backup_created_at": manifest["created_at"],
        "next": "operator-desk join --data-dir D --server URL --token T (a new credential)",
        # the credential an admin makes at the hub, so that this desk may finish the old site's calls
        "enroll": (
            f"operator-desk-server enroll --data-dir HUB --site NAME --replaces {result['previous_site_id']} "
            "--as ADMIN"
        ),
    }


def _extract(file: Path, stage: Path) -> dict[str, Any]:
    try:
        tar = tarfile.open(file, mode="r:")  # noqa: SIM115 - closed in the finally below
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"{file}: not an Operator Desk backup (not a tar archive: {exc})") from None
    try:
        members = _members(file, tar)
        if not members or members[0].name != MANIFEST:
            raise BackupError(f"{file}: not an Operator Desk backup (no manifest.json first)")
        head = members[0]
        if head.size > MAX_MANIFEST:
            raise BackupError(f"{file}: manifest.json is {head.size} bytes (at most {MAX_MANIFEST})")
        fh = tar.extractfile(head)
        assert fh is not None
        manifest = _manifest(file, fh.read(MAX_MANIFEST + 1))
        want = {e.name: e for e in manifest["entries"]}
        have = {m.name: m for m in members[1:]}
        if set(want) != set(have):
            missing, extra = sorted(set(want) - set(have)), sorted(set(have) - set(want))
            raise BackupError(
                f"{file}: members differ from the manifest (missing {missing[:3]}, not listed {extra[:3]})"
            )
        if DB_MEMBER not in want:
            raise BackupError(f"{file}: the manifest lists no {DB_MEMBER}")
        for name, m in have.items():
            if m.size != want[name].size:
                raise BackupError(f"{file}: {name} is {m.size} bytes, the manifest says {want[name].size}")
        total = sum(e.size for e in manifest["entries"])
        free = shutil.disk_usage(stage).free
        if total > free:
            raise BackupError(f"{file}: needs {total} bytes, only {free} free at {stage.parent}")
        (stage / RECORDINGS).mkdir(mode=0o700)
        for m in members[1:]:
            e = want[m.name]
            src = tar.extractfile(m)
            assert src is not None
            target = stage / m.name
            h = hashlib.sha256()
            n = 0
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                while chunk := src.read(CHUNK):
                    n += len(chunk)
                    if n > e.size:
                        break
                    h.update(chunk)
                    out.write(chunk)
            if n != e.size:
                raise BackupError(f"{file}: {m.name} is cut short (truncated backup)")
            if h.hexdigest() != e.sha256:
                raise BackupError(f"{file}: {m.name} does not match its checksum (damaged or altered)")
        return {**manifest["raw"], "files": manifest["raw"]["files"]}
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(f"{file}: unreadable backup ({exc}; truncated?)") from None
    finally:
        tar.close()


def _members(file: Path, tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    out: list[tarfile.TarInfo] = []
    seen: set[str] = set()
    length = file.stat().st_size
    while True:
        m = tar.next()
        if m is None:
            break
        if m.offset_data + m.size > length:
            raise BackupError(
                f"{file}: member {m.name[:80]!r} claims {m.size} bytes, more than the file holds "
                "(truncated or forged)"
            )
        if len(out) >= MAX_MEMBERS + 1:
            raise BackupError(f"{file}: more than {MAX_MEMBERS} members")
        name = m.name
        if not m.isreg():
            raise BackupError(
                f"{file}: member {name!r} is not a regular file (links and folders are refused)"
            )
        if not _allowed(name):
            raise BackupError(f"{file}: member {name!r}: a name a backup never holds (path traversal?)")
        if name in seen:
            raise BackupError(f"{file}: member {name!r} appears twice")
        seen.add(name)
        out.append(m)
    return out


def _allowed(name: str) -> bool:
    if name in (MANIFEST, DB_MEMBER):
        return True
    head, _, tail = name.partition("/")
    return head == RECORDINGS and _SAFE.fullmatch(tail) is not None and tail not in (".", "..")


def _manifest(file: Path, body: bytes) -> dict[str, Any]:
    try:
        raw = json.loads(body)
    except ValueError:
        raise BackupError(f"{file}: manifest.json is not JSON") from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise BackupError(f"{file}: not an Operator Desk backup (manifest format)")
    if raw.get("version") != VERSION:
        raise BackupError(f"{file}: backup version {raw.get('version')!r}; this desk reads version {VERSION}")
    files = raw.get("files")
    if not isinstance(files, list) or not isinstance(raw.get("encrypted"), bool):
        raise BackupError(f"{file}: manifest.json lacks its files or encrypted flag")
    entries = []
    for e in files:
        ok = (
            isinstance(e, dict)
            and isinstance(e.get("name"), str)
            and _allowed(e["name"])
            and type(e.get("size")) is int
            and e["size"] >= 0
            and isinstance(e.get("sha256"), str)
            and re.fullmatch(r"[0-9a-f]{64}", e["sha256"]) is not None
        )
        if not ok:
            raise BackupError(f"{file}: manifest.json: a bad file entry {str(e)[:80]}")
        entries.append(_Entry(e["name"], e["size"], e["sha256"]))
    if raw["encrypted"] and not (
        isinstance(raw.get("key_id"), str) and re.fullmatch(r"[0-9a-f]{16}", raw["key_id"])
    ):
        raise BackupError(f"{file}: manifest.json: an encrypted backup without its key id")
    return {"raw": raw, "entries": entries}


def _make_new_site(db: Path) -> dict[str, Any]:
    """In the staging copy: a fresh site id, no credential, the old outbox emptied (unpushed changes
    to `restore_pending`, own fields to digests). One transaction."""
    conn = connect(db)
    try:
        if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError(f"{db.name}: the store in the backup is damaged (quick_check)")
        migrate(conn, db)  # a backup of an older desk: its store as this version has it
        conn.create_function("od_cell_digest", 1, cell_digest, deterministic=True)
        conn.execute("BEGIN IMMEDIATE")
        old = conn.execute("SELECT value FROM meta WHERE key='site_id'").fetchone()
        if old is None:
            raise BackupError(f"{db.name}: the store in the backup has no site id")
        old_site = str(old[0])
        conn.execute(
            """CREATE TABLE IF NOT EXISTS restore_pending (old_seq INTEGER PRIMARY KEY, site_id TEXT,
                hlc TEXT, tbl TEXT, pk TEXT, col TEXT, value TEXT, base_hlc TEXT, operator TEXT,
                state TEXT NOT NULL DEFAULT 'pending')"""
        )
        conn.execute(
            "INSERT OR IGNORE INTO restore_pending (old_seq, site_id, hlc, tbl, pk, col, value, base_hlc, operator) "
            "SELECT site_seq, site_id, hlc, tbl, pk, col, value, base_hlc, operator FROM outbox "
            "WHERE pushed=0 AND tbl != 'audit'"
        )
        pending = conn.execute("SELECT count(*) FROM restore_pending WHERE state='pending'").fetchone()[0]
        for t in TABLES:
            if t.kind != "record":
                continue
            for c in t.columns:
                conn.execute(
                    f"UPDATE field_clock SET vhash = (SELECT od_cell_digest(x.{c.name}) FROM {t.name} x "
                    "WHERE x.id = field_clock.pk) WHERE tbl=? AND col=? AND site_id=? AND vhash IS NULL",
                    (t.name, c.name, old_site),
                )
        conn.execute("DELETE FROM outbox")
        conn.execute("DELETE FROM sqlite_sequence WHERE name='outbox'")
        new_site = new_id()
        set_meta = (
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value"
        )
        conn.execute(set_meta, ("site_id", new_site))
        conn.execute(set_meta, ("audit_covered_from", "0"))
        conn.execute(set_meta, (RESTORED_KEY, old_site))
        conn.execute(set_meta, (PENDING_KEY, json.dumps({"from_site": old_site, "count": pending})))
        conn.execute(
            "DELETE FROM meta WHERE key IN ('sync_token', 'sync_cursor', 'sync_server_id', "
            "'audit_checkpoint', 'outbox_compacted_through')"
        )
        conn.execute("COMMIT")
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{db.name}: the store in the backup cannot be opened ({exc})") from None
    finally:
        conn.close()
    return {"site_id": new_site, "previous_site_id": old_site, "pending": int(pending)}


# -- re-issue after the re-join ------------------------------------------------------------------------
def reissue_restored(store: Store, hub_status: dict[str, Any], batch: int = 500) -> dict[str, int] | None:
    """Re-issue the changes a restored desk had not pushed, as new changes of this (new) site; skip
    what the hub already holds of the old site (its `max_site_seq` in `/v1/status`). None when this
    desk has nothing pending."""
    text = store.get_meta(PENDING_KEY)
    if text is None:
        return None
    try:
        old_site = str(json.loads(text)["from_site"])
    except (ValueError, KeyError, TypeError):
        old_site = store.get_meta(RESTORED_KEY) or ""
    held = 0
    replaces: dict[str, list[str]] = {}
    for s in hub_status.get("sites") or []:
        if isinstance(s, dict) and s.get("site_id") == old_site:
            held = int(s.get("max_site_seq") or 0)
        if isinstance(s, dict) and isinstance(s.get("replaces"), list):
            replaces[str(s.get("site_id"))] = [str(x) for x in s["replaces"]]
    # the hub enrolled this site as the old one's successor (`enroll --replaces`), maybe via another
    succeeded, todo = set(), [store.site_id]
    while todo:
        for old in replaces.get(todo.pop(), []):
            if old not in succeeded:
                succeeded.add(old)
                todo.append(old)
    successor = old_site in succeeded
    counts = {"held_by_hub": 0, "reissued": 0, "superseded": 0, "refused_owner": 0}
    conn = store.reader()
    waiting = conn.execute("SELECT count(*) FROM restore_pending WHERE state='refused_owner'").fetchone()[0]
    if (
        waiting
        and not successor
        and conn.execute("SELECT 1 FROM restore_pending WHERE state='pending' LIMIT 1").fetchone() is None
    ):
        counts["refused_owner"] = int(waiting)
        return counts  # still waiting for the hub's successor enrolment: nothing to write
    if waiting and successor:  # now the hub takes them: re-tried like the others
        store.raw_write(
            lambda c: c.execute("UPDATE restore_pending SET state='pending' WHERE state='refused_owner'")
        )
    counts["held_by_hub"] = int(
        conn.execute(
            "SELECT count(*) FROM restore_pending WHERE state='pending' AND old_seq <= ?", (held,)
        ).fetchone()[0]
    )
    store.raw_write(
        lambda c: c.execute("DELETE FROM restore_pending WHERE state='pending' AND old_seq <= ?", (held,))
    )
    # calls the hub already holds from the old site: their rows before `held` were pushed
    while True:
        rows = conn.execute(
            "SELECT old_seq, hlc, tbl, pk, col, value, base_hlc FROM restore_pending WHERE state='pending' "
            "ORDER BY old_seq LIMIT ?",
            (batch,),
        ).fetchall()
        if not rows:
            break

        def job(tx: Any, rows: list[Any] = rows) -> dict[str, int]:
            return _reissue_rows(tx, rows, old_site, successor)

        out = store.write(job, operator="admin-cli", background=True)
        for k, v in out.items():
            counts[k] += v

    def finish(c: sqlite3.Connection) -> None:  # what stays: the changes the hub would refuse (owner)
        c.execute("DELETE FROM restore_pending WHERE state IN ('reissued', 'superseded')")
        if c.execute("SELECT 1 FROM restore_pending WHERE state='refused_owner' LIMIT 1").fetchone() is None:
            c.execute("DELETE FROM meta WHERE key=?", (PENDING_KEY,))
        # else the key stays: re-tried at each push until the hub enrols this site as the successor

    store.raw_write(finish)
    return counts


def _reissue_rows(tx: Any, rows: list[Any], old_site: str, successor: bool = False) -> dict[str, int]:
    from ..store.tx import decode_value

    counts = {"reissued": 0, "superseded": 0, "refused_owner": 0}
    done: list[tuple[str, int]] = []
    new_calls: dict[str, bool] = {}
    for old_seq, hlc, tbl, pk, col, value, base in rows:
        state = "reissued"
        if tbl == "calls" and not successor:
            if pk not in new_calls:  # the hub knows a call from its insert (started_at is always written)
                new_calls[pk] = (
                    tx.one(
                        "SELECT 1 FROM restore_pending WHERE tbl='calls' AND pk=? AND col='started_at'", (pk,)
                    )
                    is not None
                )
            if not new_calls[pk]:
                state = "refused_owner"
        if state == "reissued" and col == "*":
            tx._outbox(tbl, pk, "*", json.loads(value), base_hlc=None)
        elif state == "reissued":
            clock = tx.one(
                "SELECT hlc, site_id FROM field_clock WHERE tbl=? AND pk=? AND col=?", (tbl, pk, col)
            )
            if clock is None or clock["hlc"] != hlc or clock["site_id"] != old_site:
                state = "superseded"  # a newer change has replaced it since
            else:
                stored = tx.one(f"SELECT {col} FROM {tbl} WHERE id=?", (pk,))
                tx._outbox_many(tbl, pk, [(col, decode_value(tbl, col, stored[0] if stored else None), base)])
        counts[state] += 1
        done.append((state, old_seq))
    tx.conn.executemany("UPDATE restore_pending SET state=? WHERE old_seq=?", done)
    return counts


# -- daily backups ------------------------------------------------------------------------------------
DAY_S = 86_400


def backup_due(folder: Path, now: float, every_s: float = DAY_S) -> bool:
    newest = (
        max((f.stat().st_mtime for f in folder.glob("desk-*.tar")), default=None) if folder.is_dir() else None
    )
    return newest is None or now - newest >= every_s


def rotate(folder: Path, keep: int) -> list[Path]:
    """Remove all but the newest `keep` backups (and their key files); returns what was removed."""
    found = sorted(folder.glob("desk-*.tar"), key=lambda f: f.name)
    gone = found[: max(0, len(found) - keep)]
    for f in gone:
        f.unlink(missing_ok=True)
        Path(str(f) + ".key").unlink(missing_ok=True)
    return gone


def run_daily(data_dir: Path, folder: Path, keep: int, now: float | None = None) -> dict[str, Any] | None:
    """One round: a backup when the newest is a day old (or none), then rotation. None: not due."""
    now = time.time() if now is None else now
    if not backup_due(folder, now):
        return None
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    name = time.strftime("desk-%Y%m%dT%H%M%SZ.tar", time.gmtime(now))
    out = backup(data_dir, folder / name)
    out["removed"] = [f.name for f in rotate(folder, keep)]
    return out


class DailyBackupJob:
    """Daily backups as the settings say ([backup] dir, keep), on its own thread (never the GUI's):
    checks at start and then hourly whether the newest backup is a day old. start()/stop()."""

    def __init__(self, data_dir: Path, folder: Path, keep: int, *, check_s: float = 3600.0) -> None:
        import threading

        self.data_dir, self.folder, self.keep, self.check_s = Path(data_dir), Path(folder), keep, check_s
        self.last: dict[str, Any] | None = None
        self.error: str | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="daily-backup", daemon=True)

    @staticmethod
    def from_settings(data_dir: Path) -> DailyBackupJob | None:
        from .. import settings

        cfg = settings.load(data_dir).backup
        if not cfg.dir.strip():
            return None
        folder = Path(cfg.dir).expanduser()
        return DailyBackupJob(data_dir, folder if folder.is_absolute() else Path(data_dir) / folder, cfg.keep)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        import logging

        log = logging.getLogger(__name__)
        while not self._stop.is_set():
            try:
                out = run_daily(self.data_dir, self.folder, self.keep)
                if out is not None:
                    self.last, self.error = out, None
                    log.info("daily backup written: %s", out["out"])
            except (BackupError, OSError) as exc:
                self.error = str(exc)
                log.warning("daily backup failed: %s", exc)
            self._stop.wait(self.check_s)


__all__ = ["BackupError", "DailyBackupJob", "backup", "reissue_restored", "restore", "rotate", "run_daily"]
_ = StoreError  # re-exported for the CLI's error handling
