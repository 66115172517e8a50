"""`operator-desk-server check`: is the hub's log whole? One pass over the log in (site, site_seq) order.

- every log row is a valid change (sync/protocol.validate_change: its table's declaration);
- every audit row hashes to its own `hash` and links to the previous row of its chain;
- every audit row's `covers` digest equals the digest of the site's log rows since its previous audit
  row (the desk's outbox rows of that commit, as the hub logged them or set them aside as refused):
  an edited log row is caught;
- the stored Merkle tree of each site (`audit_tree`) equals the one recomputed from the log;
- every merged field (`field_state`) holds the value of its winning log change.
"""

from __future__ import annotations

import json
from typing import Any

from ..domain.audit import Frontier, leaf_of, outbox_digest
from ..sync import protocol as p
from .storage import Storage

MAX_LISTED = 20


def check_hub(storage: Storage) -> dict[str, Any]:
    problems: list[str] = []
    counts = {"log": 0, "refused": 0, "invalid": 0, "audit": 0, "covered": 0, "uncovered": 0, "sites": 0}

    def problem(text: str) -> None:
        if len(problems) < MAX_LISTED:
            problems.append(text)
        elif len(problems) == MAX_LISTED:
            problems.append("more problems not listed")

    trees: dict[str, Frontier] = {}
    winners: dict[tuple[str, str, str], tuple[str, str, str | None]] = {}
    with storage.read_tx() as cur:
        redacted = _redacted(cur)
        cur.execute(  # with the changes the hub set aside: a desk's audit row covers them too
            "SELECT site_id, site_seq, hlc, tbl, pk, col, value, base_hlc, operator, server_seq FROM log "
            "UNION ALL SELECT site_id, site_seq, hlc, tbl, pk, col, value, base_hlc, operator, NULL FROM refused "
            "ORDER BY 1, 2"
        )
        site: str | None = None
        pending: list[tuple[Any, ...]] = []
        heads: dict[str, str] = {}
        for row in cur:
            sid, seq, hlc, tbl, pk, col, text, base, operator, server_seq = row
            if sid != site:
                site, pending = sid, []
            if server_seq is None:  # set aside (refused): never merged, but covered
                counts["refused"] += 1
                pending.append((hlc, tbl, pk, col, text, base, operator))
                continue
            counts["log"] += 1
            try:
                value = json.loads(text) if text is not None else None
                ch = p.validate_change(
                    {
                        "site_id": sid,
                        "site_seq": int(seq),
                        "hlc": hlc,
                        "tbl": tbl,
                        "pk": pk,
                        "col": col,
                        "value": value,
                        "base_hlc": base,
                        "operator": operator,
                    },
                    need_origin=True,
                )
            except (ValueError, p.ProtocolError) as exc:
                counts["invalid"] += 1
                problem(f"log row {server_seq} ({sid} #{seq}): {exc}")
                continue
            if tbl != "audit":
                pending.append((hlc, tbl, pk, col, text, base, operator))
                if p.is_record(tbl):
                    key = (tbl, pk, col)
                    best = winners.get(key)
                    if best is None or p.wins((hlc, sid), (best[0], best[1])):
                        winners[key] = (hlc, sid, text)
                continue
            counts["audit"] += 1
            audit = ch["value"]
            chain = str(audit.get("site_id"))
            prev = heads.get(chain, "")
            if audit["prev_hash"] not in ("", prev):
                problem(f"audit chain of {chain} broken at log row {server_seq} ({sid} #{seq})")
            heads[chain] = audit["hash"]
            trees.setdefault(sid, Frontier()).append(leaf_of(audit["hash"]))
            covers = audit.get("covers")
            if covers is None:
                counts["uncovered"] += len(pending)
            else:
                try:
                    want = json.loads(covers)
                    ok = want["n"] == len(pending) and want["sha256"] == outbox_digest(pending)
                except (ValueError, KeyError, TypeError):
                    ok = False
                if ok:
                    counts["covered"] += len(pending)
                elif not _redacted_cover(redacted, covers, pending):
                    problem(
                        f"log rows of {sid} before #{seq} do not match the digest their audit row covers "
                        "(a log row was edited, added or removed)"
                    )
            pending = []
        cur.execute("SELECT site_id, size, frontier FROM audit_tree")
        stored = {r[0]: (int(r[1]), Frontier.loads(r[2]).root()) for r in cur.fetchall()}
        cur.execute("SELECT tbl, pk, col, hlc, site_id, value FROM field_state")
        state = cur.fetchall()
    for sid in sorted(set(trees) | set(stored)):
        tree = trees.get(sid, Frontier())
        kept = stored.get(sid)
        if not (kept is None and tree.size == 0) and kept != (tree.size, tree.root()):
            problem(
                f"audit tree of site {sid}: stored {stored.get(sid)} but the log gives {(tree.size, tree.root())}"
            )
    counts["sites"] = len(trees)
    fields = 0
    for tbl, pk, col, hlc, sid, text in state:
        fields += 1
        best = winners.get((tbl, pk, col))
        if best is None:
            problem(f"field_state {tbl} {pk} {col}: no change in the log wrote it")
        elif (best[0], best[1]) != (hlc, sid):
            problem(
                f"field_state {tbl} {pk} {col}: clock {hlc}/{sid}, the log's winner is {best[0]}/{best[1]}"
            )
        elif not p.is_forward_only(tbl, col) and _loads(best[2]) != _loads(text):
            problem(f"field_state {tbl} {pk} {col}: value differs from its winning log change")
    counts["fields"] = fields
    return {
        "ok": not problems,
        "checks": counts,
        "trees": {sid: {"size": t.size, "root_hash": t.root()} for sid, t in sorted(trees.items())},
        "problems": problems,
    }


def _redacted(cur: Any) -> dict[tuple[str, str], dict[str, Any]]:
    """{(tbl, pk): {col: replacement}} of every redaction the hub applied (server/ingest.py)."""
    cur.execute("SELECT tbl, pk, col, value FROM redacted")  # made by Storage._migrate
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for tbl, pk, col, value in cur.fetchall():
        out.setdefault((tbl, pk), {})[col] = _loads(value)
    return out


def _redacted_cover(
    redacted: dict[tuple[str, str], dict[str, Any]], covers: str, pending: list[tuple[Any, ...]]
) -> bool:
    """The redaction rule (as services/check.py on a desk): a redaction rewrote log rows, so their audit
    row's digest cannot be recomputed. Accepted when the cover counts as many rows, with the same first
    and last clock, and one of them carries exactly what a redaction the hub holds sets."""
    try:
        want = json.loads(covers)
        if want["n"] != len(pending) or (
            pending and (want["first"], want["last"]) != (pending[0][0], pending[-1][0])
        ):
            return False
    except (ValueError, KeyError, TypeError):
        return False
    for _hlc, tbl, pk, col, text, _base, _op in pending:
        fields = redacted.get((tbl, pk))
        if not fields:
            continue
        value = _loads(text)
        if col == "*":
            if isinstance(value, dict) and any(c in value and value[c] == v for c, v in fields.items()):
                return True
        elif col in fields and value == fields[col]:
            return True
    return False


def _loads(text: str | None) -> Any:
    try:
        return json.loads(text) if text is not None else None
    except ValueError:
        return text
