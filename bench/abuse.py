"""Abuse resistance: the API's latency while 50 slow part uploads are in flight, and the time to
answer a 40,000-target job request (docs/security/limits.md). The API alone (no daemon), with
64 KiB parts so that 50 parts are one small upload."""

import time
from pathlib import Path

import httpx

from bench.core import Figure
from testing.slow_uploads import slow_uploads
from testing.stack import start_stack

FAMILY = "9 abuse resistance"
UPLOADS = 50
PART_SIZE = 64 * 1024
TARGETS = 40_000


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def run_family(data_dir: Path) -> list[Figure]:
    data_dir.mkdir(parents=True, exist_ok=True)
    stack = start_stack(
        data_dir,
        "api",
        {"DUBFLOW_PART_SIZE_BYTES": str(PART_SIZE), "DUBFLOW_RATE_LIMIT_WRITES": "100000/minute"},
    )
    try:
        headers = {"Authorization": f"Bearer {stack.api_key('abuse@bench.local')}"}
        session = httpx.post(
            f"{stack.api_url}/v1/uploads",
            json={"filename": "big.mp4", "sizeBytes": UPLOADS * PART_SIZE},
            headers=headers,
        ).json()
        result = slow_uploads(stack.api_url, headers, session["parts"])
        body = {"uploadId": "0" * 32, "targets": [{"language": f"l{i}"} for i in range(TARGETS)]}
        started = time.perf_counter()
        refused = httpx.post(f"{stack.api_url}/v1/jobs", json=body, headers=headers, timeout=120)
        answer_ms = (time.perf_counter() - started) * 1000
    finally:
        stack.stop()
    failures = sum(status >= 500 for status in result.statuses)
    failures += sum(probe.status >= 500 for probe in result.probes)
    figures = []
    for route, name in (("health", "GET /v1/health"), ("jobs", "GET /v1/jobs")):
        values = result.latencies(route)
        figures += [
            Figure(FAMILY, f"{name} p50 under {UPLOADS} slow part uploads",
                   round(_percentile(values, 0.5), 1), "ms",
                   note=f"{len(values)} requests while the uploads were in flight"),
            Figure(FAMILY, f"{name} p99 under {UPLOADS} slow part uploads",
                   round(_percentile(values, 0.99), 1), "ms", limit=200.0,
                   note=f"5xx during the load: {failures}"),
        ]  # fmt: skip
    figures.append(
        Figure(FAMILY, f"POST /v1/jobs with {TARGETS:,} targets: answer", round(answer_ms, 1),
               "ms", note=f"{refused.status_code} {refused.json().get('code')}; "
               f"{len(refused.request.content) // 1024} KiB body")
    )  # fmt: skip
    return figures
