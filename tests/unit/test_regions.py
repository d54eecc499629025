"""Speech no unit covers (dubbing_assets/regions.py) and what the mix and the report do with it."""

import numpy as np

from dubbing_assets import regions
from dubbing_assets.mixing import duck_spans
from dubbing_assets.quality import LeakMeasurement, quality_report
from dubbing_assets.units import Unit, Word, build_units, in_order
from resources.asr import Segment
from resources.asr import Word as AsrWord

FRAME = 0.01


def activity(length: float, *runs: tuple[float, float]) -> np.ndarray:
    active = np.zeros(round(length / FRAME), bool)
    for start, end in runs:
        active[round(start / FRAME) : round(end / FRAME)] = True
    return active


def test_speech_outside_every_unit_is_a_region_and_speech_inside_is_not():
    active = activity(20.0, (1.0, 3.0), (5.0, 6.5), (6.8, 8.0), (12.0, 12.3))
    found = regions.uncovered_regions(active, FRAME, [(1.0, 3.0)])
    # 5.0-8.0 is one passage (a 0.3 s gap is bridged); 12.0-12.3 is too little speech.
    assert found == [regions.Region(5.0, 8.0, 2.7)]


def test_speech_just_past_a_units_edge_is_the_units_own():
    active = activity(10.0, (1.0, 3.1))
    assert regions.uncovered_regions(active, FRAME, [(1.0, 3.0)]) == []
    # Beyond the margin, what is left is the region (if it is speech enough).
    assert regions.uncovered_regions(activity(10.0, (1.0, 4.0)), FRAME, [(1.0, 3.0)]) == [
        regions.Region(3.15, 4.0, 0.85)
    ]


def test_passages_further_apart_than_the_bridge_are_separate():
    active = activity(20.0, (2.0, 3.0), (4.5, 5.5))
    assert regions.uncovered_regions(active, FRAME, []) == [
        regions.Region(2.0, 3.0, 1.0),
        regions.Region(4.5, 5.5, 1.0),
    ]


def test_a_region_is_dubbed_only_in_a_trusted_language_every_target_reaches():
    def reachable(language: str) -> bool:
        return language in ("en", "es")

    assert regions.verdict("es", 0.97, reachable) is None
    assert regions.verdict("de", 0.99, reachable) == regions.UNTRANSLATABLE
    assert regions.verdict("ja", 0.99, reachable) == regions.UNTRANSLATABLE
    assert regions.verdict("es", 0.3, reachable) == regions.UNCERTAIN


def _segment(no_speech: float, confidence: float, words: int = 2) -> Segment:
    timed = [AsrWord(float(i), i + 0.5, f"w{i}", 0.9) for i in range(words)]
    return Segment(0, 0.0, float(words), "w", confidence, no_speech, timed)


def test_words_count_only_when_whisper_is_sure_they_are_speech():
    assert regions.holds_words(_segment(no_speech=0.1, confidence=0.7))
    assert not regions.holds_words(_segment(no_speech=0.8, confidence=0.7))
    # "Oh" on a melody: no_speech 0.54 but decoded at exp(avg_logprob) 0.22.
    assert not regions.holds_words(_segment(no_speech=0.54, confidence=0.22))
    assert not regions.holds_words(_segment(no_speech=0.1, confidence=0.7, words=0))


def test_units_of_two_languages_come_in_time_order_numbered_again():
    english = [Unit(0, 0.0, 2.0, (Word(0.0, 2.0, "Hello."),), "en")]
    german = build_units(
        [{"start": 3.0, "end": 4.0, "text": "Guten Tag.", "words": [
            {"start": 3.0, "end": 3.4, "word": "Guten"}, {"start": 3.5, "end": 4.0, "word": "Tag."},
        ]}],
        language="de",
    )  # fmt: skip
    later = [Unit(0, 5.0, 6.0, (Word(5.0, 6.0, "Bye."),), "en")]
    merged = in_order(later, german, english)
    assert [(unit.index, unit.language, unit.text) for unit in merged] == [
        (0, "en", "Hello."),
        (1, "de", "Guten Tag."),
        (2, "en", "Bye."),
    ]
    assert merged[1].to_segment()["language"] == "de"


FLAGGED = {
    "start": 10.0,
    "end": 20.0,
    "speech_seconds": 8.4,
    "language": "de",
    "probability": 0.99,
    "reason": regions.UNTRANSLATABLE,
    "text": "Jeden, der diese Software ...",
}


def test_the_mix_ducks_speech_that_was_not_dubbed():
    timing = {
        "segments": [{"source_start": 1.0, "source_end": 3.0, "dub_start": 1.0, "dub_end": 3.2}]
    }
    assert duck_spans(timing, [FLAGGED]) == [(1.0, 3.0), (1.0, 3.2), (10.0, 20.0)]


def test_the_report_lists_each_undubbed_region_with_the_share_still_heard():
    speech = activity(30.0, (10.0, 20.0))
    leaking = activity(30.0, (10.0, 10.5))
    report = quality_report(
        "es",
        [],
        [],
        [],
        leak=LeakMeasurement(speech, leaking, 12.0),
        momentary=[],
        loudness_lufs=-16.0,
        true_peak_dbtp=-2.0,
        duration=30.0,
        untranscribed=[FLAGGED],
    )
    assert report["summary"]["untranscribed_seconds"] == 8.4
    assert report["untranscribed"] == [
        {
            "start": 10.0,
            "end": 20.0,
            "speech_seconds": 8.4,
            "language": "de",
            "reason": "untranslatable",
            "leak": 0.05,
        }
    ]
