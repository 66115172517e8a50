"""Shared fixtures: the Banjar region from ../shared, a fresh store per test, a fake clock.

And the leak checks every test runs under (napari's `_dangling_qthreads` / `_dangling_qtimers` are the
model): a test fails if it leaves a Python thread alive, or — when it uses Qt — a QThread running, a
thread pool task unfinished or a QTimer active. Each part that owns a thread or a timer has a public
`stop()`/`close()`; tests call it (the `desk` fixture through `Desk.close()`).
"""

from __future__ import annotations

import os
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

pytest_plugins = ["pytester"]  # tests/ui/test_leak_checks.py runs the leak checks on purpose-made leaks

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

# A thread told to stop gets this long (in total, per test) to finish; the fixtures' own test shortens it.
LEAK_GRACE_S = float(os.environ.get("OPERATOR_DESK_TEST_LEAK_GRACE_S", "2.0"))
ALLOW_THREADS = "allow_dangling_threads"
ALLOW_QT = "allow_dangling_qt"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{ALLOW_THREADS}(*name_prefixes, reason): the test may leave these Python threads running "
        "(all, without prefixes); only where stopping them is impossible, and say why",
    )
    config.addinivalue_line(
        "markers",
        f"{ALLOW_QT}(reason): the test may leave a QTimer active, a QThread running or a pool task "
        "unfinished; only where stopping it is impossible, and say why",
    )


def _allowance(request: pytest.FixtureRequest, name: str) -> pytest.Mark | None:
    mark = request.node.get_closest_marker(name)
    if mark is not None and not mark.kwargs.get("reason"):
        pytest.fail(f"@pytest.mark.{name} needs reason=... (why the leak cannot be stopped)")
    return mark


def _describe(t: threading.Thread) -> str:
    target = getattr(t, "_target", None)
    where = getattr(target, "__qualname__", None) or type(t).__qualname__
    module = getattr(target, "__module__", None) or type(t).__module__
    return f"{t.name!r} ({module}.{where}, daemon={t.daemon})"


