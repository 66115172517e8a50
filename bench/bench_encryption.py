"""Encryption at rest: the same work on an encrypted (SQLCipher) store and on a plaintext one, same run.

- save an incident (domain rows + outbox + audit, durable), like bench_save.py;
- call-log search (the model's first page), like bench_search.py, on N calls (default 200,000): the
  plaintext store is a decrypted copy of the encrypted one (`sqlcipher_export`), so both hold the same pages;
- opening a connection (the key check), and sealing / opening a recording (chunked AES-GCM).

Each pair runs interleaved (rounds of A then B) so the machine's load hits both alike. Target: <= 1.5x.

Run: .venv/bin/python bench/bench_encryption.py [N]
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import med_ms, p95_ms, report, timeit
from big_store import big_store, copy_store
from PySide6.QtCore import QCoreApplication

from operator_desk.domain.location import Location
from operator_desk.services.incidents import IncidentService
from operator_desk.store import database, keys
from operator_desk.store.database import connect
from operator_desk.store.store import Store
from operator_desk.ui.call_log_model import CallFilter, CallLogModel

TARGET = 1.5


def interleaved(
    a: Callable[[], object], b: Callable[[], object], n: int, rounds: int = 6
) -> tuple[list[float], list[float]]:
    sa: list[float] = []
    sb: list[float] = []
    per = max(1, n // rounds)
    for _ in range(rounds):
        sa += timeit(a, per)
        sb += timeit(b, per)
    return sa, sb


def open_store(path: Path, encrypted: bool) -> Store:
    """A Store whose connections are all made with encryption on or off (connect() reads the switch)."""
    if not encrypted:
        database.PLAINTEXT.add(str(path))
    store = Store(path)
    store.operator = "bench"
    return store


def cipher_settings(path: Path) -> None:
    conn = connect(path, readonly=True)
    try:

        def one(pragma: str) -> str:
            row = conn.execute(f"PRAGMA {pragma}").fetchone()
            return str(row[0]) if row else "-"

        print(
            "cipher settings: SQLCipher "
            f"{one('cipher_version')} on {one('cipher_provider')} {one('cipher_provider_version')}; "
            f"AES-256-CBC pages of {one('cipher_page_size')} bytes with {one('cipher_hmac_algorithm')} per page; "
            f"raw 256-bit key (PRAGMA key = \"x'…'\"): no PBKDF2 at open ({one('cipher_kdf_algorithm')} "
            f"{one('kdf_iter')} iterations apply to passphrases only); "
            f"cipher_memory_security={one('cipher_memory_security')}; journal WAL, synchronous=FULL"
        )
    finally:
        conn.close()


def bench_save(tmp: Path) -> None:
    plain = open_store(tmp / "plain" / "desk.sqlite", encrypted=False)
    enc = open_store(tmp / "enc" / "desk.sqlite", encrypted=True)
    assert keys.is_plaintext(plain.path) and not keys.is_plaintext(enc.path)
    loc = Location(
        lat=-3.41,
        lon=114.85,
        desa_code="63.03.05.2004",
        desa_name="X",
        kecamatan_code="63.03.05",
        kecamatan_name="Y",
        source="map",
        confirmed=True,
    )
    fields = {
        "category": "fire",
        "priority": "P1",
        "location": loc,
        "narrative": "Rumah terbakar " * 10,
        "caller_name": "Pak Udin",
        "caller_number": "+6281234567890",
        "casualties": 1,
    }
    a, b = IncidentService(enc), IncidentService(plain)
    for _ in range(20):
        a.create(fields)
        b.create(fields)
    ours, floor = interleaved(lambda: a.create(fields), lambda: b.create(fields), 300)
    print(
        f"save incident, encrypted: median {med_ms(ours):.2f} ms, p95 {p95_ms(ours):.2f} ms over {len(ours)}"
    )
    print(
        f"save incident, plaintext: median {med_ms(floor):.2f} ms, p95 {p95_ms(floor):.2f} ms over {len(floor)}"
    )
    report("save incident: encrypted vs plaintext store", med_ms(ours), med_ms(floor), TARGET)
    cipher_settings(enc.path)
    enc.close()
    plain.close()

    def open_enc() -> None:
        connect(tmp / "enc" / "desk.sqlite").close()

    def open_plain() -> None:
        connect(tmp / "plain" / "desk.sqlite").close()

    o, f = interleaved(open_enc, open_plain, 60)
    report("open a connection (key read + page 1 checked)", med_ms(o), med_ms(f), TARGET)


def decrypted_copy(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.unlink(missing_ok=True)
    conn = connect(src)
    try:
        conn.execute("ATTACH DATABASE ? AS plain KEY ''", (str(dest),))
        conn.execute("SELECT sqlcipher_export('plain')")
        conn.execute("DETACH DATABASE plain")
    finally:
        conn.close()


def bench_search(tmp: Path, n: int) -> None:
    source = big_store(n)
    enc_path = tmp / "search-enc" / "desk.sqlite"
    plain_path = tmp / "search-plain" / "desk.sqlite"
    t0 = time.perf_counter()
    copy_store(source, enc_path)
    decrypted_copy(enc_path, plain_path)
    print(
        f"{n} calls; copies made in {time.perf_counter() - t0:.1f} s "
        f"({enc_path.stat().st_size / 1e6:.0f} MB encrypted, {plain_path.stat().st_size / 1e6:.0f} MB plain)"
    )
    app = QCoreApplication.instance() or QCoreApplication([])  # noqa: F841
    enc, plain = open_store(enc_path, True), open_store(plain_path, False)
    number = enc.query("SELECT caller_raw FROM calls LIMIT 1 OFFSET 4242")[0][0]
    queries = {
        "number fragment": CallFilter(text="81234"),
        "full national number": CallFilter(text=number),
        "outcome filter": CallFilter(outcome="emergency"),
        "no filter": CallFilter(),
    }
    m_enc, m_plain = CallLogModel(enc), CallLogModel(plain)
    for name, flt in queries.items():

        def page(model: CallLogModel, flt: CallFilter = flt) -> None:
            model.set_filter(flt)
            for r in range(min(model.rowCount(), 40)):  # what a view paints: the visible rows
                model.index(r, 1).data()

        page(m_enc)
        page(m_plain)
        o, f = interleaved(lambda: page(m_enc), lambda: page(m_plain), 30)
        report(
            f"search '{name}' ({m_enc.rowCount()} rows): encrypted vs plaintext", med_ms(o), med_ms(f), TARGET
        )
    enc.close()
    plain.close()


def bench_recording(tmp: Path) -> None:
    master = os.urandom(32)
    body = os.urandom(16 * 1024 * 1024)  # ~ a 4-minute 2-channel FLAC at 8 kHz is ~ 4 MB; this is 4x that
    plain_path, sealed_path = tmp / "rec.flac", tmp / "rec.sealed"

    def write_plain() -> None:
        with plain_path.open("wb") as f:
            f.write(body)
            f.flush()
            os.fsync(f.fileno())

    def write_sealed() -> None:
        keys.seal_stream(iter([body[i : i + 65536] for i in range(0, len(body), 65536)]), sealed_path, master)

    o, f = interleaved(write_sealed, write_plain, 6, rounds=3)
    print(  # a recording is written at 32 kB/s during the call, on its own thread: throughput, no target
        f"write a 16 MB recording, fsynced: sealed {med_ms(o):.0f} ms ({16 / (med_ms(o) / 1000):.0f} MB/s), "
        f"plain {med_ms(f):.0f} ms ({med_ms(o) / med_ms(f):.1f}x)"
    )

    def read_plain() -> None:
        with plain_path.open("rb") as f:
            while f.read(65536):
                pass

    def read_sealed() -> None:
        with keys.open_recording(sealed_path, master) as f:
            while f.read(65536):
                pass

    o, f = interleaved(read_sealed, read_plain, 6, rounds=3)
    print(
        f"read a 16 MB recording: sealed {med_ms(o):.1f} ms ({16 / (med_ms(o) / 1000):.0f} MB/s), "
        f"plain {med_ms(f):.1f} ms (page cache); replay decodes a few MB: well under the 100 ms of a click"
    )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    tmp = Path(tempfile.mkdtemp(prefix="bench-enc-"))
    try:
        bench_save(tmp)
        bench_search(tmp, n)
        bench_recording(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
