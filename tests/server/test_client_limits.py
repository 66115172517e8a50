"""The sync client against the hub's limits: a push over the body limit goes again in halves, in
order; a 429 carries its Retry-After; a 503 counts as offline (retry with backoff)."""

from __future__ import annotations

import time
import warnings
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from operator_desk.server import limits
from operator_desk.server.app import create_app
from operator_desk.server.auth import cheap_hasher
from operator_desk.server.core import SyncServer
from operator_desk.server.sqlite_backend import SqliteStorage
from operator_desk.sync import protocol as p
from operator_desk.sync.client import HttpSyncClient, SyncRejected

NOW = int(time.time() * 1000)
pytestmark = pytest.mark.filterwarnings("ignore::starlette.exceptions.StarletteDeprecationWarning")  # a client timeout


def change(seq: int) -> dict[str, Any]:
    return {
        "site_id": None, "site_seq": seq, "hlc": f"{NOW:013d}-{seq:05d}", "tbl": "callers", "pk": f"p{seq}",
        "col": "notes", "value": "x" * 900, "base_hlc": None, "operator": "Rina",
    }  # fmt: skip


def test_a_push_over_the_body_limit_goes_in_halves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server = SyncServer(SqliteStorage(tmp_path / "hub"), hasher=cheap_hasher())
    token = server.enroll("desk A")["token"]
    monkeypatch.setattr(limits, "MAX_PUSH_BODY", 20_000)
    with TestClient(create_app(server), base_url="http://hub") as http:
        client = HttpSyncClient("http://hub", token, client=http)
        changes = [change(i) for i in range(1, 61)]  # ~60 KB
        out = client.push_encoded(p.encode_changes([p.json_text(c) for c in changes]))
        assert out["accepted"] == 60 and out["duplicates"] == 0
        assert [c["site_seq"] for c in server.storage.iter_log()] == list(range(1, 61))  # in order
        with pytest.raises(SyncRejected) as too_big:
            client.push([{**change(61), "value": "y" * 30_000}])  # one change alone over the limit
        assert too_big.value.status == 413 and too_big.value.code == "too_large"
        bad = HttpSyncClient("http://hub", f"{server.enroll('desk B')['site_id']}.wrong", client=http)
        codes = []
        for _ in range(8):
            try:
                bad.status()
            except SyncRejected as exc:
                codes.append((exc.status, exc.retry_after))
        assert codes[0] == (401, None) and codes[-1][0] == 429 and (codes[-1][1] or 0) >= 1
    server.storage.close()
