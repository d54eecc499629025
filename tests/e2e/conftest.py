"""One live stack (API + Dagster webserver + daemon on loopback) shared by the live tests."""

import pytest

from dubbing_api.client import DubflowClient
from testing.stack import Stack, start_stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory):
    running = start_stack(tmp_path_factory.mktemp("stack"))
    yield running
    running.stop()


@pytest.fixture(scope="session")
def client(stack: Stack) -> DubflowClient:
    # An operator: these tests follow the runs and kill run workers, which only admins see.
    return DubflowClient(stack.api_url, stack.api_key("live@example.com", role="admin"))
