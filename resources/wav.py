"""Audio tracks read by slice from their WAV file, for stages that need a passage at a time of a
track as long as the media."""

import wave
from pathlib import Path
from typing import Protocol

import numpy as np


class Samples(Protocol):
    """Mono float32 samples read by slice: an array, or a `WavTrack` read from its file."""

    def __len__(self) -> int: ...

    def __getitem__(self, index: slice, /) -> np.ndarray: ...


class WavTrack:
    """A 16-bit mono WAV read by slice, as float32 (what `read_wav_mono` gives for it), without
    holding the file decoded: an hour of the 16 kHz speech track is 220 MiB as float32, and the
    stages that read it (levels, passages listened to again) need a minute or a passage at once.
    """

    def __init__(self, path: Path) -> None:
        with wave.open(str(path), "rb") as wav:
            if wav.getnchannels() != 1 or wav.getsampwidth() != 2:
                raise ValueError(f"{path.name}: not a 16-bit mono WAV")
            self.path = path
            self.rate = wav.getframerate()
            self.frames = wav.getnframes()

    def __len__(self) -> int:
        return self.frames

    def __getitem__(self, index: slice, /) -> np.ndarray:
        first, last, step = index.indices(self.frames)
        if step != 1:
            raise ValueError("a WavTrack is read by contiguous slices")
        if last <= first:
            return np.zeros(0, np.float32)
        with wave.open(str(self.path), "rb") as wav:
            wav.setpos(first)
            pcm = np.frombuffer(wav.readframes(last - first), dtype="<i2")
        return pcm.astype(np.float32) / 32768


class FloatTrack:
    """Raw mono float32 samples (ffmpeg's f32le) read by slice from their file: a decoded track
    (the mix, the dub at another rate) kept on disk rather than in memory."""

    def __init__(self, path: Path, rate: int) -> None:
        self.path = path
        self.rate = rate
        self.frames = path.stat().st_size // 4

    def __len__(self) -> int:
        return self.frames

    def __getitem__(self, index: slice, /) -> np.ndarray:
        first, last, step = index.indices(self.frames)
        if step != 1:
            raise ValueError("a FloatTrack is read by contiguous slices")
        return np.fromfile(self.path, dtype="<f4", count=max(last - first, 0), offset=first * 4)
