"""`DELETE /v1/jobs/{id}/data`: a finished job's stored data goes (outputs, artifacts, its link
to or copy of the source), its bytes leave the owner's storage quota, the row stays with its
history; another job of the same upload, and the upload, are untouched. On local storage here,
on the S3 server in test_s3_storage.py."""

import os

from fastapi.testclient import TestClient

from dubbing_api.core.config import ApiSettings
from dubbing_api.storage import Storage
from dubbing_core import keys
from dubbing_core.db.models import Job, Upload, utcnow
from dubbing_core.db.session import session_scope
from dubbing_core.stages import STAGES
from resources.jobstore import JobStore
from resources.storage import MediaStore
from tests.api.conftest import upload_file


def _create(client: TestClient, headers: dict[str, str], upload_id: str) -> str:
    body = {"uploadId": upload_id, "sourceLanguage": "en", "targets": [{"language": "es"}]}
    response = client.post("/v1/jobs", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _finish(settings: ApiSettings, store: MediaStore, job_id: str) -> int:
    """What the pipeline leaves of a succeeded job: outputs in storage, measured and recorded
    as its stages do; returns the job's stored bytes."""
    store.write_bytes(keys.mp4(job_id, "es"), os.urandom(40_000))
    store.write_bytes(keys.hls_master(job_id), b"#EXTM3U\n")
    measured = store.bytes_under(keys.job_prefix(job_id), excluding=keys.upload(job_id))
    JobStore(database_url=settings.resolved_database_url).set_stored_bytes(job_id, measured)
    with session_scope(settings.resolved_database_url) as session:
        job = session.get(Job, job_id)
        assert job is not None
        job.status, job.finished_at = "succeeded", utcnow()
        for language in job.languages:
            language.status = "succeeded"
    return measured


def _stored_usage(client: TestClient, headers: dict[str, str]) -> int:
    return int(client.get("/v1/me", headers=headers).json()["quotas"]["storedBytes"]["usage"])


def check_job_data_delete(
    client: TestClient,
    settings: ApiSettings,
    owner: dict[str, str],
    stranger: dict[str, str],
    upload_id: str,
) -> None:
    store = Storage(settings).store
    with session_scope(settings.resolved_database_url) as session:
        upload = session.get(Upload, upload_id)
        assert upload is not None
        source_key = upload.storage_key
    first, second = _create(client, owner, upload_id), _create(client, owner, upload_id)

    # Queued: refused with the code a retry gets, nothing deleted.
    refused = client.delete(f"/v1/jobs/{first}/data", headers=owner)
    assert refused.status_code == 409 and refused.json()["code"] == "job.running"
    assert store.exists(keys.request(first)) and store.exists(keys.upload(first))

    sizes = {job: _finish(settings, store, job) for job in (first, second)}
    assert all(size > 40_000 for size in sizes.values())
    usage = _stored_usage(client, owner)
    kept = {key: store.read_bytes(key) for key in store.list(keys.job_prefix(second))}
    assert keys.upload(second) in kept and keys.mp4(second, "es") in kept
    shown = client.get(f"/v1/jobs/{first}", headers=owner).json()
    assert shown["languages"][0]["outputs"] is not None and shown["dataDeletedAt"] is None

    # Another user's job does not exist for them.
    hidden = client.delete(f"/v1/jobs/{first}/data", headers=stranger)
    assert hidden.status_code == 404 and hidden.json()["code"] == "job.not_found"
    assert store.exists(keys.mp4(first, "es"))

    deleted = client.delete(f"/v1/jobs/{first}/data", headers=owner)
    assert deleted.status_code == 200, deleted.text
    job = deleted.json()
    assert job["dataDeletedAt"] is not None and job["status"] == "succeeded"
    assert job["languages"][0]["outputs"] is None and not job["playbackAvailable"]
    assert store.list(keys.job_prefix(first)) == []
    assert _stored_usage(client, owner) == usage - sizes[first]
    # The other job of the same upload, its own source included, and the upload are untouched.
    assert {key: store.read_bytes(key) for key in store.list(keys.job_prefix(second))} == kept
    assert store.exists(source_key)

    # The tombstone: listed, with its history; nothing can be built on it any more.
    again = client.get(f"/v1/jobs/{first}", headers=owner).json()
    assert again["dataDeletedAt"] == job["dataDeletedAt"]
    assert [entry["kind"] for entry in again["history"]] == ["job.submitted"]
    assert first in [item["id"] for item in client.get("/v1/jobs", headers=owner).json()["items"]]
    retry = client.post(f"/v1/jobs/{first}/retry", json={"resumeFrom": STAGES[0]}, headers=owner)
    assert retry.status_code == 409 and retry.json()["code"] == "job.data_deleted"
    added = client.post(
        f"/v1/jobs/{first}/languages", json={"targets": [{"language": "ca"}]}, headers=owner
    )
    assert added.status_code == 409 and added.json()["code"] == "job.data_deleted"
    playback = client.get(f"/v1/jobs/{first}/playback", headers=owner)
    assert playback.status_code == 409 and playback.json()["code"] == "playback.not_ready"
    # Deleting again answers the same and frees nothing more.
    repeated = client.delete(f"/v1/jobs/{first}/data", headers=owner)
    assert repeated.status_code == 200 and repeated.json()["dataDeletedAt"] == job["dataDeletedAt"]
    assert _stored_usage(client, owner) == usage - sizes[first]


def test_deleting_a_jobs_data_on_local_storage(client, alice, bob, settings, sample_video):
    upload_id = upload_file(client, alice, sample_video)
    check_job_data_delete(client, settings, alice, bob, upload_id)
    # Local storage shares the source by hard link: the upload's file lost one link, no bytes.
    source = MediaStore.from_settings(settings).path(f"uploads/{upload_id}/source")
    assert os.stat(source).st_nlink == 2  # the upload and the second job
