"""Call intake: a ring is written at once (a killed desk keeps it), then answered and closed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..domain import phone
from ..domain.enums import CallOutcome, CallSourceKind
from ..domain.errors import DomainError, NotFound
from ..domain.rules import validate_outcome
from ..store.store import Store
from ..store.tx import Tx

REPEAT_PRANK_THRESHOLD = 3
HISTORY_LIMIT = 20


@dataclass
class CallerHistory:
    """What the operator sees while a number rings: earlier calls and incidents of that number."""

    number: str | None
    calls: list[dict[str, Any]] = field(default_factory=list)
    incidents: list[dict[str, Any]] = field(default_factory=list)
    total_calls: int = 0
    prank_count: int = 0
    ghost_count: int = 0

    @property
    def repeat_prank(self) -> bool:
        return self.prank_count >= REPEAT_PRANK_THRESHOLD


class CallService:
    """Commands on calls. Each returns ids; the store broadcasts the `Changes`."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def ring(
        self,
        number_raw: str,
        source: str = CallSourceKind.MANUAL,
        device_location: dict[str, Any] | None = None,
        started_at: int | None = None,
    ) -> str:
        e164 = phone.normalise(number_raw)
        at = started_at if started_at is not None else self.store.now_ms()

        def fn(tx: Tx) -> str:
            pk = tx.insert_record(
                "calls",
                {
                    "site_id": tx.site_id,
                    "caller_number": e164,
                    "caller_raw": number_raw,
                    "source": str(source),
                    "started_at": at,
                    "device_location": device_location,
                },
            )
            tx.audit("call_ring", "calls", pk, {"number": e164})
            return pk

        return self.store.write(fn)

    def answer(self, call_id: str) -> None:
        def fn(tx: Tx) -> None:
            row = tx.one("SELECT answered_at, ended_at FROM calls WHERE id=?", (call_id,))
            if row is None:
                raise NotFound("call", call_id)
            if row["ended_at"] is not None:
                raise DomainError("call_ended", "the call has already ended", "call")
            if row["answered_at"] is None:
                tx.update_record("calls", call_id, {"answered_at": tx.now_ms(), "operator": tx.operator})
                tx.audit("call_answer", "calls", call_id)

        self.store.write(fn)

    def close(
        self, call_id: str, outcome: str, notes: str | None = None, incident_id: str | None = None
    ) -> None:
        """End the call with its outcome. Closing twice keeps the first end time."""
        checked = validate_outcome(outcome)

        def fn(tx: Tx) -> None:
            row = tx.one("SELECT ended_at, answered_at FROM calls WHERE id=?", (call_id,))
            if row is None:
                raise NotFound("call", call_id)
            fields: dict[str, Any] = {"outcome": str(checked)}
            if row["ended_at"] is None:
                fields["ended_at"] = tx.now_ms()
            if checked != CallOutcome.ABANDONED and row["answered_at"] is None:
                fields["answered_at"] = fields.get("ended_at", tx.now_ms())
            if checked != CallOutcome.ABANDONED:
                fields["operator"] = tx.operator
            if notes is not None:
                fields["notes"] = notes
            if incident_id is not None:
                fields["incident_id"] = incident_id
            tx.update_record("calls", call_id, fields)
            tx.audit("call_close", "calls", call_id, {"outcome": str(checked)})

        self.store.write(fn)

    def abandon(self, call_id: str) -> None:
        """The caller hung up before an answer: a callback item for the shift."""
        self.close(call_id, CallOutcome.ABANDONED)

    def get(self, call_id: str) -> dict[str, Any]:
        rows = self.store.query("SELECT * FROM calls WHERE id=?", (call_id,))
        if not rows:
            raise NotFound("call", call_id)
        return dict(rows[0])

    def history(self, number_raw: str, exclude_call: str | None = None) -> CallerHistory:
        """Earlier calls and incidents of the number (indexed lookups only: runs while it rings)."""
        e164 = phone.normalise(number_raw)
        hist = CallerHistory(number=e164)
        if not e164:
            return hist
        db = self.store.reader()
        counts = db.execute(
            "SELECT count(*), sum(outcome='prank'), sum(outcome='ghost') FROM calls "
            "WHERE caller_number=? AND id IS NOT ?",
            (e164, exclude_call),
        ).fetchone()
        hist.total_calls = counts[0] or 0
        hist.prank_count = counts[1] or 0
        hist.ghost_count = counts[2] or 0
        hist.calls = [
            dict(r)
            for r in db.execute(
                "SELECT id, started_at, outcome, incident_id, operator FROM calls "
                "WHERE caller_number=? AND id IS NOT ? ORDER BY started_at DESC LIMIT ?",
                (e164, exclude_call, HISTORY_LIMIT),
            )
        ]
        hist.incidents = [
            dict(r)
            for r in db.execute(
                "SELECT DISTINCT i.id, i.number, i.category, i.status, i.created_at FROM incidents i "
                "WHERE i.caller_number=? OR i.id IN (SELECT incident_id FROM calls WHERE caller_number=? "
                "AND incident_id IS NOT NULL) ORDER BY i.created_at DESC LIMIT ?",
                (e164, e164, HISTORY_LIMIT),
            )
        ]
        return hist
