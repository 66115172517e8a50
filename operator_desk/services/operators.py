"""The roster: who works at the center and who is a supervisor (until a full login with roles exists)."""

from __future__ import annotations

from typing import Any

from ..domain.errors import DomainError, ValidationError
from ..store.store import Store
from ..store.tx import Tx

ROLES = ("operator", "supervisor")
DEMO_ROSTER = (("Rina", "supervisor"), ("Ahmad", "operator"), ("Siti", "operator"), ("Yusuf", "operator"))


class OperatorService:
    """Adds people to the roster and changes their role; both sync like any record."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def all(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.store.query("SELECT * FROM operators WHERE active=1 ORDER BY name")]

    def add(self, name: str, role: str = "operator") -> str:
        name = (name or "").strip()
        if not name:
            raise ValidationError({"name": "required"})
        if role not in ROLES:
            raise ValidationError({"role": "unknown_role"})

        def fn(tx: Tx) -> str:
            row = tx.one("SELECT id FROM operators WHERE name=?", (name,))
            if row is not None:
                tx.update_record("operators", row["id"], {"role": role, "active": 1})
                tx.audit("operator_role", "operators", row["id"], {"role": role})
                return str(row["id"])
            pk = tx.insert_record("operators", {"name": name, "role": role, "active": 1})
            tx.audit("operator_add", "operators", pk, {"name": name, "role": role})
            return pk

        return self.store.write(fn)

    def deactivate(self, name: str) -> None:
        def fn(tx: Tx) -> None:
            row = tx.one("SELECT id FROM operators WHERE name=?", (name,))
            if row is None:
                raise DomainError("not_found", f"no operator named {name!r}", "name")
            tx.update_record("operators", row["id"], {"active": 0})
            tx.audit("operator_remove", "operators", row["id"])

        self.store.write(fn)

    def ensure_demo_roster(self) -> None:
        if not self.all():
            for name, role in DEMO_ROSTER:
                self.add(name, role)
