"""Finding: concurrent slow part uploads froze the whole API (blocking database and storage
calls inside an async route; the 16th upload waited for a pool connection on the event loop).
Now 50 slow uploads at once leave health and the job list answering, with no 5xx."""

import httpx

from testing.slow_uploads import slow_uploads
from tests.security.conftest import PART_SIZE, LiveApi

UPLOADS = 50


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

    result = slow_uploads(live_api.url, alice, session["parts"])

    assert result.statuses == [200] * UPLOADS
    assert result.probes and all(probe.status == 200 for probe in result.probes), result.probes
    # Answered while every upload was still in flight, not only after they ended.
    for route in ("health", "jobs"):
        assert any(p.route == route and p.uploads_finished == 0 for p in result.probes)
    state = httpx.get(f"{live_api.url}/v1/uploads/{session['id']}", headers=alice).json()
    assert len(state["receivedParts"]) == UPLOADS and state["missingParts"] == []
