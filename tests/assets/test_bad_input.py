"""source_video refuses bad input permanently, with a stable code, and nothing else runs."""

import json
import subprocess

import pytest

from dubbing_core import keys
from testing.harness import failure_codes, make_pipeline
from testing.media import MEDIA, make_video


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory, models_dir):
    return make_pipeline(tmp_path_factory.mktemp("bad"), models_dir, max_source_seconds=20.0)


def _video_without_audio(path):
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=160x90:rate=25",
            "-t",
            "2",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            str(path),
        ],
        check=True,
    )
    return path


def _bad_inputs(tmp):
    good = make_video(tmp / "good.mp4", MEDIA / "multilingual.mp3", seconds=4)
    data = good.read_bytes()
    (tmp / "empty.mp4").write_bytes(b"")
    (tmp / "notes.mp4").write_text("this is not a video\n" * 100)
    (tmp / "truncated.mp4").write_bytes(data[: len(data) // 2])
    return {
        "source.empty": tmp / "empty.mp4",
        "source.not_media": tmp / "notes.mp4",
        "source.truncated": tmp / "truncated.mp4",
        "source.no_audio": _video_without_audio(tmp / "silent.mp4"),
        "source.too_long": make_video(tmp / "long.mp4", MEDIA / "multilingual.mp3", seconds=25),
    }


@pytest.mark.parametrize(
    "code",
    ["source.empty", "source.not_media", "source.truncated", "source.no_audio", "source.too_long"],
)
def test_bad_source_is_rejected_permanently(pipeline, tmp_path, code):
    video = _bad_inputs(tmp_path)[code]
    job = pipeline.submit(video, ["es"])
    stored = {key: pipeline.store.sha256(key) for key in (keys.upload(job), keys.request(job))}

    result = pipeline.ingest(job)

    assert not result.success
    assert failure_codes(result) == {"source_video": code}
    events = [e.event_type_value for e in result.all_events]
    assert "STEP_UP_FOR_RETRY" not in events and events.count("STEP_START") == 1
    assert not result.get_asset_materialization_events()
    archive = keys.run_log(job, result.run_id)
    assert pipeline.store.list(f"jobs/{job}") == sorted([*stored, archive])
    assert {key: pipeline.store.sha256(key) for key in stored} == stored
    failed = [json.loads(line) for line in pipeline.store.read_bytes(archive).splitlines()][-1]
    assert failed["event"] == "stage.failed" and failed["errorCode"] == code
    assert failed["willRetry"] is False


def test_a_model_that_is_not_installed_fails_at_once_and_keeps_earlier_stages(tmp_path, models_dir):
    """A configuration error (here Whisper small, which no package here provides) would fail
    again on every retry: the stage fails once, with the registry's code."""
    pipeline = make_pipeline(tmp_path, models_dir, asr_model="whisper-small")
    video = make_video(tmp_path / "clip.mp4", MEDIA / "multilingual.mp3", seconds=3)
    job = pipeline.submit(video, ["es"])

    result = pipeline.ingest(job)

    assert failure_codes(result) == {"transcript": "model.not_installed"}
    assert "STEP_UP_FOR_RETRY" not in [e.event_type_value for e in result.all_events]
    assert pipeline.store.exists(keys.speech_audio(job))  # what ran before is kept
