"""`make bench`: every measurement family in one run, one after the other (never two at once);
writes bench/results/latest.json (and the table as latest.md, for docs/performance.md) and
prints the summary table.

    python -m bench [--only stages,baseline,live,scale,api,events,gateway,abuse,fairness,long]
                    [--output PATH]
    python -m bench --only compose    (opt-in: Docker, the compose stack against the local one)
    python -m bench --only compose-load    (opt-in: Docker, N jobs at once on the compose stack)
    python -m bench --only redub      (the selective re-dub family alone, on the stages' job)

Phases, in order: the stage and video-packaging comparisons, the round trip and the selective
re-dub in this process; the baseline script; the stack (API + daemon) for the end-to-end jobs
and the resume; then 10,000 jobs are seeded and the stack is started again for sensor ticks, and
the API alone for the list at that scale; the API alone over 10,000 jobs on SQLite and on
PostgreSQL, for the list and creates under load; the API alone again with many idle event
streams open, then behind the Express gateway (latency, then up to 1000 event streams through it,
on PostgreSQL); the abuse drills; tenant B's queue wait behind tenant A's backlog on the live
stack, with and without the per-tenant run limit; last, the long clips (2.5 and 10 minutes of
real speech, through the stack and the baseline script). A phase that fails is reported (and
makes the exit status 1); the others still run. The summary ends with the issue's targets: each
figure that has one, met or missed, and the JSON has the same under "targets".
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

from bench import (
    abuse,
    api_scale,
    baseline,
    compose,
    end_to_end,
    events,
    fairness,
    fanout,
    gateway,
    long_clip,
    packaging,
    partitions,
    redub,
    resume,
    round_trip,
    stages,
)
from bench.core import RESULTS, Results, alternate, console, demo_clip, machine, median, say
from bench.inprocess import MODELS_DIR, prepare
from bench.live import FollowedJob, Tick, live_stack
from resources.ffmpeg.audio import duration
from resources.models import ModelRegistry

PHASES = (
    "stages",
    "baseline",
    "live",
    "scale",
    "api",
    "events",
    "gateway",
    "abuse",
    "fairness",
    "long",
)
SOURCE = "en"
PIPER_VOICE = "piper-en_US-joe-medium"
# Seconds of each wrk run of the list (alternated runs of the two users).
LIST_SECONDS = 2.0


def baseline_models() -> tuple[Path, Path]:
    """The Whisper model directory and the piper voice the baseline script loads."""
    registry = ModelRegistry(MODELS_DIR)
    voice = registry.resolve(PIPER_VOICE) / registry.spec(PIPER_VOICE).weights_file
    return registry.resolve("whisper-base"), voice


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    # Only when named: "compose" and "compose-load" need Docker and build the images; "redub"
    # is one of the stages phase's families alone.
    opt_in = ("compose", "compose-load", "redub")
    parser.add_argument(
        "--only",
        default=",".join(PHASES),
        help=f"phases to run, comma-separated, from {', '.join((*PHASES, *opt_in))}",
    )
    parser.add_argument("--output", type=Path, default=RESULTS / "latest.json")
    args = parser.parse_args()
    only = set(args.only.split(","))
    results = Results(machine(), output=args.output)
    baseline_s: dict[int, float] = {}
    few_ticks: list[Tick] = []
    with tempfile.TemporaryDirectory(prefix="dubflow-bench-") as tmp:
        work = Path(tmp)
        clip = demo_clip(work / "demo.mp4")
        tiny = demo_clip(work / "tiny.mp4", seconds=5)
        media_seconds = duration(clip)
        data = work / "stack"

        if "stages" in only:
            with results.phase("stages"):
                say("1, 4: stages and video packaging, in process (models load first)")
                inprocess = prepare(work / "inprocess", clip, ["es", "en"], SOURCE)
                results.add(stages.run_family(inprocess, work))
                results.add(packaging.run_family(inprocess, work))
                say("8: round trip: Whisper on each language's dub alone and on its mix")
                results.add(round_trip.run_family(inprocess, "demo clip"))
                one_language = round_trip.one_language_job(work, ["es", "en"], SOURCE)
                results.add(round_trip.run_family(one_language, "one language"))
                say("14: selective re-dub: one edited unit against the language from scratch")
                results.add(redub.run_family(inprocess))
        elif "redub" in only:
            # Family 14 on its own (its figure without the other stage families' load).
            with results.phase("redub"):
                inprocess = prepare(work / "inprocess", clip, ["es", "en"], SOURCE)
                results.add(redub.run_family(inprocess))

        if "baseline" in only:
            with results.phase("baseline"):
                whisper, piper = baseline_models()
                for langs in (end_to_end.ONE_LANGUAGE, end_to_end.THREE_LANGUAGES):
                    say(f"3: the baseline script, {','.join(langs)}")
                    out = work / f"baseline-{len(langs)}"
                    baseline_s[len(langs)] = baseline.run_baseline(
                        clip, out, langs, SOURCE, whisper, piper
                    ).seconds

        if "live" in only:
            with results.phase("live"), live_stack(data) as live:
                say("2, 5: the stack (API + daemon): end-to-end jobs and resume")
                since = time.time()
                partitions.wait_for_idle_ticks(live, since)
                ones: list[FollowedJob] = []
                threes: list[FollowedJob] = []

                def dub(langs: list[str], done: list[FollowedJob]) -> float:
                    done.append(live.dub(clip, langs, SOURCE))
                    return done[-1].wall_s

                walls = alternate(
                    {
                        "1": lambda: dub(end_to_end.ONE_LANGUAGE, ones),
                        "3": lambda: dub(end_to_end.THREE_LANGUAGES, threes),
                    },
                    times=end_to_end.ROUNDS,
                )
                runs = [live.runs(job) for job in ones]
                results.add(end_to_end.figures(ones, threes, runs, media_seconds))
                dubflow_s = {int(count): median(seconds) for count, seconds in walls.items()}
                results.add(baseline.figures(baseline_s, dubflow_s))
                results.add(end_to_end.memory_figures(live.memory, ones + threes))
                results.add(resume.run_family(live, threes[-1]))
                few_ticks = live.ticks(since)

        if "scale" in only:
            with results.phase("scale"):
                say(f"7: {partitions.JOB_COUNT:,} jobs x {len(partitions.LANGS)} languages")
                seeded = partitions.seed(f"sqlite:///{data / 'app.db'}", data / "dagster")
                say(f"   seeded ({seeded.seconds}); the stack again for sensor ticks")
                with live_stack(data) as live:
                    since = time.time()
                    partitions.wait_for_idle_ticks(live, since)
                    live.dub(tiny, partitions.LANGS, SOURCE)
                    results.add(partitions.tick_figures(few_ticks, live.ticks(since)))
                say("7: GET /v1/jobs, a user with 10,000 jobs against one with a page of them")
                with live_stack(data, "api") as live:
                    results.add([partitions.list_ratio(live, seeded, LIST_SECONDS)])

        if "api" in only:
            with results.phase("api"):
                say(f"6: the API alone, {api_scale.JOB_COUNT:,} jobs, SQLite and PostgreSQL")
                # Each database's figures as soon as they exist: one failing keeps the other's.
                for kind in api_scale.DATABASES:
                    results.add(api_scale.measure(kind, work, tiny))

        if "events" in only:
            with results.phase("events"), live_stack(data, "api") as live:
                say("10: GET /v1/jobs with idle event streams open")
                results.add(events.run_family(live, LIST_SECONDS))

        if "gateway" in only:
            with results.phase("gateway"), live_stack(data, "api") as live:
                say("12: GET /v1/jobs and a job stream's first event, through the gateway / direct")
                results.add(gateway.run_family(live, tiny, LIST_SECONDS))
            with results.phase("gateway fan-out"):
                steps = ", ".join(map(str, fanout.STEPS))
                say(f"12: {steps} event streams of one job, through the gateway")
                results.add(fanout.run_family(work / "fanout", tiny))

        if "abuse" in only:
            with results.phase("abuse"):
                say(f"9: the API under {abuse.UPLOADS} slow part uploads, a huge job request")
                results.add(abuse.run_family(work / "abuse"))

        if "fairness" in only:
            with results.phase("fairness"):
                say(f"9: tenant B's queue wait behind tenant A's {fairness.BACKLOG} jobs, live")
                results.add(fairness.run_family(work / "fairness", tiny))

        if "long" in only:
            with results.phase("long"):
                say("11: long clips of real speech over a bed, through the stack and the script")
                models = baseline_models()
                results.add(
                    long_clip.figures(
                        {
                            minutes: long_clip.measure(work, minutes, counts, models)
                            for minutes, counts in long_clip.plan().items()
                        }
                    )
                )

        if "compose" in only:
            with results.phase("compose"):
                results.add(compose.run_family(work / "compose"))

        if "compose-load" in only:
            with results.phase("compose-load"):
                results.add(compose.run_load_family(work / "compose-load"))

    results.figures.sort(key=lambda figure: figure.family)
    results.write(args.output)
    args.output.with_suffix(".md").write_text(results.markdown())
    console.print(results.table())
    console.print(results.targets_table())
    for phase, error in results.failed.items():
        console.print(f"[red]phase {phase} failed:[/] {error}")
    console.print(f"{args.output} written in {time.monotonic() - results.started:.0f} s")
    sys.exit(1 if results.failed else 0)


if __name__ == "__main__":
    main()
