"""The latency the Express gateway (express-gw/, docs/gateway.md) adds: `GET /v1/jobs` through
it against the same API directly (wrk as in family 6, alternated runs), and the time to a job
stream's first event the same two ways (alternated requests)."""

import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.api_load import CONNECTIONS, LIST_URL, Load, wrk
from bench.core import ROOT, Figure, alternate, ratio_figure, run
from bench.live import LiveStack
from testing.servers import free_port, wait_for_url

FAMILY = "12 gateway"
# Requests per side for the first event of a stream (alternated one by one).
STREAM_SAMPLES = 40


@dataclass(frozen=True)
class Gateway:
    url: str
    pid: int


@contextmanager
def gateway(api_url: str) -> Iterator[Gateway]:
    """The gateway built and started in front of `api_url`, with limits no benchmark reaches."""
    run(["npm", "run", "build", "--workspace", "express-gw", "--silent"], cwd=ROOT)
    port = free_port()
    env = os.environ | {
        "GATEWAY_UPSTREAM_URL": api_url,
        "GATEWAY_PORT": str(port),
        "GATEWAY_RATE_LIMIT_PER_ADDRESS": "1000000000",
        "GATEWAY_RATE_LIMIT_PER_CREDENTIAL": "1000000000",
    }
    process = subprocess.Popen(
        ["node", str(ROOT / "express-gw" / "dist" / "server.js")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"

    def exited() -> str | None:
        code = process.poll()
        return None if code is None else f"the gateway exited with {code}"

    try:
        wait_for_url(f"{url}/v1/health", 30, exited=exited, interval=0.2)
        yield Gateway(url, process.pid)
    finally:
        process.terminate()
        process.wait(timeout=10)


def first_event_seconds(client: httpx.Client, url: str) -> float:
    """From sending the request to the first event's `data` line (the stream stays open)."""
    started = time.perf_counter()
    with client.stream("GET", url) as response:
        response.raise_for_status()
        for line in response.iter_lines():
            if line.startswith("data:"):
                return time.perf_counter() - started
    raise RuntimeError(f"{url} ended without an event")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run_family(live: LiveStack, clip: Path, seconds: float) -> list[Figure]:
    api_url = live.stack.api_url
    # A queued job (no daemon runs here): its stream replays its creation, then stays open.
    job = live.client.create_job(live.client.upload(clip), ["es"], "en")
    with gateway(api_url) as edge:
        gateway_url = edge.url
        loads: dict[str, list[Load]] = {"gateway": [], "direct": []}

        def listed(side: str, base: str) -> float:
            loads[side].append(wrk(f"{base}{LIST_URL}", live.key, seconds))
            return loads[side][-1].p50_ms / 1000

        alternate(
            {
                "gateway": lambda: listed("gateway", gateway_url),
                "direct": lambda: listed("direct", api_url),
            }
        )
        p99 = {side: [load.p99_ms / 1000 for load in runs] for side, runs in loads.items()}
        p50 = {side: [load.p50_ms / 1000 for load in runs] for side, runs in loads.items()}

        headers = {"Authorization": f"Bearer {live.key}"}
        path = f"/v1/jobs/{job['id']}/events"
        with httpx.Client(headers=headers, timeout=30) as client:
            streams = alternate(
                {
                    "gateway": lambda: first_event_seconds(client, f"{gateway_url}{path}"),
                    "direct": lambda: first_event_seconds(client, f"{api_url}{path}"),
                },
                STREAM_SAMPLES,
            )
    stream_p99 = {side: [_percentile(values, 0.99)] for side, values in streams.items()}
    note = f"wrk, {CONNECTIONS} connections, same API process"
    return [
        ratio_figure(FAMILY, f"GET {LIST_URL} p50: gateway / direct", p50, "gateway", "direct",
                     note=note),
        ratio_figure(FAMILY, f"GET {LIST_URL} p99: gateway / direct", p99, "gateway", "direct",
                     note=note),
        ratio_figure(FAMILY, "job stream, first event p50: gateway / direct", streams, "gateway",
                     "direct", note=f"{STREAM_SAMPLES} requests each, alternated"),
        ratio_figure(FAMILY, "job stream, first event p99: gateway / direct", stream_p99,
                     "gateway", "direct", note=f"of {STREAM_SAMPLES} requests each"),
    ]  # fmt: skip
