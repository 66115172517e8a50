from __future__ import annotations

import json
import sqlite3

import pytest

from operator_desk.domain.changes import Changes
from operator_desk.store.database import StoreError
from operator_desk.store.store import Store


def test_pragmas_wal_and_full_sync(store: Store) -> None:
    conn = store.reader()
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_insert_writes_outbox_and_audit_in_one_transaction(store: Store) -> None:
    seen: list[Changes] = []
    store.subscribe(seen.append)
    pk = store.write(lambda tx: tx.insert_record("callers", {"number": "+6281234567890", "name": "Budi"}))
    rows = store.query("SELECT tbl, pk, col, value, site_id FROM outbox ORDER BY site_seq")
    assert [(r["tbl"], r["pk"], r["col"]) for r in rows[:2]] == [
        ("callers", pk, "number"),
        ("callers", pk, "name"),
    ]
    assert json.loads(rows[1]["value"]) == "Budi"
    # the commit's automatic audit row follows its changes, in the outbox too (it syncs)
    audit = store.query("SELECT id, action, covers FROM audit")
    assert len(audit) == 1 and audit[0]["action"] == "commit"
    assert [(r["tbl"], r["pk"], r["col"]) for r in rows[2:]] == [("audit", audit[0]["id"], "*")]
    assert json.loads(audit[0]["covers"])["n"] == 2
    assert {r["site_id"] for r in rows} == {store.site_id}
    assert seen and seen[0].ids == {"callers": {pk}}


def test_failed_job_rolls_back_everything(store: Store) -> None:
    def bad(tx):  # type: ignore[no-untyped-def]
        tx.insert_record("callers", {"number": "+62811"})
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        store.write(bad)
    assert store.query("SELECT count(*) FROM callers")[0][0] == 0
    assert store.query("SELECT count(*) FROM outbox")[0][0] == 0


def test_update_records_base_hlc_of_replaced_value(store: Store, clock) -> None:  # type: ignore[no-untyped-def]
    pk = store.write(lambda tx: tx.insert_record("callers", {"number": "+62811", "name": "A"}))
    first = store.query("SELECT hlc FROM field_clock WHERE pk=? AND col='name'", (pk,))[0][0]
    clock.advance(10)
    store.write(lambda tx: tx.update_record("callers", pk, {"name": "B", "number": "+62811"}))
    rows = store.query("SELECT col, base_hlc, hlc FROM outbox WHERE pk=? ORDER BY site_seq", (pk,))
    assert [r["col"] for r in rows] == ["number", "name", "name"]  # unchanged number not re-sent
    assert rows[-1]["base_hlc"] == first
    assert rows[-1]["hlc"] > first


def test_audit_is_append_only(store: Store) -> None:
    store.write(lambda tx: tx.audit("x", "calls", "1"))
    with pytest.raises(sqlite3.IntegrityError):
        store.raw_write(lambda conn: conn.execute("UPDATE audit SET action='y'"))


def test_hlc_survives_restart(tmp_path, clock) -> None:  # type: ignore[no-untyped-def]
    s = Store(tmp_path / "a.sqlite", now_ms=clock)
    s.write(lambda tx: tx.insert_record("callers", {"number": "1"}))
    s.write(lambda tx: tx.insert_record("callers", {"number": "2"}))
    last = s.clock.last
    site = s.site_id
    s.close()
    clock.ms -= 60_000  # the PC clock jumped back
    s2 = Store(tmp_path / "a.sqlite", now_ms=clock)
    try:
        assert s2.site_id == site
        assert s2.clock.tick() > last
    finally:
        s2.close()


def test_foreign_file_is_refused_with_its_name(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "notes.txt"
    bad.write_text("this is not sqlite\n" * 100)
    with pytest.raises(StoreError, match="notes.txt"):
        Store(bad)
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE customers (id)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not an Operator Desk store"):
        Store(other)


def test_fast_path_sees_every_declared_migration() -> None:
    """The start-up shortcut reads migration names from the source: it must see all of them."""
    from operator_desk.store.database import _declared_migrations
    from operator_desk.store.migrations import migrations

    assert _declared_migrations() == {m.name for m in migrations._migrations}
