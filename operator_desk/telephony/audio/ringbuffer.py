"""A single-producer single-consumer ring buffer of int16 samples for real-time audio callbacks."""

from __future__ import annotations

import numpy as np


class SampleRing:
    """Fixed-size FIFO of mono int16 samples shared by exactly one writer thread and one reader thread.

    Why: PortAudio and PJSIP clock callbacks must never block, allocate much or do I/O. They only
    copy into or out of this buffer. The writer moves only `_written`, the reader only `_read`
    (plain int stores are atomic under the GIL), so no lock is taken on either side. When full, new
    samples are dropped (counted in `overruns`); when empty, the reader gets silence (`underruns`).
    """

    def __init__(self, capacity: int) -> None:
        if capacity <= 0:
            raise ValueError(f"ring capacity must be positive, got {capacity}")
        self._buf = np.zeros(capacity, dtype=np.int16)
        self._cap = capacity
        self._written = 0  # total samples ever written (writer only)
        self._read = 0  # total samples ever read (reader only)
        self.overruns = 0
        self.underruns = 0

    @property
    def capacity(self) -> int:
        return self._cap

    def available(self) -> int:
        return self._written - self._read

    def write(self, samples: np.ndarray) -> int:
        """Copy as many samples as fit; return how many were stored."""
        n = min(len(samples), self._cap - (self._written - self._read))
        if n < len(samples):
            self.overruns += len(samples) - n
        if n <= 0:
            return 0
        start = self._written % self._cap
        first = min(n, self._cap - start)
        self._buf[start : start + first] = samples[:first]
        if n > first:
            self._buf[: n - first] = samples[first:n]
        self._written += n
        return n

    def read_into(self, out: np.ndarray) -> int:
        """Fill `out` (int16 or float) with the oldest samples, silence for the rest; return samples read."""
        n = min(len(out), self._written - self._read)
        if n < len(out):
            out[max(n, 0) :] = 0
            if self._written > 0:
                self.underruns += len(out) - max(n, 0)
        if n <= 0:
            return 0
        start = self._read % self._cap
        first = min(n, self._cap - start)
        out[:first] = self._buf[start : start + first]
        if n > first:
            out[first:n] = self._buf[: n - first]
        self._read += n
        return n

    def read(self, n: int) -> np.ndarray:
        out = np.zeros(n, dtype=np.int16)
        self.read_into(out)
        return out

    def discard(self, keep: int = 0) -> None:
        """Reader side: drop all but the newest `keep` samples (to cut latency after a stall)."""
        self._read = max(self._read, self._written - keep)
