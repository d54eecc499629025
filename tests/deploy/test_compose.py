"""docker-compose.yml: what `make smoke` exercises end to end, checked here without Docker."""

from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]


def _compose() -> dict[str, Any]:
    return dict(yaml.safe_load((REPO / "docker-compose.yml").read_text()))


def test_run_containers_get_every_setting_the_services_have() -> None:
    """A run container sees only the variables the launcher passes through: a setting added to
    the services but not to `env_vars` would make runs differ from the code server."""
    services_env = set(_compose()["x-dubflow-env"])
    instance = yaml.safe_load((REPO / "deploy/docker/dagster.yaml").read_text())
    assert services_env <= set(instance["run_launcher"]["config"]["env_vars"])


def test_migrations_run_once_before_the_services() -> None:
    services = _compose()["services"]
    assert services["migrate"]["command"] == ["dubflow", "migrate"]
    for name in ("api", "codeserver"):
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
    for name in ("webserver", "daemon"):
        assert services[name]["depends_on"]["codeserver"] == {"condition": "service_healthy"}


def test_no_secret_is_written_into_the_file() -> None:
    compose = _compose()
    environments = [compose["x-dubflow-env"]] + [
        service.get("environment", {}) for service in compose["services"].values()
    ]
    for environment in environments:
        for name, value in environment.items():
            if any(word in name for word in ("PASSWORD", "SECRET", "AUTH_KEY")):
                assert "${" in str(value), f"{name} is written into docker-compose.yml"


def test_every_service_has_a_health_check_or_ends() -> None:
    for name, service in _compose()["services"].items():
        assert name == "migrate" or "healthcheck" in service, name
        assert service["network_mode"] == "host", name


def test_the_gateway_is_optional_and_fronts_the_api() -> None:
    """`docker compose up` alone starts no gateway; with `--profile gateway` it proxies the API
    the compose file starts, once that API is healthy."""
    services = _compose()["services"]
    gateway = services["gateway"]
    assert gateway["profiles"] == ["gateway"]
    assert all("profiles" not in service for name, service in services.items() if name != "gateway")
    assert gateway["environment"]["GATEWAY_UPSTREAM_URL"].endswith(":${DUBFLOW_API_PORT:-8000}")
    assert "${DUBFLOW_API_PORT:-8000}" in services["api"]["command"]
    assert gateway["depends_on"]["api"] == {"condition": "service_healthy"}


def test_gateways_count_rate_limits_in_the_stacks_postgresql() -> None:
    """A second gateway beside the first shares each client's budget (docs/gateway.md): both
    count in the application database the API uses, not in their own memory."""
    compose = _compose()
    store = compose["services"]["gateway"]["environment"]["GATEWAY_RATE_LIMIT_DATABASE_URL"]
    app_database = compose["x-dubflow-env"]["DUBFLOW_DATABASE_URL"]
    assert store == app_database.replace("postgresql+psycopg://", "postgresql://")
