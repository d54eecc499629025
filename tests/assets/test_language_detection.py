"""Auto-detection settles the source language among those dubflow handles, or fails early with
`source.language_uncertain`; every target is then checked before the transcription and before any
language's dub. Real speech: the German half of media/multilingual.mp3."""

import dagster as dg
import pytest

from dubbing_core import keys
from resources.asr import LanguageUncertain, choose_language
from testing.harness import failure_codes, make_pipeline
from testing.media import MEDIA, make_video

UP_TO_TRANSCRIPT = dg.AssetSelection.assets("source_video", "source_audio", "transcript")
SUPPORTED = ("en", "es", "ca", "de", "fr", "it", "pt")


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory, models_dir):
    return make_pipeline(tmp_path_factory.mktemp("detect"), models_dir)


def _logs(pipeline, result: dg.ExecuteInProcessResult) -> list[str]:
    return [
        record.user_message
        for record in pipeline.instance.all_logs(result.run_id)
        if record.step_key == "transcript"
    ]


def test_german_speech_is_detected_and_unreachable_targets_fail_before_transcribing(
    pipeline, tmp_path
):
    german = make_video(tmp_path / "german.mp4", MEDIA / "multilingual.mp3", start=31, seconds=8)
    job = pipeline.submit(german, ["es", "ca"])

    result = pipeline.ingest(job, UP_TO_TRANSCRIPT)

    assert failure_codes(result) == {"transcript": "translation.unsupported_pair"}
    logs = _logs(pipeline, result)
    assert any(line.startswith("detected de (p=") for line in logs), logs
    failure = next(line for line in logs if "de->es, de->ca" in line)
    assert "unsupported_pair" in failure
    # Failed before the transcription: it never reported progress, nor stored a transcript.
    assert not any(line.startswith("transcribing:") for line in logs)
    assert not pipeline.store.exists(keys.transcript(job))
    assert "STEP_UP_FOR_RETRY" not in [event.event_type_value for event in result.all_events]


def test_too_little_speech_to_tell_the_language_fails_early_with_the_candidates(pipeline, tmp_path):
    # 0.6 s of the German reading: Whisper hears English and German about equally.
    clip = make_video(tmp_path / "word.mp4", MEDIA / "multilingual.mp3", start=33, seconds=0.6)
    job = pipeline.submit(clip, ["es"])

    result = pipeline.ingest(job, UP_TO_TRANSCRIPT)

    assert failure_codes(result) == {"transcript": "source.language_uncertain"}
    failure = next(line for line in _logs(pipeline, result) if "could not tell" in line)
    assert "de (" in failure and "en (" in failure and "--from" in failure
    assert "STEP_UP_FOR_RETRY" not in [event.event_type_value for event in result.all_events]


def test_a_given_source_language_is_checked_against_every_target_too(pipeline, tmp_path):
    english = make_video(tmp_path / "english.mp4", MEDIA / "multilingual.mp3", seconds=4)
    job = pipeline.submit(english, ["es", "de"], source_language="en")

    result = pipeline.ingest(job, UP_TO_TRANSCRIPT)

    assert failure_codes(result) == {"transcript": "translation.unsupported_pair"}
    assert not pipeline.store.exists(keys.transcript(job))


def test_detection_chooses_among_the_supported_languages():
    # Whisper's first choice is a language dubflow cannot dub from (the French-as-Hebrew case):
    # French dominates the supported languages and is chosen.
    chosen = choose_language(
        [("he", 0.26), ("fr", 0.22), ("ar", 0.1), ("en", 0.03), ("es", 0.01)],
        SUPPORTED,
        min_probability=0.2,
        min_share=0.75,
    )
    assert (chosen.language, chosen.probability, chosen.share) == ("fr", 0.22, 0.8462)
    assert chosen.heard == [("he", 0.26), ("fr", 0.22), ("ar", 0.1)]


@pytest.mark.parametrize(
    ("probabilities", "why"),
    [
        ([("nl", 0.9), ("de", 0.06), ("en", 0.02)], "the best supported language is unlikely"),
        ([("de", 0.32), ("en", 0.31), ("id", 0.05)], "two supported languages are close"),
    ],
)
def test_detection_fails_rather_than_guess(probabilities, why):
    with pytest.raises(LanguageUncertain) as error:
        choose_language(probabilities, SUPPORTED, min_probability=0.2, min_share=0.75)
    assert error.value.code == "source.language_uncertain", why
    assert f"{probabilities[0][0]} ({probabilities[0][1]:.0%})" in str(error.value)
