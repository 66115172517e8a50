"""Change-sets: what a command changed, broadcast once so every view decides whether to refresh.

`origin` says where the change came from ("local": this desk, "sync": pulled from the hub, "draft"),
`initiator` is the object that asked for it (a view, a binding; Anki's `handler`), so that a view can
skip the echo of its own action. A write inherits the initiator of the code that submitted it: wrap the
call in `initiated_by(view)` (the task runner does this for every operation it runs).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

ORIGINS = frozenset({"local", "sync", "draft"})

_initiator: ContextVar[object | None] = ContextVar("operator_desk_initiator", default=None)


@contextmanager
def initiated_by(initiator: object | None) -> Iterator[None]:
    """Writes submitted inside this block carry `initiator` in their Changes."""
    token = _initiator.set(initiator)
    try:
        yield
    finally:
        _initiator.reset(token)


def current_initiator() -> object | None:
    return _initiator.get()


@dataclass
class Changes:
    """Ids per table touched by one command (or one applied sync batch), where from and who asked."""

    origin: str = "local"
    ids: dict[str, set[str]] = field(default_factory=dict)
    initiator: object | None = None

    def __post_init__(self) -> None:
        if self.origin not in ORIGINS:
            raise ValueError(f"unknown change origin {self.origin!r}")

    def add(self, table: str, pk: str) -> None:
        self.ids.setdefault(table, set()).add(pk)

    def touches(self, *tables: str) -> bool:
        return any(self.ids.get(t) for t in tables)

    def count(self) -> int:
        return sum(len(v) for v in self.ids.values())

    def merge(self, other: Changes) -> None:
        """Fold another change-set in; a mix of origins or initiators keeps neither (no echo skipped)."""
        for table, pks in other.ids.items():
            self.ids.setdefault(table, set()).update(pks)
        if other.origin != self.origin:
            self.origin = "sync" if "sync" in (self.origin, other.origin) else "local"
        if other.initiator is not self.initiator:
            self.initiator = None

    def __bool__(self) -> bool:
        return any(self.ids.values())
