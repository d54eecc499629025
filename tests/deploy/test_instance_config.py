"""The Dagster instance files of the deployments are valid for the installed Dagster: the
instance schema, and each configured class (PostgreSQL storage, Docker run launcher, S3 compute
logs, queued coordinator) against its own config schema, resolved as Dagster resolves it."""

from pathlib import Path

import pytest
import yaml
from dagster._core.instance.config import dagster_instance_config
from dagster._serdes.config_class import ConfigurableClassData

REPO = Path(__file__).resolve().parents[2]
CONFIGURED_CLASSES = ("run_launcher", "run_coordinator", "compute_logs")

COMPOSE_ENV = {
    "DAGSTER_POSTGRES_HOST": "127.0.0.1",
    "DAGSTER_POSTGRES_PORT": "5432",
    "DAGSTER_POSTGRES_DB": "dagster",
    "DAGSTER_POSTGRES_USER": "postgres",
    "DAGSTER_POSTGRES_PASSWORD": "secret",
    "DUBFLOW_PIPELINE_IMAGE": "dubflow-pipeline:local",
    "DUBFLOW_RUN_NETWORK": "host",
    "DAGSTER_COMPUTE_LOG_BUCKET": "dubflow",
    "DAGSTER_COMPUTE_LOG_ENDPOINT_URL": "http://127.0.0.1:9000",
}


def _validated(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    for name, value in COMPOSE_ENV.items():
        monkeypatch.setenv(name, value)
    (tmp_path / "dagster.yaml").write_text(path.read_text())
    config, _ = dagster_instance_config(str(tmp_path))
    for section in CONFIGURED_CLASSES:
        if section not in config:
            continue
        entry = config[section]
        # Validates the section against its class's schema (raises on a wrong key or type);
        # building the objects opens no connection.
        ConfigurableClassData(
            entry["module"], entry["class"], yaml.safe_dump(entry.get("config", {}))
        ).rehydrate()
    return dict(config)


def test_compose_instance_is_valid_and_distributed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _validated(REPO / "deploy/docker/dagster.yaml", tmp_path, monkeypatch)
    assert "postgres" in config["storage"]
    assert config["run_launcher"]["class"] == "DockerRunLauncher"
    assert config["compute_logs"]["class"] == "S3ComputeLogManager"
    assert config["run_monitoring"]["enabled"] is True
    limits = {
        limit["value"]: limit["limit"]
        for limit in config["concurrency"]["runs"]["tag_concurrency_limits"]
    }
    assert set(limits) == {"ingest_assets_job", "dub_assets_job"}


def test_compose_instance_names_no_secret() -> None:
    text = (REPO / "deploy/docker/dagster.yaml").read_text()
    instance = yaml.safe_load(text)
    postgres = instance["storage"]["postgres"]["postgres_db"]
    assert postgres["password"] == {"env": "DAGSTER_POSTGRES_PASSWORD"}


def test_local_instance_is_valid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = _validated(REPO / "deploy/dagster.yaml", tmp_path, monkeypatch)
    assert config["concurrency"]["runs"]["max_concurrent_runs"] == 2
