"""Drafts: the open form kept in the store so nothing typed is lost, even by a killed process.

Drafts are local to the desk (never synced) and written without outbox or audit rows.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from ..store.store import Store


class DraftService:
    """Save, restore and discard the draft of an open form."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def save(self, draft_id: str, kind: str, payload: dict[str, Any], ref_id: str | None = None) -> None:
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        now = self.store.now_ms()

        def job(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO drafts (id, kind, ref_id, payload, operator, updated_at) VALUES (?,?,?,?,?,?) "
                "ON CONFLICT(id) DO UPDATE SET payload=excluded.payload, ref_id=excluded.ref_id, "
                "updated_at=excluded.updated_at",
                (draft_id, kind, ref_id, text, self.store.operator, now),
            )

        self.store.raw_write(job)

    def latest(self, kind: str) -> dict[str, Any] | None:
        rows = self.store.query(
            "SELECT id, ref_id, payload, updated_at FROM drafts WHERE kind=? ORDER BY updated_at DESC LIMIT 1",
            (kind,),
        )
        if not rows:
            return None
        r = rows[0]
        return {
            "id": r["id"],
            "ref_id": r["ref_id"],
            "payload": json.loads(r["payload"]),
            "updated_at": r["updated_at"],
        }

    def discard(self, draft_id: str) -> None:
        self.store.raw_write(lambda conn: conn.execute("DELETE FROM drafts WHERE id=?", (draft_id,)))
