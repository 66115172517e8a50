"""Keys for data at rest: the SQLCipher store key, keys derived from it, and sealed (AES-GCM) files.

Qt-free and SQL-free at import (the hub and the SIP worker use it too); only stdlib + `cryptography`
+ `sqlcipher3`.

**Store key.** Every SQLite file (the desk's `desk.sqlite`, the hub's `sync-server.sqlite`) has its own
random 256-bit key in a key file `<key dir>/<file name>.key` (64 hex digits, 0600, folder 0700). The key
dir is `<data dir>/keys/` unless the desk's settings.toml says `[security] key_dir = "…"` (removable media,
a separate partition); the hub takes `--key-file`. Nobody types it: headless commands and an unattended
hub open their store alone. SQLCipher gets it as a raw key (`PRAGMA key = "x'…'"`), so no PBKDF2 runs at
each open. A key is made only for a store that does not exist yet (or a plaintext one being encrypted):
a store whose key file is missing or wrong is refused (`StoreKeyError`), never silently re-keyed.

**Derived keys.** HKDF-SHA256 over the store key, one `info` per purpose (`derive`): recordings,
settings secrets (the SIP password). Holding the store key means holding them all, and nothing else.

**Sealed files** (recordings): `MAGIC | salt(16) | nonce prefix(7) | chunk size(4) | key id(8)`, then
chunks of `chunk size` plaintext bytes, each AES-256-GCM with its own tag, nonce = prefix | chunk index
(4 bytes) | last-chunk flag (1 byte) (the STREAM construction), the header as associated data. The file
key is HKDF(master, salt): every file has its own key. A cut, reordered or edited file fails to open.
Reading is random access (`SealedReader`: soundfile decodes straight from it, in memory); writing is
sequential except that the first chunk stays in memory until `close()` (a FLAC writer rewrites its
header there at the end).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import io
import os
import secrets
import sqlite3
import struct
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, cast

KEY_BYTES = 32
KEYS_DIR = "keys"
KEY_SUFFIX = ".key"
SETTINGS_FILE = "settings.toml"  # the desk's settings (operator_desk/settings.py declares them)
STORE_FILE = "desk.sqlite"  # paths.STORE_FILE (not imported: paths is above the store)
SQLITE_HEADER = b"SQLite format 3\x00"
PAGE_SIZE = 4096  # cipher_page_size (SQLCipher 4 default; also SQLite's default page size)

# HKDF purposes (info strings). Never reuse one for something else.
PURPOSE_RECORDINGS = b"operator-desk recordings v1"
PURPOSE_SECRETS = b"operator-desk settings secrets v1"


class StoreKeyError(Exception):
    """The key of an encrypted file is missing or does not open it. `code`: store_key_missing/wrong."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


KEY_MISSING = "store_key_missing"
KEY_WRONG = "store_key_wrong"


# -- SQLCipher --------------------------------------------------------------------------------------
def _bridge_exceptions(mod: Any) -> None:
    """Make sqlcipher3's exceptions subclasses of the stdlib sqlite3 ones.

    The code base (and sqlite-utils) catches `sqlite3.OperationalError`, `sqlite3.IntegrityError` …;
    sqlcipher3 is a fork of the same module with its own classes. Adding the stdlib class as a second
    base keeps every `except sqlite3.X` working on a SQLCipher connection."""
    if issubclass(mod.DatabaseError, sqlite3.Error):
        return
    # Error and Warning themselves cannot be re-based (their layout base is Exception); everything
    # raised is one of the subclasses below, which gain the stdlib class beside their own parent.
    for parent, names in (
        ("Error", ("InterfaceError", "DatabaseError")),
        (
            "DatabaseError",
            (
                "DataError",
                "OperationalError",
                "IntegrityError",
                "InternalError",
                "ProgrammingError",
                "NotSupportedError",
            ),
        ),
    ):
        for name in names:
            cls = getattr(mod, name)
            cls.__bases__ = (getattr(mod, parent), getattr(sqlite3, name))


def sqlcipher() -> Any:
    """The sqlcipher3 DB-API module (imported on first use; exceptions bridged to sqlite3's)."""
    from sqlcipher3 import dbapi2

    _bridge_exceptions(dbapi2)
    return dbapi2


def is_plaintext(path: Path) -> bool:
    """True for a plain (unencrypted) SQLite file: it starts with SQLite's magic header."""
    try:
        with path.open("rb") as f:
            return f.read(16) == SQLITE_HEADER
    except OSError:
        return False


