"""Scale of partitions: 10,000 finished jobs x 3 languages recorded in the app DB and
registered as Dagster partitions, then the sensors' tick times against those with only the
benchmark's own few jobs, and `GET /v1/jobs` latency for a user with 10,000 jobs against a user
with one page of them (20: the same response size, so only the scale differs)."""

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from bench.api_load import LIST_URL, PAGE, Load, wrk
from bench.appdb import insert_jobs, user_key
from bench.core import Figure, alternate, median, ratio_figure
from bench.live import LiveStack, Tick
from dubbing_assets.partitions import JOB_PARTITIONS

FAMILY = "7 partitions at scale"
JOB_COUNT = 10_000
LANGS = ["es", "ca", "en"]
# Idle ticks to collect before a measured job, so quiet ticks are measured quietly.
IDLE_TICKS = 4


@dataclass(frozen=True)
class Seeded:
    many_key: str  # the API key of a user with JOB_COUNT jobs
    page_key: str  # ... and of a user with PAGE jobs
    seconds: dict[str, float]


def seed(database_url: str, dagster_home: Path) -> Seeded:
    """Record JOB_COUNT (and PAGE) succeeded jobs for two users and register the partitions."""
    many_user, many_key = user_key(database_url, "load@bench.local")
    page_user, page_key = user_key(database_url, "page@bench.local")
    ids = [uuid.uuid4().hex for _ in range(JOB_COUNT + PAGE)]
    started = time.perf_counter()
    insert_jobs(database_url, many_user, ids[:JOB_COUNT], LANGS, finished=True)
    insert_jobs(database_url, page_user, ids[JOB_COUNT:], LANGS, finished=True)
    recorded = time.perf_counter()
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        instance.add_dynamic_partitions(JOB_PARTITIONS, ids)
    registered = time.perf_counter()
    return Seeded(
        many_key,
        page_key,
        {
            "app_db_insert_s": round(recorded - started, 2),
            "partitions_register_s": round(registered - recorded, 2),
        },
    )


def wait_for_idle_ticks(live: LiveStack, since: float, timeout: float = 60) -> None:
    """Let the daemon tick quietly a few times (its first ticks also load the code location)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        idle = [t for t in live.ticks(since) if t.sensor == "submissions" and not t.runs]
        if len(idle) >= IDLE_TICKS:
            return
        time.sleep(1)
    raise TimeoutError(f"the submissions sensor did not tick {IDLE_TICKS} times in {timeout} s")


def _tick_kinds(ticks: Sequence[Tick]) -> dict[str, list[float]]:
    return {
        "submissions, idle": [t.seconds for t in ticks if t.sensor == "submissions" and not t.runs],
        "submissions, requesting runs": [
            t.seconds for t in ticks if t.sensor == "submissions" and t.runs
        ],
        "chain_dub_runs, requesting runs": [
            t.seconds for t in ticks if t.sensor == "chain_dub_runs" and t.runs
        ],
    }


def tick_figures(few: Sequence[Tick], many: Sequence[Tick]) -> list[Figure]:
    """Median tick time with 10,000 jobs registered / with a few, per kind of tick."""
    figures = []
    for kind, scaled in _tick_kinds(many).items():
        clean = _tick_kinds(few)[kind]
        if not scaled or not clean:
            continue
        figures.append(
            Figure(
                FAMILY,
                f"sensor tick ({kind}): {JOB_COUNT:,} jobs / few",
                round(median(scaled) / median(clean), 2),
                "x",
                note=f"{median(scaled) * 1000:.0f} ms vs {median(clean) * 1000:.0f} ms "
                f"(n={len(scaled)}, {len(clean)})",
                detail={"many_s": scaled, "few_s": clean},
            )
        )
    return figures


def list_ratio(live: LiveStack, seeded: Seeded, seconds: float) -> Figure:
    """`GET /v1/jobs` for the user with JOB_COUNT jobs against the user with PAGE, on the same
    server, alternated: the ratio of the median p50s."""
    url = f"{live.stack.api_url}{LIST_URL}"
    loads: dict[str, list[Load]] = {"many": [], "page": []}

    def p50_seconds(name: str, key: str) -> float:
        loads[name].append(wrk(url, key, seconds))
        return loads[name][-1].p50_ms / 1000

    measured = alternate(
        {
            "many": lambda: p50_seconds("many", seeded.many_key),
            "page": lambda: p50_seconds("page", seeded.page_key),
        }
    )
    return ratio_figure(
        FAMILY,
        f"GET /v1/jobs p50: user with {JOB_COUNT:,} jobs / with {PAGE}",
        measured,
        "many",
        "page",
        note=f"{len(LANGS)} languages each; a page of {PAGE}, newest first, same server",
    )
