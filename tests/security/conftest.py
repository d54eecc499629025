"""The abuse suite's fixtures: the API as it runs in production (uvicorn in its own process, on
loopback, over a real database and storage), and users with keys."""

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from dubbing_api.core.config import ApiSettings
from dubflow_cli.admin import create_key, create_user
from testing.media import MEDIA, make_video
from testing.servers import free_port
from tests.api.conftest import upload_file

PART_SIZE = 64 * 1024
METRICS_TOKEN = "abuse-suite-metrics-token"


@dataclass
class LiveApi:
    url: str
    settings: ApiSettings
    process: subprocess.Popen[bytes]
    log: Path

    def user(self, name: str) -> dict[str, str]:
        """A new user (a fresh e-mail each time: one server serves a whole module) and key."""
        database = self.settings.resolved_database_url
        email = f"{name}-{uuid.uuid4().hex[:8]}@example.com"
        create_user(database, email)
        return {"Authorization": f"Bearer {create_key(database, email)}"}


@contextmanager
def running_api(data_dir: Path, **environment: str) -> Iterator[LiveApi]:
    """uvicorn serving the API over `data_dir`, with `DUBFLOW_*` settings from `environment`."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DUBFLOW_DATA_DIR": str(data_dir),
        "DUBFLOW_PUBLIC_URL": url,
        "DUBFLOW_SIGNING_SECRET": "abuse-suite-secret",
        "DUBFLOW_PART_SIZE_BYTES": str(PART_SIZE),
        "DUBFLOW_DAGSTER_GRAPHQL_URL": "http://127.0.0.1:9/graphql",
        "DUBFLOW_METRICS_TOKEN": METRICS_TOKEN,
        **{f"DUBFLOW_{name.upper()}": value for name, value in environment.items()},
    }
    settings = ApiSettings(
        data_dir=data_dir,
        public_url=url,
        signing_secret="abuse-suite-secret",
        **environment,  # type: ignore[arg-type]
    )
    log = data_dir / f"api-{port}.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "dubbing_api.main:create_app",
             "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
            env=env, stdout=sink, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the API exited: {log.read_text()}")
            try:
                httpx.get(f"{url}/v1/health", timeout=2)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield LiveApi(url, settings, process, log)
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def live_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    # Rate limits far out of the way: these tests are about other abuse.
    with running_api(
        tmp_path_factory.mktemp("live-api"),
        rate_limit_auth_failures="10000/minute",
        rate_limit_writes="10000/minute",
    ) as api:
        yield api


@pytest.fixture(scope="session")
def sample_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_video(
        tmp_path_factory.mktemp("security") / "sample.mp4", MEDIA / "multilingual.mp3", seconds=4
    )


def uploaded(api: LiveApi, headers: dict[str, str], path: Path) -> str:
    """A completed upload of `path` (every part sent, then completed), by its id."""
    with httpx.Client(base_url=api.url, timeout=30) as http:
        return upload_file(http, headers, path)  # type: ignore[arg-type]
