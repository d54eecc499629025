"""What a viewer hears, on clips cut from real recordings, with the real engines, dubbed into
Spanish: checked from the audio itself (tests/listening.py), and the pipeline's own quality
report checked against those independent measurements."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dubbing_core import keys
from testing.clips import CLIPS
from testing.harness import Pipeline, make_pipeline
from tests import listening

LANG = "es"
TARGET_LUFS, CEILING_DBTP = -16.0, -1.5
AAC_PRIMING = 1024 / 48000


@dataclass
class Dubbed:
    pipeline: Pipeline
    job: str
    video: Path
    materialization: dict[str, Any]

    def path(self, key: str) -> Path:
        return Path(self.pipeline.store.path(key))

    @property
    def report(self) -> dict[str, Any]:
        return self.pipeline.store.read_json(keys.quality_report(self.job, LANG))


@pytest.fixture(scope="module")
def dubbed(tmp_path_factory, models_dir) -> dict[str, Dubbed]:
    results = {}
    for name, build in CLIPS.items():
        work = tmp_path_factory.mktemp(name)
        video = build(work)
        pipeline = make_pipeline(work, models_dir)
        job = pipeline.submit(video, [LANG], source_language="en")
        assert pipeline.ingest(job).success
        run = pipeline.dub(job, LANG)
        assert run.success
        (mix,) = [
            event.materialization.metadata  # type: ignore[union-attr]
            for event in run.get_asset_materialization_events()
            if event.asset_key.to_user_string() == "dubbed_mix"
        ]
        results[name] = Dubbed(pipeline, job, video, dict(mix))
    return results


def sources(clip: Dubbed) -> tuple[Path, Path, Path]:
    """The original's speech track, the dubbed speech, the final mix."""
    return (
        clip.path(keys.speech_audio(clip.job)),
        clip.path(keys.speech(clip.job, LANG)),
        clip.path(keys.mix(clip.job, LANG)),
    )


@pytest.mark.parametrize("name", CLIPS)
def test_the_original_is_not_heard_under_or_around_the_dub(dubbed, name):
    source, speech, mix = sources(dubbed[name])
    leak = listening.leak(source, speech, mix)
    assert leak.share <= 0.05, leak
    # Where the dub is silent inside a sentence, the original is down by the preset's depth.
    assert leak.duck_db >= 10.0, leak


@pytest.mark.parametrize("name", CLIPS)
def test_the_dub_starts_where_the_source_speech_starts(dubbed, name):
    source, speech, _ = sources(dubbed[name])
    # Utterances after a clear pause in the source, and where the dub starts after a breath.
    spoken = listening.onsets(listening.voiced(listening.decode(source)), min_gap=0.5)
    dub_on = listening.db(listening.power(listening.decode(speech))) > -50
    dubbed_at = listening.onsets(dub_on, min_gap=0.1)
    assert spoken and dubbed_at
    near = [abs(listening.nearest(dubbed_at, onset) - onset) <= 0.1 for onset in spoken]
    assert sum(near) / len(near) >= 0.9, (spoken, dubbed_at)
    # ...and no dub starts after a silence of its own where the source does not speak.
    starts = listening.onsets(listening.voiced(listening.decode(source)), min_gap=0.0)
    fresh = listening.onsets(dub_on, min_gap=0.5)
    assert all(abs(listening.nearest(starts, onset) - onset) <= 0.1 for onset in fresh)


@pytest.mark.parametrize("name", CLIPS)
def test_every_rendition_is_on_the_loudness_target_under_the_ceiling(dubbed, name):
    clip = dubbed[name]
    hls = clip.path(keys.hls_audio_prefix(clip.job, LANG)) / keys.PLAYLIST
    for path in (clip.path(keys.mix(clip.job, LANG)), clip.path(keys.mp4(clip.job, LANG)), hls):
        loudness, peak = listening.loudness(path)
        assert abs(loudness - TARGET_LUFS) <= 1.0, (path, loudness)
        assert peak <= CEILING_DBTP, (path, peak)


