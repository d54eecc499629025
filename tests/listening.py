"""Listening checks for the tests, computed here from the audio with no code of the pipeline's
own measurement (`dubbing_assets.quality`): the tests compare the two.

Signals are decoded by ffmpeg to mono 16 kHz and cut into 20 ms frames (the pipeline uses 10 ms
frames and its own thresholds and gain estimate)."""

import io
import json
import re
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

RATE = 16000
FRAME = 0.02


def decode(path: Path) -> np.ndarray:
    completed = subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-i",
            str(path),
            "-f",
            "f32le",
            "-ac",
            "1",
            "-ar",
            str(RATE),
            "-",
        ],
        capture_output=True,
        check=True,
    )
    return np.frombuffer(completed.stdout, dtype="<f4")


def power(samples: np.ndarray) -> np.ndarray:
    size = round(FRAME * RATE)
    count = len(samples) // size
    return (samples[: count * size].reshape(count, size).astype(np.float64) ** 2).mean(axis=1)


def db(values: np.ndarray) -> np.ndarray:
    return np.asarray(10 * np.log10(values + 1e-12))


def band_power(samples: np.ndarray, low: float = 500.0, high: float = 4000.0) -> np.ndarray:
    """Per frame, the power between `low` and `high` Hz: where speech is clear of hum and of
    the low notes of a music bed."""
    size = round(FRAME * RATE)
    count = len(samples) // size
    window = np.hanning(size)  # no leakage of a low bed into the band
    frames = samples[: count * size].reshape(count, size) * window
    spectrum = np.abs(np.fft.rfft(frames, axis=1)) ** 2
    frequencies = np.fft.rfftfreq(size, 1 / RATE)
    return spectrum[:, (frequencies >= low) & (frequencies <= high)].sum(axis=1) / size**2


def voiced(samples: np.ndarray, min_run: float = 0.06) -> np.ndarray:
    """Frames whose speech band is above the recording's floor by 15 dB, and within 40 dB of its
    top, in runs of at least `min_run` seconds (a click is not speech)."""
    levels = db(band_power(samples))
    loud = levels > max(np.percentile(levels, 5) + 15, np.percentile(levels, 99.5) - 40)
    kept = loud.copy()
    start = None
    for index, on in enumerate([*loud, False]):
        if on and start is None:
            start = index
        elif not on and start is not None:
            if (index - start) * FRAME < min_run:
                kept[start:index] = False
            start = None
    return kept


def onsets(active: np.ndarray, min_gap: float = 0.25) -> list[float]:
    """Starts of runs of activity that follow at least `min_gap` of inactivity."""
    starts, quiet = [], min_gap / FRAME
    for index, on in enumerate(active):
        if on and quiet >= min_gap / FRAME:
            starts.append(round(index * FRAME, 3))
        quiet = 0 if on else quiet + 1
    return starts


def rise_db(frames: np.ndarray, at: float, window: float = 0.1) -> float:
    """How much louder the `window` after `at` is than the `window` before (frame powers)."""
    middle, width = round(at / FRAME), max(round(window / FRAME), 1)
    before = frames[max(middle - width, 0) : middle]
    after = frames[middle : middle + width]
    return float(
        db(after.mean() if len(after) else np.zeros(1))
        - db(before.mean() if len(before) else np.zeros(1))
    )


def nearest(values: list[float], target: float) -> float:
    return min(values, key=lambda value: abs(value - target))


@dataclass(frozen=True)
class Leak:
    share: float  # of the source's voiced frames, those heard in the mix undubbed and not ducked
    duck_db: float  # median attenuation of the original where the dub is silent
    gain_db: float  # the mix's overall gain (loudness normalization), as fitted on the dub


def leak(source: Path, dub: Path, mix: Path, within: tuple[float, float] | None = None) -> Leak:
    """`within`: only the source's speech between these times (seconds) counts."""
    src, voice, mixed = (power(decode(path)) for path in (source, dub, mix))
    count = min(len(src), len(voice), len(mixed))
    src, voice, mixed = src[:count], voice[:count], mixed[:count]
    speaking = voiced(decode(source))[:count]
    if within is not None:
        inside = np.zeros(count, bool)
        inside[round(within[0] / FRAME) : round(within[1] / FRAME)] = True
        speaking &= inside
    dub_on = db(voice) > -50
    # The mix's overall gain: the mix over the dub where the dub sounds over a quiet original
    # (a median: the limiter holds the loudest frames down, a least-squares fit would follow them).
    fit = dub_on & (db(src) < db(voice) - 12)
    if fit.sum() < 10:
        fit = dub_on
    gain = float(10 ** (np.median(db(mixed[fit]) - db(voice[fit])) / 10))
    considered = speaking & ~dub_on
    attenuation = db(src * gain) - db(mixed)
    heard = considered & (attenuation < 10)
    return Leak(
        share=float(heard.sum() / max(int(speaking.sum()), 1)),
        duck_db=float(np.median(attenuation[considered])) if considered.any() else float("inf"),
        gain_db=float(10 * np.log10(gain)),
    )


def loudness(path: Path) -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP), by ffmpeg's ebur128."""
    completed = subprocess.run(
        ["ffmpeg", "-nostats", "-i", str(path), "-af", "ebur128=peak=true", "-f", "null", "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    summary = completed.stderr[completed.stderr.rfind("Summary:") :]
    integrated = re.search(r"I:\s+(-?[\d.]+) LUFS", summary)
    peak = re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    assert integrated and peak, summary
    return float(integrated.group(1)), float(peak.group(1))


def streams(path: Path) -> list[dict]:
    completed = subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-of", "json", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return list(json.loads(completed.stdout)["streams"])


def duration(path: Path, kind: str) -> float:
    """How long the `kind` ("audio"/"video") stream lasts: its last packet's end."""
    completed = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", kind[0], "-show_entries",
         "packet=pts_time,duration_time", "-of", "csv=p=0", str(path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    packets = [
        (float(pts), float(length) if length not in ("", "N/A") else 0.0)
        for pts, length in (line.split(",")[:2] for line in completed.stdout.split())
        if pts not in ("", "N/A")
    ]
    return max(pts + length for pts, length in packets) - min(pts for pts, _ in packets)


def start_time(path: Path, kind: str) -> float:
    """The first presentation timestamp of the `kind` stream."""
    stream = next(s for s in streams(path) if s["codec_type"] == kind)
    return float(stream["start_time"])


@dataclass(frozen=True)
class Pcm:
    """A WAV file's sample bytes, to compare parts of two renderings byte for byte."""

    rate: int
    width: int
    frames: bytes

    @classmethod
    def of(cls, data: bytes) -> "Pcm":
        with wave.open(io.BytesIO(data)) as audio:
            assert audio.getnchannels() == 1
            frames = audio.readframes(audio.getnframes())
            return cls(audio.getframerate(), audio.getsampwidth(), frames)

    def unit_span(self, segments: list[dict], index: int) -> tuple[int, int]:
        """The byte range of unit `index`'s slot: from its start to the next unit's (the
        timing fit cuts every dub there)."""
        start = round(segments[index]["start"] * self.rate) * self.width
        if index + 1 == len(segments):
            return start, len(self.frames)
        return start, round(segments[index + 1]["start"] * self.rate) * self.width

    def save(self, path: Path, span: tuple[int, int]) -> Path:
        with wave.open(str(path), "wb") as audio:
            audio.setnchannels(1)
            audio.setsampwidth(self.width)
            audio.setframerate(self.rate)
            audio.writeframes(self.frames[span[0] : span[1]])
        return path
