"""The hub's Merkle tree per site over that site's audit rows, and its signed checkpoints.

A desk's audit rows arrive as `audit` changes (one per commit at least, see store/tx.py). Inside the
ingest transaction each new one becomes the next leaf of its site's tree (`audit_tree`: size and the
tree's right edge, domain/audit.Frontier, so a push costs O(log n) hashes); the push answer carries a
checkpoint (server id, site, size, root) signed with the hub's Ed25519 key. The key lives in the data
dir (`audit-key.pem`, 0600, made at first start); a PostgreSQL upstream without a data dir keeps it in
its `meta` table. `/v1/status` publishes the public key.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ..domain.audit import Frontier, leaf_of
from .records import Cursor, IngestResult

KEY_FILE = "audit-key.pem"
META_KEY = "audit_signing_key"


def grow_trees(q: Any, cur: Cursor, result: IngestResult) -> None:
    """Append the batch's new audit rows to their sites' trees (in batch order: site_seq order)."""
    by_site: dict[str, list[dict[str, Any]]] = {}
    for ch in result.audit:
        by_site.setdefault(ch["site_id"], []).append(ch)
    for site, rows in by_site.items():
        cur.execute(q("SELECT frontier FROM audit_tree WHERE site_id=?"), (site,))
        found = cur.fetchone()
        tree = Frontier.loads(found[0] if found else None)
        for ch in rows:
            tree.append(leaf_of(ch["value"]["hash"]))
        cur.execute(
            q(
                "INSERT INTO audit_tree (site_id, size, frontier, last_seq) VALUES (?,?,?,?) "
                "ON CONFLICT (site_id) DO UPDATE SET size=excluded.size, frontier=excluded.frontier, "
                "last_seq=excluded.last_seq"
            ),
            (site, tree.size, tree.dumps(), rows[-1]["site_seq"]),
        )
        result.trees[site] = (tree.size, tree.root())


def read_tree(q: Any, cur: Cursor, site: str) -> tuple[int, str]:
    cur.execute(q("SELECT frontier FROM audit_tree WHERE site_id=?"), (site,))
    found = cur.fetchone()
    tree = Frontier.loads(found[0] if found else None)
    return tree.size, tree.root()


def load_key(storage: Any) -> Ed25519PrivateKey:
    """The hub's signing key: read from the data dir, or made there (0600) at first start."""
    path = getattr(storage, "path", None)
    if isinstance(path, Path):
        return _key_file(path.parent / KEY_FILE)
    pem = storage.meta_default(META_KEY, lambda: _pem(Ed25519PrivateKey.generate()).decode("ascii"))
    key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    return key


def _pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _key_file(path: Path) -> Ed25519PrivateKey:
    if not path.exists():
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first: read theirs
        else:
            with os.fdopen(fd, "wb") as f:
                f.write(_pem(Ed25519PrivateKey.generate()))
                f.flush()
                os.fsync(f.fileno())
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path}: not an Ed25519 private key")
    return key
