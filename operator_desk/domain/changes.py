"""Change-sets: what a command changed, broadcast once so every view decides whether to refresh."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Changes:
    """Ids per table touched by one command (or one applied sync batch), plus who caused it."""

    initiator: str = "local"  # "local", "sync", "draft"
    ids: dict[str, set[str]] = field(default_factory=dict)

    def add(self, table: str, pk: str) -> None:
        self.ids.setdefault(table, set()).add(pk)

    def touches(self, *tables: str) -> bool:
        return any(self.ids.get(t) for t in tables)

    def merge(self, other: Changes) -> None:
        for table, pks in other.ids.items():
            self.ids.setdefault(table, set()).update(pks)

    def __bool__(self) -> bool:
        return any(self.ids.values())
