"""The benchmark's own arithmetic: alternation, ratios, and how a job's idle time is counted."""

from datetime import UTC, datetime

import pytest

from bench import compose, long_clip
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


def _container(start: float, end: float, tail: float = 1.0) -> dict:
    """A run container's times as Docker reports them (RFC 3339, UTC, nanoseconds), and its
    run's end as Dagster records it, `tail` seconds before the container exits."""

    def stamp(seconds_after_t0: float) -> str:
        moment = datetime.fromtimestamp(T0 + seconds_after_t0, UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + "123Z"

    return {
        "run_id": f"run-{start}",
        "started_at": stamp(start),
        "finished_at": stamp(end),
        "run_ended_at": T0 + end - tail,
    }


def test_docker_times_read_to_the_microsecond():
    assert compose.docker_time("2026-12-02T10:20:03.123456789Z") == pytest.approx(
        datetime(2026, 12, 2, 10, 20, 3, 123456, UTC).timestamp()
    )
    assert compose.docker_time("2026-12-02T10:20:03Z") == pytest.approx(
        datetime(2026, 12, 2, 10, 20, 3, tzinfo=UTC).timestamp()
    )


def test_spans_at_once_count_overlaps_not_handovers():
    spans = [(0.0, 10.0), (10.0, 20.0), (5.0, 12.0), (30.0, 31.0)]
    assert compose.most_at_once(spans) == 2  # 10 s: one ends as the next starts
    assert compose.most_at_once([*spans, (11.0, 11.5)]) == 3


def test_the_run_queue_counts_a_run_until_its_record_ends_not_its_container():
    runs = [_container(0, 10, tail=2), _container(9, 20)]
    assert compose.most_at_once(compose.container_spans(runs)) == 2
    assert compose.most_at_once(compose.run_spans(runs)) == 1


def _load(alone_wall: float, walls: list[float], wall: float) -> dict:
    def job(created: float, wall_s: float, first_start: float) -> dict:
        return {
            "created_at": T0 + created,
            "wall_s": wall_s,
            "runs": [_container(first_start, first_start + 4), _container(first_start + 5, 20)],
        }

    return {
        "languages": ["es"],
        "media_s": 12,
        "limits": {
            "runs": {
                "max_concurrent_runs": 2,
                "tag_concurrency_limits": [
                    {"key": "dubflow/run_kind", "value": "ingest", "limit": 1},
                    {
                        "key": "dubflow/tenant",
                        "value": {"applyLimitPerUniqueValue": True},
                        "limit": 1,
                    },
                ],
            }
        },
        "alone": job(-100, alone_wall, -98),
        "together": {
            "wall_s": wall,
            "jobs": [job(0, w, start) for w, start in zip(walls, (2, 3, 7, 11), strict=True)],
        },
    }


def test_load_figures_compare_n_jobs_with_n_times_one_and_show_the_queue():
    figures = compose.load_figures(_load(10.0, [18, 19, 30, 40], 40.0))
    names = [figure.name.split(": ", 1)[1] for figure in figures]
    assert names == [
        "wall / 4 x one alone",
        "throughput",
        "queue wait, create -> first run container, median",
        "run containers at once, most",
    ]
    ratio, throughput, wait, at_once = figures
    assert figures[0].name.startswith("4 jobs at once into es (12 s each)")
    assert (ratio.value, ratio.unit) == (1.0, "x")  # 40 s against 4 x 10 s
    assert ratio.detail["job_walls_s"] == [18, 19, 30, 40]
    assert throughput.value == pytest.approx(4 * 12 / 40)
    assert throughput.detail["jobs_per_hour"] == 360
    # Created at 0, first containers at 2, 3, 7 and 11 s (the alone job's after 2 s).
    assert wait.value == pytest.approx(5.0, abs=0.01)
    assert wait.detail["queue_waits_s"] == pytest.approx([2, 3, 7, 11], abs=0.01)
    assert "max 11.0 s; one job alone 2.0 s" in wait.note
    # Ingest runs 2-6, 3-7, 7-11, 11-15, dub runs 7-20, 8-20, 12-20, 16-20: 4 at 12 and at 16 s.
    assert at_once.value == 4
    assert at_once.note == (
        "runs at once as Dagster counts them, most: 4; a container outlives its run by 1.0 s "
        "(median); 8 runs; limits: max_concurrent_runs 2, dubflow/run_kind=ingest: 1, "
        "dubflow/tenant=each: 1"
    )
    assert at_once.detail["jobs"][3]["runs"][0]["run_id"] == "run-11"


def test_a_job_without_a_run_container_fails_the_figures():
    load = _load(10.0, [18, 19, 30, 40], 40.0)
    load["together"]["jobs"][2]["runs"] = []
    with pytest.raises(ValueError, match="no run container"):
        compose.load_figures(load)
