"""Conflicts: two writes of one field where the later did not see the earlier. Nothing was dropped;
the newer value is shown everywhere until a supervisor decides. The decision syncs like any edit."""

from __future__ import annotations

import json
from typing import Any

from ..domain.errors import DomainError, NotFound
from ..domain.rules import RESOLVE_CONFLICT, may
from ..store.repositories import IncidentRepository
from ..store.schema import RECORD_TABLES
from ..store.store import Store
from ..store.tx import Tx, decode_value
from .accounts import role_of
from .lifecycle import IncidentLifecycle

KEEP_NEWER = "kept_newer"
TAKE_OLDER = "took_older"


class ConflictService:
    """Lists open conflicts and resolves them (supervisors only)."""

    def __init__(self, store: Store, lifecycle: IncidentLifecycle | None = None) -> None:
        self.store = store
        self.lifecycle = lifecycle or IncidentLifecycle(store)

    def open(self) -> list[dict[str, Any]]:
        rows = self.store.query("SELECT * FROM conflicts WHERE resolved_at IS NULL ORDER BY detected_at")
        incidents = IncidentRepository(self.store.reader())
        out = []
        for r in rows:
            d = dict(r)
            d["older"] = json.loads(d["local_value"]) if d["local_value"] is not None else None
            d["newer"] = json.loads(d["remote_value"]) if d["remote_value"] is not None else None
            if d["tbl"] == "incidents":
                d["label"] = incidents.number(d["pk"]) or d["pk"]
            else:
                d["label"] = f"{d['tbl']} {d['pk'][:8]}"
            out.append(d)
        return out

    def count_open(self) -> int:
        return int(self.store.query("SELECT count(*) FROM conflicts WHERE resolved_at IS NULL")[0][0])

    def resolve(self, conflict_id: str, choice: str) -> None:
        """`kept_newer` confirms the value shown; `took_older` writes the older value back as a new edit."""
        if choice not in (KEEP_NEWER, TAKE_OLDER):
            raise DomainError("unknown_resolution", f"unknown resolution {choice!r}", "resolution")

        def fn(tx: Tx) -> None:
            if not may(role_of(tx.conn, tx.operator), RESOLVE_CONFLICT):
                raise DomainError("supervisor_required", "only a supervisor resolves conflicts", "conflict")
            row = tx.one("SELECT * FROM conflicts WHERE id=?", (conflict_id,))
            if row is None:
                raise NotFound("conflict", conflict_id)
            if row["resolved_at"] is not None:
                raise DomainError("conflict_resolved", "this conflict is already resolved", "conflict")
            if choice == TAKE_OLDER:
                if row["tbl"] not in RECORD_TABLES or row["col"] not in RECORD_TABLES[row["tbl"]]:
                    raise DomainError(
                        "not_resolvable", f"{row['tbl']}.{row['col']} cannot be written", "conflict"
                    )
                older = json.loads(row["local_value"]) if row["local_value"] is not None else None
                if (row["tbl"], row["col"]) == ("incidents", "status"):
                    # a status is a lifecycle move: forward only, closing by the closing rules
                    inc = IncidentRepository(tx.conn).require(row["pk"])
                    self.lifecycle.advance_in(tx, row["pk"], str(older), inc.disposition)
                else:
                    tx.update_record(
                        row["tbl"], row["pk"], {row["col"]: decode_value(row["tbl"], row["col"], older)}
                    )
            tx.update_record(
                "conflicts",
                conflict_id,
                {"resolved_at": tx.now_ms(), "resolved_by": tx.operator, "resolution": choice},
            )
            tx.audit("conflict_resolve", "conflicts", conflict_id, {"choice": choice})

        self.store.write(fn)
