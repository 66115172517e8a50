"""Small signal helpers shared by the level meter, the ring tone, the call bridge and the tests."""

from __future__ import annotations

import math

import numpy as np

SILENCE_DBFS = -120.0


def rms(samples: np.ndarray) -> float:
    """Root mean square on a 0..1 scale (int16 input is scaled by 32768)."""
    if len(samples) == 0:
        return 0.0
    x = samples.astype(np.float64)
    if samples.dtype == np.int16:
        x /= 32768.0
    return float(np.sqrt(np.mean(x * x)))


def rms_dbfs(samples: np.ndarray) -> float:
    """Level in dB relative to full scale, floored at SILENCE_DBFS (for the settings' level meter)."""
    value = rms(samples)
    if value <= 0.0:
        return SILENCE_DBFS
    return max(SILENCE_DBFS, 20.0 * math.log10(value))


def dominant_frequency(samples: np.ndarray, samplerate: int) -> float:
    """Frequency (Hz) of the strongest FFT bin, DC removed, Hann window."""
    x = samples.astype(np.float64)
    if len(x) < 16:
        return 0.0
    x = (x - x.mean()) * np.hanning(len(x))
    spectrum = np.abs(np.fft.rfft(x))
    spectrum[0] = 0.0
    return float(np.fft.rfftfreq(len(x), 1.0 / samplerate)[int(np.argmax(spectrum))])


class ToneGenerator:
    """A continuous sine, produced frame by frame without phase jumps (operator test tone, ring tone)."""

    def __init__(self, freq_hz: float, samplerate: int, amplitude: float = 0.3) -> None:
        self.freq_hz = freq_hz
        self.samplerate = samplerate
        self.amplitude = amplitude
        self._phase = 0.0

    def next_int16(self, n: int) -> np.ndarray:
        step = 2.0 * math.pi * self.freq_hz / self.samplerate
        phases = self._phase + step * np.arange(n)
        self._phase = float((self._phase + step * n) % (2.0 * math.pi))
        samples: np.ndarray = (np.sin(phases) * self.amplitude * 32767.0).astype(np.int16)
        return samples


def resample_linear(samples: np.ndarray, n_out: int) -> np.ndarray:
    """Linear-interpolation resampling of one block to `n_out` samples (int16 in, int16 out).

    Good enough for speech between a G.711 8 kHz bridge and a 44.1/48 kHz headset; used only when
    the device refuses the bridge's rate.
    """
    n_in = len(samples)
    if n_in == n_out:
        return samples
    if n_in == 0:
        return np.zeros(n_out, dtype=np.int16)
    x_out = np.linspace(0.0, n_in - 1, n_out)
    return np.interp(x_out, np.arange(n_in), samples.astype(np.float64)).astype(np.int16)
