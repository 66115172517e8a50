"""The one writer runs an operator's (interactive) writes before queued bookkeeping (background)."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from operator_desk.store.database import StoreError
from operator_desk.store.store import Store
from operator_desk.store.tx import Tx
from operator_desk.store.writer import Writer


@pytest.fixture
def writer(tmp_path: Path):  # type: ignore[no-untyped-def]
    w = Writer(lambda: sqlite3.connect(tmp_path / "w.sqlite", isolation_level=None, check_same_thread=False))
    yield w
    w.close()


def _blocker(w: Writer, background: bool = True) -> tuple[threading.Event, threading.Event]:
    """A job that holds the writer until released; returns (started, release)."""
    started, release = threading.Event(), threading.Event()

    def job(conn: sqlite3.Connection) -> None:
        started.set()
        assert release.wait(10)

    w.submit(job, background=background)
    assert started.wait(10)
    return started, release


def test_interactive_write_overtakes_a_long_background_queue(writer: Writer) -> None:
    order: list[str] = []
    _, release = _blocker(writer)
    background = [writer.submit(lambda c, i=i: order.append(f"bg{i}"), background=True) for i in range(50)]
    interactive = writer.submit(lambda c: order.append("operator"))
    assert writer.pending() == (1, 50)
    release.set()
    interactive.result(10)
    for f in background:
        f.result(10)
    assert order[0] == "operator"  # ahead of all 50 that were queued before it
    assert order[1:] == [f"bg{i}" for i in range(50)]  # background keeps its own order


def test_without_interactive_work_jobs_run_in_submission_order(writer: Writer) -> None:
    order: list[int] = []
    _, release = _blocker(writer)
    futures = [writer.submit(lambda c, i=i: order.append(i), background=i % 2 == 0) for i in range(6)]
    release.set()
    for f in futures:
        f.result(10)
    # interactive (odd) first in their order, then background (even) in theirs
    assert order == [1, 3, 5, 0, 2, 4]


def test_a_running_background_job_is_never_interrupted(writer: Writer) -> None:
    """Priority decides the next job only: the interactive write waits for the running one."""
    order: list[str] = []
    started, release = threading.Event(), threading.Event()

    def long_job(conn: sqlite3.Connection) -> None:
        order.append("bg start")
        started.set()
        assert release.wait(10)
        order.append("bg end")

    writer.submit(long_job, background=True)
    assert started.wait(10)
    done = writer.submit(lambda c: order.append("operator"))
    assert not done.done()
    release.set()
    done.result(10)
    assert order == ["bg start", "bg end", "operator"]


def test_close_runs_what_is_queued_and_refuses_more(writer: Writer) -> None:
    order: list[str] = []
    _, release = _blocker(writer)
    queued = [writer.submit(lambda c: order.append("bg"), background=True), writer.submit(lambda c: order.append("fg"))]
    closer = threading.Thread(target=writer.close)
    closer.start()
    release.set()
    closer.join(10)
    assert [f.result(1) for f in queued] == [None, None]
    assert order == ["fg", "bg"]
    late = writer.submit(lambda c: None)
    with pytest.raises(RuntimeError, match="closed"):
        late.result(1)


def test_store_writes_are_interactive_and_raw_writes_background(tmp_path: Path) -> None:
    store = Store(tmp_path / "desk.sqlite")
    try:
        order: list[str] = []
        _, release = _blocker(store._writer)
        bookkeeping = [
            threading.Thread(target=store.raw_write, args=(lambda c, i=i: order.append(f"raw{i}"),))
            for i in range(3)
        ]
        for t in bookkeeping:
            t.start()
        while store._writer.pending()[1] < 3:
            threading.Event().wait(0.005)
        meta = store.write_async(lambda tx: order.append("bulk"), background=True)
        call = store.write_async(lambda tx: order.append("operator"))
        release.set()
        call.result(10)
        meta.result(10)
        for t in bookkeeping:
            t.join(10)
        assert order[0] == "operator"
        assert sorted(order[1:4]) == ["raw0", "raw1", "raw2"] and order[4] == "bulk"
    finally:
        store.close()


def test_a_raw_write_can_be_interactive(tmp_path: Path) -> None:
    store = Store(tmp_path / "desk.sqlite")
    try:
        order: list[str] = []
        _, release = _blocker(store._writer)
        bg = store.write_async(lambda tx: order.append("bg"), background=True)
        t = threading.Thread(target=store.raw_write, args=(lambda c: order.append("fg"),), kwargs={"background": False})
        t.start()
        while store._writer.pending()[0] < 1:
            threading.Event().wait(0.005)
        release.set()
        t.join(10)
        bg.result(10)
        assert order == ["fg", "bg"]
    finally:
        store.close()


def test_a_failing_background_job_does_not_stop_the_writer(tmp_path: Path) -> None:
    store = Store(tmp_path / "desk.sqlite")
    try:

        def bad(conn: sqlite3.Connection) -> None:
            conn.execute("INSERT INTO no_such_table VALUES (1)")

        with pytest.raises(StoreError, match="no_such_table"):
            store.raw_write(bad)

        def ok(tx: Tx) -> str:
            tx.conn.execute("INSERT INTO meta (key, value) VALUES ('k', 'v')")
            return "done"

        assert store.write(ok) == "done"
        assert store.get_meta("k") == "v"
    finally:
        store.close()
