"""The Dagster instance files of the deployments are valid for the installed Dagster: the
instance schema, and each configured class (PostgreSQL storage, Docker and ECS run launchers,
S3 compute logs, queued coordinator) against its own config schema. The per-stage concurrency
limits of every deployment (compose, ECS, the Helm values) name the run kinds its jobs tag
their runs with (Dagster sets no tag with a run's job name)."""

from pathlib import Path
from typing import Any

import pytest
import yaml
from dagster._config import process_config, resolve_to_config_type
from dagster._core.instance.config import dagster_instance_config
from dagster._serdes.config_class import ConfigurableClassData
from dagster_aws.ecs import EcsRunLauncher

from dubbing_assets.definitions import defs
from dubbing_core import tags

REPO = Path(__file__).resolve().parents[2]
CONFIGURED_CLASSES = ("run_launcher", "run_coordinator", "compute_logs")
ENV = {
    "DAGSTER_POSTGRES_HOST": "127.0.0.1",
    "DAGSTER_POSTGRES_PORT": "5432",
    "DAGSTER_POSTGRES_DB": "dagster",
    "DAGSTER_POSTGRES_USER": "postgres",
    "DAGSTER_POSTGRES_PASSWORD": "secret",
    "DUBFLOW_PIPELINE_IMAGE": "dubflow-pipeline:local",
    "DUBFLOW_RUN_NETWORK": "host",
    "DAGSTER_COMPUTE_LOG_BUCKET": "dubflow",
    "DAGSTER_COMPUTE_LOG_ENDPOINT_URL": "http://127.0.0.1:9000",
    "DUBFLOW_ECS_CLUSTER": "dubflow",
}
# The implicit "__ASSET_JOB" serves materializations from the UI, never the sensors.
RUN_KINDS = {
    job.run_tags[tags.RUN_KIND]
    for job in defs.resolve_all_job_defs()
    if not job.name.startswith("__")
}


def _instance(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The instance file as Dagster loads it (its own schema checked, env resolved later)."""
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    (tmp_path / "dagster.yaml").write_text(path.read_text())
    config, _ = dagster_instance_config(str(tmp_path))
    return dict(config)


def _build_classes(config: dict[str, Any]) -> None:
    """Each configured section built as Dagster builds it: a wrong key or type raises. None of
    these classes opens a connection when built."""
    for section in CONFIGURED_CLASSES:
        if section in config:
            entry = config[section]
            ConfigurableClassData(
                entry["module"], entry["class"], yaml.safe_dump(entry.get("config", {}))
            ).rehydrate()


def _limited_run_kinds(limits: list[dict[str, Any]]) -> set[str]:
    """The run kinds limited apart, once every tenant is limited too."""
    per_tenant = [limit for limit in limits if limit["key"] == "dubflow/tenant"]
    assert per_tenant and per_tenant[0]["value"] == {"applyLimitPerUniqueValue": True}
    return {limit["value"] for limit in limits if limit["key"] == tags.RUN_KIND}


def test_compose_instance_is_valid_and_distributed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _instance(REPO / "deploy/docker/dagster.yaml", tmp_path, monkeypatch)
    _build_classes(config)
    assert "postgres" in config["storage"]
    assert config["run_launcher"]["class"] == "DockerRunLauncher"
    assert config["compute_logs"]["class"] == "S3ComputeLogManager"
    assert config["run_monitoring"]["enabled"] is True
    assert _limited_run_kinds(config["concurrency"]["runs"]["tag_concurrency_limits"]) == RUN_KINDS
    postgres = yaml.safe_load((REPO / "deploy/docker/dagster.yaml").read_text())["storage"]
    assert postgres["postgres"]["postgres_db"]["password"] == {"env": "DAGSTER_POSTGRES_PASSWORD"}


def test_ecs_instance_is_valid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = _instance(REPO / "deploy/ecs/dagster.yaml", tmp_path, monkeypatch)
    launcher = config["run_launcher"]
    assert launcher["class"] == EcsRunLauncher.__name__
    # Building EcsRunLauncher would call AWS: its config is checked against its schema only.
    result = process_config(
        resolve_to_config_type(EcsRunLauncher.config_type()), launcher["config"]
    )
    assert result.success, [error.message for error in result.errors or []]
    config.pop("run_launcher")
    _build_classes(config)
    assert _limited_run_kinds(config["concurrency"]["runs"]["tag_concurrency_limits"]) == RUN_KINDS


def test_helm_values_limit_the_code_locations_jobs() -> None:
    values = yaml.safe_load((REPO / "deploy/helm/values.yaml").read_text())
    assert values["runLauncher"]["type"] == "K8sRunLauncher"
    assert values["dagsterDaemon"]["runMonitoring"]["enabled"] is True
    coordinator = values["dagsterDaemon"]["runCoordinator"]["config"]["queuedRunCoordinator"]
    assert _limited_run_kinds(coordinator["tagConcurrencyLimits"]) == RUN_KINDS
    location = values["dagster-user-deployments"]["deployments"][0]
    assert location["dagsterApiGrpcArgs"] == ["-m", "dubbing_assets.definitions"]


def test_local_instance_is_valid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = _instance(REPO / "deploy/dagster.yaml", tmp_path, monkeypatch)
    _build_classes(config)
    assert config["concurrency"]["runs"]["max_concurrent_runs"] == 2
