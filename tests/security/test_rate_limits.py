"""Finding: 900 bad-key requests, never throttled. Now failed authentications and writes are
rate limited per address (and per key prefix, per user), with `Retry-After` and `RateLimit-*`
headers; with the database store, API replicas count together."""

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from dubbing_api.core.rate_limits import DatabaseStorage
from dubbing_core.db import migrate
from dubbing_core.db.models import RateLimitCounter
from dubbing_core.db.session import session_scope
from tests.api.conftest import DATABASES, _database_url
from tests.security.conftest import LiveApi, running_api

BAD_KEY = {"Authorization": "Bearer dfk_guessing-a-key-0000000000000000"}


@pytest.fixture(scope="module")
def replicas(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveApi, LiveApi]]:
    """Two API processes on one database, sharing their rate-limit counters in it."""
    data_dir = tmp_path_factory.mktemp("replicas")
    limits = {
        "rate_limit_storage": "database",
        "rate_limit_auth_failures": "6/minute",
        "rate_limit_writes": "5/minute",
    }
    with running_api(data_dir, **limits) as first, running_api(data_dir, **limits) as second:
        yield first, second


def _problem(response: httpx.Response, code: str) -> dict:
    assert response.status_code == 429, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert int(response.headers["Retry-After"]) >= 1
    assert response.headers["RateLimit-Remaining"] == "0"
    body = response.json()
    assert body["code"] == code
    return body


def test_failed_authentications_are_throttled_across_replicas(replicas):
    first, second = replicas
    statuses = [
        httpx.get(f"{api.url}/v1/jobs", headers=BAD_KEY).status_code
        for api in (first, second, first, second, first, second)
    ]
    assert statuses == [401] * 6
    for api in (first, second):
        blocked = httpx.get(f"{api.url}/v1/jobs", headers=BAD_KEY)
        assert _problem(blocked, "rate_limit.auth_failures")["limit"] == 6


def test_writes_are_limited_per_user(replicas):
    first, second = replicas
    # Another address than the key guesser's above: the writer's own limit is what counts.
    alice = first.user("alice")
    body = {"filename": "a.mp4", "sizeBytes": 10}
    with httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2")) as http:
        created = [
            http.post(f"{api.url}/v1/uploads", json=body, headers=alice)
            for api in (first, second, first, second, first)
        ]
        assert [r.status_code for r in created] == [201] * 5, [r.text for r in created]
        assert [r.headers["RateLimit-Remaining"] for r in created] == ["4", "3", "2", "1", "0"]
        assert created[0].headers["RateLimit-Limit"] == "5"
        over = http.post(f"{second.url}/v1/uploads", json=body, headers=alice)
        _problem(over, "rate_limit.writes")
        # Reads are not writes.
        assert http.get(f"{first.url}/v1/jobs", headers=alice).status_code == 200
        # The user sees where they stand, on either replica.
        writes = http.get(f"{second.url}/v1/me", headers=alice).json()["rateLimits"]["writes"]
        assert (writes["limit"], writes["remaining"]) == (5, 0)


@pytest.mark.parametrize("kind", DATABASES)
def test_database_counters_count_once_per_window(kind: str, tmp_path: Path):
    url = _database_url(kind, tmp_path)
    migrate(url)
    storage = DatabaseStorage(url)
    assert [storage.incr("k", 60) for _ in range(3)] == [1, 2, 3]
    assert storage.get("k") == 3 and storage.get_expiry("k") > time.time()
    assert storage.incr("short", 0) == 1  # a window that already ended starts again
    assert storage.incr("short", 0) == 1
    storage.clear("k")
    assert storage.get("k") == 0


def _counter_keys(url: str) -> set[str]:
    with session_scope(url) as session:
        return set(session.scalars(select(RateLimitCounter.key)))


@pytest.mark.parametrize("kind", DATABASES)
def test_stale_counters_are_purged(kind: str, tmp_path: Path):
    url = _database_url(kind, tmp_path)
    migrate(url)
    storage = DatabaseStorage(url)
    storage.incr("current", 60)
    storage.incr("ended", 0)
    assert storage.purge_expired() == 1
    assert _counter_keys(url) == {"current"}


def test_the_api_purges_stale_counters(tmp_path: Path):
    """Finding: a row per address and key prefix ever seen, kept forever. The API's sweep
    deletes the counters of ended windows (one-second windows here)."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    with running_api(
        tmp_path,
        database_url=url,
        rate_limit_storage="database",
        rate_limit_auth_failures="100/second",
        sweep_seconds="0.5",
    ) as api:
        for address in ("127.0.0.3", "127.0.0.4"):
            transport = httpx.HTTPTransport(local_address=address)
            with httpx.Client(transport=transport) as http:
                assert http.get(f"{api.url}/v1/jobs", headers=BAD_KEY).status_code == 401
        deadline = time.monotonic() + 60
        while _counter_keys(url) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _counter_keys(url) == set()
        assert '"rate_limits.purged"' in api.log.read_text()
