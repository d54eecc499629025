"""Timing fit: put every synthesized segment in its source time slot, with no drift.

Order of tools, per segment (docs/pipeline.md, "Timing fit"):
1. the engine's own rate control, up to the preset's `max_engine_rate`, to fit the segment's span;
2. borrow the silence after the segment (up to the next segment's start, or the end of the media);
3. time-stretch, up to `max_stretch`, whatever still does not fit;
4. what still overflows is cut with a short fade, and reported.
Every segment is placed at its own source start, so an overflow never pushes later segments.
Whether the dub really sounds where the source speaks is measured from the audio afterwards
(`dubbing_assets.quality.measure_dub_timing`), not assumed from the placement.
"""

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from resources.wav import WavTimeline

FADE_SECONDS = 0.02
BREATH_SECONDS = 0.15


@dataclass(frozen=True)
class Slot:
    index: int
    start: float
    end: float
    # Up to where this segment may extend: the next segment's start or the end of the media.
    limit: float

    @property
    def span(self) -> float:
        return self.end - self.start

    @property
    def available(self) -> float:
        return self.limit - self.start


@dataclass(frozen=True)
class SegmentFit:
    index: int
    start: float
    end: float
    available: float
    natural_seconds: float
    engine_rate: float
    stretch: float
    final_seconds: float
    overflow_seconds: float
    placed_start: float

    @property
    def speed_ratio(self) -> float:
        """Overall speed-up against the engine's natural rate."""
        return self.engine_rate * self.stretch

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "speed_ratio": round(self.speed_ratio, 4)}


def slots(spans: Sequence[tuple[float, float]], media_duration: float) -> list[Slot]:
    """Time slots in order of start (each keeps its segment's index); a span overlapping the
    next segment is clipped to that segment's start. A dub borrowing the silence after its
    segment stops `BREATH_SECONDS` short of the next one, so the listener hears each new
    sentence start."""
    ordered = sorted(enumerate(spans), key=lambda item: item[1][0])
    result = []
    for position, (index, (start, end)) in enumerate(ordered):
        following = ordered[position + 1][1][0] if position + 1 < len(ordered) else None
        if following is None:
            limit = max(media_duration, start)
        else:
            limit = max(following - BREATH_SECONDS, min(end, following), start)
        result.append(Slot(index, start, min(max(end, start), limit), limit))
    return result


def engine_rate_for(natural_seconds: float, slot: Slot, max_rate: float) -> float:
    """The engine speed-up that makes the natural reading fit the segment's own span."""
    if slot.span <= 0 or natural_seconds <= slot.span:
        return 1.0
    return min(natural_seconds / slot.span, max_rate)


def stretch_for(seconds: float, slot: Slot, max_stretch: float) -> float:
    """The time-stretch still needed once the silence after the segment is borrowed."""
    if slot.available <= 0 or seconds <= slot.available:
        return 1.0
    return min(seconds / slot.available, max_stretch)


def place(timeline: WavTimeline, audio: np.ndarray, start: float, limit: float, rate: int) -> float:
    """Write `audio` into `timeline` at `start`, cut at `limit` with a fade; returns the overflow
    in seconds (the part that was cut). Slots do not overlap: each piece is placed after the
    last."""
    first = round(start * rate)
    last = min(round(limit * rate), len(timeline))
    room = max(last - first, 0)
    kept = audio[:room].astype(np.float32, copy=True)
    overflow = max(len(audio) - room, 0) / rate
    if overflow > 0 and len(kept):
        fade = min(len(kept), round(FADE_SECONDS * rate))
        kept[len(kept) - fade :] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)
    if len(kept):
        timeline.add(first, kept)
    return overflow


Synthesize = Callable[[int, float], np.ndarray]
Stretch = Callable[[np.ndarray, float], np.ndarray]


def fit_segments(
    slots_: Sequence[Slot],
    synthesize: Synthesize,
    stretch: Stretch,
    timeline: WavTimeline,
    *,
    rate: int,
    max_engine_rate: float,
    max_stretch: float,
    on_segment: Callable[[SegmentFit], None] | None = None,
) -> list[SegmentFit]:
    """Synthesize and fit every slot into `timeline` (the speech as long as the media, written to
    its file as it is placed); returns a fit report per segment. `synthesize(index,
    engine_rate)` returns silence-trimmed samples at `rate`; `stretch(samples, ratio)` speeds them
    up by `ratio` keeping the pitch."""
    fits = []
    for slot in slots_:
        audio = synthesize(slot.index, 1.0)
        natural = len(audio) / rate
        engine_rate = engine_rate_for(natural, slot, max_engine_rate)
        if engine_rate > 1.0:
            audio = synthesize(slot.index, engine_rate)
        ratio = stretch_for(len(audio) / rate, slot, max_stretch)
        if ratio > 1.0:
            audio = stretch(audio, ratio)
        overflow = place(timeline, audio, slot.start, slot.limit, rate)
        fit = SegmentFit(
            index=slot.index,
            start=slot.start,
            end=slot.end,
            available=round(slot.available, 4),
            natural_seconds=round(natural, 4),
            engine_rate=round(engine_rate, 4),
            stretch=round(ratio, 4),
            final_seconds=round(len(audio) / rate, 4),
            overflow_seconds=round(overflow, 4),
            placed_start=round(round(slot.start * rate) / rate, 4),
        )
        fits.append(fit)
        if on_segment:
            on_segment(fit)
    return fits


def summary(fits: Sequence[SegmentFit]) -> dict[str, Any]:
    ratios = [fit.speed_ratio for fit in fits] or [1.0]
    return {
        "segments": len(fits),
        "max_speed_ratio": round(max(ratios), 4),
        "mean_speed_ratio": round(sum(ratios) / len(ratios), 4),
        "overflow_segments": sum(1 for fit in fits if fit.overflow_seconds > 0),
        "overflow_seconds": round(sum(fit.overflow_seconds for fit in fits), 4),
    }
