"""API at scale: the API alone (one uvicorn process, no daemon: the jobs the load creates must not
start runs) over an application database holding 10,000 jobs x 3 languages for the user it
serves, on SQLite and on PostgreSQL, under Debian's `wrk` on loopback: the newest page and a
page from the middle of `GET /v1/jobs`, and `POST /v1/jobs` from 4 writers at once. Each figure
is a percentile of the requests of runs measured here, one after the other."""

import os
import subprocess
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

from bench.api_load import CONNECTIONS, LIST_URL, PAGE, Load, load_figures, wrk
from bench.appdb import insert_jobs, user_key
from bench.core import ROOT, Figure, median, say
from bench.live import LiveStack, live_stack
from dubbing_core.db.session import get_engine

FAMILY = "6 API under load"
DATABASES = ("sqlite", "postgresql")
JOB_COUNT = 10_000
LANGS = ["es", "ca", "en"]
# Targets (issue 18): p99 of the list and of a create under 4 writers.
LIST_P99_MS, CREATE_P99_MS = 50.0, 100.0
# wrk runs of the list (p99: the median over the runs) and seconds of each; one longer run of
# creates (every request adds a job, so repeating it would measure a different database).
LIST_RUNS, LIST_SECONDS, CREATE_SECONDS = 3, 2.0, 5.0
# The middle of the list: a client that paged this far sends this page's cursor.
DEEP_OFFSET = JOB_COUNT // 2


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh database on the local PostgreSQL (started by scripts/start-postgres.sh, as the
    tests do), dropped afterwards."""
    server = subprocess.run(
        [ROOT / "scripts" / "start-postgres.sh"], capture_output=True, text=True, check=True
    ).stdout.strip()
    name = f"dubflow_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        get_engine(url).dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def database(kind: str, data: Path) -> Iterator[str]:
    if kind == "postgresql":
        with postgres_database() as url:
            yield url
    else:
        yield f"sqlite:///{data / 'app.db'}"


def deep_cursor(live: LiveStack) -> str:
    """The cursor a client holds after paging to DEEP_OFFSET, by paging there."""
    cursor = None
    for _ in range(DEEP_OFFSET // 100):
        response = httpx.get(
            f"{live.stack.api_url}/v1/jobs",
            params={"limit": 100, **({"cursor": cursor} if cursor else {})},
            headers={"Authorization": f"Bearer {live.key}"},
        )
        cursor = response.raise_for_status().json()["nextCursor"]
    return str(cursor)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of process `pid` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class ApiCpu:
    """The API process's CPU time per request over wrk runs: on a shared machine a request's
    latency depends on everyone's load, its CPU time much less."""

    def __init__(self, live: LiveStack) -> None:
        live.memory.sample()
        (self.pid,) = [pid for pid in live.memory.peak_kib if live.memory.role(pid) == "api"]

    def measure(self, run: Callable[[], Load]) -> tuple[Load, float]:
        before = _cpu_seconds(self.pid)
        load = run()
        return load, (_cpu_seconds(self.pid) - before) / load.requests


def _figures(
    kind: str, name: str, runs: list[tuple[Load, float]], limit: float, note: str
) -> list[Figure]:
    loads = [load for load, _ in runs]
    p50, p99, throughput = load_figures(f"{name}, {kind}", loads, note)
    p99.limit = limit
    cpu_ms = median([cpu for _, cpu in runs]) * 1000
    cpu = Figure(FAMILY, f"{name}, {kind} CPU per request", round(cpu_ms, 2), "ms",
                 note="the API process's user + system time over the requests")  # fmt: skip
    return [p50, p99, throughput, cpu]


def measure(kind: str, work: Path, tiny: Path) -> list[Figure]:
    data = work / f"api-{kind}"
    data.mkdir(parents=True, exist_ok=True)
    with database(kind, data) as url:
        user_id, _ = user_key(url, "bench@bench.local")
        insert_jobs(url, user_id, [uuid.uuid4().hex for _ in range(JOB_COUNT)], LANGS,
                    finished=True)  # fmt: skip
        say(f"   {kind}: {JOB_COUNT:,} jobs recorded; the API alone under wrk")
        with live_stack(data, "api", url) as live:
            base, cpu = live.stack.api_url, ApiCpu(live)

            def listing(url: str) -> list[tuple[Load, float]]:
                return [
                    cpu.measure(lambda: wrk(url, live.key, LIST_SECONDS)) for _ in range(LIST_RUNS)
                ]

            first = listing(f"{base}{LIST_URL}")
            deep = listing(f"{base}{LIST_URL}&cursor={deep_cursor(live)}")
            upload = live.client.upload(tiny)
            body = {"uploadId": upload, "sourceLanguage": "en", "targets": [{"language": "es"}]}
            create = cpu.measure(lambda: wrk(f"{base}/v1/jobs", live.key, CREATE_SECONDS, body))
            live.memory.sample()
            memory = live.memory.peak_mib("api")
    jobs = f"{JOB_COUNT:,} jobs x {len(LANGS)} languages"
    return [
        *_figures(kind, f"GET {LIST_URL}", first, LIST_P99_MS,
                     f"the newest {PAGE} of {jobs}; p99: median of {LIST_RUNS} runs"),
        *_figures(kind, f"GET {LIST_URL} at job {DEEP_OFFSET:,}", deep, LIST_P99_MS,
                     f"the page after job {DEEP_OFFSET:,} (its cursor)"),
        *_figures(kind, "POST /v1/jobs", [create], CREATE_P99_MS,
                     f"{CONNECTIONS} writers at once, each creating a job (rows, outbox event, "
                     "a link to a 5 s upload in storage)"),
        Figure(FAMILY, f"peak RSS, API, {kind}", memory, "MiB", note="uvicorn, after the load"),
    ]  # fmt: skip
