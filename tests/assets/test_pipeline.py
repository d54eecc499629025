"""End to end: every asset materialized with the real engines for a real ~9 s English clip, dubbed
into Spanish and Catalan; then a selective re-dub of one language."""

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

from dubbing_core import keys
from resources.ffmpeg.audio import read_wav_mono
from resources.ffmpeg.mix import measure_loudness
from testing.harness import make_pipeline
from testing.media import MEDIA, make_video

LANGS = ["es", "ca"]


def ffprobe(path: Path) -> dict:
    completed = subprocess.run(
        ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(completed.stdout)


@pytest.fixture(scope="module")
def dubbed(tmp_path_factory, models_dir):
    tmp = tmp_path_factory.mktemp("e2e")
    video = make_video(tmp / "clip.mp4", MEDIA / "multilingual.mp3", seconds=9.0)
    pipeline = make_pipeline(tmp, models_dir)
    job = pipeline.submit(video, LANGS)
    assert pipeline.ingest(job).success
    for lang in LANGS:
        assert pipeline.dub(job, lang).success
    return pipeline, job


def test_transcript_is_english_and_each_segment_translated(dubbed):
    pipeline, job = dubbed
    transcript = pipeline.store.read_json(keys.transcript(job))
    assert transcript["language"] == "en" and transcript["segments"]
    assert "permission" in transcript["segments"][0]["text"].lower()
    for lang in LANGS:
        translated = pipeline.store.read_json(keys.translation(job, lang))
        assert len(translated["segments"]) == len(transcript["segments"])
        assert translated["engine"].startswith("apertium")
        assert all(segment["text"].strip() for segment in translated["segments"])
    spanish = " ".join(
        s["text"] for s in pipeline.store.read_json(keys.translation(job, "es"))["segments"]
    )
    assert "permiso" in spanish.lower()


def test_dubbed_audio_keeps_the_source_duration_and_segment_starts(dubbed):
    pipeline, job = dubbed
    source_duration = pipeline.store.read_json(keys.source_probe(job))["duration"]
    for lang in LANGS:
        with pipeline.store.local_copy(keys.speech(job, lang)) as speech:
            samples = read_wav_mono(speech, 16000)
        assert abs(len(samples) / 16000 - source_duration) <= 0.02 * source_duration
        with pipeline.store.local_copy(keys.mix(job, lang)) as mix:
            mix_duration = float(ffprobe(mix)["format"]["duration"])
            loudness = measure_loudness(mix)
        assert abs(mix_duration - source_duration) <= 0.02 * source_duration
        assert abs(loudness - pipeline.resources["media"].target_lufs) <= 1.0
        report = pipeline.store.read_json(keys.timing_report(job, lang))
        assert report["summary"]["max_onset_offset"] <= 0.05
        frames = samples[: len(samples) // 160 * 160].reshape(-1, 160)  # 10 ms frames
        loud = 20 * np.log10(np.sqrt((frames**2).mean(axis=1)) + 1e-9) > -45
        previous_end = -1.0
        for segment in report["segments"]:
            start = segment["start"]
            # the onset is measurable when the segment before ended clearly earlier
            if previous_end < start - 0.1:
                first = max(int((start - 0.1) * 100), 0)
                onset = (first + int(np.argmax(loud[first:]))) / 100
                assert abs(onset - start) <= 0.05, (lang, segment)
            previous_end = segment["placed_start"] + segment["final_seconds"]


def test_hls_master_lists_both_languages_and_every_rendition_probes(dubbed):
    pipeline, job = dubbed
    master = pipeline.store.read_bytes(keys.hls_master(job)).decode()
    for lang in LANGS:
        assert f'TYPE=AUDIO,GROUP-ID="audio",LANGUAGE="{lang}"' in master
        assert f'TYPE=SUBTITLES,GROUP-ID="subs",LANGUAGE="{lang}"' in master
    assert 'CODECS="avc1.' in master and "mp4a.40.2" in master
    root = Path(pipeline.store.path(keys.hls_prefix(job)))
    video = ffprobe(root / "video" / "index.m3u8")
    assert [s["codec_type"] for s in video["streams"]] == ["video"]
    assert pipeline.store.read_json(keys.hls_video_info(job))["stream_copied"] is True
    for lang in LANGS:
        audio = ffprobe(root / "audio" / lang / "index.m3u8")
        assert [s["codec_name"] for s in audio["streams"]] == ["aac"]
        subs = ffprobe(root / "subs" / lang / "index.m3u8")
        assert [s["codec_name"] for s in subs["streams"]] == ["webvtt"]
        mp4 = ffprobe(Path(pipeline.store.path(keys.mp4(job, lang))))
        assert sorted(s["codec_type"] for s in mp4["streams"]) == ["audio", "video"]
        srt = pipeline.store.read_bytes(keys.subtitles_srt(job, lang)).decode()
        assert srt.startswith("1\n00:00:")


def test_redub_one_language_reuses_upstream_and_leaves_others_untouched(dubbed):
    import dagster as dg

    pipeline, job = dubbed
    store = pipeline.store
    upstream = [
        keys.upload(job),
        keys.speech_audio(job),
        keys.transcript(job),
        keys.translation(job, "es"),
    ]
    other = [k for k in store.list(f"jobs/{job}/ca")] + store.list(keys.hls_audio_prefix(job, "ca"))
    before = {key: store.sha256(key) for key in upstream + other}
    mtimes = {key: Path(store.path(key)).stat().st_mtime_ns for key in upstream + other}
    speech_mtime = Path(store.path(keys.speech(job, "es"))).stat().st_mtime_ns

    result = pipeline.dub(job, "es", dg.AssetSelection.assets("dubbed_speech").downstream())
    assert result.success
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert materialized == {"dubbed_speech", "dubbed_mix", "audio_rendition"}
    assert Path(store.path(keys.speech(job, "es"))).stat().st_mtime_ns > speech_mtime
    for key in upstream + other:
        assert store.sha256(key) == before[key], key
        assert Path(store.path(key)).stat().st_mtime_ns == mtimes[key], key


def test_spanish_source_dubbed_into_english_with_piper(tmp_path, models_dir):
    text = "Hola a todos. Hoy vamos a hablar de la música y del cine. Gracias por venir esta tarde."
    speech = tmp_path / "es.wav"
    subprocess.run(["espeak-ng", "-v", "es", "-s", "150", "-w", str(speech), text], check=True)
    video = make_video(tmp_path / "es.mp4", speech, seconds=30)
    pipeline = make_pipeline(tmp_path, models_dir)
    job = pipeline.submit(video, ["en"])
    assert pipeline.ingest(job).success
    assert pipeline.dub(job, "en").success
    assert pipeline.store.read_json(keys.transcript(job))["language"] == "es"
    report = pipeline.store.read_json(keys.timing_report(job, "en"))
    assert report["voice"] == "en_US-joe-medium"
    english = " ".join(
        s["text"] for s in pipeline.store.read_json(keys.translation(job, "en"))["segments"]
    )
    assert "music" in english.lower() or "cinema" in english.lower()
