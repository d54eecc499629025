"""Audio tracks read by slice from their WAV file, for stages that need a passage at a time of a
track as long as the media."""

import wave
from pathlib import Path
from types import TracebackType
from typing import Protocol, Self

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
        first, last = _contiguous(index, self.frames)
        if last == first:
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
        first, last = _contiguous(index, self.frames)
        return np.fromfile(self.path, dtype="<f4", count=last - first, offset=first * 4)


def _contiguous(index: slice, frames: int) -> tuple[int, int]:
    """The first and last (excluded) sample of a slice of a track of `frames` samples."""
    first, last, step = index.indices(frames)
    if step != 1:
        raise ValueError("a track is read by contiguous slices")
    return first, max(last, first)


# Samples converted to 16 bits at once (a minute at 16 kHz).
_WRITE_BLOCK = 960_000


class WavTimeline:
    """A 16-bit mono WAV `frames` samples long, written as its pieces are placed (in time order,
    silence between them, clipped to +-1): a dub timeline as long as the media, never held."""

    def __init__(self, path: Path, rate: int, frames: int) -> None:
        self.path = path
        self.rate = rate
        self.frames = frames
        self._written = 0
        # Closed by close(): the timeline is written across calls.
        self._wav = wave.open(str(path), "wb")  # noqa: SIM115
        self._wav.setnchannels(1)
        self._wav.setsampwidth(2)
        self._wav.setframerate(rate)

    def __len__(self) -> int:
        return self.frames

    def add(self, first: int, samples: np.ndarray) -> None:
        """`samples` from sample `first` on (cut at the end of the timeline); `first` may not
        fall before the end of the previous piece."""
        if first < self._written:
            raise ValueError(f"sample {first} is before the end of the last piece")
        self._silence(first - self._written)
        kept = samples[: max(self.frames - first, 0)]
        for start in range(0, len(kept), _WRITE_BLOCK):
            block = kept[start : start + _WRITE_BLOCK]
            self._wav.writeframes((np.clip(block, -1.0, 1.0) * 32767).astype("<i2").tobytes())
        self._written = max(first + len(kept), self._written)

    def close(self) -> None:
        """Silence to the end, then the file is complete."""
        self._silence(self.frames - self._written)
        self._written = self.frames
        self._wav.close()

    def _silence(self, count: int) -> None:
        for start in range(0, max(count, 0), _WRITE_BLOCK):
            self._wav.writeframes(bytes(2 * min(_WRITE_BLOCK, count - start)))

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
