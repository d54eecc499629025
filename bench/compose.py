"""Compose against local: the same end-to-end job (the compose smoke's sample, into the same
languages) on the compose stack (PostgreSQL, the S3 server, every run in a container of its
own: `scripts/smoke.sh`, docs/deployment.md) and on the local stack (processes, SQLite, local
files), from upload complete to succeeded, as a ratio. The smoke runs first (its image build is
cached, and not timed here), then the local stack over the very file the smoke dubbed. The
smoke transcribes with the default Whisper here, as the local stack does (on its own it takes
the tiny English one).

Then N jobs at once on the compose stack (`--only compose-load`, N = BENCH_COMPOSE_JOBS, 4):
`scripts/smoke.sh --load-jobs N` starts the stack, dubs the sample into one language once alone
and then N times at once (each job by a user of its own: the instance runs one run at a time per
tenant), and reports when each job was created and each of its runs' containers started and
finished. From that: the N jobs' wall time against N times the one alone, throughput, each
job's queue wait (created -> its first run container started) and the most run containers at
once, beside the run concurrency limits the daemon enforced.

Opt-in (`python -m bench --only compose` / `compose-load`): they need Docker, and a cold image
build."""

import json
import os
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.core import ROOT, Figure, median, ratio_figure, say
from bench.live import live_stack

FAMILY = "13 compose vs local"
SOURCE = "en"


def run_family(work: Path) -> list[Figure]:
    artifacts = work / "smoke"
    say("13: the compose smoke (images, stack, one job, a killed run resumed)")
    subprocess.run(
        [ROOT / "scripts" / "smoke.sh"],
        cwd=ROOT,
        env={**os.environ, "SMOKE_ARTIFACTS": str(artifacts), "SMOKE_ASR_MODEL": "whisper-base"},
        check=True,
    )
    report = json.loads((artifacts / "report.json").read_text())
    languages = report["job"]["languages"]
    say(f"13: the same job on the local stack ({','.join(languages)})")
    with live_stack(work / "local-stack") as live:
        local = live.dub(artifacts / "sample_en.mp4", languages, SOURCE)
    seconds = {"compose": [report["job"]["wall_s"]], "local": [local.wall_s]}
    sizes = {image: round(size / 2**20) for image, size in report["images_bytes"].items()}
    return [
        ratio_figure(
            FAMILY,
            f"one job into {','.join(languages)} ({report['job']['media_s']} s of media): "
            "compose / local",
            seconds,
            "compose",
            "local",
            note="one job each",
            compose_runs=report["job"]["runs"],
            stack_ready_s=report["stack_ready_s"],
            images_mib=sizes,
        )
    ]


def jobs_at_once() -> int:
    """How many jobs `compose-load` creates at once (BENCH_COMPOSE_JOBS, default 4)."""
    return max(1, int(os.environ.get("BENCH_COMPOSE_JOBS", "4")))


def run_load_family(work: Path) -> list[Figure]:
    artifacts = work / "smoke-load"
    count = jobs_at_once()
    say(f"13: the compose stack, one job alone, then {count} at once")
    subprocess.run(
        [ROOT / "scripts" / "smoke.sh", "--load-jobs", str(count)],
        cwd=ROOT,
        env={**os.environ, "SMOKE_ARTIFACTS": str(artifacts)},
        check=True,
    )
    report = json.loads((artifacts / "report.json").read_text())
    return load_figures(report["load"])


def docker_time(stamp: str) -> float:
    """Docker's RFC 3339 time (UTC, nanoseconds) as epoch seconds: Python reads microseconds."""
    whole, _, fraction = stamp.removesuffix("Z").partition(".")
    return datetime.fromisoformat(f"{whole}.{(fraction or '0')[:6]:0<6}+00:00").timestamp()


def queue_wait_s(job: dict[str, Any]) -> float:
    """From the job's create to the start of its first run's container."""
    if not job["runs"]:
        raise ValueError(f"the job created at {job['created_at']} had no run container")
    return min(docker_time(run["started_at"]) for run in job["runs"]) - job["created_at"]


def most_at_once(spans: list[tuple[float, float]]) -> int:
    """The most spans (start, end) open at the same moment (one ending as another starts: not
    at once)."""
    edges = sorted(edge for start, end in spans for edge in ((start, 1), (end, -1)))
    running = most = 0
    for _, step in edges:  # at equal times the end (-1) sorts before the start
        running += step
        most = max(most, running)
    return most


def container_spans(runs: list[dict[str, Any]]) -> list[tuple[float, float]]:
    return [(docker_time(run["started_at"]), docker_time(run["finished_at"])) for run in runs]


def run_spans(runs: list[dict[str, Any]]) -> list[tuple[float, float]]:
    """As the run queue counts a run: from its container's start (the launch) to the end its
    run record says, which comes before the container has exited."""
    return [(docker_time(run["started_at"]), run["run_ended_at"]) for run in runs]


def limits_text(limits: dict[str, Any]) -> str:
    """The instance's `concurrency` section, in a line: runs at once, then each tag's limit."""
    runs = limits["runs"]
    tags = [
        f"{tag['key']}={tag['value'] if isinstance(tag['value'], str) else 'each'}: {tag['limit']}"
        for tag in runs.get("tag_concurrency_limits", [])
    ]
    return ", ".join([f"max_concurrent_runs {runs.get('max_concurrent_runs', 'unlimited')}", *tags])


def load_figures(load: dict[str, Any]) -> list[Figure]:
    together, alone = load["together"], load["alone"]
    jobs = together["jobs"]
    count, wall_s = len(jobs), together["wall_s"]
    what = f"{count} jobs at once into {','.join(load['languages'])} ({load['media_s']} s each)"
    waits = [queue_wait_s(job) for job in jobs]
    limits = limits_text(load["limits"])
    runs = [run for job in jobs for run in job["runs"]]
    outlived = [docker_time(run["finished_at"]) - run["run_ended_at"] for run in runs]
    return [
        ratio_figure(
            FAMILY,
            f"{what}: wall / {count} x one alone",
            {"at_once": [wall_s], "n_x_alone": [count * alone["wall_s"]]},
            "at_once",
            "n_x_alone",
            note=f"one job alone {alone['wall_s']} s",
            job_walls_s=[job["wall_s"] for job in jobs],
        ),
        Figure(
            FAMILY,
            f"{what}: throughput",
            round(count * load["media_s"] / wall_s, 3),
            "media min / min",
            note=f"{count * 3600 / wall_s:.0f} jobs per hour; "
            f"one alone: {load['media_s'] / alone['wall_s']:.3f}, {3600 / alone['wall_s']:.0f}",
            detail={"jobs_per_hour": round(count * 3600 / wall_s, 1)},
        ),
        Figure(
            FAMILY,
            f"{what}: queue wait, create -> first run container, median",
            round(median(waits), 1),
            "s",
            note=f"max {max(waits):.1f} s; one job alone {queue_wait_s(alone):.1f} s",
            detail={"queue_waits_s": [round(wait, 1) for wait in waits]},
        ),
        Figure(
            FAMILY,
            f"{what}: run containers at once, most",
            most_at_once(container_spans(runs)),
            "containers",
            note=f"runs at once as Dagster counts them, most: {most_at_once(run_spans(runs))}; "
            f"a container outlives its run by {median(outlived):.1f} s (median); "
            f"{len(runs)} runs; limits: {limits}",
            detail={"limits": load["limits"], "jobs": jobs},
        ),
    ]
