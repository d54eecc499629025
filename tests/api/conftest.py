"""API test fixtures: a real database (SQLite, or PostgreSQL when DUBFLOW_TEST_POSTGRES_URL is
set, as `.ci/run` does) and real local storage."""

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from dubbing_api.core.config import ApiSettings
from dubbing_api.main import create_app
from dubflow_cli.admin import create_key, create_user
from testing.media import MEDIA, make_video

POSTGRES = os.environ.get("DUBFLOW_TEST_POSTGRES_URL")
METRICS_TOKEN = "test-metrics-token"
DATABASES = ["sqlite"] + (["postgresql"] if POSTGRES else [])


def _database_url(kind: str, tmp: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp / 'app.db'}"
    assert POSTGRES
    name = f"dubflow_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return POSTGRES.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(params=DATABASES)
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> ApiSettings:
    return ApiSettings(
        data_dir=tmp_path,
        database_url=_database_url(request.param, tmp_path),
        storage_url=str(tmp_path / "storage"),
        public_url="http://testserver",
        signing_secret="test-secret",
        part_size_bytes=64 * 1024,
        max_upload_bytes=50 * 1024 * 1024,
        dagster_graphql_url="http://127.0.0.1:9/graphql",
        metrics_token=METRICS_TOKEN,
    )


@pytest.fixture
def client(settings: ApiSettings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _user(settings: ApiSettings, email: str) -> dict[str, str]:
    create_user(settings.resolved_database_url, email)
    key = create_key(settings.resolved_database_url, email)
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def alice(client: TestClient, settings: ApiSettings) -> dict[str, str]:
    return _user(settings, "alice@example.com")


@pytest.fixture
def bob(client: TestClient, settings: ApiSettings) -> dict[str, str]:
    return _user(settings, "bob@example.com")


@pytest.fixture(scope="session")
def sample_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_video(
        tmp_path_factory.mktemp("api") / "sample.mp4", MEDIA / "multilingual.mp3", seconds=6
    )


def upload_file(client: TestClient, headers: dict[str, str], path: Path) -> str:
    """The whole client side of an upload: create, PUT every part, complete."""
    data = path.read_bytes()
    session = client.post(
        "/v1/uploads",
        json={"filename": path.name, "contentType": "video/mp4", "sizeBytes": len(data)},
        headers=headers,
    ).json()
    parts = []
    offset = 0
    for part in session["parts"]:
        chunk = data[offset : offset + part["sizeBytes"]]
        offset += part["sizeBytes"]
        response = client.put(part["url"], content=chunk)
        assert response.status_code == 200, response.text
        parts.append({"partNumber": part["partNumber"], "etag": response.headers["ETag"]})
    done = client.post(
        f"/v1/uploads/{session['id']}/complete", json={"parts": parts}, headers=headers
    )
    assert done.status_code == 200, done.text
    return str(session["id"])
