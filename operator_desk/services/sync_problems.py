"""Changes this desk refused to apply (quarantined by the sync apply), for the Sync problems dialog."""

from __future__ import annotations

from dataclasses import dataclass

from ..store.store import Store


@dataclass(frozen=True)
class RefusedChange:
    """One pulled change that did not fit the table declaration: where it came from and why not."""

    at: int
    site_id: str | None
    site_seq: int | None
    table: str | None
    column: str | None
    reason: str


class SyncProblems:
    """Query object over the local `quarantine` table (never synced; `check` lists it too)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def count(self) -> int:
        return int(self.store.query("SELECT count(*) FROM quarantine")[0][0])

    def latest(self, limit: int = 200) -> list[RefusedChange]:
        rows = self.store.query(
            "SELECT at, site_id, site_seq, tbl, col, reason FROM quarantine ORDER BY id DESC LIMIT ?", (limit,)
        )
        return [RefusedChange(int(r[0]), r[1], r[2], r[3], r[4], str(r[5])) for r in rows]
