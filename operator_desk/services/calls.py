"""Call intake: a ring is written at once (a killed desk keeps it), then answered and closed."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from ..domain import phone
from ..domain.enums import CallOutcome, CallSourceKind
from ..domain.errors import DomainError, NotFound
from ..domain.ids import new_id
from ..domain.records import IncidentSummary
from ..domain.rules import validate_outcome
from ..store.repositories import IncidentRepository
from ..store.store import Store
from ..store.tx import Tx
from .retention import pseudonym_for

REPEAT_PRANK_THRESHOLD = 3
HISTORY_LIMIT = 20
VIEWED_MEMORY = 10_000
log = logging.getLogger(__name__)


def _log_audit_failure(future: Future[None]) -> None:
    exc = future.exception()
    if exc is not None:
        log.warning("caller history view not audited: %s", type(exc).__name__)


@dataclass
class CallerHistory:
    """What the operator sees while a number rings: earlier calls and incidents of that number."""

    number: str | None
    calls: list[dict[str, Any]] = field(default_factory=list)
    incidents: list[IncidentSummary] = field(default_factory=list)
    total_calls: int = 0
    prank_count: int = 0
    ghost_count: int = 0
    emergency_count: int = 0  # earlier calls that were emergencies (or became part of an incident)

    @property
    def repeat_prank(self) -> bool:
        return self.prank_count >= REPEAT_PRANK_THRESHOLD

    @property
    def emergencies(self) -> int:
        """Earlier emergencies of the number: never hidden behind its pranks (a flag must say it)."""
        return max(self.emergency_count, len(self.incidents))


class CallService:
    """Commands on calls. Each returns ids; the store broadcasts the `Changes`."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._viewed: set[tuple[str | None, str]] = set()  # (call, number) histories already audited
        self._viewed_lock = threading.Lock()

    def _submit(self, fn: Any, wait: bool) -> Any:
        """Run a write: wait for it, or (wait=False, the operator's keys) return its Future at once.

        Times are taken when the command is given, not when the writer gets to it."""
        return self.store.write(fn) if wait else self.store.write_async(fn)

    def ring(
        self,
        number_raw: str,
        source: str = CallSourceKind.MANUAL,
        device_location: dict[str, Any] | None = None,
        started_at: int | None = None,
        *,
        call_id: str | None = None,
        wait: bool = True,
    ) -> Any:
        """Log a ringing call; returns its id (or, with wait=False, the Future of the write)."""
        e164 = phone.normalise(number_raw)
        at = started_at if started_at is not None else self.store.now_ms()
        pk_wanted = call_id or new_id()

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
                pk=pk_wanted,
            )
            tx.audit("call_ring", "calls", pk, {"number": e164})
            return pk

        return self._submit(fn, wait)

    def answer(self, call_id: str, *, wait: bool = True) -> Future[None] | None:
        at = self.store.now_ms()

        def fn(tx: Tx) -> None:
            row = tx.one("SELECT answered_at, ended_at FROM calls WHERE id=?", (call_id,))
            if row is None:
                raise NotFound("call", call_id)
            if row["ended_at"] is not None:
                raise DomainError("call_ended", "the call has already ended", "call")
            if row["answered_at"] is None:
                tx.update_record("calls", call_id, {"answered_at": at, "operator": tx.operator})
                tx.audit("call_answer", "calls", call_id)

        return self._submit(fn, wait)

    def close(
        self,
        call_id: str,
        outcome: str,
        notes: str | None = None,
        incident_id: str | None = None,
        *,
        wait: bool = True,
    ) -> Future[None] | None:
        """End the call with its outcome. Closing twice keeps the first end time."""
        checked = validate_outcome(outcome)
        at = self.store.now_ms()

        def fn(tx: Tx) -> None:
            row = tx.one("SELECT ended_at, answered_at FROM calls WHERE id=?", (call_id,))
            if row is None:
                raise NotFound("call", call_id)
            fields: dict[str, Any] = {"outcome": str(checked)}
            if row["ended_at"] is None:
                fields["ended_at"] = at
            if checked != CallOutcome.ABANDONED and row["answered_at"] is None:
                fields["answered_at"] = fields.get("ended_at", at)
            if checked != CallOutcome.ABANDONED:
                fields["operator"] = tx.operator
            if notes is not None:
                fields["notes"] = notes
            if incident_id is not None:
                fields["incident_id"] = incident_id
            tx.update_record("calls", call_id, fields)
            tx.audit("call_close", "calls", call_id, {"outcome": str(checked)})

        return self._submit(fn, wait)

    def hold(self, call_id: str, on: bool, *, wait: bool = True) -> Future[None] | None:
        """The operator put the call on hold (on=True) or returned to it: an audit event of the call
        (`call_hold` / `call_resume`, with the time), so the log shows every hold of a call."""
        at = self.store.now_ms()

        def fn(tx: Tx) -> None:
            row = tx.one("SELECT answered_at FROM calls WHERE id=?", (call_id,))
            if row is None:
                raise NotFound("call", call_id)
            tx.audit("call_hold" if on else "call_resume", "calls", call_id, {"at": at})

        return self._submit(fn, wait)

    def abandon(self, call_id: str, *, wait: bool = True) -> Future[None] | None:
        """The caller hung up before an answer: a callback item for the shift."""
        return self.close(call_id, CallOutcome.ABANDONED, wait=wait)

    def any_calls(self) -> bool:
        return bool(self.store.query("SELECT 1 FROM calls LIMIT 1"))

    def known_operators(self, limit: int = 20) -> list[str]:
        """Names that took calls here (the on-duty box offers them)."""
        rows = self.store.query(
            "SELECT DISTINCT operator FROM calls WHERE operator IS NOT NULL LIMIT ?", (limit,)
        )
        return [str(r[0]) for r in rows]

    def random_caller(self) -> str | None:
        """A number from the log (the training simulator rings it so the caller history shows)."""
        rows = self.store.query("SELECT caller_raw FROM calls WHERE caller_raw != '' ORDER BY random() LIMIT 1")
        return str(rows[0][0]) if rows else None

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
        alias = pseudonym_for(db, e164)  # calls retention pseudonymised count too (services/retention.py)
        counts = db.execute(
            "SELECT count(*), sum(outcome='prank'), sum(outcome='ghost'), "
            "sum(outcome='emergency' OR incident_id IS NOT NULL) FROM calls "
            "WHERE caller_number IN (?, ?) AND id IS NOT ?",
            (e164, alias, exclude_call),
        ).fetchone()
        hist.total_calls = counts[0] or 0
        hist.prank_count = counts[1] or 0
        hist.ghost_count = counts[2] or 0
        hist.emergency_count = counts[3] or 0
        hist.calls = [
            dict(r)
            for r in db.execute(
                "SELECT id, started_at, outcome, incident_id, operator FROM calls "
                "WHERE caller_number IN (?, ?) AND id IS NOT ? ORDER BY started_at DESC LIMIT ?",
                (e164, alias, exclude_call, HISTORY_LIMIT),
            )
        ]
        hist.incidents = IncidentRepository(db).of_caller(e164, HISTORY_LIMIT)
        self._audit_view(e164, exclude_call, hist)
        return hist

    def _audit_view(self, e164: str, call_id: str | None, hist: CallerHistory) -> None:
        """Showing a caller's history is access to personal data (UU PDP): audited once per call.

        The desk shows the history in its dock as soon as a number rings, without a click, so the
        ring-time lookup counts as viewing; a number with nothing on record shows nothing and is not
        audited. One background append, never waited for: the ring path does not slow down."""
        if not (hist.total_calls or hist.incidents):
            return
        key = (call_id, e164)
        with self._viewed_lock:
            if key in self._viewed:
                return  # the same call looked up again (answered, re-shown)
            if len(self._viewed) >= VIEWED_MEMORY:
                self._viewed.clear()
            self._viewed.add(key)
        detail = {"number": e164, "calls": hist.total_calls, "incidents": len(hist.incidents)}

        def fn(tx: Tx) -> None:
            tx.audit("caller_history_view", "calls", call_id or e164, detail)

        future = self.store.write_async(fn, background=True)
        future.add_done_callback(_log_audit_failure)
