"""Findings: no body-size limit (a 100 MiB JSON body was accepted), quadratic validation (40,000
targets took 49 s of CPU), and a 1 MB `uploadId` echoed back in the 404 detail."""

import json

import httpx
from sqlalchemy import func, select

from dubbing_core.db.models import Upload
from dubbing_core.db.session import session_scope
from tests.security.conftest import LiveApi

MiB = 1 << 20


def _count(api: LiveApi, model: type) -> int:
    with session_scope(api.settings.resolved_database_url) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _problem(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == code, body
    return body


def test_a_huge_json_body_is_refused_by_its_declared_length(live_api: LiveApi):
    alice = live_api.user("alice")
    before = _count(live_api, Upload)
    body = json.dumps({"filename": "a.mp4", "sizeBytes": 1, "pad": "x" * (100 * MiB)})
    response = httpx.post(
        f"{live_api.url}/v1/uploads",
        content=body,
        headers={**alice, "Content-Type": "application/json"},
        timeout=60,
    )
    problem = _problem(response, 413, "request.too_large")
    assert problem["limit"] == live_api.settings.max_body_bytes
    assert _count(live_api, Upload) == before


def test_a_huge_chunked_body_is_refused_at_the_limit(live_api: LiveApi):
    alice = live_api.user("alice")
    before = _count(live_api, Upload)

    def chunks():  # no Content-Length: the limit counts what arrives
        yield b'{"filename": "a.mp4", "sizeBytes": 1, "pad": "'
        for _ in range(64):
            yield b"x" * 65536
        yield b'"}'

    response = httpx.post(
        f"{live_api.url}/v1/uploads",
        content=chunks(),
        headers={**alice, "Content-Type": "application/json"},
        timeout=60,
    )
    _problem(response, 413, "request.too_large")
    assert _count(live_api, Upload) == before


def test_forty_thousand_targets_never_reach_validation(live_api: LiveApi):
    alice = live_api.user("alice")
    targets = [{"language": f"l{i}"} for i in range(40_000)]
    response = httpx.post(
        f"{live_api.url}/v1/jobs",
        json={"uploadId": "0" * 32, "targets": targets},
        headers=alice,
        timeout=60,
    )
    _problem(response, 413, "request.too_large")


def test_too_many_targets_are_one_short_error(live_api: LiveApi):
    alice = live_api.user("alice")
    # Under the body limit, over the schema's: one error, not one per target.
    targets = [{"language": "es"}] * 2000
    response = httpx.post(
        f"{live_api.url}/v1/jobs", json={"uploadId": "0" * 32, "targets": targets}, headers=alice
    )
    problem = _problem(response, 422, "request.invalid")
    assert [error["loc"] for error in problem["errors"]] == [["body", "targets"]]


def test_an_unknown_upload_is_not_echoed(live_api: LiveApi):
    alice = live_api.user("alice")
    long_id = "Z" * 60_000
    too_long = httpx.post(
        f"{live_api.url}/v1/jobs",
        json={"uploadId": long_id, "targets": [{"language": "es"}]},
        headers=alice,
    )
    _problem(too_long, 422, "request.invalid")
    assert "ZZZZ" not in too_long.text
    unknown = httpx.post(
        f"{live_api.url}/v1/jobs",
        json={"uploadId": "Y" * 64, "targets": [{"language": "es"}]},
        headers=alice,
    )
    _problem(unknown, 404, "upload.not_found")
    assert "YYYY" not in unknown.text


def test_a_part_is_held_to_its_signed_size(live_api: LiveApi):
    alice = live_api.user("alice")
    session = httpx.post(
        f"{live_api.url}/v1/uploads", json={"filename": "a.mp4", "sizeBytes": 1000}, headers=alice
    ).json()
    url = session["parts"][0]["url"]
    _problem(httpx.put(url, content=b"x" * (10 * MiB)), 413, "upload.part_too_large")
    state = httpx.get(f"{live_api.url}/v1/uploads/{session['id']}", headers=alice).json()
    assert state["receivedParts"] == [] and state["missingParts"] == [1]
