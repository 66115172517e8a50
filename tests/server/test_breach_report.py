"""The breach report (UU PDP Pasal 46) and the hub's retention job, on SQLite and PostgreSQL: what a
lost desk held is what it pushed and what it pulled up to its last cursor; the job redacts the log,
the merged state and what arrives later."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from operator_desk.domain import retention as r
from operator_desk.server.breach import breach_report
from operator_desk.server.core import SyncServer
from operator_desk.server.retention import read_policy, run_once, write_policy
from operator_desk.server.storage import Storage

NOW = int(time.time() * 1000)
DAY = 24 * 3600 * 1000
SERVER = [sys.executable, "-m", "operator_desk.server.cli"]


def ch(seq: int, pk: str, col: str, value: Any, tbl: str = "calls", ms: int = NOW) -> dict[str, Any]:
    return {"site_id": None, "site_seq": seq, "hlc": f"{ms:013d}-{seq:05d}", "tbl": tbl, "pk": pk, "col": col,
            "value": value, "base_hlc": None, "operator": None}


def a_call(seq: int, pk: str, number: str, days: float = 0, outcome: str = "prank") -> list[dict[str, Any]]:
    started = NOW - int(days * DAY)
    return [ch(seq, pk, "caller_number", number), ch(seq + 1, pk, "caller_raw", "0" + number[3:]),
            ch(seq + 2, pk, "started_at", started), ch(seq + 3, pk, "outcome", outcome),
            ch(seq + 4, pk, "notes", f"catatan {number}")]


def sites(server: SyncServer, *names: str) -> list[Any]:
    out = []
    for name in names:
        site = server.storage.get_site(server.enroll(name)["site_id"])
        assert site is not None
        out.append(site)
    return out


def test_breach_report_lists_what_the_desk_pushed_and_pulled(make_storage: Callable[[str], Storage]) -> None:
    server = SyncServer(make_storage("hub"))
    a, b, lost = sites(server, "desk A", "desk B", "desk C")
    server.push(a, {"changes": [*a_call(1, "call-a", "+6281200000001"),
                                ch(6, "card-a", "number", "+6281200000001", "callers"),
                                ch(7, "card-a", "name", "Budi Santoso", "callers")]})
    server.push(lost, {"changes": a_call(1, "call-c", "+6281200000003")})
    page = server.pull(lost, 0, 1000)  # the lost desk has pulled A's changes ...
    assert page["changes"]
    server.push(b, {"changes": a_call(1, "call-b", "+6281200000002")})  # ... but not B's, made later
    report = breach_report(server.storage, lost.site_id, lost.name)
    numbers = [c["number"] for c in report["callers"]]
    assert numbers == ["0812-****-0001", "0812-****-0003"], numbers  # masked by default
    assert report["masked"] is True and report["counts"]["callers"] == 2
    assert report["counts"]["calls"] == 2 and report["counts"]["named_callers"] == 1
    card = report["callers"][0]
    assert card["names"] == ["B. S."] and card["caller_card"] is True and card["calls"] == 1
    assert report["counts"]["changes_pushed"] == 5 and report["counts"]["changes_pulled"] == 7
    full = breach_report(server.storage, lost.site_id, lost.name, unmasked=True)
    assert [c["number"] for c in full["callers"]] == ["+6281200000001", "+6281200000003"]
    assert full["callers"][0]["names"] == ["Budi Santoso"]
    # the other side: a desk that never pulled held only its own; B's report has B's number only
    only_b = breach_report(server.storage, b.site_id, b.name, unmasked=True)
    assert [c["number"] for c in only_b["callers"]] == ["+6281200000002"]
    # --since: only what reached the hub since then
    assert breach_report(server.storage, lost.site_id, lost.name, since_ms=NOW + DAY)["counts"]["callers"] == 0
    json.dumps(report)  # JSON-ready


def test_the_hub_job_redacts_its_log_and_what_comes_later(make_storage: Callable[[str], Storage]) -> None:
    server = SyncServer(make_storage("hub"))
    (a,) = sites(server, "desk A")
    assert run_once(server, None)["redactions"] == 0 and read_policy(server.storage).pseudonym_key is None
    server.push(a, {"changes": [*a_call(1, "old", "+6281300000001", days=100),
                                *a_call(6, "new", "+6281300000002", days=2),
                                *a_call(11, "sos", "+6281300000003", days=100, outcome="emergency")]})
    out = run_once(server, None)
    assert out["redactions"] == 1 and out["by_kind"] == {"calls:call_expired": 1}
    policy = read_policy(server.storage)
    assert policy.pseudonym_key and policy.calls_days == 90  # made when something first fell due
    alias = r.pseudonym(policy.pseudonym_key, "+6281300000001")
    log = json.dumps(list(server.storage.iter_log()))
    assert "1300000001" not in log and "catatan +6281300000001" not in log
    assert "+6281300000002" in log and "+6281300000003" in log  # not due: untouched
    state = server.storage.materialize()["calls"]
    assert state["old"]["caller_number"] == state["old"]["caller_raw"] == alias and "notes" not in state["old"]
    assert state["new"]["caller_number"] == "+6281300000002"
    # a change carrying the old value, pushed again later (any clock): logged and merged redacted
    server.push(a, {"changes": [ch(16, "old", "notes", "lagi +6281300000001", ms=NOW + 1000),
                                ch(17, "old", "caller_number", "+6281300000001", ms=NOW - 100 * DAY)]})
    state = server.storage.materialize()["calls"]
    assert state["old"]["caller_number"] == alias and "notes" not in state["old"]
    assert "1300000001" not in json.dumps(list(server.storage.iter_log()))
    assert run_once(server, None)["redactions"] == 0  # each redaction once
    report = breach_report(server.storage, a.site_id, a.name)
    assert report["counts"]["pseudonymised_numbers"] == 1 and report["counts"]["callers"] == 2
    # settings: checked, synced as the hub's own change
    assert write_policy(server, {"calls_days": 30}, "Admin").calls_days == 30
    try:
        write_policy(server, {"calls_days": 0}, "Admin")
    except ValueError as exc:
        assert "calls_days" in str(exc)
    else:
        raise AssertionError("calls_days 0 accepted")


def test_breach_report_command(tmp_path: Path) -> None:
    hub = tmp_path / "hub"

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*SERVER, *args, "--data-dir", str(hub)], capture_output=True, text=True, timeout=60)

    assert cli("enroll", "--site", "desk C").returncode == 0
    out = cli("breach-report", "--site", "desk C")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["counts"]["callers"] == 0
    bad = cli("breach-report", "--site", "desk Z")
    assert bad.returncode == 2 and "desk Z" in bad.stderr and "Traceback" not in bad.stderr
    bad = cli("breach-report", "--site", "desk C", "--since", "kemarin")
    assert bad.returncode == 2 and "--since" in bad.stderr
    out = cli("retention", "show")
    assert out.returncode == 0 and json.loads(out.stdout)["calls_days"] == 90
    bad = cli("retention", "set", "--calls-days", "-4")
    assert bad.returncode == 2 and "calls_days" in bad.stderr
