"""The benchmark's own arithmetic: alternation, ratios, and how a job's idle time is counted."""

from datetime import UTC, datetime

import pytest

from bench import long_clip
from bench.core import Figure, Results, alternate, ratio_figure, run
from bench.end_to_end import gaps
from bench.live import FollowedJob
from resources.ffmpeg.audio import duration

T0 = 1_000_000.0


def test_alternate_swaps_the_order_every_round():
    calls: list[str] = []
    seconds = alternate(
        {"a": lambda: calls.append("a") or 1.0, "b": lambda: calls.append("b") or 2.0}, times=3
    )
    assert calls == ["a", "b", "b", "a", "a", "b"]
    assert seconds == {"a": [1.0, 1.0, 1.0], "b": [2.0, 2.0, 2.0]}


def test_ratio_figure_is_the_ratio_of_medians_and_checks_its_limit():
    figure = ratio_figure(
        "f", "x", {"ours": [1.0, 9.0, 1.2], "bare": [1.0, 1.1, 0.9]}, "ours", "bare", limit=1.1
    )
    assert figure.value == pytest.approx(1.2)
    assert figure.met is False
    assert "1.20 s / 1.00 s" in figure.note
    assert Figure("f", "y", 0.5, "x").met is None


def _stamp(seconds_after_t0: float) -> str:
    """As the API shows times from SQLite: UTC without an offset."""
    return datetime.fromtimestamp(T0 + seconds_after_t0, UTC).replace(tzinfo=None).isoformat()


def _stage(name: str, start: float, end: float) -> dict:
    return {
        "stage": name,
        "startedAt": _stamp(start),
        "finishedAt": _stamp(end),
        "durationSeconds": end - start,
        "history": [{"worker": "host:7", "startedAt": _stamp(start)}],
    }


def test_busy_time_is_the_union_of_overlapping_stages_and_the_rest_is_overhead():
    job = {
        "stages": [_stage("source_video", 3, 4), _stage("transcript", 4, 10)],
        "languages": [
            {
                "language": "es",
                "stages": [_stage("dubbed_mix", 15, 20), _stage("audio_rendition", 20, 21)],
            },
            {
                "language": "ca",
                "stages": [_stage("dubbed_mix", 16, 22), _stage("subtitles", 22, 23)],
            },
        ],
    }
    followed = FollowedJob(job, T0, succeeded=T0 + 26)
    assert followed.wall_s == pytest.approx(23)  # the last publishing stage, not the status
    assert followed.first_playable == pytest.approx(T0 + 21)
    assert followed.busy_s() == pytest.approx(1 + 6 + 8)  # 15..23 counted once
    assert gaps(followed) == {"to_first_stage_s": 3, "ingest_to_dub_s": 5, "rest_s": 0}


def test_stages_from_before_a_retry_do_not_count():
    job = {
        "stages": [_stage("transcript", -50, -40)],
        "languages": [{"language": "es", "stages": [_stage("audio_rendition", 2, 3)]}],
    }
    followed = FollowedJob(job, T0, succeeded=T0 + 4)
    assert [span.stage for span in followed.spans()] == ["audio_rendition"]
    assert followed.wall_s - followed.busy_s() == pytest.approx(2)


def test_long_clip_figures_carry_targets_and_extrapolate_peaks_to_an_hour():
    run = {"baseline_s": 100.0, "dubflow_s": 120.0, "peaks_mib": {"dub run worker": 400.0}}
    longer = {"baseline_s": 300.0, "dubflow_s": 330.0, "peaks_mib": {"dub run worker": 500.0}}
    figures = {
        figure.name: figure
        for figure in long_clip.figures(
            {
                10.0: {"media_s": 600.0, "runs": {1: run}},
                30.0: {"media_s": 1800.0, "runs": {1: longer}},
            }
        )
    }
    ratio = figures["dubflow end to end / baseline script, 10 min, 1 language"]
    assert (ratio.value, ratio.limit, ratio.met) == (1.2, long_clip.RATIO_LIMIT, False)
    assert figures["RTF, 10 min, 1 language"].value == pytest.approx(0.2)
    assert figures["RTF, 10 min, 1 language"].met is True
    assert figures["RTF, 30 min, 1 language"].limit is None
    # 400 MiB at 10 min, 500 at 30: 5 MiB a minute, so 650 at 60.
    assert figures["peak RSS, dub run worker, 1 hour (extrapolated)"].value == pytest.approx(650)
    # More than the decoded speech track per minute: not bounded.
    growth = figures["peak RSS growth, dub run worker"]
    assert (growth.value, growth.limit, growth.met) == (5.0, 3.66, False)


def test_only_the_10_minute_clip_is_dubbed_in_every_language_count(monkeypatch):
    monkeypatch.setenv("BENCH_LONG_MINUTES", "10,2.5")
    monkeypatch.setenv("BENCH_LONG_LANGUAGES", "1,3")
    assert long_clip.plan() == {2.5: [1], 10.0: [1, 3]}
    monkeypatch.setenv("BENCH_LONG_MINUTES", "30,20")
    assert long_clip.plan() == {20.0: [1, 3], 30.0: [1]}


def test_the_targets_say_how_many_were_met_and_missed():
    results = Results({})
    results.add([Figure("f", "a", 1.0, "x", 1.5), Figure("f", "b", 2.0, "x", 1.5),
                 Figure("f", "c", 9.0, "s")])  # fmt: skip
    targets = results.targets()
    assert (targets["met"], targets["missed"]) == (1, 1)
    assert [(t["name"], t["met"]) for t in targets["figures"]] == [("a", True), ("b", False)]


def test_long_clip_is_speech_with_pauses_over_a_bed(tmp_path):
    clip = long_clip.long_clip(tmp_path / "clip.mp4", 0.75)
    assert duration(clip) == pytest.approx(45, abs=0.1)

    def mean_db(start: float, seconds: float) -> float:
        report = run(["ffmpeg", "-hide_banner", "-ss", str(start), "-t", str(seconds), "-i", clip,
                      "-af", "volumedetect", "-f", "null", "-"]).stderr.decode()  # fmt: skip
        return float(report.split("mean_volume:")[1].split("dB")[0])

    speech, pause = mean_db(1, 10), mean_db(29.5, 2)
    assert speech > pause + 10  # the pause is a pause
    assert pause > -60  # and the bed goes on under it
