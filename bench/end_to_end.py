"""End to end through the real stack (API, sensors, run queue, run workers): from upload
complete to every language playable, as a real-time factor of the media's duration, and the
orchestration overhead: the wall time during which none of the job's stages was running."""

from bench.core import Figure, median
from bench.live import FollowedJob, MemorySampler, RunTimeline

FAMILY = "2 end to end"
RTF_LIMIT = 0.6
EXTRA_LANGUAGE_LIMIT = 0.15
OVERHEAD_LIMIT = 10.0
# Jobs of each kind, alternated (1, 3, 3, 1 languages): the sensors' 5 s loop makes one job's
# overhead a matter of luck, so the figures are medians.
ROUNDS = 2
ONE_LANGUAGE = ["es"]
# Offline, only en->es and en->ca have a machine translation engine (Apertium). The third
# language is English itself: same-language re-voicing, which dubflow supports (the transcript
# is the translation) with the piper voice, the heaviest TTS installed.
THREE_LANGUAGES = ["es", "ca", "en"]


def gaps(followed: FollowedJob) -> dict[str, float]:
    """Where the idle time went: before the first stage (outbox sensor, run queue, worker
    start), between the job-level and the first per-language stage (chaining sensor, queue,
    worker start), and the rest (between steps, waiting for a run slot)."""
    spans = followed.spans()
    job_level = [span for span in spans if not span.lang]
    per_language = [span for span in spans if span.lang]
    result = {"to_first_stage_s": spans[0].start - followed.t0}
    if job_level and per_language:
        result["ingest_to_dub_s"] = per_language[0].start - max(s.end for s in job_level)
    idle = followed.wall_s - followed.busy_s()
    result["rest_s"] = idle - sum(result.values())
    return {key: round(value, 2) for key, value in result.items()}


def run_phases(followed: FollowedJob, runs: list[RunTimeline]) -> dict[str, float]:
    """The orchestration of a one-language job, run by run (its runs are sequential, so this is
    its whole critical path): sensor latencies, time in the run queue, run worker start
    (process, imports, code location), and what is left inside the runs (run setup, between
    steps)."""
    ingest = next(run for run in runs if run.job_name == "ingest_assets_job")
    dub = next(run for run in runs if run.job_name == "dub_assets_job")
    phases = {
        "outbox_sensor_s": ingest.created - followed.t0,
        "run_queue_s": sum(run.marks["dequeued"] - run.created for run in (ingest, dub)),
        "worker_start_s": sum(
            run.marks["started"] - run.marks["dequeued"] for run in (ingest, dub)
        ),
        "chaining_sensor_s": dub.created - ingest.marks["succeeded"],
    }
    phases["inside_runs_s"] = followed.wall_s - followed.busy_s() - sum(phases.values())
    return {key: round(value, 2) for key, value in phases.items()}


def _describe(followed: FollowedJob) -> dict[str, object]:
    return {
        "job": followed.job["id"],
        "languages": [lang["language"] for lang in followed.job["languages"]],
        "wall_s": round(followed.wall_s, 2),
        "first_language_playable_s": round(followed.first_playable - followed.t0, 2),
        # The completion sensor marks the job succeeded after its last run: the API says so
        # this much later than the HLS is playable.
        "status_succeeded_after_s": round(followed.succeeded - followed.playable, 2),
        "stage_seconds_sum": round(sum(span.seconds for span in followed.spans()), 2),
        "busy_s": round(followed.busy_s(), 2),
        "stage_seconds": followed.job["metrics"]["stageSeconds"],
        "idle": gaps(followed),
    }


def _median_of(values: list[dict[str, float]]) -> dict[str, float]:
    return {key: round(median([value[key] for value in values]), 2) for key in values[0]}


def _overhead(followed: FollowedJob) -> float:
    return followed.wall_s - followed.busy_s()


def figures(
    ones: list[FollowedJob],
    threes: list[FollowedJob],
    one_runs: list[list[RunTimeline]],
    media_seconds: float,
) -> list[Figure]:
    """Medians over the jobs of each kind (they were run alternately)."""
    one_s, three_s = median([j.wall_s for j in ones]), median([j.wall_s for j in threes])
    rtf_one, rtf_three = one_s / media_seconds, three_s / media_seconds
    first_playable = median([j.first_playable - j.t0 for j in threes])
    result = [
        Figure(
            FAMILY,
            "RTF, 1 language (es)",
            round(rtf_one, 3),
            "x",
            RTF_LIMIT,
            f"{one_s:.1f} s for {media_seconds:.0f} s, Whisper base; median of {len(ones)}",
            {"jobs": [_describe(job) for job in ones]},
        ),
        Figure(
            FAMILY,
            "RTF, 3 languages (es, ca, en)",
            round(rtf_three, 3),
            "x",
            note=f"{three_s:.1f} s; first language playable after {first_playable:.1f} s",
            detail={"jobs": [_describe(job) for job in threes]},
        ),
        Figure(
            FAMILY,
            "RTF added per extra language",
            round((rtf_three - rtf_one) / (len(THREE_LANGUAGES) - 1), 3),
            "x",
            EXTRA_LANGUAGE_LIMIT,
            "(RTF 3 - RTF 1) / 2; two runs share the 2 cores",
        ),
    ]
    phases = [
        _median_of([run_phases(job, runs) for job, runs in zip(ones, one_runs, strict=True)]),
        _median_of([gaps(job) for job in threes]),
    ]
    for jobs, parts in zip((ones, threes), phases, strict=True):
        result.append(
            Figure(
                FAMILY,
                f"orchestration overhead, {len(jobs[0].job['languages'])} language(s)",
                round(median([_overhead(job) for job in jobs]), 2),
                "s",
                OVERHEAD_LIMIT,
                "medians: "
                + ", ".join(
                    f"{key.removesuffix('_s')} {value:.1f}" for key, value in parts.items()
                ),
                {"parts_median_s": parts, "per_job_s": [round(_overhead(j), 2) for j in jobs]},
            )
        )
    return result


def memory_figures(pipeline: MemorySampler, jobs: list[FollowedJob]) -> list[Figure]:
    """Peak RSS of the run workers of `jobs`: ingest workers load Whisper, dub workers piper."""
    workers: dict[str, set[int]] = {"ingest": set(), "dub": set()}
    for followed in jobs:
        for span in followed.spans():
            workers["dub" if span.lang else "ingest"] |= span.workers
    return [
        Figure(FAMILY, f"peak RSS, {kind} run worker", pipeline.peak_mib(pids=workers[kind]),
               "MiB", note=model, detail={"stack_peaks_mib": pipeline.peaks_by_role()})
        for kind, model in (
            ("ingest", "Whisper base"),
            ("dub", "piper, espeak-ng, ffmpeg children not counted"),
        )
    ]  # fmt: skip