def looks_encrypted(path: Path) -> bool:
    """A non-empty file that is not plain SQLite and is whole pages long: a SQLCipher store, or garbage
    that cannot be told apart from one (SQLCipher files begin with a random salt)."""
    try:
        size = path.stat().st_size
    except OSError:
        return False
    return size > 0 and size % 512 == 0 and not is_plaintext(path)


def key_pragma(key: bytes) -> str:
    """The raw-key form: SQLCipher uses the 256 bits as they are (no PBKDF2 at each open)."""
    return f"PRAGMA key = \"x'{key.hex()}'\""


def open_sqlcipher(
    path: Path, key: bytes | None, *, readonly: bool = False, timeout: float = 5.0
) -> sqlite3.Connection:
    """A sqlcipher3 connection keyed with `key` (None: a plaintext file), key checked on page 1.

    Raises StoreKeyError (wrong key) or sqlite3.DatabaseError (anything else)."""
    db = sqlcipher()
    if readonly:
        conn = db.connect(
            f"file:{path}?mode=ro", uri=True, isolation_level=None, check_same_thread=False, timeout=timeout
        )
    else:
        conn = db.connect(str(path), isolation_level=None, check_same_thread=False, timeout=timeout)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")  # errors reach us as exceptions, not on stderr
        if key is not None:
            conn.execute(key_pragma(key))
            conn.execute(f"PRAGMA cipher_page_size = {PAGE_SIZE}")
        try:
            conn.execute("PRAGMA user_version").fetchone()  # reads (decrypts and authenticates) page 1
        except sqlite3.DatabaseError as exc:
            if key is not None and "not a database" in str(exc) and looks_encrypted(path):
                raise StoreKeyError(
                    f"{path}: the store key does not open this store (a wrong key file, or the file is damaged)",
                    KEY_WRONG,
                ) from exc
            raise
    except BaseException:
        conn.close()
        raise
    return cast(sqlite3.Connection, conn)


