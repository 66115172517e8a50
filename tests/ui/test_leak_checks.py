"""The leak checks of tests/conftest.py, run on purpose-made leaks in one pytest subprocess.

Each inner test either leaves something running (its teardown must error, naming it) or cleans up
(it must pass): both sides of every check.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CONFTEST = Path(__file__).resolve().parents[1] / "conftest.py"

INNER = '''
import threading, time
import pytest
from PySide6.QtCore import QObject, QRunnable, QThread, QThreadPool, QTimer

def test_thread_left(): threading.Thread(target=time.sleep, args=(60,), name="left-behind", daemon=True).start()

def test_thread_joined():
    t = threading.Thread(target=time.sleep, args=(0.01,), name="joined")
    t.start()
    t.join()

def test_thread_ends_within_grace(): threading.Thread(target=time.sleep, args=(0.05,), name="ending").start()

@pytest.mark.allow_dangling_threads("allowed-", reason="the fixtures' own test")
def test_thread_allowed_by_prefix():
    threading.Thread(target=time.sleep, args=(60,), name="allowed-1", daemon=True).start()

@pytest.mark.allow_dangling_threads("other-", reason="the fixtures' own test")
def test_thread_other_prefix_still_caught():
    threading.Thread(target=time.sleep, args=(60,), name="not-allowed", daemon=True).start()

@pytest.mark.allow_dangling_threads
def test_allowance_without_reason(): pass

def test_timer_left(qtbot):
    test_timer_left.timer = QTimer()
    test_timer_left.timer.start(1000)

def test_timer_stopped(qtbot):
    t = QTimer()
    t.start(1000)
    t.stop()

def test_timer_of_deleted_owner(qtbot):
    owner = QObject()
    QTimer(owner).start(1000)
    del owner

def test_single_shot_pending(qtbot): QTimer.singleShot(10_000, lambda: None)

def test_single_shot_fired(qtbot):
    fired = []
    QTimer.singleShot(1, lambda: fired.append(1))
    qtbot.waitUntil(lambda: fired == [1])

def test_single_shot_context_deleted(qtbot):
    context = QObject()
    QTimer.singleShot(10_000, context, lambda: None)
    context.deleteLater()
    qtbot.wait(10)

class Sleep(QRunnable):
    def __init__(self, s):
        super().__init__()
        self.s = s
    def run(self): time.sleep(self.s)

def test_pool_task_done(qtbot):
    QThreadPool.globalInstance().start(Sleep(0.01))
    assert QThreadPool.globalInstance().waitForDone(2000)

def test_pool_task_left(qtbot):  # after test_pool_task_done: a running task cannot be cancelled
    QThreadPool.globalInstance().start(Sleep(1.5))

class Loop(QThread):
    def run(self): self.exec()

def test_qthread_left(qtbot):
    test_qthread_left.t = Loop()
    test_qthread_left.t.start()

def test_qthread_quit(qtbot):
    t = Loop()
    t.start()
    t.quit()
    assert t.wait(2000)

@pytest.mark.allow_dangling_qt(reason="the fixtures' own test")
def test_timer_allowed(qtbot):
    test_timer_allowed.timer = QTimer()
    test_timer_allowed.timer.start(1000)
'''

PASS = [
    "test_thread_joined",
    "test_thread_ends_within_grace",
    "test_thread_allowed_by_prefix",
    "test_timer_stopped",
    "test_timer_of_deleted_owner",
    "test_single_shot_fired",
    "test_single_shot_context_deleted",
    "test_pool_task_done",
    "test_qthread_quit",
    "test_timer_allowed",
]
PLACE = r"started at \S*test_leaks\.py:\d+ in "  # where the leak was started, named
ERROR = {
    "test_thread_left": r"'left-behind' \(time\.sleep, daemon=True\)",
    "test_thread_other_prefix_still_caught": "'not-allowed'",
    "test_allowance_without_reason": "needs reason=",
    "test_timer_left": r"QTimer still active \(repeating, 1000 ms\), " + PLACE + "test_timer_left",
    "test_single_shot_pending": r"QTimer still active \(single shot, 10000 ms\), " + PLACE,
    "test_pool_task_left": "a task still running on the global thread pool, " + PLACE + "test_pool_task_left",
    "test_qthread_left": "QThread still running, " + PLACE + "test_qthread_left",
}


@pytest.fixture
def outcome(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("OPERATOR_DESK_TEST_LEAK_GRACE_S", "0.5")
    pytester.makeconftest(CONFTEST.read_text())
    pytester.makeini("[pytest]\nqt_api = pyside6\n")
    pytester.makepyfile(test_leaks=INNER)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-rA", timeout=120)
    return {"text": "\n".join(result.outlines)}


def test_leak_checks_fail_leaks_and_pass_clean_tests(outcome: dict[str, str]) -> None:
    text = outcome["text"]
    for name in PASS:
        assert re.search(rf"^PASSED test_leaks.py::{name}$", text, re.M), f"{name} should pass:\n{text}"
        assert not re.search(rf"^ERROR test_leaks.py::{name}\b", text, re.M), text
    for name, why in ERROR.items():
        assert re.search(rf"^ERROR test_leaks.py::{name}\b", text, re.M), f"{name} should error:\n{text}"
        section = text.split(f"ERROR at teardown of {name} ")[-1].split("ERROR at ")[0]
        if name == "test_allowance_without_reason":
            section = text
        assert re.search(why, section), f"{name}: expected {why!r} in:\n{section}"
