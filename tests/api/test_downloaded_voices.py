"""A piper voice downloaded into the models directory (`dubflow models download piper`) is a voice
like the packaged ones: `GET /v1/voices` lists it, and the language's default prefers it over
espeak-ng; presets and jobs may choose it, and a job records the voice it will be dubbed with.
A voice that is not installed here is refused with a stable code. (The files here only stand for
an installation; tests/assets/test_downloaded_voice.py dubs with a really downloaded voice.)"""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from dubbing_api.core.config import ApiSettings
from dubbing_api.main import create_app
from dubbing_core.requests import VoiceChoice, load_request
from resources.storage import MediaStore
from tests.api.conftest import upload_file

DAVEFX = "es_ES-davefx-medium"
SHARVARD = "es_ES-sharvard-medium"  # a second medium Spanish voice: the default is decided by id
CARLFM = "es_ES-carlfm-x_low"  # lower quality than either


def _install(models: Path, voice: str) -> None:
    folder = models / f"piper-{voice}"
    folder.mkdir(parents=True)
    (folder / f"{voice}.onnx").write_bytes(b"onnx")
    (folder / f"{voice}.onnx.json").write_text(json.dumps({"audio": {"sample_rate": 22050}}))


@pytest.fixture
def voiced(settings: ApiSettings, tmp_path: Path) -> ApiSettings:
    models = tmp_path / "models"
    for voice in (SHARVARD, DAVEFX, CARLFM):
        _install(models, voice)
    return settings.model_copy(update={"models_dir": models})


@pytest.fixture
def voiced_client(voiced: ApiSettings) -> Iterator[TestClient]:
    with TestClient(create_app(voiced)) as test_client:
        yield test_client


def _problem(response, code: str) -> None:
    assert response.status_code == 422, response.text
    assert response.json()["code"] == code, response.text


def test_downloaded_voices_are_listed_and_the_best_is_the_default(voiced_client, alice):
    spanish = voiced_client.get("/v1/voices", params={"language": "es"}, headers=alice).json()
    listed = {voice["id"]: voice for voice in spanish}
    assert set(listed) == {"espeak-es", DAVEFX, SHARVARD, CARLFM}
    # Medium beats x_low; between the two medium voices the first by id.
    assert [voice["id"] for voice in spanish if voice["default"]] == [DAVEFX]
    assert listed[DAVEFX]["engine"] == "piper" and "downloaded" in listed[DAVEFX]["quality"]
    languages = {
        language["code"]: language
        for language in voiced_client.get("/v1/languages", headers=alice).json()
    }
    # Spanish has a natural voice here now; French still only has espeak-ng.
    assert languages["es"]["suggestedDownload"] is None
    assert languages["fr"]["suggestedDownload"] == "fr_FR-siwis-medium"
    assert languages["en"]["suggestedDownload"] is None  # the packaged piper voice


def test_a_preset_may_choose_a_downloaded_voice_but_not_one_missing_here(voiced_client, alice):
    body = {"name": "natural-es", "voices": {"es": SHARVARD}}
    created = voiced_client.post("/v1/presets", json=body, headers=alice)
    assert created.status_code == 201, created.text
    assert created.json()["voices"] == {"es": SHARVARD}
    missing = {"name": "other", "voices": {"es": "es_ES-nobody-medium"}}
    response = voiced_client.post("/v1/presets", json=missing, headers=alice)
    _problem(response, "preset.voice_not_installed")
    assert "dubflow models download piper es_ES-nobody-medium" in response.json()["detail"]
    wrong = {"name": "other", "voices": {"fr": DAVEFX}}
    _problem(voiced_client.post("/v1/presets", json=wrong, headers=alice), "preset.voice_language")


def test_a_job_records_the_voice_it_is_dubbed_with(voiced_client, voiced, alice, sample_video):
    preset = {"name": "natural-es", "voices": {"es": SHARVARD}}
    assert voiced_client.post("/v1/presets", json=preset, headers=alice).status_code == 201
    store = MediaStore(root=voiced.resolved_storage_url)

    def voices(targets: list[dict[str, str]]) -> dict[str, VoiceChoice | None]:
        body = {"uploadId": upload_file(voiced_client, alice, sample_video), "targets": targets}
        body["sourceLanguage"] = "en"
        created = voiced_client.post("/v1/jobs", json=body, headers=alice)
        assert created.status_code == 201, created.text
        request = load_request(store, created.json()["id"])
        return {target.lang: target.voice for target in request.targets}

    chosen = voices([{"language": "es", "voice": CARLFM}, {"language": "ca"}])
    assert chosen["es"] == VoiceChoice(
        id=CARLFM, engine="piper", model=f"piper-{CARLFM}", chosen_by="job"
    )
    assert chosen["ca"] == VoiceChoice(
        id="espeak-ca", engine="espeak-ng", model="ca", chosen_by="default"
    )
    by_default = voices([{"language": "es"}])["es"]
    assert by_default is not None and (by_default.id, by_default.chosen_by) == (DAVEFX, "default")
    by_preset = voices([{"language": "es", "preset": "natural-es"}])["es"]
    assert by_preset is not None and (by_preset.id, by_preset.chosen_by) == (SHARVARD, "preset")
    # The job's own voice wins over its preset's.
    both = voices([{"language": "es", "preset": "natural-es", "voice": "espeak-es"}])["es"]
    assert both is not None and (both.id, both.chosen_by) == ("espeak-es", "job")


@pytest.mark.parametrize(
    ("voice", "code"),
    [
        ("es_ES-nobody-medium", "job.voice_not_installed"),
        ("no-such-voice", "job.unknown_voice"),
        ("espeak-fr", "job.voice_language"),
    ],
)
def test_a_job_refuses_a_voice_it_cannot_speak_with(
    voiced_client, alice, sample_video, voice, code
):
    body = {
        "uploadId": upload_file(voiced_client, alice, sample_video),
        "sourceLanguage": "en",
        "targets": [{"language": "es", "voice": voice}],
    }
    _problem(voiced_client.post("/v1/jobs", json=body, headers=alice), code)
