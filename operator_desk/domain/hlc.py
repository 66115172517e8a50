"""Hybrid logical clock: a timestamp that never runs backwards and orders causally related edits.

Encoded as a fixed-width string ``"<ms:013d>-<counter:05d>"`` so that text order equals clock order;
ties between sites are broken by site_id, always compared as the pair (hlc, site_id).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

MAX_SKEW_MS = 5 * 60 * 1000


class ClockSkewError(Exception):
    """A remote clock is further ahead than we accept (5 minutes)."""

    code = "clock_skew"


@dataclass(frozen=True, order=True)
class Hlc:
    ms: int
    counter: int

    def encode(self) -> str:
        return f"{self.ms:013d}-{self.counter:05d}"

    @staticmethod
    def decode(text: str) -> Hlc:
        ms, counter = text.split("-")
        return Hlc(int(ms), int(counter))


class HybridClock:
    """Thread-safe HLC. `now_ms` is injected so tests can run on a fake clock."""

    def __init__(self, now_ms: Callable[[], int], last: Hlc | None = None) -> None:
        self._now_ms = now_ms
        self._last = last or Hlc(0, 0)
        self._lock = threading.Lock()

    @property
    def last(self) -> Hlc:
        return self._last

    def tick(self) -> Hlc:
        """A new timestamp for a local event."""
        with self._lock:
            wall = self._now_ms()
            if wall > self._last.ms:
                self._last = Hlc(wall, 0)
            else:
                self._last = Hlc(self._last.ms, self._last.counter + 1)
            return self._last

    def observe(self, remote: Hlc, max_skew_ms: int = MAX_SKEW_MS) -> Hlc:
        """Merge a timestamp seen from another site; refuses one too far in our future."""
        with self._lock:
            wall = self._now_ms()
            if remote.ms - wall > max_skew_ms:
                raise ClockSkewError(f"remote clock {remote.ms - wall} ms ahead of ours")
            top = max(wall, self._last.ms, remote.ms)
            if top == self._last.ms == remote.ms:
                counter = max(self._last.counter, remote.counter) + 1
            elif top == self._last.ms:
                counter = self._last.counter + 1
            elif top == remote.ms:
                counter = remote.counter + 1
            else:
                counter = 0
            self._last = Hlc(top, counter)
            return self._last
