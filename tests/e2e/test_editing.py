"""Live: fix a translated sentence through the API and re-dub; only that sentence is redone, on
the same outbox and sensors as every run (docs/editing.md)."""

import pytest

from dubbing_api.client import ApiError
from dubbing_assets.configured import SETTINGS, build_resources
from dubbing_core import keys
from resources.storage import MediaStore
from testing.media import MEDIA, make_video
from tests.assets.test_selective_redub import (
    NEW_TEXT,
    assert_says_the_new_text,
    heard_in_slot,
    language_files,
)
from tests.listening import Pcm


def _attempts(job: dict, lang: str) -> dict[str, int]:
    language = next(entry for entry in job["languages"] if entry["language"] == lang)
    return {stage["stage"]: len(stage["history"]) for stage in language["stages"]}


def test_edit_a_translation_then_redub_only_that_unit(stack, client, tmp_path, models_dir):
    video = make_video(tmp_path / "clip.mp4", MEDIA / "multilingual.mp3", seconds=12)
    job = client.create_job(client.upload(video), ["es", "ca"], "en")
    job = client.wait(job["id"], timeout=900)
    assert job["status"] == "succeeded", job
    store = MediaStore(root=str(stack.data_dir / "storage"))
    speech_before = Pcm.of(store.read_bytes(keys.speech(job["id"], "es")))
    catalan_before = language_files(store, job["id"], "ca")
    catalan_attempts = _attempts(job, "ca")

    units, etag = client.units(job["id"], "es")
    edited = len(units["units"]) // 2
    unit = units["units"][edited]
    changed, _ = client.edit_units(job["id"], {unit["id"]: NEW_TEXT}, etag, "es")
    assert changed["units"][edited]["speechStale"]
    with pytest.raises(ApiError) as stale:
        client.edit_units(job["id"], {unit["id"]: "Otra cosa."}, etag, "es")
    assert stale.value.status == 412

    plan = client.redub(job["id"])
    assert plan["languages"] == [
        {"language": "es", "retranslate": [], "resynthesize": [unit["id"]]}
    ]
    job = client.wait(job["id"], timeout=900)
    assert job["status"] == "succeeded", job
    assert [entry["kind"] for entry in job["history"]][-2:] == ["units.edited", "job.redub"]
    assert _attempts(job, "ca") == catalan_attempts, "the other language ran again"
    assert language_files(store, job["id"], "ca") == catalan_before

    speech = Pcm.of(store.read_bytes(keys.speech(job["id"], "es")))
    start, end = speech.unit_span(units["units"], edited)
    assert len(speech.frames) == len(speech_before.frames)
    assert speech.frames[:start] == speech_before.frames[:start]
    assert speech.frames[end:] == speech_before.frames[end:]
    assert speech.frames[start:end] != speech_before.frames[start:end]
    after, _ = client.units(job["id"], "es")
    assert not any(u["speechStale"] for u in after["units"])

    asr = build_resources(SETTINGS.model_copy(update={"models_dir": models_dir}))["asr"]
    heard = heard_in_slot(asr, speech, units["units"], edited, tmp_path / "slot.wav")
    assert_says_the_new_text(heard, NEW_TEXT, unit["text"])
