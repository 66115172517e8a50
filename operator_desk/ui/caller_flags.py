"""What the desk flags about a ringing number, and the callers waiting behind the current one.

Safety first: a number with many pranks may still be a real emergency tonight. The repeat-prank flag
therefore always says when the number has made an emergency call before ("pernah darurat 1×"), and it
never looks like an alarm or a reason to hang up: amber when the history holds pranks only, calm blue
when it also holds an emergency; never red. A second caller waiting ("+1 menunggu") shows their number
and the same flag, so the operator knows who is next before answering.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel

from ..domain import phone
from ..services.calls import CallerHistory

# Neither style is red: red means "danger" on this desk, and a flag must never read "do not help".
PRANKS_ONLY_STYLE = (
    "color: #3e2723; background: #ffe0b2; border: 1px solid #f57c00; padding: 2px 8px; border-radius: 3px;"
)
WITH_EMERGENCY_STYLE = (
    "color: #0d47a1; background: #e3f2fd; border: 1px solid #1565c0; padding: 2px 8px; border-radius: 3px;"
)


def _tr(text: str) -> str:
    return QCoreApplication.translate("CallerFlags", text)


@dataclass(frozen=True)
class Flag:
    """The flag's words and look."""

    text: str
    style: str
    emergencies: int


def prank_flag(hist: CallerHistory | None) -> Flag | None:
    """The repeat-prank flag of a number, None when it has too few pranks to flag."""
    if hist is None or not hist.repeat_prank:
        return None
    text = _tr("This number has {n} prank calls").format(n=hist.prank_count)
    m = hist.emergencies
    if m:
        text += " · " + _tr("emergency before: {m}×").format(m=m)
        return Flag(text, WITH_EMERGENCY_STYLE, m)
    return Flag(text, PRANKS_ONLY_STYLE, 0)


def show_flag(label: QLabel, hist: CallerHistory | None) -> None:
    """Show the flag of `hist` in `label` (hidden when there is none)."""
    flag = prank_flag(hist)
    if flag is None:
        label.hide()
        return
    label.setText(flag.text)
    label.setStyleSheet(flag.style)
    label.show()


def waiting_calls(session: Any) -> list[Any]:
    """The calls ringing behind the one the bar shows (the current call, else the first ringing)."""
    ringing = list(session.ringing)
    return ringing if session.current is not None else ringing[1:]


def _number(live: Any) -> str:
    raw = live.number_raw or ""
    return phone.display(phone.normalise(raw)) or raw or _tr("unknown number")


def wait_text(since_ms: int, now_ms: int) -> str:
    """How long a caller waits, as m:ss ('0:07', '12:30')."""
    seconds = max(0, (now_ms - since_ms) // 1000) if since_ms else 0
    return f"{seconds // 60}:{seconds % 60:02d}"


def waiting_text(waiting: list[Any], histories: Mapping[str, CallerHistory], now_ms: int | None = None) -> str:
    """'+1 waiting: 0812-3456-7890 (0:12) · This number has 3 prank calls · emergency before: 1×' ('' when
    nobody); the time is how long the first waiting caller has rung (hold14), shown when `now_ms` is given."""
    if not waiting:
        return ""
    first = waiting[0]
    who = _number(first)
    rang_ms = int(getattr(first, "rang_ms", 0) or 0)
    if now_ms is not None and rang_ms:
        who += f" ({wait_text(rang_ms, now_ms)})"
    parts = [_tr("+{n} waiting: {who}").format(n=len(waiting), who=who)]
    flag = prank_flag(histories.get(first.number_raw or ""))
    if flag is not None:
        parts.append(flag.text)
    return " · ".join(parts)


class WaitingLookup:
    """Looks up the history of each waiting caller once (on the task runner), then asks for a redraw."""

    def __init__(self) -> None:
        self.histories: dict[str, CallerHistory] = {}
        self._asked: set[str] = set()

    def refresh(self, session: Any, calls: Any, runner: Any, redraw: Callable[[], None]) -> None:
        waiting = waiting_calls(session)
        live = {w.number_raw for w in waiting if w.number_raw}
        for number in list(self.histories):
            if number not in live:
                del self.histories[number]
        self._asked &= live
        for w in waiting:
            number, call_id = w.number_raw, w.call_id
            if not number or number in self._asked:
                continue
            self._asked.add(number)

            def got(hist: CallerHistory, number: str = number) -> None:
                if number in self._asked:
                    self.histories[number] = hist
                    redraw()

            runner.run(
                lambda number=number, call_id=call_id: calls.history(number, exclude_call=call_id),
                got,
                key=f"waiting-history-{call_id}",
            )
