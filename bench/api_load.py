"""The API under load: Debian's `wrk` on loopback, and its percentiles (`bench/api_scale.py`,
`bench/partitions.py`, `bench/events.py`)."""

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.core import Figure, median, run

FAMILY = "6 API under load"
LUA = Path(__file__).with_name("wrk_report.lua")
# One wrk thread and four connections: the API is one uvicorn process on a 2-core machine, and
# wrk needs a core of its own to measure honestly.
THREADS, CONNECTIONS = 1, 4
# The list as a client pages it: the newest PAGE jobs.
PAGE = 20
LIST_URL = f"/v1/jobs?limit={PAGE}"


@dataclass(frozen=True)
class Load:
    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float


def wrk(url: str, key: str, seconds: float, body: dict[str, Any] | None = None) -> Load:
    """`seconds` of wrk against `url` (GET, or POST of `body`); every response must be a 2xx."""
    env = dict(os.environ)
    if body is not None:
        env |= {"WRK_METHOD": "POST", "WRK_BODY": json.dumps(body)}
    completed = run(
        ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds:g}s", "-H",
         f"Authorization: Bearer {key}", "-s", LUA, url],
        env=env,
    )  # fmt: skip
    line = [row for row in completed.stdout.decode().splitlines() if row.startswith("{")][-1]
    report = json.loads(line)
    if report["non_2xx"] or report["socket_errors"]:
        raise RuntimeError(f"wrk {url}: {report} (requests that failed)")
    return Load(
        requests=report["requests"],
        seconds=report["duration_us"] / 1e6,
        **{f"{name}_ms": report[f"{name}_us"] / 1000 for name in ("p50", "p90", "p99", "max")},
    )


def load_figures(name: str, loads: list[Load], note: str) -> list[Figure]:
    """p50, p99 (medians over the runs) and throughput (over all of them) of one endpoint."""
    detail = {"runs": [asdict(load) for load in loads], "connections": CONNECTIONS}
    requests = sum(load.requests for load in loads)
    seconds = sum(load.seconds for load in loads)
    return [
        Figure(FAMILY, f"{name} p50", round(median([x.p50_ms for x in loads]), 1), "ms", note=note,
               detail=detail),
        Figure(FAMILY, f"{name} p99", round(median([x.p99_ms for x in loads]), 1), "ms"),
        Figure(FAMILY, f"{name} throughput", round(requests / seconds, 1), "req/s",
               note=f"{requests} requests, {CONNECTIONS} connections"),
    ]  # fmt: skip
