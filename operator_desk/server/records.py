"""Plain records shared by the storage and the ingest code (kept apart so neither imports the other).

`LogWriter` is what the batched ingest needs from a storage: its SQL dialect, the test fault hook
and the server's own writes (conflict records).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from ..domain.hlc import HybridClock

Cursor = Any  # a DB-API cursor (sqlite3 or psycopg): execute / fetchone / fetchall


@dataclass(frozen=True)
class Site:
    """An enrolled desk, hub or admin: its id comes from the credential, never from a body.

    `supervisor` flags a desk whose pushed conflict resolutions the hub accepts (until accounts
    with roles exist, see the README's "Security")."""

    site_id: str
    name: str
    kind: str  # "desk" | "hub" | "admin" | "wall"
    token_hash: str
    revoked: bool = False
    supervisor: bool = False


@dataclass
class IngestResult:
    """What one push did: new changes, duplicates skipped, conflicts written, the log head.

    `conflict_allowance` (None: unlimited) caps the conflict records one push may write; the
    conflicting writes past it are still logged and merged, and counted in `conflicts_suppressed`."""

    accepted: int = 0
    duplicates: int = 0
    conflicts: list[str] = field(default_factory=list)
    head: int = 0
    conflict_allowance: int | None = None
    conflicts_suppressed: int = 0
    audit: list[dict[str, Any]] = field(default_factory=list)  # new audit rows (server/audit_trees.py)
    trees: dict[str, tuple[int, str]] = field(default_factory=dict)  # site -> (tree size, root) after it


class LogWriter(Protocol):
    """The part of a Storage the ingest functions use."""

    fault_hook: Any

    def q(self, sql: str) -> str: ...

    def write_own(
        self,
        cur: Cursor,
        tbl: str,
        pk: str,
        fields: dict[str, Any],
        *,
        own_site: str,
        clock: HybridClock,
        now_ms: int,
        base: dict[str, str] | None = None,
    ) -> None: ...
