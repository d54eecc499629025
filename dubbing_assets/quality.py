"""What a viewer hears, measured from the audio itself: where the source speaks, where the dub
speaks, whether the original is heard under or around the dub, and how loud each unit is.

Every figure here comes from samples (the source's speech track, the dubbed speech timeline, the
final mix), never from what a stage says it did: a stage that placed a dub at the wrong time, or a
mix that did not duck, shows in these numbers.

All signals are mono at `RATE` and cut into `FRAME_SECONDS` frames.
"""

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from statistics import median
from typing import Any

import numpy as np

from resources.wav import Samples

RATE = 16000
FRAME_SECONDS = 0.01
# The dub is synthetic speech over digital silence: anything above this is the dub sounding.
DUB_ACTIVE_DB = -45.0
# The original counts as heard when it is ducked by less than this (the leak criterion).
LEAK_DUCK_DB = 10.0
ONSET_TOLERANCE = 0.1
# An EBU R128 momentary block: BS.1770 gates 400 ms blocks.
BLOCK_SECONDS = 0.4


def frame_levels(samples: Samples, rate: int = RATE) -> np.ndarray:
    """RMS level of each `FRAME_SECONDS` frame of `samples` (at `rate` Hz), in dBFS; read a
    minute at a time, so `samples` may be a track on disk as long as the media."""
    size = max(1, round(FRAME_SECONDS * rate))
    count = len(samples) // size
    levels = np.empty(count)
    for first in range(0, count, _FRAMES_PER_READ):
        last = min(first + _FRAMES_PER_READ, count)
        frames = samples[first * size : last * size].reshape(last - first, size)
        power = (frames.astype(np.float64) ** 2).mean(axis=1)
        levels[first:last] = 20 * np.log10(np.sqrt(power) + 1e-9)
    return levels


# A minute of frames: what the level measures read of a track at once.
_FRAMES_PER_READ = 6000

# The band speech carries its energy in, and how far above the background's own spectrum a
# component must rise to count as foreground.
_SPEECH_BAND_HZ = (100.0, 4000.0)
_OVER_BACKGROUND = 2.0
# Frames per stretch whose background spectrum is estimated on its own (a minute at 10 ms).
_BACKGROUND_FRAMES = 6000


