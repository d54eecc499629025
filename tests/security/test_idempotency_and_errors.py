"""Findings: 10 concurrent creates with one `Idempotency-Key` got 500s (IntegrityError) and
left orphan job folders; 500s came back as text/plain and were missing from the access log and
from `/metrics`."""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from sqlalchemy import func, select, text, update

from dubbing_core.db.models import IdempotencyRecord, Job, Upload
from dubbing_core.db.session import session_scope
from tests.security.conftest import METRICS_TOKEN, LiveApi, uploaded

CONCURRENT = 10


def _post_concurrently(url: str, body: dict, headers: dict[str, str]) -> list[httpx.Response]:
    with ThreadPoolExecutor(CONCURRENT) as pool:
        return list(
            pool.map(lambda _: httpx.post(url, json=body, headers=headers, timeout=60), range(10))
        )


def test_concurrent_job_creates_with_one_key_make_one_job(live_api: LiveApi, sample_video: Path):
    alice = live_api.user("alice")
    upload_id = uploaded(live_api, alice, sample_video)
    body = {"uploadId": upload_id, "sourceLanguage": "en", "targets": [{"language": "es"}]}
    responses = _post_concurrently(
        f"{live_api.url}/v1/jobs", body, {**alice, "Idempotency-Key": "one-job-please"}
    )
    assert [r.status_code for r in responses] == [201] * CONCURRENT, [r.text for r in responses]
    replies = {r.text for r in responses}
    assert len(replies) == 1  # the very same reply to each of them
    job_id = responses[0].json()["id"]
    with session_scope(live_api.settings.resolved_database_url) as session:
        jobs = session.scalars(select(Job.id).where(Job.upload_id == upload_id)).all()
    assert jobs == [job_id]
    job_folders = [p.name for p in (live_api.settings.data_dir / "storage" / "jobs").iterdir()]
    assert job_id in job_folders
    with session_scope(live_api.settings.resolved_database_url) as session:
        every_job = set(session.scalars(select(Job.id)))
    assert set(job_folders) <= every_job  # no folder without its job


def test_concurrent_upload_creates_with_one_key_make_one_upload(live_api: LiveApi):
    bob = live_api.user("bob")
    body = {"filename": "talk.mp4", "sizeBytes": 1000}
    responses = _post_concurrently(
        f"{live_api.url}/v1/uploads", body, {**bob, "Idempotency-Key": "one-upload"}
    )
    assert [r.status_code for r in responses] == [201] * CONCURRENT, [r.text for r in responses]
    assert len({r.json()["id"] for r in responses}) == 1
    with session_scope(live_api.settings.resolved_database_url) as session:
        count = session.scalar(
            select(func.count()).select_from(Upload).where(Upload.filename == "talk.mp4")
        )
    assert count == 1


def test_a_reused_key_with_another_body_is_a_conflict(live_api: LiveApi):
    carol = live_api.user("carol")
    headers = {**carol, "Idempotency-Key": "k1"}
    first = httpx.post(
        f"{live_api.url}/v1/uploads", json={"filename": "a.mp4", "sizeBytes": 10}, headers=headers
    )
    other = httpx.post(
        f"{live_api.url}/v1/uploads", json={"filename": "b.mp4", "sizeBytes": 10}, headers=headers
    )
    assert first.status_code == 201
    assert other.status_code == 409 and other.json()["code"] == "idempotency.conflict"


def test_an_internal_error_is_a_problem_logged_and_counted(live_api: LiveApi):
    dave = live_api.user("dave")
    headers = {**dave, "Idempotency-Key": "to-be-corrupted"}
    body = {"filename": "a.mp4", "sizeBytes": 10}
    assert httpx.post(f"{live_api.url}/v1/uploads", json=body, headers=headers).status_code == 201
    # A fault we can cause for real: the stored reply no longer fits the contract.
    with session_scope(live_api.settings.resolved_database_url) as session:
        session.execute(
            update(IdempotencyRecord)
            .where(IdempotencyRecord.key == "to-be-corrupted")
            .values(response={"not": "an upload"})
        )
    response = httpx.post(
        f"{live_api.url}/v1/uploads",
        json=body,
        headers={**headers, "X-Request-ID": "report-me-0001"},
    )
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "internal.error" and problem["requestId"] == "report-me-0001"
    assert response.headers["X-Request-ID"] == "report-me-0001"
    assert "not" not in problem["detail"]  # nothing of the internals
    lines = [line for line in live_api.log.read_text().splitlines() if "report-me-0001" in line]
    assert any('"status": 500' in line and '"error": "ValidationError"' in line for line in lines)
    metrics = httpx.get(
        f"{live_api.url}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}
    ).text
    assert 'dubflow_http_requests_total{method="POST",route="/v1/uploads",status="500"} 1.0' in (
        metrics
    )


def test_a_create_whose_commit_fails_leaves_no_job_folder(live_api: LiveApi, sample_video: Path):
    erin = live_api.user("erin")
    upload_id = uploaded(live_api, erin, sample_video)
    body = {"uploadId": upload_id, "sourceLanguage": "en", "targets": [{"language": "es"}]}
    jobs_dir = live_api.settings.data_dir / "storage" / "jobs"
    before = set(jobs_dir.iterdir()) if jobs_dir.exists() else set()
    url = live_api.settings.resolved_database_url
    # A fault we can cause for real: the database refuses the job's outbox event, after the
    # create has stored the job's source and request.
    with session_scope(url) as session:
        session.execute(
            text(
                "CREATE TRIGGER refuse_outbox BEFORE INSERT ON outbox_events "
                "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
            )
        )
    try:
        response = httpx.post(f"{live_api.url}/v1/jobs", json=body, headers=erin, timeout=60)
    finally:
        with session_scope(url) as session:
            session.execute(text("DROP TRIGGER refuse_outbox"))
    assert response.status_code == 500 and response.json()["code"] == "internal.error"
    assert (set(jobs_dir.iterdir()) if jobs_dir.exists() else set()) == before
    with session_scope(url) as session:
        assert session.scalar(select(func.count()).where(Job.upload_id == upload_id)) == 0
    # Nothing was lost: the same upload makes a job once the database takes writes again.
    retried = httpx.post(f"{live_api.url}/v1/jobs", json=body, headers=erin, timeout=60)
    assert retried.status_code == 201, retried.text
    assert (jobs_dir / retried.json()["id"]).is_dir()