# -- key files ----------------------------------------------------------------------------------------
def configured_key_dir(data_dir: Path) -> Path | None:
    """`[security] key_dir` of the desk's settings.toml (relative to the data dir), if set."""
    try:
        data = tomllib.loads((data_dir / SETTINGS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # no file, or a bad one: settings.load() names the problem
    value = (data.get("security") or {}).get("key_dir") if isinstance(data.get("security"), dict) else None
    if not isinstance(value, str) or not value.strip():
        return None
    folder = Path(value).expanduser()
    return folder if folder.is_absolute() else data_dir / folder


def key_file_for(db_path: Path) -> Path:
    """Where the key of the SQLite file `db_path` lives (see the module docstring)."""
    db_path = Path(db_path)
    folder = configured_key_dir(db_path.parent) or db_path.parent / KEYS_DIR
    return folder / f"{db_path.name}{KEY_SUFFIX}"


def read_key(key_file: Path) -> bytes | None:
    """The key in `key_file`, None when there is no such file; StoreKeyError for a malformed one."""
    try:
        text = key_file.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise StoreKeyError(f"{key_file}: cannot read the key file ({exc})", KEY_MISSING) from exc
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise StoreKeyError(f"{key_file}: not a key file (expected {KEY_BYTES * 2} hex digits)", KEY_WRONG)
    return key


def create_key(key_file: Path, *, make_dir: bool = True) -> bytes:
    """Write a fresh random key to `key_file` (0600 in a 0700 folder) unless one is already there;
    returns the key in the file. Race-safe: the file appears whole (link of a finished temp file)."""
    folder = key_file.parent
    if not folder.is_dir():
        if not make_dir:
            raise StoreKeyError(
                f"{folder}: the key folder does not exist (is the key medium mounted?)", KEY_MISSING
            )
        old = os.umask(0o077)
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        finally:
            os.umask(old)
    with contextlib.suppress(OSError):
        if folder.stat().st_uid == os.getuid():
            folder.chmod(0o700)
    key = secrets.token_bytes(KEY_BYTES)
    tmp = folder / f".{key_file.name}.{secrets.token_hex(4)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(key.hex() + "\n")
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, key_file)
        except FileExistsError:
            pass  # another process made it first: use theirs
        _fsync_dir(folder)
    finally:
        tmp.unlink(missing_ok=True)
    found = read_key(key_file)
    assert found is not None
    return found


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def store_key(db_path: Path, key_file: Path | None = None, *, may_create: bool) -> bytes:
    """The key of `db_path`. Made when `may_create` and none exists yet; else StoreKeyError."""
    kf = key_file or key_file_for(db_path)
    key = read_key(kf)
    if key is not None:
        return key
    if not may_create:
        raise StoreKeyError(
            f"{db_path}: the store is encrypted and its key file {kf} is missing "
            "(mount the key medium or put the key file back)",
            KEY_MISSING,
        )
    default = kf == Path(db_path).parent / KEYS_DIR / f"{Path(db_path).name}{KEY_SUFFIX}"
    return create_key(kf, make_dir=default)  # a configured key folder must exist (mounted)


@contextlib.contextmanager
def key_lock(db_path: Path) -> Iterator[None]:
    """An exclusive lock beside the database: its key is made, or it is encrypted, by one process."""
    fd = os.open(Path(db_path).parent / f".{Path(db_path).name}.keylock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX)
        except ImportError:  # not POSIX: one desk process per data dir is the rule there
            pass
        yield
    finally:
        os.close(fd)


def encrypt_in_place(path: Path, key: bytes) -> None:
    """Turn the plaintext SQLite file `path` into a SQLCipher one with `key`, never losing data.

    The plaintext store (its WAL checkpointed in) is exported with `sqlcipher_export` into
    `<path>.encrypting`, fsynced, checked, then renamed over `path`; the old WAL/SHM go first (a
    plaintext WAL must never be replayed into the encrypted file). A crash before the rename leaves
    the plaintext store whole (the next open starts again); after it, the encrypted one."""
    tmp = path.with_name(path.name + ".encrypting")
    tmp.unlink(missing_ok=True)
    plain = open_sqlcipher(path, None, timeout=30.0)
    try:
        plain.execute("PRAGMA busy_timeout=30000")
        plain.execute("BEGIN EXCLUSIVE")  # no other writer until we are done
        plain.execute("COMMIT")
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        plain.execute(f"ATTACH DATABASE ? AS enc KEY \"x'{key.hex()}'\"", (str(tmp),))
        plain.execute(f"PRAGMA enc.cipher_page_size = {PAGE_SIZE}")
        plain.execute("SELECT sqlcipher_export('enc')")
        version = plain.execute("PRAGMA main.user_version").fetchone()[0]
        plain.execute(f"PRAGMA enc.user_version = {int(version)}")
        plain.execute("DETACH DATABASE enc")
        plain.execute("PRAGMA journal_mode=DELETE")  # removes the WAL file when this connection ends
    finally:
        plain.close()
    check = open_sqlcipher(tmp, key)
    try:
        rows = [r[0] for r in check.execute("PRAGMA quick_check")]
        if rows != ["ok"]:
            raise sqlite3.DatabaseError(f"{tmp}: the encrypted copy fails its check ({rows[:3]})")
    finally:
        check.close()
    with tmp.open("rb+") as f:
        os.fsync(f.fileno())
    for extra in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        extra.unlink(missing_ok=True)
    os.replace(tmp, path)
    _fsync_dir(path.parent)


# -- derived keys -------------------------------------------------------------------------------------
def derive(master: bytes, purpose: bytes, salt: bytes | None = None, length: int = KEY_BYTES) -> bytes:
    """HKDF-SHA256 of `master` for one purpose (and, for a sealed file, its salt)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=purpose).derive(master)


def recording_key(db_path: Path, key_file: Path | None = None, *, may_create: bool | None = None) -> bytes:
    """The key recordings are sealed with: derived from the store key of `db_path`.

    May create the store key only while the store does not exist yet (or is still plaintext)."""
    if may_create is None:
        may_create = not looks_encrypted(Path(db_path))
    return derive(store_key(Path(db_path), key_file, may_create=may_create), PURPOSE_RECORDINGS)


def data_dir_of_recording(path: Path) -> Path:
    """The data dir a recording file belongs to: `<data>/recordings/x.flac` -> `<data>`."""
    folder = Path(path).parent
    return folder.parent if folder.name == "recordings" else folder


def recording_key_for_file(path: Path) -> bytes:
    """The desk's recording key for a file under its data dir (the SIP worker knows only the path)."""
    return recording_key(data_dir_of_recording(path) / STORE_FILE)


def secrets_key(data_dir: Path) -> bytes:
    """The key settings secrets (the SIP password) are sealed with, from the desk's store key."""
    db = Path(data_dir) / STORE_FILE
    return derive(store_key(db, may_create=not looks_encrypted(db)), PURPOSE_SECRETS)


SECRET_PREFIX = "enc:v1:"


def seal_text(key: bytes, text: str, context: str) -> str:
    """A short secret as `enc:v1:<base64 nonce|ciphertext>` (AES-GCM, `context` as associated data)."""
    import base64

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = secrets.token_bytes(12)
    body = AESGCM(key).encrypt(nonce, text.encode("utf-8"), context.encode("utf-8"))
    return SECRET_PREFIX + base64.b64encode(nonce + body).decode("ascii")


def open_text(key: bytes, value: str, context: str) -> str:
    """The inverse of `seal_text`; ValueError when it does not open with this key."""
    import base64
    import binascii

    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if not value.startswith(SECRET_PREFIX):
        raise ValueError("not a sealed value")
    try:
        raw = base64.b64decode(value[len(SECRET_PREFIX) :], validate=True)
        return AESGCM(key).decrypt(raw[:12], raw[12:], context.encode("utf-8")).decode("utf-8")
    except (binascii.Error, InvalidTag, UnicodeDecodeError, ValueError):
        raise ValueError("sealed with another key, or damaged") from None


# -- sealed files (chunked AES-GCM) -------------------------------------------------------------------
MAGIC = b"ODSEAL\x00\x01"
CHUNK = 1 << 16
TAG = 16
_HEAD = struct.Struct(">8s16s7sI8s")
HEADER_BYTES = _HEAD.size  # 43
PURPOSE_FILE = b"operator-desk sealed file v1"


class SealError(ValueError):
    """A sealed file that does not open: wrong key, cut short, edited, or not a sealed file."""


def key_id(master: bytes) -> bytes:
    return hmac.new(master, b"operator-desk key id", hashlib.sha256).digest()[:8]


def is_sealed(path: Path | str) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", index, 1 if last else 0)


class SealWriter(io.RawIOBase):
    """Writes a sealed file through a file-like API (soundfile writes FLAC into it).

    Sequential, except: chunk 0 is kept in memory until close (seek back into it freely), and the
    chunk being filled may be rewritten. A seek back into an already written chunk is refused."""

    def __init__(self, path: Path | str, master: bytes, chunk: int = CHUNK) -> None:
        super().__init__()
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self.path = Path(path)
        self.chunk = chunk
        salt, prefix = secrets.token_bytes(16), secrets.token_bytes(7)
        self._header = _HEAD.pack(MAGIC, salt, prefix, chunk, key_id(master))
        self._prefix = prefix
        self._aead = AESGCM(derive(master, PURPOSE_FILE, salt))
        self._file: IO[bytes] = open(self.path, "wb")  # noqa: SIM115 - closed in close()
        self._file.write(self._header)
        self._first = bytearray()
        self._tail = bytearray()
        self._tail_index = 1  # the chunk being filled when past chunk 0
        self._pos = 0
        self._size = 0
        self.failed: OSError | None = None  # the first write error (disk full): later data is dropped

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return False

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._pos, 2: self._size}[whence]
        pos = base + offset
        if pos < 0 or pos > self._size:
            raise OSError(f"{self.path}: seek to {pos} outside 0..{self._size}")
        if self.chunk <= pos < self._tail_index * self.chunk:
            raise OSError(f"{self.path}: cannot seek back into a sealed chunk")
        self._pos = pos
        return pos

    def _flush_tail(self) -> None:
        body = self._aead.encrypt(
            _nonce(self._prefix, self._tail_index, False), bytes(self._tail), self._header
        )
        if self.failed is None:
            try:
                self._file.seek(HEADER_BYTES + self._tail_index * (self.chunk + TAG))
                self._file.write(body)
                self._file.flush()
            except OSError as exc:  # a C library writes through us: it must not see an exception
                self.failed = exc
        self._tail = bytearray()
        self._tail_index += 1

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        n = len(view)
        i = 0
        while i < n:
            pos = self._pos
            index, offset = divmod(pos, self.chunk)
            take = min(n - i, self.chunk - offset)
            piece = view[i : i + take]
            if index == 0:
                buf = self._first
            else:
                while index > self._tail_index:  # moving on: the filled chunk is final, seal it
                    if len(self._tail) != self.chunk:
                        raise OSError(f"{self.path}: a gap in a sealed file")
                    self._flush_tail()
                if index != self._tail_index:
                    raise OSError(f"{self.path}: cannot write into a sealed chunk")
                buf = self._tail
            if offset > len(buf):
                raise OSError(f"{self.path}: a gap in a sealed file")
            buf[offset : offset + take] = piece
            self._pos += take
            self._size = max(self._size, self._pos)
            i += take
        return n

    def close(self) -> None:
        if self.closed:
            return
        try:
            if self.failed is not None:
                raise self.failed
            last_index = self._tail_index if self._size > self.chunk else 0
            if last_index:
                self._file.seek(HEADER_BYTES + last_index * (self.chunk + TAG))
                self._file.write(
                    self._aead.encrypt(
                        _nonce(self._prefix, last_index, True), bytes(self._tail), self._header
                    )
                )
            first = self._aead.encrypt(
                _nonce(self._prefix, 0, last_index == 0), bytes(self._first), self._header
            )
            self._file.seek(HEADER_BYTES)
            self._file.write(first)
            self._file.flush()
            os.fsync(self._file.fileno())
        finally:
            self._file.close()
            super().close()


class SealedReader(io.RawIOBase):
    """Reads a sealed file as its plaintext, random access, one chunk decrypted at a time."""

    def __init__(self, path: Path | str, master: bytes) -> None:
        super().__init__()
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self.path = Path(path)
        self._file: IO[bytes] = open(self.path, "rb")  # noqa: SIM115 - closed in close()
        try:
            header = self._file.read(HEADER_BYTES)
            if len(header) != HEADER_BYTES or not header.startswith(MAGIC):
                raise SealError(f"{self.path}: not a sealed file")
            _, salt, prefix, chunk, kid = _HEAD.unpack(header)
            if not hmac.compare_digest(kid, key_id(master)):
                raise SealError(f"{self.path}: sealed with another key (not this desk's or hub's)")
            if not 0 < chunk <= 1 << 24:
                raise SealError(f"{self.path}: bad chunk size {chunk}")
            body = os.fstat(self._file.fileno()).st_size - HEADER_BYTES
            count = max(1, -(-body // (chunk + TAG)))
            last_len = body - (count - 1) * (chunk + TAG) - TAG
            if last_len < 0:
                raise SealError(f"{self.path}: cut short")
        except BaseException:
            self._file.close()
            raise
        self._header, self._prefix, self.chunk = header, prefix, chunk
        self._aead = AESGCM(derive(master, PURPOSE_FILE, salt))
        self._count = count
        self.size = (count - 1) * chunk + last_len
        self._pos = 0
        self._cached: tuple[int, bytes] | None = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._pos, 2: self.size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def _chunk(self, index: int) -> bytes:
        if self._cached is not None and self._cached[0] == index:
            return self._cached[1]
        from cryptography.exceptions import InvalidTag

        self._file.seek(HEADER_BYTES + index * (self.chunk + TAG))
        body = self._file.read(self.chunk + TAG)
        try:
            plain = self._aead.decrypt(
                _nonce(self._prefix, index, index == self._count - 1), body, self._header
            )
        except InvalidTag:
            raise SealError(
                f"{self.path}: chunk {index} does not authenticate (cut, edited or damaged)"
            ) from None
        self._cached = (index, plain)
        return plain

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            size = self.size - self._pos
        out = bytearray()
        while size > 0 and self._pos < self.size:
            index, offset = divmod(self._pos, self.chunk)
            piece = self._chunk(index)[offset : offset + size]
            if not piece:
                break
            out += piece
            self._pos += len(piece)
            size -= len(piece)
        return bytes(out)

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        memoryview(buffer).cast("B")[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._file.close()
        super().close()


def open_recording(path: Path | str, master: bytes | None) -> IO[bytes]:
    """A recording's plaintext: a SealedReader for a sealed file, the file itself for a plain one
    (recorded before encryption at rest). `master` None: plain files only."""
    if is_sealed(path):
        if master is None:
            raise SealError(f"{path}: sealed, and no key given")
        return cast(IO[bytes], io.BufferedReader(SealedReader(path, master), buffer_size=CHUNK))
    return open(path, "rb")  # the caller closes it


def plaintext_sha256(path: Path | str, master: bytes | None) -> str:
    """SHA-256 of a recording's plaintext (the evidence hash in the call record)."""
    digest = hashlib.sha256()
    with open_recording(path, master) as f:
        for block in iter(lambda: f.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def seal_stream(chunks: Iterator[bytes], path: Path, master: bytes) -> None:
    """Write an iterable of plaintext pieces as a sealed file (fsynced)."""
    w = SealWriter(path, master)
    try:
        for piece in chunks:
            w.write(piece)
    finally:
        w.close()


def seal_file_in_place(path: Path, master: bytes) -> bool:
    """Seal a plaintext file (an older recording) under the same name, atomically. False if sealed."""
    if is_sealed(path):
        return False
    tmp = path.with_name(f".{path.name}.sealing")
    with path.open("rb") as src:
        seal_stream(iter(lambda: src.read(CHUNK), b""), tmp, master)
    os.replace(tmp, path)
    return True
