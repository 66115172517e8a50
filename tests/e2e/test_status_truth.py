"""The status bar tells the truth about the hub (issue 13): a foreign server is never "Online", a joined
desk is never "Local only", and our hub is "Online" (the other side)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from operator_desk.app import create_desk
from operator_desk.domain.errors import ErrorCode
from operator_desk.store.store import Store
from operator_desk.ui.errors import error_label


@pytest.fixture
def foreign_server() -> Iterator[str]:
    """A web server that is not a hub: 404 pages in HTML, like a router's admin page or a proxy."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}"
    finally:
        srv.shutdown()
        srv.server_close()
        t.join(5)


def _joined(data: Path, url: str) -> None:
    from operator_desk.sync.cli import join

    store = Store(data / "desk.sqlite")
    try:
        join(store, url, "0190aaaa-aaaa-7aaa-8aaa-aaaaaaaaaaaa." + "x" * 43)
    finally:
        store.close()


def test_a_foreign_server_is_never_online(qtbot, tmp_path: Path, foreign_server: str) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "desk"
    _joined(data, foreign_server)
    desk = create_desk(data, call_source="manual", operator="Rina")
    qtbot.addWidget(desk.window)
    try:
        label = desk.ui.status.sync
        assert "Local only" not in label.text()  # joined: from the first moment
        qtbot.waitUntil(lambda: label.text() != "Joined — not yet synced", timeout=15000)
        assert label.text().startswith(error_label(ErrorCode.SYNC_NOT_OUR_HUB)), label.text()
        assert "Online" not in label.text() and "<" not in label.text()
        assert "bold" in label.styleSheet()
        assert desk.core.sync is not None and not desk.core.sync.status.online
    finally:
        desk.close()


def test_our_hub_is_online(qtbot, tmp_path: Path, hub: tuple[str, Path]) -> None:  # type: ignore[no-untyped-def]
    from hub_helpers import enrol

    url, hub_dir = hub
    data = tmp_path / "desk"
    enrol(hub_dir, url, data, "Desk A")
    desk = create_desk(data, call_source="manual", operator="Rina")
    qtbot.addWidget(desk.window)
    try:
        qtbot.waitUntil(lambda: desk.ui.status.sync.text().startswith("Online"), timeout=15000)
    finally:
        desk.close()
