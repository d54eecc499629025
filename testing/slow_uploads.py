"""Many slow part uploads at once, with the API probed meanwhile: what stalled the whole API
once (docs/security/limits.md). Shared by the abuse test and `make bench`."""

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx

CHUNKS, PAUSE_SECONDS = 16, 0.25  # each part takes about 4 s to arrive


@dataclass(frozen=True)
class Probe:
    route: str  # "health" or "jobs"
    status: int
    milliseconds: float
    uploads_finished: int  # how many uploads had ended when it answered


@dataclass
class SlowUploads:
    statuses: list[int]
    probes: list[Probe] = field(default_factory=list)

    def latencies(self, route: str) -> list[float]:
        return [probe.milliseconds for probe in self.probes if probe.route == route]


async def _slow_part(size: int) -> AsyncIterator[bytes]:
    piece = b"x" * (size // CHUNKS)
    for _ in range(CHUNKS):
        await asyncio.sleep(PAUSE_SECONDS)
        yield piece


async def _drive(api_url: str, headers: dict[str, str], parts: list[dict]) -> SlowUploads:
    finished = 0
    probes: list[Probe] = []
    connections = len(parts) + 10
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(timeout=60, limits=limits) as http:

        async def upload(part: dict) -> int:
            nonlocal finished
            response = await http.put(part["url"], content=_slow_part(part["sizeBytes"]))
            finished += 1
            return response.status_code

        async def probe() -> None:
            while finished < len(parts):
                for route, url, auth in (
                    ("health", f"{api_url}/v1/health", {}),
                    ("jobs", f"{api_url}/v1/jobs", headers),
                ):
                    started = time.perf_counter()
                    response = await http.get(url, headers=auth, timeout=10)
                    took = (time.perf_counter() - started) * 1000
                    probes.append(Probe(route, response.status_code, took, finished))
                await asyncio.sleep(0.02)

        prober = asyncio.create_task(probe())
        statuses = await asyncio.gather(*(upload(part) for part in parts))
        await prober
    return SlowUploads(list(statuses), probes)


def slow_uploads(api_url: str, headers: dict[str, str], parts: list[dict]) -> SlowUploads:
    """PUT every part of `parts` (an upload session's) at once, each slowly, while `/v1/health`
    and `GET /v1/jobs` are asked in turn until the last upload ends."""
    return asyncio.run(_drive(api_url, headers, parts))