@pytest.mark.parametrize("name", CLIPS)
def test_outputs_are_as_long_as_the_source_video_and_hls_starts_aligned(dubbed, name):
    clip = dubbed[name]
    length = listening.duration(clip.video, "video")
    mp4 = clip.path(keys.mp4(clip.job, LANG))
    video_hls = clip.path(keys.hls_video_prefix(clip.job)) / keys.PLAYLIST
    audio_hls = clip.path(keys.hls_audio_prefix(clip.job, LANG)) / keys.PLAYLIST
    for path, kind in ((mp4, "video"), (mp4, "audio"), (video_hls, "video"), (audio_hls, "audio")):
        # within one AAC frame (21 ms) and one picture (40 ms)
        assert listening.duration(path, kind) == pytest.approx(length, abs=0.045), (path, kind)
    # The sound after the AAC priming frame starts with the first picture.
    video_start = listening.start_time(video_hls, "video")
    audio_start = listening.start_time(audio_hls, "audio") + AAC_PRIMING
    assert audio_start == pytest.approx(video_start, abs=0.002)
    vtt = clip.pipeline.store.read_bytes(keys.subtitles_vtt(clip.job, LANG)).decode()
    assert f"X-TIMESTAMP-MAP=MPEGTS:{round(video_start * 90000)}," in vtt


@pytest.mark.parametrize("name", CLIPS)
def test_the_quality_report_agrees_with_an_independent_measurement(dubbed, name):
    clip = dubbed[name]
    source, speech, mix = sources(clip)
    report = clip.report
    summary, units = report["summary"], report["units"]
    assert report["language"] == LANG and summary["units"] == len(units) > 0
    leak = listening.leak(source, speech, mix)
    assert summary["leak"] == pytest.approx(leak.share, abs=0.03)
    loudness, peak = listening.loudness(mix)
    assert summary["loudness_lufs"] == pytest.approx(loudness, abs=0.2)
    assert summary["true_peak_dbtp"] == pytest.approx(peak, abs=0.2)
    assert summary["duration"] == pytest.approx(listening.duration(mix, "audio"), abs=0.03)
    # Each unit's source start is where speech rises out of a pause or a dip, and its dub start
    # is where the dub track starts to sound, by the test's own reading of both tracks.
    original = listening.band_power(listening.decode(source))
    dubbed_at = listening.onsets(listening.db(listening.power(listening.decode(speech))) > -50, 0.1)
    for unit in units:
        assert unit["dub_start"] is not None and unit["text"] and unit["source_text"]
        assert listening.rise_db(original, unit["source_start"]) >= 6.0, unit
        assert unit["dub_start"] == pytest.approx(
            listening.nearest(dubbed_at, unit["dub_start"]), abs=0.03
        )
        assert unit["onset_offset"] == pytest.approx(
            unit["dub_start"] - unit["source_start"], abs=0.002
        )
    within = sum(abs(unit["onset_offset"]) <= 0.1 for unit in units) / len(units)
    assert summary["onset_within_100ms"] == pytest.approx(within, abs=1e-3) and within >= 0.9
    # The unit table is attached to the Dagster materialization too.
    table = clip.materialization["units"].value  # type: ignore[attr-defined]
    assert [record.data["index"] for record in table.records] == [u["index"] for u in units]


def test_the_background_between_units_stays_at_its_level(dubbed):
    clip = dubbed["tone_bed"]
    source, speech, mix = sources(clip)
    original, dub, final = (listening.power(listening.decode(p)) for p in (source, speech, mix))
    leak = listening.leak(source, speech, mix)
    # The bed plays alone for the first 1.5 s: the mix keeps it at its level (beyond the mix's
    # overall gain), and under the dub it is down by at least 12 dB (the default
    # preset removes it).
    alone = slice(int(0.2 / listening.FRAME), int(1.2 / listening.FRAME))
    assert float(listening.db(dub[alone]).max()) < -60
    kept = float(listening.db(final[alone]).mean() - listening.db(original[alone]).mean())
    assert kept - leak.gain_db == pytest.approx(0.0, abs=1.0)
    assert leak.duck_db >= 12.0, leak


def test_a_clip_under_three_seconds_is_normalised_like_any_other(dubbed):
    clip = dubbed["short"]
    assert listening.duration(clip.video, "video") < 3.0
    assert clip.materialization["integrated_lufs"].value == pytest.approx(TARGET_LUFS, abs=1.0)
