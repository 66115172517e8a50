"""Audio through sounddevice: ring tone, headset bridge, level meter, call recording, replay. Qt-free.

sounddevice/soundfile are imported lazily inside the functions that need them, so importing this
package never needs PortAudio.
"""

from .devices import AudioDevice, AudioDeviceError, LevelMeter, list_devices
from .dsp import dominant_frequency, rms_dbfs
from .recorder import CallRecorder, RecordingError, RecordingResult, split_tracks
from .ringtone import RingTone

__all__ = [
    "AudioDevice",
    "AudioDeviceError",
    "CallRecorder",
    "LevelMeter",
    "RecordingError",
    "RecordingResult",
    "RingTone",
    "dominant_frequency",
    "list_devices",
    "rms_dbfs",
    "split_tracks",
]
