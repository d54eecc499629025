"""Finding: parts of expired uploads stayed on disk forever, and the owner could not abort an
expired upload (410). Now the owner can, and the API discards expired sessions by itself."""

import time
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import update

from dubbing_core.db.models import Upload, utcnow
from dubbing_core.db.session import session_scope
from tests.security.conftest import PART_SIZE, LiveApi, running_api


@pytest.fixture(scope="module")
def sweeping_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    with running_api(tmp_path_factory.mktemp("sweep"), sweep_seconds="0.5") as api:
        yield api


def _upload_with_a_part(api: LiveApi, headers: dict[str, str]) -> str:
    session = httpx.post(
        f"{api.url}/v1/uploads",
        json={"filename": "a.mp4", "sizeBytes": 2 * PART_SIZE},
        headers=headers,
    ).json()
    assert httpx.put(session["parts"][0]["url"], content=b"x" * PART_SIZE).status_code == 200
    return str(session["id"])


def _expire(api: LiveApi, upload_id: str) -> None:
    with session_scope(api.settings.resolved_database_url) as session:
        session.execute(
            update(Upload)
            .where(Upload.id == upload_id)
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )


def _state(api: LiveApi, headers: dict[str, str], upload_id: str) -> dict:
    return dict(httpx.get(f"{api.url}/v1/uploads/{upload_id}", headers=headers).json())


def test_the_owner_aborts_an_expired_upload(sweeping_api: LiveApi):
    alice = sweeping_api.user("alice")
    upload_id = _upload_with_a_part(sweeping_api, alice)
    _expire(sweeping_api, upload_id)
    parts = sweeping_api.settings.data_dir / "storage" / "uploads" / upload_id
    aborted = httpx.delete(f"{sweeping_api.url}/v1/uploads/{upload_id}", headers=alice)
    assert aborted.status_code in (204, 409), aborted.text  # 409: the sweep was first
    assert _state(sweeping_api, alice, upload_id)["status"] == "aborted"
    assert not parts.exists()


def test_expired_uploads_are_discarded_by_the_api(sweeping_api: LiveApi):
    bob = sweeping_api.user("bob")
    upload_id = _upload_with_a_part(sweeping_api, bob)
    kept_id = _upload_with_a_part(sweeping_api, bob)
    parts = sweeping_api.settings.data_dir / "storage" / "uploads"
    assert (parts / upload_id).exists()
    _expire(sweeping_api, upload_id)
    deadline = time.monotonic() + 60
    while _state(sweeping_api, bob, upload_id)["status"] == "pending":
        assert time.monotonic() < deadline, "the expired upload was never discarded"
        time.sleep(0.2)
    state = _state(sweeping_api, bob, upload_id)
    assert (state["status"], state["errorCode"]) == ("aborted", "upload.expired")
    assert not (parts / upload_id).exists()
    # A session still in its time is left alone.
    assert _state(sweeping_api, bob, kept_id)["status"] == "pending"
    assert (parts / kept_id).exists()
