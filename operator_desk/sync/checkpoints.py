"""The desk keeps the last signed audit checkpoint the hub returned after a push (domain/audit.py).

The hub's key is learned with the first checkpoint this desk receives (trust on first use, right after
`join`) and kept; `operator-desk check` verifies every later checkpoint with that key, so a hub key
that changes, or a checkpoint written into the store by someone else, is reported there.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from ..store.store import Store

log = logging.getLogger(__name__)
CHECKPOINT_KEY = "audit_checkpoint"
HUB_KEY = "hub_checkpoint_key"
_FIELDS = ("server_id", "site_id", "tree_size", "root_hash", "signature", "public_key")


def keep_checkpoint(store: Store, answer: Any) -> None:
    """Store the checkpoint of a push answer (if it carries one) and, the first time, the hub's key.
    Runs on the sync thread; a malformed checkpoint is logged and ignored (`check` reports the gap)."""
    cp = answer.get("checkpoint") if isinstance(answer, dict) else None
    if cp is None:
        return
    if not isinstance(cp, dict) or any(not isinstance(cp.get(k), str | int) for k in _FIELDS):
        log.warning("push answer: malformed audit checkpoint ignored")
        return
    text = json.dumps({k: cp[k] for k in _FIELDS}, sort_keys=True)
    if store.get_meta(CHECKPOINT_KEY) == text:
        return

    def job(conn: Any) -> None:
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
            (CHECKPOINT_KEY, text),
        )
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING", (HUB_KEY, cp["public_key"])
        )

    store.raw_write(job)
