"""The one table declaration (domain/tables.py) against a freshly migrated store, both ways, and the
value checks every change goes through."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from operator_desk.domain import tables
from operator_desk.domain.tables import TABLE, TABLES, check_row, check_value
from operator_desk.services.operators import ROLES
from operator_desk.services.referrals import STEPS
from operator_desk.store import schema
from operator_desk.store.database import connect
from operator_desk.store.store import Store


@pytest.fixture
def migrated(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    Store(tmp_path / "desk.sqlite").close()
    conn = connect(tmp_path / "desk.sqlite")  # keyed (store/keys.py)
    yield conn
    conn.close()


def test_every_declared_table_matches_pragma_table_info(migrated: sqlite3.Connection) -> None:
    for t in TABLES:
        info = migrated.execute(f"PRAGMA table_info({t.name})").fetchall()
        assert info, f"{t.name} missing from the migrated store"
        in_store = {r[1]: ((r[2] or "").upper(), bool(r[3]), bool(r[5])) for r in info}
        declared = {c.name: (c.sql_type, not c.nullable, False) for c in t.columns}
        declared[t.pk] = ("TEXT", False, not t.local_columns)
        for name in t.local_columns:  # the audit trail: `seq` is the local primary key, `id` unique
            assert in_store.pop(name) == ("INTEGER", False, True), t.name
            assert schema._unique(migrated, t.name, t.pk), t.name
        assert in_store == declared, t.name
    assert schema.schema_problems(migrated) == []


def test_generated_columns_are_declared(migrated: sqlite3.Connection) -> None:
    for t in TABLES:
        hidden = {r[1] for r in migrated.execute(f"PRAGMA table_xinfo({t.name})") if r[6] in (2, 3)}
        assert hidden == set(t.generated), t.name
    assert TABLE["incidents"].generated


def test_an_undeclared_column_in_the_store_is_reported(migrated: sqlite3.Connection) -> None:
    migrated.execute("ALTER TABLE calls ADD COLUMN secret TEXT")
    assert schema.schema_problems(migrated) == ["schema: calls.secret is in the store but not declared"]


def test_a_declared_column_missing_from_the_store_is_reported(migrated: sqlite3.Connection) -> None:
    migrated.execute("ALTER TABLE callers DROP COLUMN flag")
    assert schema.schema_problems(migrated) == ["schema: callers.flag is declared but missing from the store"]


def test_a_type_or_not_null_that_differs_is_reported(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "x.sqlite")
    conn.execute("CREATE TABLE calls (id TEXT PRIMARY KEY, site_id INTEGER, started_at INTEGER)")
    problems = schema.schema_problems(conn)
    assert "schema: calls.site_id is INTEGER, declared TEXT" in problems
    assert "schema: calls.started_at should be NOT NULL" in problems
    assert "schema: calls.caller_number is declared but missing from the store" in problems
    assert "schema: table incidents is declared but missing from the store" in problems


def test_schema_lists_are_derived_from_the_declaration() -> None:
    assert schema.RECORD_TABLES["calls"] == TABLE["calls"].names
    assert set(schema.RECORD_TABLES) == {t.name for t in TABLES if t.kind == "record"}
    assert set(schema.APPEND_TABLES) == {t.name for t in TABLES if t.kind == "append"}
    assert ("incidents", "location") in schema.JSON_COLUMNS and ("calls", "notes") not in schema.JSON_COLUMNS
    assert {("incidents", "status")} == schema.FORWARD_ONLY


def test_codes_of_the_services_are_allowed_values() -> None:
    assert set(ROLES) <= tables.OPERATOR_ROLES
    assert set(STEPS) == tables.REFERRAL_STATUSES
    assert set(STEPS) | {"resent", "escalated", "reopened"} == tables.REFERRAL_EVENT_STEPS


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [
        ("calls", "notes", "api di pasar"),
        ("calls", "notes", None),
        ("calls", "started_at", 1_795_000_000_000),
        ("calls", "outcome", "ghost"),
        ("calls", "recording_duration_s", 12),
        ("incidents", "narrative", "é" * 16_000),  # 32,000 bytes
        ("incidents", "casualties", 0),
        ("incidents", "location", {"lat": -3.4, "lon": 114.8, "address": "Jl. A. Yani", "source": "map"}),
        ("agencies", "categories", ["fire", "medical"]),
        ("agencies", "active", True),
        ("agencies", "active", 0),
        ("conflicts", "remote_value", '"x"' * 10_000),
    ],
)
def test_values_that_fit(table: str, column: str, value: object) -> None:
    assert check_value(table, column, value) is None


@pytest.mark.parametrize(
    ("table", "column", "value", "problem"),
    [
        ("calls", "notes", {"evil": 1}, "expected text, got an object"),
        ("calls", "notes", [1, 2], "expected text, got a list"),
        ("calls", "notes", "x" * 40_000, "over the limit"),
        ("calls", "notes", "\ud800", "lone surrogate"),
        ("calls", "started_at", "x", "expected a time"),
        ("calls", "started_at", None, "a value is required"),
        ("calls", "started_at", 5, "outside"),
        ("calls", "started_at", 2**64, "outside"),
        ("calls", "outcome", "eaten", "not an allowed value"),
        ("calls", "recording_duration_s", float("nan"), "outside"),
        ("calls", "recording_duration_s", True, "expected a number"),
        ("incidents", "narrative", "é" * 17_000, "over the limit of 32768 bytes"),
        ("incidents", "casualties", True, "expected an integer"),
        ("incidents", "casualties", 1.5, "expected an integer"),
        ("incidents", "priority", "P9", "not an allowed value"),
        ("incidents", "location", "Martapura", "expected an object"),
        ("incidents", "location", {"lat": 300}, "lat: 300 is outside"),
        ("incidents", "location", {"address": {"x": 1}}, "address: expected text"),
        ("incidents", "location", {"x": 2**70}, "64-bit range"),
        ("calls", "device_location", {"a": [[[[[[[1]]]]]]]}, "nested deeper"),
        ("calls", "device_location", {"a": "x" * 70_000}, "over the limit"),
        ("agencies", "categories", ["fire", "arson"], "not an allowed value"),
        ("agencies", "active", 2, "expected a boolean"),
        ("calls", "nope", 1, "calls has no synced column 'nope'"),
        ("drafts", "payload", "x", "'drafts' is not a synced table"),
    ],
)
def test_values_that_do_not_fit(table: str, column: str, value: object, problem: str) -> None:
    found = check_value(table, column, value)
    assert found is not None and problem in found, found


def test_append_rows_are_checked_column_by_column() -> None:
    ok = {"incident_id": "i1", "at": 1_795_000_000_000, "operator": "op", "text": "api padam"}
    assert check_row("incident_notes", ok) is None
    assert check_row("incident_notes", {**ok, "text": {"x": 1}}) == ("text", "expected text, got an object")
    assert check_row("incident_notes", {**ok, "evil": 1}) == (
        "evil",
        "incident_notes has no synced column 'evil'",
    )
    assert check_row("incident_notes", "row")[0] == "*"  # type: ignore[index]
