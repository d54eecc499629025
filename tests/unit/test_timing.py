import numpy as np
import pytest

from dubbing_assets import timing
from resources.wav import WavTimeline, WavTrack

RATE = 1000


def test_slots_borrow_silence_up_to_a_breath_before_the_next_start_and_media_end():
    slots = timing.slots([(1.0, 2.0), (3.0, 4.5)], media_duration=6.0)
    assert [(s.start, s.end, s.limit) for s in slots] == [(1.0, 2.0, 2.85), (3.0, 4.5, 6.0)]
    assert slots[0].available == pytest.approx(1.85)
    # No breath to take where a segment runs up to the next one.
    assert timing.slots([(1.0, 2.95), (3.0, 4.0)], 6.0)[0].limit == 2.95


def test_slots_keep_segment_indices_when_input_is_unordered_and_clip_overlaps():
    slots = timing.slots([(5.0, 6.0), (1.0, 5.5)], media_duration=7.0)
    assert [s.index for s in slots] == [1, 0]
    assert slots[0].end == 5.0  # clipped to the next start


def test_engine_rate_only_speeds_up_and_respects_cap():
    slot = timing.Slot(0, 0.0, 2.0, 3.0)
    assert timing.engine_rate_for(1.5, slot, 1.25) == 1.0
    assert timing.engine_rate_for(2.2, slot, 1.25) == pytest.approx(1.1)
    assert timing.engine_rate_for(4.0, slot, 1.25) == 1.25


def test_stretch_borrows_silence_before_stretching():
    slot = timing.Slot(0, 0.0, 2.0, 3.0)
    assert timing.stretch_for(2.8, slot, 1.3) == 1.0  # fits in the borrowed silence
    assert timing.stretch_for(3.3, slot, 1.3) == pytest.approx(1.1)
    assert timing.stretch_for(6.0, slot, 1.3) == 1.3


def test_place_cuts_overflow_with_fade_and_reports_it(tmp_path):
    with WavTimeline(tmp_path / "speech.wav", RATE, 10 * RATE) as wav:
        overflow = timing.place(wav, np.ones(3 * RATE, np.float32), 1.0, 3.0, RATE)
    timeline = WavTrack(tmp_path / "speech.wav")[:]
    assert overflow == pytest.approx(1.0)
    assert timeline[999] == 0 and timeline[1000] == pytest.approx(1.0, abs=1e-4)
    assert timeline[2999] < 0.1  # faded out at the cut
    assert not timeline[3000:].any()


def test_fit_segments_places_each_segment_at_its_source_start_without_drift(tmp_path):
    spans = [(0.5, 1.5), (2.0, 2.5), (4.0, 5.0)]
    lengths = {0: 0.8, 1: 1.2, 2: 3.0}  # natural durations

    def synthesize(index: int, rate: float) -> np.ndarray:
        return np.full(round(lengths[index] / rate * RATE), 0.5, np.float32)

    def stretch(samples: np.ndarray, ratio: float) -> np.ndarray:
        return samples[: round(len(samples) / ratio)]

    with WavTimeline(tmp_path / "speech.wav", RATE, 6 * RATE) as wav:
        fits = timing.fit_segments(
            timing.slots(spans, 6.0),
            synthesize,
            stretch,
            wav,
            rate=RATE,
            max_engine_rate=1.25,
            max_stretch=1.3,
        )
    timeline = WavTrack(tmp_path / "speech.wav")[:]
    assert len(timeline) == 6 * RATE
    for fit, (start, _end) in zip(fits, spans, strict=True):
        assert fit.placed_start == start
        onset = np.flatnonzero(timeline[round(start * RATE) - 50 :])[0] - 50
        assert abs(onset) <= 1
    # segment 0 fits as is; 1 needs engine rate only (borrowing silence); 2 needs everything
    assert (fits[0].engine_rate, fits[0].stretch) == (1.0, 1.0)
    assert fits[1].engine_rate == 1.25 and fits[1].stretch == 1.0
    assert fits[2].engine_rate == 1.25 and fits[2].stretch == 1.2
    assert fits[2].overflow_seconds == 0.0
    summary = timing.summary(fits)
    assert summary["overflow_segments"] == 0
    assert summary["max_speed_ratio"] == pytest.approx(1.5)
