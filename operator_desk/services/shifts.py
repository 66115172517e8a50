"""Shifts and their handover: what the next shift must pick up.

A shift is a record (started, later ended). Ending it writes the handover, an append-only row that
syncs to every desk: the free-text notes plus the ids of the open items at that moment.
Open items are computed, never stored by hand:
- open incidents: every incident not yet closed (resolved ones still wait for their closing);
- overdue referrals: open referrals with an amber or red timer (see `referrals.step_timers`);
- callbacks: numbers whose last abandoned call (in the look-back window) has no later answered call
  from the same number.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..domain.errors import DomainError, NotFound
from ..domain.records import IncidentSummary, OverdueReferral
from ..store.repositories import IncidentRepository
from ..store.store import Store
from ..store.tx import Tx
from .referrals import ReferralService

CALLBACK_WINDOW_MS = 24 * 3_600_000

CALLBACKS_SQL = """
SELECT c.caller_number, max(c.started_at) AS last_at, count(*) AS attempts, max(c.caller_raw) AS caller_raw
FROM calls c
WHERE c.outcome = 'abandoned' AND c.caller_number IS NOT NULL AND c.started_at >= ?
  AND NOT EXISTS (SELECT 1 FROM calls l WHERE l.caller_number = c.caller_number
                  AND l.started_at > c.started_at AND l.answered_at IS NOT NULL)
GROUP BY c.caller_number ORDER BY last_at
"""


@dataclass
class HandoverItems:
    """What is open at a moment, as typed rows for the view (callbacks: plain rows) and ids for the record."""

    open_incidents: list[IncidentSummary] = field(default_factory=list)
    overdue_referrals: list[OverdueReferral] = field(default_factory=list)
    callbacks: list[dict[str, Any]] = field(default_factory=list)

    def ids(self) -> dict[str, list[str]]:
        return {
            "incidents": [r["id"] for r in self.open_incidents],
            "referrals": [r["id"] for r in self.overdue_referrals],
            "callbacks": [r["caller_number"] for r in self.callbacks],
        }


class ShiftService:
    """Start and end shifts on this desk; compute and record the handover."""

    def __init__(self, store: Store, referrals: ReferralService | None = None) -> None:
        self.store = store
        self.referrals = referrals or ReferralService(store)

    def current(self, operator: str | None = None) -> dict[str, Any] | None:
        """The open shift of the operator on this desk, if any."""
        who = operator or self.store.operator
        rows = self.store.query(
            "SELECT * FROM shifts WHERE ended_at IS NULL AND operator IS ? AND site_id=? "
            "ORDER BY started_at DESC LIMIT 1",
            (who, self.store.site_id),
        )
        return dict(rows[0]) if rows else None

    def start(self, operator: str | None = None) -> str:
        """Start the operator's shift (starting twice returns the open one). Code `no_operator`."""
        who = operator or self.store.operator
        if not who:
            raise DomainError("no_operator", "a shift needs the operator on duty", "operator")
        open_shift = self.current(who)
        if open_shift:
            return str(open_shift["id"])

        def fn(tx: Tx) -> str:
            pk = tx.insert_record(
                "shifts", {"operator": who, "site_id": tx.site_id, "started_at": tx.now_ms()}
            )
            tx.audit("shift_start", "shifts", pk)
            return pk

        return self.store.write(fn, operator=who)

    def end(self, shift_id: str, notes: str = "", now_ms: int | None = None) -> str:
        """End the shift and write its handover (notes + open items now). Returns the handover id."""
        now = now_ms if now_ms is not None else self.store.now_ms()
        items = self.items(now)

        def fn(tx: Tx) -> str:
            row = tx.one("SELECT * FROM shifts WHERE id=?", (shift_id,))
            if row is None:
                raise NotFound("shift", shift_id)
            if row["ended_at"] is not None:
                raise DomainError("shift_ended", f"shift {shift_id} has already ended", "shift")
            hid = tx.append(
                "shift_handovers",
                {
                    "operator": row["operator"],
                    "started_at": row["started_at"],
                    "ended_at": now,
                    "notes": notes.strip(),
                    "open_items": items.ids(),
                },
            )
            tx.update_record("shifts", shift_id, {"ended_at": now, "handover_id": hid})
            tx.audit("shift_end", "shifts", shift_id, {"handover": hid})
            return hid

        return self.store.write(fn)

    def items(self, now_ms: int | None = None, callback_window_ms: int = CALLBACK_WINDOW_MS) -> HandoverItems:
        """The open items at `now_ms`."""
        now = now_ms if now_ms is not None else self.store.now_ms()
        incidents = IncidentRepository(self.store.reader()).not_closed()
        callbacks = [dict(r) for r in self.store.query(CALLBACKS_SQL, (now - callback_window_ms,))]
        return HandoverItems(incidents, self.referrals.overdue(now), callbacks)

    def last_handover(self) -> dict[str, Any] | None:
        """The latest handover written on any desk (it syncs): what the previous shift left."""
        rows = self.store.query("SELECT * FROM shift_handovers ORDER BY ended_at DESC, id DESC LIMIT 1")
        if not rows:
            return None
        out = dict(rows[0])
        out["open_items"] = json.loads(out["open_items"]) if out.get("open_items") else {}
        return out
