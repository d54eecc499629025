"""Finding: concurrent slow part uploads froze the whole API (blocking database and storage
calls inside an async route; the 16th upload waited for a pool connection on the event loop).
Now 50 slow uploads at once leave health and the job list answering, with no 5xx."""

import asyncio

import httpx

from tests.security.conftest import PART_SIZE, LiveApi

UPLOADS = 50
CHUNKS = 16
PAUSE_SECONDS = 0.25  # each part takes about 4 s to arrive


async def _slow_part():
    piece = b"x" * (PART_SIZE // CHUNKS)
    for _ in range(CHUNKS):
        await asyncio.sleep(PAUSE_SECONDS)
        yield piece


async def _drive(api: LiveApi, alice: dict[str, str], parts: list[dict]) -> dict:
    finished = 0
    probes: list[tuple[str, int, int]] = []  # (what, status, uploads finished when it answered)
    limits = httpx.Limits(max_connections=UPLOADS + 10, max_keepalive_connections=UPLOADS + 10)
    async with httpx.AsyncClient(timeout=60, limits=limits) as http:

        async def upload(part: dict) -> httpx.Response:
            nonlocal finished
            response = await http.put(part["url"], content=_slow_part())
            finished += 1
            return response

        async def probe() -> None:
            while finished < UPLOADS:
                for what, url, headers in (
                    ("health", f"{api.url}/v1/health", {}),
                    ("jobs", f"{api.url}/v1/jobs", alice),
                ):
                    response = await http.get(url, headers=headers, timeout=10)
                    probes.append((what, response.status_code, finished))
                await asyncio.sleep(0.05)

        prober = asyncio.create_task(probe())
        uploads = await asyncio.gather(*(upload(part) for part in parts))
        await prober
    return {"uploads": uploads, "probes": probes}


def test_fifty_slow_part_uploads_leave_the_api_answering(live_api: LiveApi):
    alice = live_api.user("alice")
    created = httpx.post(
        f"{live_api.url}/v1/uploads",
        json={"filename": "big.mp4", "sizeBytes": UPLOADS * PART_SIZE},
        headers=alice,
    )
    assert created.status_code == 201, created.text
    session = created.json()
    assert len(session["parts"]) == UPLOADS

    result = asyncio.run(_drive(live_api, alice, session["parts"]))

    statuses = [response.status_code for response in result["uploads"]]
    assert statuses == [200] * UPLOADS, [r.text for r in result["uploads"] if r.status_code != 200]
    probes = result["probes"]
    assert probes and all(status == 200 for _, status, _ in probes), probes
    # Answered while every upload was still in flight, not only after they ended.
    assert any(what == "health" and done == 0 for what, _, done in probes), probes
    assert any(what == "jobs" and done == 0 for what, _, done in probes), probes
    state = httpx.get(f"{live_api.url}/v1/uploads/{session['id']}", headers=alice).json()
    assert len(state["receivedParts"]) == UPLOADS and state["missingParts"] == []
    assert " 500 " not in live_api.log.read_text()
