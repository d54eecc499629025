"""The batch re-dub schedule on real materializations: a new voice version makes only the
partitions dubbed with that voice stale; they are requested from dubbed_speech on, in bounded
batches, and are fresh again once re-dubbed."""

import dataclasses

import dagster as dg
import pytest

from dubbing_assets.automation.schedules import batch_redub, redub_requests, stale_partitions
from dubbing_assets.partitions import job_lang_key
from dubbing_core import tags, voices
from testing.harness import make_pipeline
from testing.media import MEDIA, make_video

LANGS = ["es", "ca"]


@pytest.fixture(scope="module")
def dubbed(tmp_path_factory, models_dir):
    tmp = tmp_path_factory.mktemp("redub")
    video = make_video(tmp / "clip.mp4", MEDIA / "multilingual.mp3", seconds=6.0)
    pipeline = make_pipeline(tmp, models_dir, persistent=True)
    job = pipeline.submit(video, LANGS, source_language="en")
    assert pipeline.ingest(job).success
    for lang in LANGS:
        assert pipeline.dub(job, lang).success
    return pipeline, job


def _context(pipeline) -> dg.ScheduleEvaluationContext:
    # Used in a `with` block: a context built with resources enters the instance, and left open
    # it keeps Dagster's current definitions-state storage pointing at this module's instance
    # after it is gone, which fails the next module's runs.
    resources = {
        "jobstore": pipeline.resources["jobstore"],
        "store": pipeline.store,
        "tts": pipeline.resources["tts"],
    }
    return dg.build_schedule_context(instance=pipeline.instance, resources=resources)


def _new_version(monkeypatch, voice_id: str, version: str = "2") -> None:
    voice = voices.VOICES[voice_id]
    monkeypatch.setitem(voices.VOICES, voice_id, dataclasses.replace(voice, version=version))


def test_nothing_is_stale_after_a_dub(dubbed):
    pipeline, _ = dubbed
    assert stale_partitions(pipeline.instance) == []
    with _context(pipeline) as context:
        result = batch_redub(context)
    assert isinstance(result, dg.SkipReason)


def test_a_new_voice_version_requests_only_its_partitions(dubbed, monkeypatch):
    pipeline, job = dubbed
    _new_version(monkeypatch, "espeak-es")
    stale = stale_partitions(pipeline.instance)
    assert [(p.job, p.lang) for p in stale] == [(job, "es")]
    assert stale[0].made_with.startswith("espeak-es@1+") and stale[0].current.startswith(
        "espeak-es@2+"
    )

    with _context(pipeline) as context:
        requests = batch_redub(context)
    assert isinstance(requests, list) and len(requests) == 1
    request = requests[0]
    assert request.partition_key == str(job_lang_key(job, "es"))
    assert [key.to_user_string() for key in request.asset_selection or []] == [
        "dubbed_speech",
        "dubbed_mix",
        "audio_rendition",
    ]
    assert request.tags[tags.LANG] == "es" and request.tags[tags.RESUME_FROM] == "dubbed_speech"

    # Re-dubbing what was requested makes it fresh; the other language was never touched.
    selection = dg.AssetSelection.assets(*request.asset_selection)
    assert pipeline.dub(job, "es", selection).success
    assert stale_partitions(pipeline.instance) == []


def test_batches_are_bounded_and_languages_selectable(dubbed, monkeypatch):
    pipeline, job = dubbed
    _new_version(monkeypatch, "espeak-es", "3")  # es was last re-dubbed with version 2
    _new_version(monkeypatch, "espeak-ca")
    assert len(stale_partitions(pipeline.instance)) == 2
    assert len(redub_requests(pipeline.instance, frozenset(), batch_size=1)) == 1
    only_catalan = redub_requests(pipeline.instance, frozenset({"ca"}), batch_size=10)
    assert [r.partition_key for r in only_catalan] == [str(job_lang_key(job, "ca"))]
