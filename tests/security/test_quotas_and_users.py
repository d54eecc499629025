"""Findings: no quotas (50 jobs in 1.3 s, 50 upload sessions of 4 GiB in 2 s,
`max_concurrent_jobs` stored but never read); no `users delete`/disable; internals (Dagster
links, run workers' host and pid) shown to every tenant."""

import os
import subprocess
import sys
from pathlib import Path

import httpx
from sqlalchemy import func, select

from dubbing_core.db.models import Job, StageAttempt, StageRun, Upload, User
from dubbing_core.db.session import session_scope
from dubflow_cli.admin import set_role
from tests.security.conftest import LiveApi, uploaded


def _dubflow(api: LiveApi, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DUBFLOW_DATA_DIR": str(api.settings.data_dir)}
    return subprocess.run(
        [str(Path(sys.executable).parent / "dubflow"), *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )


def _email(api: LiveApi, headers: dict[str, str]) -> str:
    return str(httpx.get(f"{api.url}/v1/me", headers=headers).json()["email"])


def _job(api: LiveApi, headers: dict[str, str], upload_id: str) -> httpx.Response:
    body = {"uploadId": upload_id, "sourceLanguage": "en", "targets": [{"language": "es"}]}
    return httpx.post(f"{api.url}/v1/jobs", json=body, headers=headers, timeout=30)


def _jobs_of(api: LiveApi, email: str) -> int:
    with session_scope(api.settings.resolved_database_url) as session:
        query = select(func.count()).select_from(Job).join(User, User.id == Job.user_id)
        return int(session.scalar(query.where(User.email == email)) or 0)


def test_me_shows_quotas_and_usage(live_api: LiveApi, sample_video: Path):
    alice = live_api.user("alice")
    upload_id = uploaded(live_api, alice, sample_video)
    assert _job(live_api, alice, upload_id).status_code == 201
    me = httpx.get(f"{live_api.url}/v1/me", headers=alice).json()
    assert me["role"] == "user"
    quotas = me["quotas"]
    assert set(quotas) == {
        "uploadBytes", "storedBytes", "concurrentJobs", "queuedJobs", "mediaMinutesPerDay"
    }  # fmt: skip
    assert quotas["concurrentJobs"]["usage"] == 1 and quotas["queuedJobs"]["usage"] == 1
    assert quotas["storedBytes"]["usage"] == sample_video.stat().st_size
    assert 0.05 < quotas["mediaMinutesPerDay"]["usage"] < 0.1  # a 4 s video
    assert quotas["concurrentJobs"]["limit"] == live_api.settings.quota_concurrent_jobs
    # Three writes so far (the upload, its completion, the job; parts are not counted).
    writes = me["rateLimits"]["writes"]
    assert (writes["limit"], writes["windowSeconds"], writes["remaining"]) == (10000, 60, 9997)
    assert 1 <= writes["resetSeconds"] <= 61
    assert me["rateLimits"]["authFailures"]["remaining"] == 10000


def test_concurrent_and_queued_job_quotas(live_api: LiveApi, sample_video: Path):
    bob = live_api.user("bob")
    email = _email(live_api, bob)
    _dubflow(live_api, "users", "set-quota", email, "--concurrent-jobs", "2")
    upload_id = uploaded(live_api, bob, sample_video)
    assert [_job(live_api, bob, upload_id).status_code for _ in range(2)] == [201, 201]
    refused = _job(live_api, bob, upload_id)
    assert refused.status_code == 429, refused.text
    problem = refused.json()
    assert problem["code"] == "quota.concurrent_jobs"
    assert (problem["limit"], problem["usage"], problem["freesAt"]) == (2, 2, None)
    assert _jobs_of(live_api, email) == 2

    _dubflow(live_api, "users", "set-quota", email, "--concurrent-jobs", "10", "--queued-jobs", "2")
    queued = _job(live_api, bob, upload_id)
    assert queued.status_code == 429 and queued.json()["code"] == "quota.queued_jobs"
    _dubflow(live_api, "users", "set-quota", email, "--queued-jobs", "-1")  # back to the default
    assert _job(live_api, bob, upload_id).status_code == 201


def test_media_minutes_per_day(live_api: LiveApi, sample_video: Path):
    carol = live_api.user("carol")
    _dubflow(live_api, "users", "set-quota", _email(live_api, carol), "--media-minutes", "0.1")
    upload_id = uploaded(live_api, carol, sample_video)
    assert _job(live_api, carol, upload_id).status_code == 201  # 4 s of 6
    refused = _job(live_api, carol, upload_id)
    assert refused.status_code == 429
    problem = refused.json()
    assert problem["code"] == "quota.media_minutes_per_day" and problem["limit"] == 0.1
    assert problem["freesAt"] and 86000 < int(refused.headers["Retry-After"]) <= 86401


def test_stored_bytes_and_upload_size(live_api: LiveApi):
    dave = live_api.user("dave")
    email = _email(live_api, dave)
    _dubflow(live_api, "users", "set-quota", email, "--stored-bytes", "1000")
    url = f"{live_api.url}/v1/uploads"
    first = httpx.post(url, json={"filename": "a.mp4", "sizeBytes": 800}, headers=dave)
    assert first.status_code == 201
    over = httpx.post(url, json={"filename": "b.mp4", "sizeBytes": 300}, headers=dave)
    assert over.status_code == 403 and over.json()["code"] == "quota.stored_bytes"
    assert over.json()["usage"] == 800
    # Aborting frees the storage it reserved.
    assert httpx.delete(f"{url}/{first.json()['id']}", headers=dave).status_code == 204
    assert httpx.post(url, json={"filename": "b.mp4", "sizeBytes": 300}, headers=dave).is_success
    _dubflow(live_api, "users", "set-quota", email, "--upload-bytes", "100")
    big = httpx.post(url, json={"filename": "c.mp4", "sizeBytes": 101}, headers=dave)
    assert big.status_code == 413 and big.json()["code"] == "upload.too_large"


def test_disable_then_delete_a_user(live_api: LiveApi, sample_video: Path):
    erin = live_api.user("erin")
    email = _email(live_api, erin)
    upload_id = uploaded(live_api, erin, sample_video)
    job_id = _job(live_api, erin, upload_id).json()["id"]
    storage = live_api.settings.data_dir / "storage"
    assert (storage / "jobs" / job_id).exists() and (storage / "uploads" / upload_id).exists()

    _dubflow(live_api, "users", "disable", email)
    refused = httpx.get(f"{live_api.url}/v1/jobs", headers=erin)
    assert refused.status_code == 401 and refused.json()["code"] == "auth.invalid_key"
    assert (storage / "jobs" / job_id).exists()  # disabling keeps the data

    _dubflow(live_api, "users", "delete", email, "--yes")
    assert httpx.get(f"{live_api.url}/v1/jobs", headers=erin).status_code == 401
    assert not (storage / "jobs" / job_id).exists()
    assert not (storage / "uploads" / upload_id).exists()
    with session_scope(live_api.settings.resolved_database_url) as session:
        assert session.get(Job, job_id) is None and session.get(Upload, upload_id) is None


def test_internals_only_for_admins(live_api: LiveApi, sample_video: Path):
    frank = live_api.user("frank")
    upload_id = uploaded(live_api, frank, sample_video)
    job_id = _job(live_api, frank, upload_id).json()["id"]
    with session_scope(live_api.settings.resolved_database_url) as session:
        # What a run worker records when it starts the first stage.
        row = session.scalar(
            select(StageRun).where(StageRun.job_id == job_id, StageRun.stage == "source_video")
        )
        assert row is not None
        row.run_id, row.status, row.attempt = "run-1", "running", 1
        session.add(
            StageAttempt(
                job_id=job_id, stage="source_video", attempt=1, run_id="run-1",
                worker="worker-host.internal:4242",
            )
        )  # fmt: skip
    tenant_view = httpx.get(f"{live_api.url}/v1/jobs/{job_id}", headers=frank)
    assert tenant_view.json()["dagsterRuns"] == []
    assert "worker-host.internal" not in tenant_view.text and "4242" not in tenant_view.text
    assert tenant_view.json()["stages"][0]["history"][0]["worker"] is None

    set_role(live_api.settings.resolved_database_url, _email(live_api, frank), "admin")
    admin_view = httpx.get(f"{live_api.url}/v1/jobs/{job_id}", headers=frank).json()
    assert admin_view["dagsterRuns"][0]["runId"] == "run-1"
    assert admin_view["stages"][0]["history"][0]["worker"] == "worker-host.internal:4242"


def test_metrics_need_the_scraper_token(live_api: LiveApi):
    alice = live_api.user("alice")
    as_tenant = httpx.get(f"{live_api.url}/metrics", headers=alice)
    assert as_tenant.status_code == 401 and as_tenant.json()["code"] == "metrics.invalid_token"
    assert "dubflow_jobs" not in as_tenant.text


def test_the_database_and_uploads_are_owner_only(live_api: LiveApi, sample_video: Path):
    grace = live_api.user("grace")
    upload_id = uploaded(live_api, grace, sample_video)
    data_dir = live_api.settings.data_dir
    source = data_dir / "storage" / "uploads" / upload_id / "source"
    for path in (data_dir / "app.db", source, data_dir / "storage"):
        assert path.stat().st_mode & 0o077 == 0, f"{path}: {oct(path.stat().st_mode)}"
    assert data_dir.stat().st_mode & 0o777 == 0o700


def test_jobs_share_their_uploads_bytes(live_api: LiveApi, sample_video: Path):
    """Finding: each job copied the source again. Now every job of an upload links to it."""
    henry = live_api.user("henry")
    upload_id = uploaded(live_api, henry, sample_video)
    jobs = [_job(live_api, henry, upload_id).json()["id"] for _ in range(3)]
    storage = live_api.settings.data_dir / "storage"
    source = (storage / "uploads" / upload_id / "source").stat()
    for job_id in jobs:
        copy = (storage / "jobs" / job_id / "source" / "original").stat()
        assert copy.st_ino == source.st_ino and copy.st_size == source.st_size
    assert source.st_nlink == 1 + len(jobs)


def test_a_retry_counts_towards_the_job_quotas(live_api: LiveApi, sample_video: Path):
    jack = live_api.user("jack")
    _dubflow(live_api, "users", "set-quota", _email(live_api, jack), "--concurrent-jobs", "1")
    upload_id = uploaded(live_api, jack, sample_video)
    first = _job(live_api, jack, upload_id).json()["id"]
    with session_scope(live_api.settings.resolved_database_url) as session:
        job = session.get(Job, first)
        assert job is not None
        job.status = "failed"
    assert _job(live_api, jack, upload_id).status_code == 201  # the first one is finished
    retried = httpx.post(
        f"{live_api.url}/v1/jobs/{first}/retry", json={"resumeFrom": "transcript"}, headers=jack
    )
    assert retried.status_code == 429 and retried.json()["code"] == "quota.concurrent_jobs"
    with session_scope(live_api.settings.resolved_database_url) as session:
        job = session.get(Job, first)
        assert job is not None and job.status == "failed"  # left as it was
