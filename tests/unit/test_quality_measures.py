"""The listening measurements (dubbing_assets/quality.py) and the duck envelope
(dubbing_assets/ducking.py) on signals whose answer is known."""

import numpy as np
import pytest

from dubbing_assets import quality
from dubbing_core.presets import get_preset
from resources.ffmpeg import ducking

RATE = quality.RATE


def burst(seconds: float, level_db: float, seed: int) -> np.ndarray:
    noise = np.random.default_rng(seed).standard_normal(round(seconds * RATE))
    return (noise * 10 ** (level_db / 20)).astype(np.float32)


def timeline(seconds: float, *parts: tuple[float, np.ndarray]) -> np.ndarray:
    out = np.zeros(round(seconds * RATE), np.float32)
    for start, samples in parts:
        first = round(start * RATE)
        out[first : first + len(samples)] += samples
    return out


def test_dub_timing_is_measured_in_each_units_window():
    dub = timeline(6.0, (1.05, burst(1.0, -20, 1)), (3.0, burst(2.5, -20, 2)))
    first, second = quality.measure_dub_timing([(1.0, 2.5), (3.0, 4.0)], dub)
    assert (first.dub_start, first.dub_end, first.onset_offset) == (1.05, 2.05, 0.05)
    assert first.coverage == pytest.approx(1.0 / 1.5, abs=0.01)
    assert (second.dub_start, second.dub_end, second.coverage) == (3.0, 5.5, 2.5)
    summary = quality.timing_summary([first, second])
    assert summary["onset_within_100ms"] == 1.0 and summary["median_onset_offset"] == 0.025
    silent = quality.measure_dub_timing([(1.0, 2.0)], np.zeros(RATE * 3, np.float32))
    assert silent[0].dub_start is None and silent[0].coverage == 0.0


def test_leak_counts_the_source_speech_heard_undubbed_and_not_ducked():
    speech = burst(2.0, -20, 3)
    source = timeline(6.0, (1.0, speech), (3.5, burst(2.0, -20, 4)))
    dub = timeline(6.0, (1.0, burst(1.0, -22, 5)), (3.5, burst(2.0, -22, 6)))
    gain = 10 ** (4 / 20)  # the mix is 4 dB louder overall (loudness normalization)
    ducked = 10 ** (-12 / 20)
    # The first sentence's tail (2.0..3.0 s) is ducked only 3 dB: heard. The rest 12 dB.
    envelope = np.full(len(source), ducked, np.float32)
    envelope[round(2.0 * RATE) : round(3.0 * RATE)] = 10 ** (-3 / 20)
    mix = gain * (source * envelope + dub)
    measured = quality.measure_leak(source, dub, mix)
    assert measured.share() == pytest.approx(1.0 / 4.0, abs=0.03)
    assert measured.share(3.5, 5.5) == 0.0
    assert measured.duck_db == pytest.approx(3.0, abs=1.0)

    fixed = gain * (source * ducked + dub)
    assert quality.measure_leak(source, dub, fixed).share() <= 0.01  # a frame at an edge


def test_gated_loudness_of_a_span_from_momentary_blocks():
    momentary = [(round(0.4 + 0.1 * i, 1), -20.0) for i in range(30)]
    assert quality.gated_loudness(momentary, 0.0, 3.3) == pytest.approx(-20.0, abs=0.01)
    assert quality.gated_loudness(momentary, 1.0, 1.2) is None  # shorter than a block
    quiet = [(t, -80.0) for t, _ in momentary]
    assert quality.gated_loudness(quiet, 0.0, 3.3) is None  # under the absolute gate


def test_the_envelope_ducks_each_span_by_the_presets_depth_and_nothing_else():
    gain = ducking.envelope([(1.0, 2.0), (2.2, 3.0), (6.0, 7.0)], 10.0, duck_db=12.0)
    at = {t: float(gain[round(t * ducking.ENVELOPE_RATE)]) for t in (0.5, 0.96, 1.5, 2.1, 4.5, 6.5)}
    floor = 10 ** (-12 / 20)
    # Down before the first onset, bridged over a 0.2 s gap, back up between units.
    assert at[0.96] == pytest.approx(floor) and at[1.5] == pytest.approx(floor)
    assert at[2.1] == pytest.approx(floor) and at[6.5] == pytest.approx(floor)
    assert at[0.5] == 1.0 and at[4.5] == 1.0
    assert len(gain) == 10 * ducking.ENVELOPE_RATE + 1
    assert np.all(np.abs(np.diff(gain)) < 0.05)  # ramps, no steps


def test_the_default_preset_removes_the_original_under_units_and_keeps_it_between():
    depth = get_preset("default").duck_db
    gain = ducking.envelope([(1.0, 2.0), (5.0, 6.0)], 8.0, duck_db=depth)
    at = {t: float(gain[round(t * ducking.ENVELOPE_RATE)]) for t in (1.5, 3.5, 5.5, 7.5)}
    # 80 dB down is under the noise of any recording: the original's speech is gone.
    assert at[1.5] <= 10 ** (-79 / 20) and at[5.5] <= 10 ** (-79 / 20)
    assert at[3.5] == 1.0 and at[7.5] == 1.0
