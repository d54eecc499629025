"""Passages heard again with the real Whisper (dubbing_assets/regions.py), on real speech and on a
melody: the language comes from the audio, and words only from speech."""

import numpy as np
import pytest
from faster_whisper import decode_audio

from dubbing_assets import regions
from resources.asr import ASR, Segment, Word
from testing.clips import code_switching

RATE = 16000
# Where the pieces of the clip are (testing/clips.py: code_switching), in seconds.
ENGLISH, GERMAN, MELODY = (0.6, 9.3), (10.5, 21.6), (22.8, 26.8)


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> np.ndarray:
    clip = code_switching(tmp_path_factory.mktemp("regions"))
    return np.asarray(decode_audio(str(clip), sampling_rate=RATE))


@pytest.fixture(scope="module")
def asr(models_dir) -> ASR:
    return ASR(models_dir=str(models_dir))


def _segment(index: int, span: tuple[float, float], word_probability: float) -> Segment:
    """A segment as Whisper returns it when told the job's language, with the given mean word
    probability (0.41-0.50 for German rendered as English, >= 0.7 for English)."""
    start, end = span
    words = [Word(start, end, "word", word_probability)]
    return Segment(index, start, end, "word", 0.5, 0.1, words)


def test_doubtful_segments_in_another_language_are_found_from_the_audio(samples, asr):
    segments = [
        _segment(0, (ENGLISH[0], 5.0), 0.45),  # doubtful, but English is spoken there
        _segment(1, (5.0, ENGLISH[1]), 0.95),  # confident: not checked
        _segment(2, (GERMAN[0], 15.0), 0.45),  # doubtful and German
        _segment(3, (15.0, GERMAN[1]), 0.5),  # the same passage
    ]
    assert regions.foreign_segments(segments, samples, RATE, asr, "en") == {2, 3}


def test_german_speech_is_heard_in_german_and_flagged_when_no_engine_translates_it(samples, asr):
    region = regions.Region(GERMAN[0], GERMAN[1], 8.4)
    heard = regions.hear(region, samples, RATE, asr, lambda language: language in ("en", "es"))
    assert heard is not None
    assert heard.language == "de" and heard.probability >= 0.9
    assert heard.reason == regions.UNTRANSLATABLE
    assert "Software" in heard.text
    words = [word for segment in heard.segments for word in segment["words"]]
    assert GERMAN[0] - 0.3 <= words[0]["start"] and words[-1]["end"] <= GERMAN[1] + 0.3
    # With an engine for German it would be dubbed.
    assert regions.hear(region, samples, RATE, asr, lambda language: True).reason is None  # type: ignore[union-attr]


def test_a_melody_holds_no_words(samples, asr):
    assert regions.hear(regions.Region(MELODY[0], MELODY[1], 3.6), samples, RATE, asr, bool) is None
