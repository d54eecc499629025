"""Finding: one user's backlog starved another's job (submitted 5 s later, it waited 3 min 18 s
in the queue). Now runs carry their tenant and a priority that falls with the tenant's backlog,
and the instance (deploy/dagster.yaml, as `make dev` uses it) caps each tenant's runs.

Dagster's own run queue decides here, with the instance config of the dev stack: the runs are
the ones the submissions sensor requests from real outbox events; each "round" starts what the
queue lets start, then finishes the oldest started run (the runs themselves are not executed:
the order of starts is the point)."""

from datetime import timedelta
from pathlib import Path

import dagster as dg
import yaml
from dagster._core.remote_origin import (
    RegisteredCodeLocationOrigin,
    RemoteJobOrigin,
    RemoteRepositoryOrigin,
)
from dagster._core.storage.dagster_run import RunsFilter
from dagster._daemon.run_coordinator.queued_run_coordinator_daemon import (
    QueuedRunCoordinatorDaemon,
)

from dubbing_assets.automation.submissions import requests_for
from dubbing_assets.definitions import defs
from dubbing_core import tags
from dubbing_core.db import migrate
from dubbing_core.db.models import Job, OutboxEvent, Upload, User, utcnow
from dubbing_core.db.session import session_scope
from resources.jobstore import JobStore

ROOT = Path(__file__).resolve().parents[2]
BACKLOG = 10


def _instance_config() -> dict:
    config = yaml.safe_load((ROOT / "deploy" / "dagster.yaml").read_text())
    return {
        "concurrency": config["concurrency"],
        "run_coordinator": config["run_coordinator"],
        "run_launcher": {"module": "dagster._core.test_utils", "class": "MockedRunLauncher"},
    }


def _submit(url: str, user: str, job_id: str, created_offset: int) -> None:
    with session_scope(url) as session:
        if session.get(User, user) is None:
            session.add(User(id=user, email=f"{user}@example.com"))
            session.flush()
            session.add(
                Upload(
                    id=f"up-{user}", user_id=user, filename="a.mp4", content_type="video/mp4",
                    size_bytes=1, part_size=1, part_count=1, storage_key="k",
                    expires_at=utcnow(),
                )
            )  # fmt: skip
            session.flush()
        created = utcnow() + timedelta(seconds=created_offset)
        session.add(Job(id=job_id, user_id=user, upload_id=f"up-{user}", created_at=created))
        session.flush()
        session.add(OutboxEvent(job_id=job_id, kind="job.submitted", payload={"languages": ["es"]}))


def _start_order(instance: dg.DagsterInstance) -> list[str]:
    """The jobs whose ingest runs the queue starts, in the order it starts them."""
    daemon = QueuedRunCoordinatorDaemon(interval_seconds=1)
    started: list[dg.DagsterRun] = []
    order: list[str] = []
    while instance.get_runs(RunsFilter(statuses=[dg.DagsterRunStatus.QUEUED])):
        runs = daemon._get_runs_to_dequeue(instance, instance.get_concurrency_config(), None)
        assert runs or started, "the queue is stuck"
        for run in runs:
            instance.report_dagster_event(_event(run, dg.DagsterEventType.RUN_START), run.run_id)
            started.append(run)
            order.append(run.tags[tags.JOB])
        if started:
            done = started.pop(0)
            instance.report_dagster_event(
                _event(done, dg.DagsterEventType.RUN_SUCCESS), done.run_id
            )
    return order


def _event(run: dg.DagsterRun, kind: dg.DagsterEventType) -> dg.DagsterEvent:
    return dg.DagsterEvent(event_type_value=kind.value, job_name=run.job_name, message="test")


def _queue_ingest_runs(url: str, instance: dg.DagsterInstance) -> None:
    """The ingest runs the submissions sensor requests for the outbox's events, queued with the
    tags the sensor daemon gives them: the job's own run tags, then the request's."""
    ingest = defs.resolve_job_def("ingest_assets_job")
    origin = RemoteJobOrigin(
        RemoteRepositoryOrigin(RegisteredCodeLocationOrigin("dubflow"), "__repository__"),
        ingest.name,
    )
    for event in JobStore(database_url=url).events_after(0):
        for request in requests_for(event):
            instance.create_run_for_job(
                ingest,
                tags={**ingest.run_tags, **request.tags},
                status=dg.DagsterRunStatus.QUEUED,
                remote_job_origin=origin,
            )


def test_another_tenants_job_overtakes_a_backlog(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'app.db'}"
    migrate(url)
    for number in range(BACKLOG):
        _submit(url, "tenant-a", f"a{number:02d}", created_offset=number)
    _submit(url, "tenant-b", "b00", created_offset=BACKLOG + 5)
    with dg.instance_for_test(overrides=_instance_config()) as instance:
        _queue_ingest_runs(url, instance)
        queued = instance.get_runs(RunsFilter(statuses=[dg.DagsterRunStatus.QUEUED]))
        assert {run.tags[tags.TENANT] for run in queued} == {"tenant-a", "tenant-b"}
        order = _start_order(instance)
    assert sorted(order) == sorted([f"a{n:02d}" for n in range(BACKLOG)] + ["b00"])
    # B's job starts among the first two, long before A's backlog drains.
    assert order.index("b00") <= 1, order
    assert order.index("b00") < order.index(f"a{BACKLOG - 1:02d}")


def test_one_transcription_at_a_time(tmp_path: Path):
    """Two tenants' jobs, two run slots: the tenant limit lets both ingest runs start, the limit
    on transcription runs (they load Whisper) lets one."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    migrate(url)
    _submit(url, "tenant-a", "a00", created_offset=0)
    _submit(url, "tenant-b", "b00", created_offset=1)
    with dg.instance_for_test(overrides=_instance_config()) as instance:
        _queue_ingest_runs(url, instance)
        daemon = QueuedRunCoordinatorDaemon(interval_seconds=1)
        runs = daemon._get_runs_to_dequeue(instance, instance.get_concurrency_config(), None)
    assert [run.tags[tags.RUN_KIND] for run in runs] == [tags.INGEST_RUN]
