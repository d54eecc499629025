"""Fairness across tenants on the live stack (API + daemon, real runs): tenant A queues a backlog
of jobs, then tenant B submits one. B's wait runs from its job's creation to the start of its
first stage, both as the API's stage history records them. Measured with the instance config of
deploy/dagster.yaml (one run at a time per tenant) and with the same config without its
per-tenant limit (the config before it); the runs' priorities (lowered by the tenant's backlog)
are the same in both (docs/security/quotas.md). And, for scale, B's wait on an idle stack. The
target is the issue's: B's first stage starts before A's backlog drains, here second, after
the A job already running. Tiny jobs: a 5 s clip, one language."""

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bench.abuse import FAMILY
from bench.core import Figure
from bench.live import _epoch
from dubbing_api.client import DubflowClient
from dubbing_core import tags
from testing.media import ROOT
from testing.stack import start_stack

BACKLOG = 10
LANGS = ["es"]
SOURCE = "en"
POLL_SECONDS = 0.5
# Generous: B's first stage waits for at most a few tiny runs on a loaded machine.
WAIT_TIMEOUT_S = 900.0


@dataclass(frozen=True)
class Wait:
    seconds: float
    # A's jobs whose first stage had started before B's first stage.
    backlog_started_first: int


def _first_stage_start(job: dict[str, Any]) -> float | None:
    stages = job["stages"] + [s for lang in job["languages"] for s in lang["stages"]]
    starts = [_epoch(stage["startedAt"]) for stage in stages if stage["startedAt"]]
    return min(starts, default=None)


def _wait_for_first_stage(client: DubflowClient, job_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + WAIT_TIMEOUT_S
    while True:
        job = client.job(job_id)
        if _first_stage_start(job) is not None:
            return job
        if job["status"] in ("failed", "cancelled"):
            raise RuntimeError(f"job {job_id} {job['status']}: {job['errorCode']}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"job {job_id} had no stage started after {WAIT_TIMEOUT_S:.0f} s")
        time.sleep(POLL_SECONDS)


def config_without_tenant_limit(path: Path) -> Path:
    """deploy/dagster.yaml without the per-tenant run limit, written to `path`."""
    config = yaml.safe_load((ROOT / "deploy" / "dagster.yaml").read_text())
    runs = config["concurrency"]["runs"]
    runs["tag_concurrency_limits"] = [
        limit for limit in runs["tag_concurrency_limits"] if limit["key"] != tags.TENANT
    ]
    path.write_text(yaml.safe_dump(config))
    return path


def measure(data_dir: Path, clip: Path, backlog: int, dagster_yaml: Path | None = None) -> Wait:
    """A fresh stack over `data_dir` (instance config `dagster_yaml`, default deploy's): A's
    `backlog` jobs, the first one's first stage running, then B's job; B's wait."""
    data_dir.mkdir(parents=True, exist_ok=True)
    environment = {
        "DUBFLOW_RATE_LIMIT_WRITES": "1000000/minute",
        # The backlog is the point: A's jobs are all accepted (queued or running).
        "DUBFLOW_QUOTA_QUEUED_JOBS": str(BACKLOG),
        "DUBFLOW_QUOTA_CONCURRENT_JOBS": str(BACKLOG),
    }
    if dagster_yaml:
        environment["DUBFLOW_DAGSTER_YAML"] = str(dagster_yaml)
    stack = start_stack(data_dir, "api,daemon", environment)
    try:
        tenant_a = DubflowClient(stack.api_url, stack.api_key("tenant-a@bench.local"))
        tenant_b = DubflowClient(stack.api_url, stack.api_key("tenant-b@bench.local"))
        upload_a, upload_b = tenant_a.upload(clip), tenant_b.upload(clip)
        jobs_a = [tenant_a.create_job(upload_a, LANGS, SOURCE)["id"] for _ in range(backlog)]
        if jobs_a:  # B arrives while A's backlog holds the workers.
            _wait_for_first_stage(tenant_a, jobs_a[0])
        job_b = tenant_b.create_job(upload_b, LANGS, SOURCE)
        started_b = _wait_for_first_stage(tenant_b, job_b["id"])
        b_start = _first_stage_start(started_b)
        assert b_start is not None
        a_starts = [_first_stage_start(tenant_a.job(job_id)) for job_id in jobs_a]
    finally:
        stack.stop()
    return Wait(
        round(b_start - _epoch(job_b["createdAt"]), 1),
        sum(start is not None and start < b_start for start in a_starts),
    )


def run_family(work: Path, clip: Path) -> list[Figure]:
    alone = measure(work / "alone", clip, 0)
    with_limit = measure(work / "with-limit", clip, BACKLOG)
    without = measure(
        work / "without-limit", clip, BACKLOG, config_without_tenant_limit(work / "no-limit.yaml")
    )
    note = f"{BACKLOG} one-language jobs of tenant A first; 5 s clip"
    return [
        Figure(FAMILY, "tenant B's queue wait on an idle stack", alone.seconds, "s",
               note="no backlog: the sensor, the run queue and the run worker's start alone"),
        Figure(FAMILY, f"tenant B's queue wait behind A's {BACKLOG} jobs, per-tenant run limit",
               with_limit.seconds, "s", note=note),
        Figure(FAMILY, f"tenant B's queue wait behind A's {BACKLOG} jobs, no per-tenant limit",
               without.seconds, "s", note=note),
        Figure(FAMILY, "A's jobs started before B's, per-tenant run limit",
               with_limit.backlog_started_first, "jobs", limit=1.0,
               note=f"the one already running when B arrived; without the limit: "
               f"{without.backlog_started_first}"),
    ]  # fmt: skip
