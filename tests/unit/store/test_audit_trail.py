"""The automatic audit rule (store/tx.py) and the Merkle tree / checkpoints (domain/audit.py)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from operator_desk.domain.audit import (
    Frontier,
    audit_row_problem,
    checkpoint_problem,
    leaf_hash,
    merkle_root,
    node_hash,
    outbox_digest,
    sign_checkpoint,
)
from operator_desk.services.check import check_store
from operator_desk.store.store import Store


def _mth(leaves: list[bytes]) -> bytes:
    """RFC 9162 section 2.1.1, written out as the RFC says it."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaf_hash(leaves[0])
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node_hash(_mth(leaves[:k]), _mth(leaves[k:]))


def test_the_frontier_root_is_rfc_9162_for_every_size() -> None:
    leaves = [bytes([i]) * 32 for i in range(70)]
    f = Frontier()
    assert f.root() == _mth([]).hex()
    for n, leaf in enumerate(leaves, start=1):
        f.append(leaf)
        assert f.root() == _mth(leaves[:n]).hex(), n
        assert Frontier.loads(f.dumps()).root() == f.root()
    assert merkle_root(leaves) == (70, _mth(leaves).hex())
    assert merkle_root(leaves[:69])[1] != merkle_root(leaves)[1]


def test_a_checkpoint_verifies_only_with_its_key_and_its_content() -> None:
    key, other = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    cp = sign_checkpoint(key, "hub", "site", 3, "ab" * 32)
    assert checkpoint_problem(cp, cp["public_key"]) is None
    assert "does not verify" in str(checkpoint_problem(cp, sign_checkpoint(other, "h", "s", 0, "00" * 32)["public_key"]))
    assert "does not verify" in str(checkpoint_problem({**cp, "tree_size": 4}, cp["public_key"]))
    assert "base64" in str(checkpoint_problem(cp, "not a key"))
    assert checkpoint_problem({"tree_size": 1}, cp["public_key"]) is not None


def test_a_commit_without_an_explicit_audit_row_gets_one_covering_its_changes(store: Store) -> None:
    store.write(lambda tx: tx.insert_record("callers", {"number": "+62811", "name": "A"}))
    rows = store.query("SELECT action, covers, hash FROM audit")
    assert [r["action"] for r in rows] == ["commit"]
    outbox = [tuple(r) for r in store.query(
        "SELECT hlc, tbl, pk, col, value, base_hlc, operator FROM outbox WHERE tbl != 'audit' ORDER BY site_seq"
    )]
    covers = json.loads(rows[0]["covers"])
    assert covers["n"] == 2 and covers["sha256"] == outbox_digest(outbox)
    copy = json.loads(store.query("SELECT value FROM outbox WHERE tbl='audit'")[0][0])
    assert copy["hash"] == rows[0]["hash"]


def test_an_explicit_audit_row_after_the_changes_covers_them_and_no_automatic_one_is_added(store: Store) -> None:
    def fn(tx):  # type: ignore[no-untyped-def]
        pk = tx.insert_record("callers", {"number": "+62811"})
        tx.audit("caller_flagged", "callers", pk, {"why": "test"})

    store.write(fn)
    assert [(r["action"], json.loads(r["covers"])["n"]) for r in store.query("SELECT * FROM audit")] == [
        ("caller_flagged", 1)
    ]


def test_changes_after_an_explicit_audit_row_get_the_automatic_one(store: Store) -> None:
    def fn(tx):  # type: ignore[no-untyped-def]
        tx.audit("view", "callers", "x")  # a read audited first: it covers nothing
        tx.insert_record("callers", {"number": "+62811"})

    store.write(fn)
    rows = store.query("SELECT action, covers FROM audit ORDER BY seq")
    assert [r["action"] for r in rows] == ["view", "commit"]
    assert rows[0]["covers"] is None and json.loads(rows[1]["covers"])["n"] == 1
    assert store.write(lambda tx: None) is None  # a transaction that writes nothing: no audit row
    assert store.query("SELECT count(*) FROM audit")[0][0] == 2


def test_audit_rows_travel_with_their_hash_checked(store: Store) -> None:
    store.write(lambda tx: tx.insert_record("callers", {"number": "+62811"}))
    pk, value = store.query("SELECT pk, value FROM outbox WHERE tbl='audit'")[0]
    row = json.loads(value)
    assert audit_row_problem({**row, "id": pk}) is None
    assert "does not match" in str(audit_row_problem({**row, "id": pk, "detail": "{}x"}))


def test_check_passes_on_a_fresh_store_and_sees_an_edited_field(store: Store, tmp_path: Path) -> None:
    pk = store.write(lambda tx: tx.insert_record("callers", {"number": "+62811", "name": "A"}))
    store.drain()
    assert check_store(store.path)["ok"]
    store.raw_write(lambda conn: conn.execute("UPDATE callers SET name='B' WHERE id=?", (pk,)))
    report = check_store(store.path)
    assert not report["ok"] and any(f"callers {pk} name differs" in p for p in report["problems"])