def foreground_levels(samples: Samples, rate: int = RATE) -> np.ndarray:
    """Per `FRAME_SECONDS` frame, the level (dB) of what rises above the recording's steady
    background: each frequency's power minus twice the background's (its 20th percentile over
    the minute around it), summed over the speech band. A steady bed (hum, a tone, sustained
    music) drops out; speech, which comes and goes, stays. Read a minute at a time: `samples`
    may be a track on disk (`WavTrack`) as long as the media."""
    size = max(1, round(FRAME_SECONDS * rate))
    count = len(samples) // size
    window = np.hanning(2 * size).astype(np.float32)
    frequencies = np.fft.rfftfreq(2 * size, 1 / rate)
    band = (frequencies >= _SPEECH_BAND_HZ[0]) & (frequencies <= _SPEECH_BAND_HZ[1])
    scale = float((window**2).sum()) * size
    levels = np.empty(count)
    for first in range(0, count, _BACKGROUND_FRAMES):
        last = min(first + _BACKGROUND_FRAMES, count)
        # Each 2-frame window is centred on its frame: the stretch starts half a frame early,
        # silence before the first sample and after the last.
        stretch = _read_padded(samples, first * size - size // 2, (last + 1) * size - size // 2)
        frames = np.lib.stride_tricks.sliding_window_view(stretch, 2 * size)[::size][: last - first]
        power = np.abs(np.fft.rfft(frames * window, axis=1))[:, band] ** 2
        background = np.percentile(power, 20, axis=0)
        foreground = np.clip(power - _OVER_BACKGROUND * background, 0.0, None).sum(axis=1)
        levels[first:last] = 10 * np.log10(foreground / scale + 1e-12)
    return levels


def _read_padded(samples: Samples, first: int, last: int) -> np.ndarray:
    """Samples `first` to `last` as float32, zeros where that runs past either end."""
    stretch = np.zeros(last - first, np.float32)
    start, stop = max(first, 0), min(last, len(samples))
    if stop > start:
        stretch[start - first : stop - first] = samples[start:stop]
    return stretch


def speech_threshold(levels: np.ndarray) -> float:
    """A level above which a recording holds speech: well over its floor (noise, a music or tone
    bed), within 35 dB of its loud parts."""
    if len(levels) == 0:
        return 0.0
    floor = float(np.percentile(levels, 10))
    loud = float(np.percentile(levels, 99))
    return max(floor + 12.0, loud - 35.0)


def speech_activity(levels: np.ndarray, threshold: float | None = None) -> np.ndarray:
    """Frames holding speech; a blip shorter than 30 ms is not speech, nor a 30 ms dip a pause."""
    active = levels > (speech_threshold(levels) if threshold is None else threshold)
    return _close_gaps(_drop_blips(active, 3), 3)


def _runs(mask: np.ndarray, value: bool) -> list[tuple[int, int]]:
    padded = np.concatenate([[not value], mask == value, [not value]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def _drop_blips(mask: np.ndarray, frames: int) -> np.ndarray:
    result = mask.copy()
    for start, end in _runs(mask, True):
        if end - start < frames:
            result[start:end] = False
    return result


def _close_gaps(mask: np.ndarray, frames: int) -> np.ndarray:
    result = mask.copy()
    for start, end in _runs(mask, False):
        if end - start < frames and start > 0 and end < len(mask):
            result[start:end] = True
    return result


@dataclass(frozen=True)
class UnitTiming:
    """One unit's dub against the source speech it replaces (seconds)."""

    index: int
    source_start: float
    source_end: float
    dub_start: float | None
    dub_end: float | None

    @property
    def onset_offset(self) -> float | None:
        return None if self.dub_start is None else round(self.dub_start - self.source_start, 3)

    @property
    def coverage(self) -> float:
        """Dub duration over source speech duration: under 1 leaves the original's speech time
        without a dub voice (the original must then be ducked there, not heard)."""
        if self.dub_start is None or self.dub_end is None:
            return 0.0
        spoken = max(self.source_end - self.source_start, FRAME_SECONDS)
        return round((self.dub_end - self.dub_start) / spoken, 3)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "onset_offset": self.onset_offset, "coverage": self.coverage}


def measure_dub_timing(
    spans: Sequence[tuple[float, float]], dub: Samples, rate: int = RATE
) -> list[UnitTiming]:
    """Where each unit's dub really sounds in the dubbed speech timeline: its first and last
    active frame between the unit's source onset and the next unit's. The timing fit places every
    dub at its unit's onset and cuts it at the next one, so that window holds this unit's dub and
    nothing else; a dub that starts late (a quiet first syllable, silence left in the synthesis)
    shows as a positive onset offset."""
    active = frame_levels(dub, rate) > DUB_ACTIVE_DB
    count = len(active)
    starts = sorted(start for start, _ in spans)
    result = []
    for index, (start, end) in enumerate(spans):
        later = [other for other in starts if other > start]
        first = min(round(start / FRAME_SECONDS), count)
        last = min(round(later[0] / FRAME_SECONDS), count) if later else count
        found = np.flatnonzero(active[first:last])
        dub_start = round((first + int(found[0])) * FRAME_SECONDS, 3) if len(found) else None
        dub_end = round((first + int(found[-1]) + 1) * FRAME_SECONDS, 3) if len(found) else None
        result.append(UnitTiming(index, round(start, 3), round(end, 3), dub_start, dub_end))
    return result


def timing_summary(timings: Sequence[UnitTiming]) -> dict[str, Any]:
    offsets = [t.onset_offset for t in timings if t.onset_offset is not None]
    within = sum(1 for offset in offsets if abs(offset) <= ONSET_TOLERANCE)
    return {
        "units": len(timings),
        "onset_within_100ms": round(within / len(timings), 4) if timings else 1.0,
        "median_onset_offset": round(median(offsets), 3) if offsets else 0.0,
        "max_onset_offset": round(max((abs(o) for o in offsets), default=0.0), 3),
        "mean_coverage": round(sum(t.coverage for t in timings) / len(timings), 3)
        if timings
        else 0.0,
    }


@dataclass(frozen=True)
class LeakMeasurement:
    """The original's speech heard in the mix where the dub is silent and the original is
    ducked by less than `LEAK_DUCK_DB`: per frame, over the frames where the source speaks."""

    speech_frames: np.ndarray  # bool per frame: the source speaks
    leaking_frames: np.ndarray  # bool per frame: ... and is heard in the mix
    duck_db: float | None  # median attenuation of the original under the dub's silence

    def share(self, start: float = 0.0, end: float = math.inf) -> float | None:
        first = max(round(start / FRAME_SECONDS), 0)
        last = len(self.speech_frames) if end == math.inf else round(end / FRAME_SECONDS)
        spoken = int(self.speech_frames[first:last].sum())
        if spoken == 0:
            return None
        return round(int(self.leaking_frames[first:last].sum()) / spoken, 4)


def mix_gain_db(mix_levels: np.ndarray, dub_levels: np.ndarray, source_levels: np.ndarray) -> float:
    """The overall gain the mix applied (loudness normalization): the mix over the dub where the
    dub sounds and the original lies far below it (all dub frames when there are too few)."""
    dub_on = dub_levels > DUB_ACTIVE_DB
    clear = dub_on & (source_levels < dub_levels - 15.0)
    frames = clear if clear.sum() >= 20 else dub_on
    if not frames.any():
        return 0.0
    return float(np.median(mix_levels[frames] - dub_levels[frames]))


def measure_leak(
    source: Samples,
    dub: Samples,
    mix: Samples,
    not_speech: Sequence[tuple[float, float]] = (),
) -> LeakMeasurement:
    """Compare, frame by frame, the mix with the original it was made from (see LeakMeasurement).
    `source` is the original's audio, `dub` the dubbed speech timeline, `mix` the final mix;
    `not_speech`: spans that sound like speech but hold no words (music, effects: the transcript
    says), whose frames are not the source speaking."""
    count = min(len(source), len(dub), len(mix)) // round(FRAME_SECONDS * RATE)
    source_levels = frame_levels(source)[:count]
    dub_levels = frame_levels(dub)[:count]
    mix_levels = frame_levels(mix)[:count]
    gain = mix_gain_db(mix_levels, dub_levels, source_levels)
    speaking = speech_activity(foreground_levels(source)[:count])
    for start, end in not_speech:
        speaking[round(start / FRAME_SECONDS) : round(end / FRAME_SECONDS)] = False
    dub_silent = dub_levels <= DUB_ACTIVE_DB
    # How far the original is down in the mix, where only the original can be heard.
    attenuation = source_levels + gain - mix_levels
    leaking = speaking & dub_silent & (attenuation < LEAK_DUCK_DB)
    considered = speaking & dub_silent
    duck = float(np.median(attenuation[considered])) if considered.any() else None
    return LeakMeasurement(speaking, leaking, None if duck is None else round(duck, 2))


def gated_loudness(
    momentary: Sequence[tuple[float, float]], start: float, end: float
) -> float | None:
    """BS.1770 integrated loudness (absolute gate -70 LUFS, relative gate -10 LU) of the span
    `start`..`end`, from ebur128's momentary values `(t, lufs)` (t: the end of a 400 ms block):
    the blocks that lie inside the span. None when the span holds no gated block."""
    blocks = [
        lufs
        for t, lufs in momentary
        if start + BLOCK_SECONDS - 1e-6 <= t <= end + 1e-6 and lufs > -70.0
    ]
    if not blocks:
        return None
    powers = np.power(10.0, (np.asarray(blocks) + 0.691) / 10)
    relative = -0.691 + 10 * math.log10(float(powers.mean())) - 10.0
    kept = powers[np.asarray(blocks) > relative]
    return round(-0.691 + 10 * math.log10(float(kept.mean())), 2)


def quality_report(
    language: str,
    timings: Sequence[UnitTiming],
    segments: Sequence[dict[str, Any]],
    fits: Sequence[dict[str, Any]],
    *,
    leak: LeakMeasurement | None,
    momentary: Sequence[tuple[float, float]],
    loudness_lufs: float | None,
    true_peak_dbtp: float | None,
    duration: float,
    untranscribed: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """The per-language quality report (`{lang}/quality.json`): one row per unit, the speech
    left undubbed (the transcript's `untranscribed` regions, each with the share of its speech
    still heard) and a summary.

    `timings` are measured from the dubbed speech, `leak` and `momentary` (ebur128's momentary
    loudness of the mix) from the mix; `segments` (the translation) give the texts and `fits` (the
    timing fit) the speed ratio and overflow, by unit index. A figure that cannot be measured
    (no dub found, a unit shorter than a loudness block) is null."""
    by_index = {fit["index"]: fit for fit in fits}
    units = []
    for timing in timings:
        fit = by_index.get(timing.index, {})
        segment = segments[timing.index]
        heard_from = min(timing.source_start, timing.dub_start or timing.source_start)
        heard_to = max(timing.source_end, timing.dub_end or timing.source_end)
        units.append(
            {
                "index": timing.index,
                "source_start": timing.source_start,
                "source_end": timing.source_end,
                "dub_start": timing.dub_start,
                "dub_end": timing.dub_end,
                "onset_offset": timing.onset_offset,
                "coverage": timing.coverage,
                "speed_ratio": round(float(fit.get("speed_ratio", 1.0)), 4),
                "overflow": round(float(fit.get("overflow_seconds", 0.0)), 3),
                "leak": leak.share(timing.source_start, timing.source_end) if leak else None,
                "loudness_lufs": gated_loudness(momentary, heard_from, heard_to),
                "source_language": segment.get("source_language"),
                "source_text": segment.get("source_text", ""),
                "text": segment.get("text", ""),
            }
        )
    measured = timing_summary(timings)
    return {
        "language": language,
        "summary": {
            "units": len(units),
            "onset_within_100ms": measured["onset_within_100ms"],
            "median_onset_offset": measured["median_onset_offset"],
            "mean_coverage": measured["mean_coverage"],
            "max_speed_ratio": max((unit["speed_ratio"] for unit in units), default=1.0),
            "overflow_units": sum(1 for unit in units if unit["overflow"] > 0),
            "leak": leak.share() if leak else None,
            "loudness_lufs": loudness_lufs,
            "true_peak_dbtp": true_peak_dbtp,
            "duration": round(duration, 3),
            "untranscribed_seconds": round(
                sum(region["speech_seconds"] for region in untranscribed), 2
            ),
        },
        "units": units,
        "untranscribed": [
            {
                "start": region["start"],
                "end": region["end"],
                "speech_seconds": region["speech_seconds"],
                "language": region["language"],
                "reason": region["reason"],
                "leak": leak.share(region["start"], region["end"]) if leak else None,
            }
            for region in untranscribed
        ],
    }
