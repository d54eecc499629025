"""Finding: quotas checked by two requests at the same moment could both pass (on SQLite, which
has no row locks): one user's concurrent creates must be counted one after the other, and a
refused create leaves no storage behind."""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from dubflow_cli.admin import set_quota
from resources.storage import MediaStore
from tests.api.conftest import DATABASES, _database_url
from tests.security.conftest import running_api, uploaded

CONCURRENT = 30


def _at_once(send: Callable[[], httpx.Response]) -> list[httpx.Response]:
    with ThreadPoolExecutor(CONCURRENT) as pool:
        return list(pool.map(lambda _: send(), range(CONCURRENT)))


@pytest.mark.parametrize("kind", DATABASES)
def test_concurrent_creates_cannot_overrun_a_quota(kind: str, tmp_path: Path, sample_video: Path):
    database = _database_url(kind, tmp_path)
    with running_api(
        tmp_path,
        database_url=database,
        rate_limit_auth_failures="10000/minute",
        rate_limit_writes="10000/minute",
    ) as api:
        ana = api.user("ana")
        email = httpx.get(f"{api.url}/v1/me", headers=ana).json()["email"]
        upload_id = uploaded(api, ana, sample_video)
        set_quota(database, email, max_concurrent_jobs=1)

        def create_job() -> httpx.Response:
            body = {"uploadId": upload_id, "sourceLanguage": "en", "targets": [{"language": "es"}]}
            return httpx.post(f"{api.url}/v1/jobs", json=body, headers=ana, timeout=60)

        replies = _at_once(create_job)
        assert sorted(r.status_code for r in replies) == [201] + [429] * (CONCURRENT - 1)
        assert {r.json()["code"] for r in replies if r.status_code == 429} == {
            "quota.concurrent_jobs"
        }
        me = httpx.get(f"{api.url}/v1/me", headers=ana).json()
        assert me["quotas"]["concurrentJobs"]["usage"] == 1
        # The refused creates did their storage work outside the quota's lock, then undid it.
        (created,) = [r.json()["id"] for r in replies if r.status_code == 201]
        stored_jobs = {
            key.split("/")[1] for key in MediaStore.from_settings(api.settings).list("jobs")
        }
        assert stored_jobs == {created}

        # Uploads: room for one more session of 1,000 bytes, all ask at once.
        stored = sample_video.stat().st_size
        set_quota(database, email, max_stored_bytes=stored + 1000)

        def create_upload() -> httpx.Response:
            body = {"filename": "a.mp4", "sizeBytes": 1000}
            return httpx.post(f"{api.url}/v1/uploads", json=body, headers=ana, timeout=60)

        replies = _at_once(create_upload)
        assert sorted(r.status_code for r in replies) == [201] + [403] * (CONCURRENT - 1)
        assert {r.json()["code"] for r in replies if r.status_code == 403} == {"quota.stored_bytes"}
        me = httpx.get(f"{api.url}/v1/me", headers=ana).json()
        assert me["quotas"]["storedBytes"]["usage"] == stored + 1000
