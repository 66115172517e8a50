"""Tamper evidence: the audit hash chain, the Merkle tree over a site's audit rows, signed checkpoints.

- Each audit row's `hash` is SHA-256 over the previous row's hash of the same site and the row
  (`audit_hash`); a row written with the outbox rows of its transaction also carries `covers`, a
  digest of those outbox rows (`outbox_digest`), inside its hash.
- The hub keeps, per site, a Merkle tree (RFC 9162: leaf hash SHA-256(0x00 || leaf), node hash
  SHA-256(0x01 || left || right)) whose leaves are the site's audit rows in the order it pushed them;
  a leaf is the 32 bytes of the row's `hash`. `Frontier` grows it in O(log n) per leaf.
- A checkpoint (server id, site id, tree size, root hash) is signed by the hub with Ed25519; a desk
  keeps the last one and `operator-desk check` recomputes the root from its own rows.

Pure computation (hashlib, cryptography): no I/O.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

AUTO_ACTION = "commit"  # the audit row every commit gets when no explicit one covers its outbox rows
_HEX64 = re.compile(r"[0-9a-f]{64}")
EMPTY_ROOT = hashlib.sha256(b"").hexdigest()  # RFC 9162: the hash of an empty tree


def audit_hash(prev_hash: str, row: Mapping[str, Any]) -> str:
    """The chained hash of one audit row. `covers` (since the automatic audit) is hashed when set, so
    rows written before it keep their hash."""
    parts = [
        row["id"],
        row["at"],
        row["site_id"],
        row["operator"],
        row["action"],
        row["tbl"],
        row["pk"],
        row["detail"],
    ]
    covers = row.get("covers") if hasattr(row, "get") else _maybe(row, "covers")
    if covers is not None:
        parts.append(covers)
    body = json.dumps(parts, ensure_ascii=False)
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def _maybe(row: Mapping[str, Any], key: str) -> Any:
    try:
        return row[key]
    except (KeyError, IndexError):
        return None


def audit_row_problem(row: Mapping[str, Any]) -> str | None:
    """What is wrong with an audit row as it travels (None: its hash is its own)."""
    h, prev = row.get("hash"), row.get("prev_hash")
    if type(h) is not str or _HEX64.fullmatch(h) is None:
        return "hash: 64 lower-case hex digits are required"
    if type(prev) is not str or (prev and _HEX64.fullmatch(prev) is None):
        return "prev_hash: empty or 64 lower-case hex digits are required"
    for key in ("id", "detail"):
        if key in row and row[key] is not None and type(row[key]) is not str:
            return f"{key}: text is required"
    try:
        expected = audit_hash(prev, row)
    except (KeyError, TypeError, ValueError):
        return "the row does not hash"
    if expected != h:
        return "hash does not match the row (altered audit row)"
    return None


def outbox_digest(rows: Iterable[tuple[Any, ...]]) -> str:
    """SHA-256 over outbox rows (hlc, tbl, pk, col, value text, base_hlc, operator), in order."""
    h = hashlib.sha256()
    for r in rows:
        h.update(json.dumps(list(r), ensure_ascii=False).encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()


def cell_digest(stored: Any) -> str:
    """A short digest of a value as SQLite stores it (type and value): what a desk keeps for a field
    it took from a pulled change, to see a later direct edit."""
    if stored is None:
        text = "n"
    elif isinstance(stored, bool):
        text = f"i:{int(stored)}"
    elif isinstance(stored, int):
        text = f"i:{stored}"
    elif isinstance(stored, float):  # a REAL column stores 5 as 5.0: one digest for both
        text = f"i:{int(stored)}" if stored.is_integer() else f"r:{stored!r}"
    elif isinstance(stored, bytes):
        text = "b:" + stored.hex()
    else:
        text = "s:" + str(stored)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


# -- Merkle tree (RFC 9162) ------------------------------------------------------------------------


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def leaf_of(audit_row_hash: str) -> bytes:
    """The leaf of one audit row: the 32 bytes of its hash."""
    return bytes.fromhex(audit_row_hash)


@dataclass
class Frontier:
    """The right edge of a Merkle tree: the roots of its perfect subtrees, largest first.

    `append` is O(log n); `root()` folds the edge from the right, which is RFC 9162's MTH for any n
    (the left subtree of a node is always the largest power of two below its size)."""

    size: int = 0
    nodes: list[tuple[int, bytes]] = field(default_factory=list)  # (subtree size, hash)

    def append(self, leaf: bytes) -> None:
        h, n = leaf_hash(leaf), 1
        while self.nodes and self.nodes[-1][0] == n:
            left = self.nodes.pop()[1]
            h, n = node_hash(left, h), n * 2
        self.nodes.append((n, h))
        self.size += 1

    def root(self) -> str:
        if not self.nodes:
            return EMPTY_ROOT
        h = self.nodes[-1][1]
        for _, left in reversed(self.nodes[:-1]):
            h = node_hash(left, h)
        return h.hex()

    def dumps(self) -> str:
        return json.dumps({"size": self.size, "nodes": [[n, h.hex()] for n, h in self.nodes]})

    @staticmethod
    def loads(text: str | None) -> Frontier:
        if not text:
            return Frontier()
        data = json.loads(text)
        return Frontier(int(data["size"]), [(int(n), bytes.fromhex(h)) for n, h in data["nodes"]])


def merkle_root(leaves: Iterable[bytes]) -> tuple[int, str]:
    """(size, root hex) of the tree over these leaves."""
    f = Frontier()
    for leaf in leaves:
        f.append(leaf)
    return f.size, f.root()


# -- signed checkpoints ------------------------------------------------------------------------------
CHECKPOINT_FIELDS = ("server_id", "site_id", "tree_size", "root_hash")


def checkpoint_message(cp: Mapping[str, Any]) -> bytes:
    """The exact bytes a hub signs: a versioned line per field."""
    return (
        "operator-desk audit checkpoint v1\n"
        f"server {cp['server_id']}\nsite {cp['site_id']}\nsize {int(cp['tree_size'])}\nroot {cp['root_hash']}\n"
    ).encode()


def public_key_text(key: Ed25519PublicKey) -> str:
    from cryptography.hazmat.primitives import serialization

    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def sign_checkpoint(key: Ed25519PrivateKey, server_id: str, site_id: str, size: int, root: str) -> dict[str, Any]:
    cp: dict[str, Any] = {"server_id": server_id, "site_id": site_id, "tree_size": size, "root_hash": root}
    cp["signature"] = base64.b64encode(key.sign(checkpoint_message(cp))).decode("ascii")
    cp["public_key"] = public_key_text(key.public_key())
    return cp


def checkpoint_problem(cp: Any, public_key: str | None) -> str | None:
    """What is wrong with a stored checkpoint under the hub key this desk learned (None: it verifies)."""
    if not isinstance(cp, dict) or any(k not in cp for k in (*CHECKPOINT_FIELDS, "signature")):
        return "the checkpoint is not a signed checkpoint object"
    if type(cp["tree_size"]) is not int or cp["tree_size"] < 0:
        return "tree_size is not a non-negative integer"
    if type(cp["root_hash"]) is not str or _HEX64.fullmatch(cp["root_hash"]) is None:
        return "root_hash is not 64 hex digits"
    if not public_key:
        return "no hub key known to verify it with"
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key, validate=True))
        signature = base64.b64decode(str(cp["signature"]), validate=True)
    except ValueError:
        return "the hub key or the signature is not valid base64 of the right length"
    try:
        key.verify(signature, checkpoint_message(cp))
    except InvalidSignature:
        return "the signature does not verify with the hub key this desk learned"
    return None
