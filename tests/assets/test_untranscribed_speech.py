"""Speech the transcription left out, on a real recording in two languages (English, then German,
then a melody; testing/clips.py: code_switching) dubbed from English into Spanish with the real
engines: the German is never heard at full level under no dub, and the melody is left alone."""

from pathlib import Path

import dagster as dg
import pytest

from dubbing_core import keys
from testing.clips import code_switching
from testing.harness import make_pipeline
from tests import listening

LANG = "es"
# Where the pieces of the clip are (seconds): the German sentence and the melody.
GERMAN = (10.5, 21.6)
MELODY = (22.8, 26.8)


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("code-switching")
    return code_switching(work)


@pytest.fixture(scope="module")
def apertium_only(clip, tmp_path_factory, models_dir):
    """Apertium has no German pair: the German sentence cannot be dubbed."""
    pipeline = make_pipeline(tmp_path_factory.mktemp("apertium"), models_dir)
    job = pipeline.submit(clip, [LANG], source_language="en")
    assert pipeline.ingest(job).success
    run = pipeline.dub(job, LANG)
    assert run.success
    return pipeline, job, run


def test_untranslatable_speech_is_flagged_with_its_language_and_has_no_unit(apertium_only):
    pipeline, job, _ = apertium_only
    transcript = pipeline.store.read_json(keys.transcript(job))
    (region,) = transcript["untranscribed"]
    assert region["language"] == "de"
    assert region["reason"] == "untranslatable"
    assert GERMAN[0] - 0.3 <= region["start"] and region["end"] <= GERMAN[1] + 0.3
    assert region["speech_seconds"] >= 6.0
    assert "Software" in region["text"]
    (melody,) = transcript["not_speech"]
    assert MELODY[0] - 0.3 <= melody["start"] and melody["end"] <= MELODY[1] + 0.3
    for unit in transcript["segments"]:
        assert unit["language"] == "en"
        assert unit["end"] <= region["start"] or unit["start"] >= region["end"], unit


def test_the_undubbed_speech_is_ducked_and_the_melody_is_not(apertium_only):
    pipeline, job, _ = apertium_only
    source, dub, mix = (
        Path(pipeline.store.path(key))
        for key in (keys.speech_audio(job), keys.speech(job, LANG), keys.mix(job, LANG))
    )
    # This measure cannot tell the melody from speech: everything before it.
    overall = listening.leak(source, dub, mix, within=(0.0, MELODY[0]))
    assert overall.share <= 0.05, overall
    german = listening.leak(source, dub, mix, within=GERMAN)
    assert german.share <= 0.05, german
    assert german.duck_db >= 10.0, german
    # The melody is not speech (Whisper finds no words in it): it keeps its level in the mix.
    melody = listening.leak(source, dub, mix, within=MELODY)
    assert abs(melody.duck_db) <= 2.0, melody


def test_the_quality_report_says_how_much_speech_was_not_dubbed(apertium_only):
    pipeline, job, run = apertium_only
    report = pipeline.store.read_json(keys.quality_report(job, LANG))
    (region,) = report["untranscribed"]
    assert region["language"] == "de" and region["reason"] == "untranslatable"
    assert report["summary"]["untranscribed_seconds"] == pytest.approx(
        region["speech_seconds"], abs=0.01
    )
    assert region["leak"] is not None and region["leak"] <= 0.05
    assert report["summary"]["leak"] <= 0.05
    ingest_metadata = {
        event.asset_key.to_user_string(): event.materialization.metadata
        for event in run.get_asset_materialization_events()
    }
    assert (
        ingest_metadata["dubbed_mix"]["untranscribed_seconds"].value
        == (report["summary"]["untranscribed_seconds"])
    )


def test_speech_in_a_language_the_engines_translate_becomes_units_of_that_language(
    clip, tmp_path_factory, models_dir, tiny_nllb
):
    """With NLLB-200 configured (a tiny random model here: the texts it writes mean nothing, the
    language pairs it is asked for are what is checked) German reaches Spanish, so the German
    sentence is transcribed in German and translated from German like any other unit."""
    pipeline = make_pipeline(
        tmp_path_factory.mktemp("nllb"), models_dir, nllb_model_path=str(tiny_nllb)
    )
    job = pipeline.submit(clip, [LANG], source_language="en")
    assert pipeline.ingest(job).success
    transcript = pipeline.store.read_json(keys.transcript(job))
    assert transcript["untranscribed"] == []
    german = [unit for unit in transcript["segments"] if unit["language"] == "de"]
    assert german, transcript["segments"]
    assert "Software" in " ".join(unit["text"] for unit in german)
    for unit in german:
        assert GERMAN[0] - 0.3 <= unit["start"] and unit["end"] <= GERMAN[1] + 0.3
    units = transcript["segments"]
    assert [unit["id"] for unit in units] == list(range(len(units)))
    assert [unit["start"] for unit in units] == sorted(unit["start"] for unit in units)
    assert pipeline.dub(job, LANG, dg.AssetSelection.assets("translation")).success
    translated = pipeline.store.read_json(keys.translation(job, LANG))
    assert translated["engines"] == {"en": "nllb", "de": "nllb"}
    assert [segment["source_language"] for segment in translated["segments"]] == [
        unit["language"] for unit in transcript["segments"]
    ]
