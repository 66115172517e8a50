"""Schema migrations (sqlite-utils >= 4 `Migrations`). Append new functions; never edit applied ones."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("operator_desk")


@migrations()
def m001_core(db: Database) -> None:
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    db.execute(
        """CREATE TABLE calls (
            id TEXT PRIMARY KEY, site_id TEXT, caller_number TEXT, caller_raw TEXT, source TEXT,
            started_at INTEGER NOT NULL, answered_at INTEGER, ended_at INTEGER, outcome TEXT,
            incident_id TEXT, operator TEXT, notes TEXT, device_location TEXT)"""
    )
    db.execute("CREATE INDEX calls_started ON calls(started_at, id)")
    db.execute("CREATE INDEX calls_number ON calls(caller_number, started_at)")
    db.execute("CREATE INDEX calls_outcome ON calls(outcome, started_at, id)")
    db.execute("CREATE INDEX calls_incident ON calls(incident_id)")
    db.execute(
        "CREATE TABLE callers (id TEXT PRIMARY KEY, number TEXT UNIQUE, name TEXT, notes TEXT, flag TEXT)"
    )
    db.execute(
        """CREATE TABLE incidents (
            id TEXT PRIMARY KEY, number TEXT, site_id TEXT, category TEXT, priority TEXT,
            status TEXT NOT NULL DEFAULT 'new', location TEXT, caller_name TEXT, caller_number TEXT,
            narrative TEXT, casualties INTEGER, disposition TEXT, created_at INTEGER, updated_at INTEGER,
            created_by TEXT, updated_by TEXT,
            lat REAL GENERATED ALWAYS AS (json_extract(location, '$.lat')) VIRTUAL,
            lon REAL GENERATED ALWAYS AS (json_extract(location, '$.lon')) VIRTUAL,
            desa_code TEXT GENERATED ALWAYS AS (json_extract(location, '$.desa_code')) VIRTUAL,
            kecamatan_code TEXT GENERATED ALWAYS AS (json_extract(location, '$.kecamatan_code')) VIRTUAL)"""
    )
    db.execute("CREATE INDEX incidents_status ON incidents(status, created_at)")
    db.execute("CREATE INDEX incidents_created ON incidents(created_at)")
    db.execute("CREATE INDEX incidents_number ON incidents(number)")
    db.execute(
        """CREATE TABLE incident_notes (id TEXT PRIMARY KEY, incident_id TEXT, at INTEGER,
            operator TEXT, text TEXT)"""
    )
    db.execute("CREATE INDEX incident_notes_incident ON incident_notes(incident_id, at)")
    db.execute(
        """CREATE TABLE status_events (id TEXT PRIMARY KEY, incident_id TEXT, status_from TEXT,
            status_to TEXT, at INTEGER, operator TEXT)"""
    )
    db.execute("CREATE INDEX status_events_incident ON status_events(incident_id, at)")
    db.execute(
        """CREATE TABLE agencies (id TEXT PRIMARY KEY, name TEXT, kind TEXT, phone TEXT, radio TEXT,
            whatsapp TEXT, categories TEXT, kecamatan_codes TEXT, ack_minutes INTEGER,
            arrive_minutes INTEGER, active INTEGER DEFAULT 1)"""
    )
    db.execute(
        """CREATE TABLE referrals (id TEXT PRIMARY KEY, incident_id TEXT, agency_id TEXT, sent_at INTEGER,
            acknowledged_at INTEGER, on_scene_at INTEGER, feedback_at INTEGER, closed_at INTEGER,
            feedback TEXT, status TEXT, operator TEXT, escalated_to TEXT)"""
    )
    db.execute("CREATE INDEX referrals_incident ON referrals(incident_id)")
    db.execute(
        """CREATE TABLE referral_events (id TEXT PRIMARY KEY, referral_id TEXT, step TEXT, at INTEGER,
            operator TEXT, detail TEXT)"""
    )
    db.execute("CREATE INDEX referral_events_referral ON referral_events(referral_id, at)")
    db.execute("CREATE TABLE operators (id TEXT PRIMARY KEY, name TEXT, role TEXT, active INTEGER DEFAULT 1)")
    db.execute(
        """CREATE TABLE landmarks (id TEXT PRIMARY KEY, name TEXT, kind TEXT, lat REAL, lon REAL,
            desa_code TEXT, kecamatan_code TEXT, created_by TEXT, created_at INTEGER)"""
    )
    db.execute(
        """CREATE TABLE shift_handovers (id TEXT PRIMARY KEY, operator TEXT, started_at INTEGER,
            ended_at INTEGER, notes TEXT, open_items TEXT)"""
    )
    # Sync bookkeeping (local only).
    db.execute(
        """CREATE TABLE outbox (site_seq INTEGER PRIMARY KEY AUTOINCREMENT, site_id TEXT NOT NULL,
            hlc TEXT NOT NULL, tbl TEXT NOT NULL, pk TEXT NOT NULL, col TEXT NOT NULL, value TEXT,
            base_hlc TEXT, operator TEXT, pushed INTEGER NOT NULL DEFAULT 0)"""
    )
    db.execute("CREATE INDEX outbox_unpushed ON outbox(pushed, site_seq)")
    db.execute(
        """CREATE TABLE field_clock (tbl TEXT NOT NULL, pk TEXT NOT NULL, col TEXT NOT NULL,
            hlc TEXT NOT NULL, site_id TEXT NOT NULL, PRIMARY KEY (tbl, pk, col)) WITHOUT ROWID"""
    )
    db.execute(
        """CREATE TABLE conflicts (id TEXT PRIMARY KEY, tbl TEXT, pk TEXT, col TEXT, local_value TEXT,
            local_hlc TEXT, remote_value TEXT, remote_hlc TEXT, remote_site TEXT, detected_at INTEGER,
            resolved_at INTEGER, resolved_by TEXT, resolution TEXT)"""
    )
    # Append-only audit trail, hash-chained per site.
    db.execute(
        """CREATE TABLE audit (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE, at INTEGER,
            site_id TEXT, operator TEXT, action TEXT, tbl TEXT, pk TEXT, detail TEXT,
            prev_hash TEXT, hash TEXT)"""
    )
    db.execute(
        "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END"
    )
    db.execute(
        "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END"
    )
    db.execute(
        """CREATE TABLE drafts (id TEXT PRIMARY KEY, kind TEXT, ref_id TEXT, payload TEXT,
            operator TEXT, updated_at INTEGER)"""
    )


@migrations()
def m002_search(db: Database) -> None:
    """Full-text search of the call log: numbers as substrings (trigram), names and notes."""
    db.execute(
        """CREATE VIRTUAL TABLE calls_fts USING fts5(
            caller_number, caller_raw, notes, content='calls', content_rowid='rowid', tokenize='trigram')"""
    )
    db.execute(
        """CREATE TRIGGER calls_fts_ai AFTER INSERT ON calls BEGIN
            INSERT INTO calls_fts(rowid, caller_number, caller_raw, notes)
            VALUES (new.rowid, new.caller_number, new.caller_raw, new.notes); END"""
    )
    db.execute(
        """CREATE TRIGGER calls_fts_au AFTER UPDATE OF caller_number, caller_raw, notes ON calls BEGIN
            INSERT INTO calls_fts(calls_fts, rowid, caller_number, caller_raw, notes)
            VALUES ('delete', old.rowid, old.caller_number, old.caller_raw, old.notes);
            INSERT INTO calls_fts(rowid, caller_number, caller_raw, notes)
            VALUES (new.rowid, new.caller_number, new.caller_raw, new.notes); END"""
    )
    db.execute(
        """CREATE VIRTUAL TABLE incidents_fts USING fts5(
            number, narrative, caller_name, content='incidents', content_rowid='rowid', tokenize='trigram')"""
    )
    db.execute(
        """CREATE TRIGGER incidents_fts_ai AFTER INSERT ON incidents BEGIN
            INSERT INTO incidents_fts(rowid, number, narrative, caller_name)
            VALUES (new.rowid, new.number, new.narrative, new.caller_name); END"""
    )
    db.execute(
        """CREATE TRIGGER incidents_fts_au AFTER UPDATE OF number, narrative, caller_name ON incidents BEGIN
            INSERT INTO incidents_fts(incidents_fts, rowid, number, narrative, caller_name)
            VALUES ('delete', old.rowid, old.number, old.narrative, old.caller_name);
            INSERT INTO incidents_fts(rowid, number, narrative, caller_name)
            VALUES (new.rowid, new.number, new.narrative, new.caller_name); END"""
    )


@migrations()
def m003_shifts_and_referral_timers(db: Database) -> None:
    """Shifts on the desk (a record: started, then ended) and the timers of re-sent / reopened referrals.

    `resent_at` restarts the acknowledge timer without losing the first `sent_at` the statistics measure
    from; `reopened_at` marks a referral reopened after it was closed (counted once in the statistics).
    """
    db.execute(
        """CREATE TABLE shifts (id TEXT PRIMARY KEY, operator TEXT, site_id TEXT, started_at INTEGER,
            ended_at INTEGER, handover_id TEXT)"""
    )
    db.execute("CREATE INDEX shifts_open ON shifts(ended_at, started_at)")
    for col in ("resent_at", "resend_count", "reopened_at", "reopen_count"):
        db.execute(f"ALTER TABLE referrals ADD COLUMN {col} INTEGER")
    db.execute("CREATE INDEX referrals_sent ON referrals(sent_at)")
    db.execute("CREATE INDEX referrals_status ON referrals(status)")
    db.execute("CREATE INDEX shift_handovers_ended ON shift_handovers(ended_at)")


@migrations()
def m003_sync(db: Database) -> None:
    """Conflicts become a synced record table: keep the site of the older write too; index open ones."""
    db.execute("ALTER TABLE conflicts ADD COLUMN local_site TEXT")
    db.execute("CREATE INDEX conflicts_open ON conflicts(resolved_at, detected_at)")


@migrations()
def m010_recordings(db: Database) -> None:
    """Call recordings in the call record, device locations (AML / PIDF-LO) as an append-only log.

    `device_locations.time` is the fix time as UTC ISO 8601 text (as the parsers report it);
    `received_at` is epoch ms. `recording_uploads` is local only: which recordings the hub holds.
    """
    for col, kind in (
        ("recording_path", "TEXT"),
        ("recording_duration_s", "REAL"),
        ("recording_sha256", "TEXT"),
    ):
        db.execute(f"ALTER TABLE calls ADD COLUMN {col} {kind}")
    db.execute(
        """CREATE TABLE device_locations (id TEXT PRIMARY KEY, number TEXT, lat REAL, lon REAL,
            radius_m REAL, time TEXT, method TEXT, source TEXT, received_at INTEGER, call_id TEXT)"""
    )
    db.execute("CREATE INDEX device_locations_number ON device_locations(number, received_at)")
    db.execute("CREATE INDEX device_locations_call ON device_locations(call_id)")
    db.execute(
        """CREATE TABLE recording_uploads (call_id TEXT PRIMARY KEY, sha256 TEXT NOT NULL,
            uploaded_at INTEGER NOT NULL)"""
    )


@migrations()
def m011_quarantine(db: Database) -> None:
    """Pulled changes that do not fit the table declaration, set aside instead of applied (local only).

    `change` is the raw change as JSON text (ASCII-escaped, cut at 64 KB: `truncated` = 1) and
    `digest` its SHA-256 (a re-delivered change is kept once); `reason` names the field and the
    problem; site_id/site_seq/server_seq are its origin and position when it had usable ones (a
    snapshot's changes carry site_seq 0).
    """
    db.execute(
        """CREATE TABLE quarantine (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL,
            digest TEXT NOT NULL UNIQUE, site_id TEXT, site_seq INTEGER, server_seq INTEGER, tbl TEXT,
            col TEXT, field TEXT, reason TEXT NOT NULL, change TEXT NOT NULL,
            truncated INTEGER NOT NULL DEFAULT 0)"""
    )


@migrations()
def m012_accounts(db: Database) -> None:
    """Log-in accounts (a synced record table: argon2id hashes only, never a password) and, local only,
    the failed log-ins of each account at this desk (5 in a row lock it for a while)."""
    db.execute(
        """CREATE TABLE accounts (id TEXT PRIMARY KEY, name TEXT, role TEXT, password_hash TEXT,
            disabled INTEGER, must_change INTEGER, changed_at INTEGER)"""
    )
    db.execute("CREATE INDEX accounts_name ON accounts(name)")
    db.execute(
        """CREATE TABLE login_failures (account_id TEXT PRIMARY KEY, failures INTEGER NOT NULL DEFAULT 0,
            locked_until INTEGER)"""
    )


@migrations()
def m013_tamper_evidence(db: Database) -> None:
    """Tamper evidence (domain/audit.py): audit rows sync and vouch for the outbox rows of their commit.

    - `audit.covers`: the digest of the outbox rows an audit row covers (hashed into its `hash`).
    - `field_clock.vhash`: for a field taken from a pulled change, a digest of the value as stored, so
      that `check` sees a later direct edit (own fields are compared with their outbox row instead).
    - `outbox(hlc)`: `check` finds the winning outbox row of each own field by its clock.
    - Every audit row already in the store goes into the outbox (oldest first, clocks after the last
      one used), so the hub receives the whole chain; pulled fields get their digest from the values
      held now.
    """
    import json

    from ..domain.audit import cell_digest
    from ..domain.hlc import Hlc
    from ..domain.tables import TABLES

    db.execute("ALTER TABLE audit ADD COLUMN covers TEXT")
    db.execute("ALTER TABLE field_clock ADD COLUMN vhash TEXT")
    db.execute("CREATE INDEX outbox_hlc ON outbox(hlc)")
    conn = db.conn
    row = conn.execute("SELECT value FROM meta WHERE key='site_id'").fetchone()
    if row is None:
        return  # a new store: nothing written yet
    site_id = row[0]
    clocks = [
        r[0]
        for r in (
            conn.execute("SELECT value FROM meta WHERE key='hlc'").fetchone(),
            conn.execute("SELECT max(hlc) FROM outbox").fetchone(),
        )
        if r is not None and r[0]
    ]
    last = max((Hlc.decode(c) for c in clocks), default=Hlc(0, 0))
    cols = ("at", "site_id", "operator", "action", "tbl", "pk", "detail", "prev_hash", "hash", "covers")
    rows = []
    for i, r in enumerate(conn.execute(f"SELECT id, operator, {', '.join(cols)} FROM audit ORDER BY seq")):
        hlc = Hlc(last.ms + 1 + i // 90_000, i % 90_000).encode()  # counter stays within its 5 digits
        value = json.dumps(dict(zip(cols, r[2:], strict=True)), ensure_ascii=False)
        rows.append((site_id, hlc, "audit", r[0], "*", value, None, r[1]))
    if rows:
        conn.executemany(
            "INSERT INTO outbox (site_id, hlc, tbl, pk, col, value, base_hlc, operator) VALUES (?,?,?,?,?,?,?,?)",
            rows,
        )
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('hlc', ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
            (rows[-1][1],),
        )
    top = conn.execute("SELECT max(site_seq) FROM outbox").fetchone()[0]
    conn.execute(  # outbox rows before this one were written before audit rows covered them
        "INSERT INTO meta (key, value) VALUES ('audit_covered_from', ?) "
        "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
        (str((top or 0) + 1),),
    )
    conn.create_function("od_cell_digest", 1, cell_digest, deterministic=True)
    for t in TABLES:
        if t.kind != "record":
            continue
        for c in t.columns:
            conn.execute(
                f"UPDATE field_clock SET vhash = (SELECT od_cell_digest(x.{c.name}) FROM {t.name} x "
                "WHERE x.id = field_clock.pk) WHERE tbl=? AND col=? AND site_id != ?",
                (t.name, c.name, site_id),
            )


@migrations()
def m016_incident_work(db: Database) -> None:
    """Working an incident after its first save (services/incident_edit.py, services/timeline.py).

    - `incidents.merged_into`: the incident a supervisor merged this one into (both keep their rows).
    - `outbox(tbl, pk)` and `audit(tbl, pk)`: the timeline reads one incident's own changes (every value
      it ever held on this desk) and its audit rows (other desks' edits carry old → new) by key.
    """
    db.execute("ALTER TABLE incidents ADD COLUMN merged_into TEXT")
    db.execute("CREATE INDEX incidents_merged ON incidents(merged_into)")
    db.execute("CREATE INDEX outbox_pk ON outbox(tbl, pk)")
    db.execute("CREATE INDEX audit_pk ON audit(tbl, pk)")


@migrations()
def m014_retention(db: Database) -> None:
    """Retention (domain/retention.py): the synced policy row and the synced redactions, and, local
    only, which outbox rows a redaction scrubbed (`check` accepts their audit covers, services/check.py)."""
    db.execute(
        """CREATE TABLE retention_policy (id TEXT PRIMARY KEY, calls_days INTEGER, recordings_days INTEGER,
            incidents_years INTEGER, pseudonym_key TEXT, updated_by TEXT, updated_at INTEGER)"""
    )
    db.execute(
        """CREATE TABLE redactions (id TEXT PRIMARY KEY, tbl TEXT, pk TEXT, fields TEXT, reason TEXT,
            at INTEGER, redacted_by TEXT)"""
    )
    db.execute("CREATE INDEX redactions_target ON redactions(tbl, pk)")
    db.execute(
        """CREATE TABLE redacted_outbox (site_seq INTEGER PRIMARY KEY, redaction_id TEXT NOT NULL)"""
    )


@migrations()
def m017_referral_messages(db: Database) -> None:
    """The message that reached the agency, on the referral (services/referral_messages.py): channel,
    number, status (copied, opened, queued, sent, failed), why it failed, when, the gateway's file and the
    text as sent. `sms_inbound` (local only): every SMS the gateway received (services/sms_gateway.py),
    applied to a referral step or left for the operator (`state` applied / unmatched / duplicate /
    dismissed, `reason` why it was not applied); `file` is its name in the gateway's inbox (read once).
    """
    for col, kind in (
        ("message_channel", "TEXT"),
        ("message_to", "TEXT"),
        ("message_status", "TEXT"),
        ("message_error", "TEXT"),
        ("message_at", "INTEGER"),
        ("message_sent_at", "INTEGER"),
        ("message_ref", "TEXT"),
        ("message_text", "TEXT"),
    ):
        db.execute(f"ALTER TABLE referrals ADD COLUMN {col} {kind}")
    db.execute("CREATE INDEX referrals_message ON referrals(message_status)")
    db.execute(
        """CREATE TABLE sms_inbound (id INTEGER PRIMARY KEY AUTOINCREMENT, file TEXT NOT NULL UNIQUE,
            received_at INTEGER NOT NULL, sender TEXT, text TEXT, state TEXT NOT NULL, reason TEXT,
            referral_id TEXT, step TEXT, handled_by TEXT, handled_at INTEGER)"""
    )
    db.execute("CREATE INDEX sms_inbound_state ON sms_inbound(state, received_at)")


@migrations()
def m018_check_indexes(db: Database) -> None:
    """`check` stays linear in the store's size (services/check.py).

    `outbox(tbl, pk, col, hlc)`: the winning outbox row of a field is one index seek by its four keys
    (the field-clock join and the "field clock without its outbox change" test). Without it SQLite
    searched `outbox_pk (tbl, pk)` and scanned every row of that record for each of its fields:
    quadratic in the changes of one record (an agency, an account, a long incident).
    """
    db.execute("CREATE INDEX IF NOT EXISTS outbox_field ON outbox(tbl, pk, col, hlc)")


@migrations()
def m015_incident_fields(db: Database) -> None:
    """The fields an operator needs (issue 16, form16): a call-back number apart from the caller ID, the
    event's time apart from the report's, victims by condition (NULL: not known, 0: none), the caller's
    relation and the report's source. RT/RW, gang and the kabupaten/kota live in `location` (one value)."""
    for col, kind in (
        ("callback_number", "TEXT"),
        ("occurred_at", "INTEGER"),
        ("victims_dead", "INTEGER"),
        ("victims_severe", "INTEGER"),
        ("victims_minor", "INTEGER"),
        ("victims_unknown", "INTEGER"),
        ("caller_relation", "TEXT"),
        ("report_source", "TEXT"),
    ):
        db.execute(f"ALTER TABLE incidents ADD COLUMN {col} {kind}")