@pytest.fixture(autouse=True)
def _dangling_threads(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a test that leaves a Python thread it started alive (after a short grace join).

    Threads Qt started (thread-pool workers) show up as `_DummyThread`s once they run Python code;
    they are the Qt check's business. Threads alive before the test (session fixtures, pytest-timeout)
    are not this test's.
    """
    before = set(threading.enumerate())
    yield
    mark = _allowance(request, ALLOW_THREADS)
    if mark is not None and not mark.args:
        return
    new = [
        t
        for t in threading.enumerate()
        if t not in before and not isinstance(t, threading._DummyThread) and t.is_alive()
    ]
    if mark is not None:
        new = [t for t in new if not t.name.startswith(tuple(mark.args))]
    deadline = time.monotonic() + LEAK_GRACE_S
    for t in new:
        t.join(max(0.0, deadline - time.monotonic()))
    left = [t for t in new if t.is_alive()]
    if left:
        pytest.fail(
            "the test left threads running (stop them with their owner's stop()/close()):\n  "
            + "\n  ".join(_describe(t) for t in left),
            pytrace=False,
        )


def _calling_place() -> str:
    """Where in our code (operator_desk/, tests/) a Qt timer, thread or pool task was started."""
    frame = sys._getframe(2)
    here = str(Path(__file__))
    venv = str(REPO / ".venv")
    first = f"{frame.f_code.co_filename}:{frame.f_lineno}"
    while frame is not None:
        name = frame.f_code.co_filename
        if name.startswith(str(REPO)) and name != here and not name.startswith(venv):
            return f"{Path(name).relative_to(REPO)}:{frame.f_lineno} in {frame.f_code.co_name}"
        frame = frame.f_back  # type: ignore[assignment]
    return first


def _ms_left(deadline: float) -> int:
    return max(0, int((deadline - time.monotonic()) * 1000))


def _alive(obj: Any, probe: str) -> bool:
    try:
        return bool(getattr(obj, probe)())
    except RuntimeError:  # the C++ object is gone: it cannot run
        return False


class _Started:
    """What a test started, with where. A Qt object owned by a parent (or the global pool) is held
    strongly: its wrapper may otherwise vanish while C++ keeps it running. A parentless one is held
    weakly, so the check does not keep alive (and running) what Python would have destroyed."""

    def __init__(self) -> None:
        self.owned: dict[Any, list[str]] = {}
        self.loose: weakref.WeakKeyDictionary[Any, list[str]] = weakref.WeakKeyDictionary()

    def add(self, obj: Any, place: str, owned: bool) -> None:
        (self.owned if owned else self.loose).setdefault(obj, []).append(place)

    def items(self) -> list[tuple[Any, list[str]]]:
        return [*self.owned.items(), *self.loose.items()]


def _uses_qt(request: pytest.FixtureRequest) -> bool:
    return "qapp" in request.fixturenames or "qtbot" in request.fixturenames


@pytest.fixture(autouse=True)
def _dangling_qt(request: pytest.FixtureRequest) -> Iterator[Callable[[], list[str]]]:
    """In tests that use Qt (qtbot/qapp): fail on a QTimer still active, a QThread still running or a
    thread-pool task unfinished when the test ends. Records where each was started, stops it, then
    fails naming those places. Qt-free tests pay nothing (Qt is not even imported).
    """
    if not _uses_qt(request):
        yield lambda: []
        return
    request.getfixturevalue("qapp")
    from PySide6.QtCore import QObject, Qt, QThread, QThreadPool, QTimer

    monkeypatch = pytest.MonkeyPatch()
    timers, qthreads, pools = _Started(), _Started(), _Started()
    base_timer_start = QTimer.start
    base_single_shot = QTimer.singleShot
    base_thread_start = QThread.start
    base_pool_start = QThreadPool.start
    gui_thread = QThread.currentThread()

    def timer_start(self: Any, *args: Any) -> None:
        timers.add(self, _calling_place(), self.parent() is not None)
        base_timer_start(self, *args)

    def single_shot(msec: Any, *rest: Any) -> None:
        # singleShot(msec, [timerType,] [context,] functor): a real QTimer (a child of the context, so
        # it dies with it as Qt's own does) that the check can see. Anything else goes to Qt untracked.
        args = list(rest)
        kind = args.pop(0) if args and isinstance(args[0], Qt.TimerType) else None
        context = args.pop(0) if len(args) == 2 and isinstance(args[0], QObject) else None
        owner = getattr(args[0], "__self__", None) if len(args) == 1 else None
        if context is None and isinstance(owner, QObject):
            context = owner  # Qt drops a bound slot's call when its object is deleted; so do we
        if (
            len(args) != 1
            or not callable(args[0])
            or not isinstance(msec, int)
            or QThread.currentThread() is not gui_thread
            or (context is not None and context.thread() is not gui_thread)
        ):
            base_single_shot(msec, *rest)
            return
        t = QTimer(context) if context is not None else QTimer()
        t.setSingleShot(True)
        if kind is not None:
            t.setTimerType(kind)
        functor = args[0]
        t.timeout.connect(lambda: functor())
        t.timeout.connect(t.deleteLater)
        timers.add(t, _calling_place(), True)  # parentless too: Qt's own single shot outlives its caller
        base_timer_start(t, msec)

    def thread_start(self: Any, *args: Any) -> None:
        qthreads.add(self, _calling_place(), self.parent() is not None)
        base_thread_start(self, *args)

    def pool_start(self: Any, *args: Any, **kwargs: Any) -> None:
        pools.add(self, _calling_place(), self.parent() is not None or self == QThreadPool.globalInstance())
        base_pool_start(self, *args, **kwargs)

    monkeypatch.setattr(QTimer, "start", timer_start)
    monkeypatch.setattr(QTimer, "singleShot", staticmethod(single_shot))
    monkeypatch.setattr(QThread, "start", thread_start)
    monkeypatch.setattr(QThreadPool, "start", pool_start)
    global_pool = QThreadPool.globalInstance()

    def running(grace_s: float, stop: bool) -> list[str]:
        """What is still running, each with where it was started; with `stop`, stop it too."""
        problems: list[str] = []
        deadline = time.monotonic() + grace_s
        for pool, places in pools.items():
            # Idle workers of a pool (the global one's especially) are process-wide and expire on
            # their own; only a task still running is this test's leak.
            if _alive(pool, "activeThreadCount") and not pool.waitForDone(_ms_left(deadline)):
                which = "the global thread pool" if pool == global_pool else f"pool {pool!r}"
                problems.append(f"a task still running on {which}, started at " + "; ".join(sorted(set(places))))
                if stop:
                    pool.clear()
        for thread, places in qthreads.items():
            if _alive(thread, "isRunning") and not thread.wait(_ms_left(deadline)):
                problems.append(f"QThread still running, started at {places[-1]}")
                if stop:
                    thread.quit()
                    thread.wait(1000)
        for timer, places in timers.items():
            if _alive(timer, "isActive"):
                problems.append(
                    f"QTimer still active ({'single shot' if timer.isSingleShot() else 'repeating'}, "
                    f"{timer.interval()} ms), started at {places[-1]}"
                )
                if stop:
                    timer.stop()
        return problems

    try:
        yield lambda: running(0.0, stop=False)
    finally:
        monkeypatch.undo()
    allowed = _allowance(request, ALLOW_QT)
    problems = running(LEAK_GRACE_S, stop=True)
    if problems and allowed is None:
        pytest.fail(
            "the test left Qt work running (stop it with its owner's stop()/close()):\n  "
            + "\n  ".join(problems),
            pytrace=False,
        )


@pytest.fixture
def running_qt_work(_dangling_qt: Callable[[], list[str]]) -> Callable[[], list[str]]:
    """`running_qt_work()`: the Qt work this test started that is running now (no grace), for tests
    that assert a shutdown in their body rather than leave it to the teardown check."""
    return _dangling_qt


@pytest.fixture(scope="session")
def banjar_dir() -> Path:
    path = SHARED / "regions" / "banjar"
    if not path.is_dir():
        pytest.fail(f"region data missing: {path} (the tests use ../shared/regions/banjar)")
    return path


class FakeClock:
    """Milliseconds since the epoch that move only when the test says so."""

    def __init__(self, start_ms: int = 1_795_000_000_000) -> None:
        self.ms = start_ms

    def __call__(self) -> int:
        return self.ms

    def advance(self, ms: int) -> None:
        self.ms += ms


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(tmp_path: Path, clock: FakeClock) -> Iterator[object]:
    from operator_desk.store.store import Store

    s = Store(tmp_path / "desk.sqlite", now_ms=clock)
    s.operator = "tester"
    yield s
    s.close()


SHIFT_MIN = 60_000


@pytest.fixture
def shift_scenario():  # type: ignore[no-untyped-def]
    """Builder of a shift's worth of items (tests of the handover service and of its view share it)."""
    from operator_desk.domain.location import Location
    from operator_desk.services.agencies import AgencyService
    from operator_desk.services.calls import CallService
    from operator_desk.services.incidents import IncidentService
    from operator_desk.services.referrals import ReferralService

    MIN = SHIFT_MIN

    def scenario(store, clock) -> dict:  # type: ignore[no-untyped-def]
        """A shift's worth of items: some still open, some done. Returns the ids that must be listed."""
        AgencyService(store).ensure_defaults()
        agencies = {a["kind"]: a["id"] for a in AgencyService(store).all()}
        calls, incidents, refs = CallService(store), IncidentService(store), ReferralService(store)
        loc = Location(address="Desa Tambak Baru", kecamatan_name="Martapura", confirmed=True)

        def incident(cat: str) -> str:
            return incidents.create({"category": cat, "priority": "P2", "location": loc})

        def call(number: str, outcome: str) -> str:
            cid = calls.ring(number)
            clock.advance(5000)
            if outcome == "abandoned":
                calls.abandon(cid)
            else:
                calls.answer(cid)
                calls.close(cid, outcome)
            clock.advance(MIN)
            return cid

        old_fire = incident("fire")
        overdue = refs.refer(old_fire, agencies["fire"])  # ack in 5 min: overdue by the end
        closed = incident("medical")
        r_closed = refs.refer(closed, agencies["ambulance"])
        refs.step(r_closed, "feedback", "dibawa ke RSUD")
        refs.close_incident(closed, "Pasien dirujuk")
        call("081211110001", "abandoned")  # never called again: call back
        call("081211110002", "abandoned")
        call("081211110002", "ghost")  # answered later: no call back
        call("081211110003", "abandoned")
        call("081211110003", "abandoned")  # twice: listed once
        clock.advance(30 * MIN)
        fresh = incident("traffic_accident")
        fresh_ref = refs.refer(fresh, agencies["police"])  # just sent: not overdue
        return {
            "incidents": [old_fire, fresh],
            "referrals": [overdue],
            "callbacks": ["+6281211110001", "+6281211110003"],
            "not_overdue": fresh_ref,
        }

    return scenario
