"""Prometheus metrics: job/stage figures read from the app DB (HTTP requests are counted by
`core.observability`).

Stage figures come from the stage records the pipeline writes, so they are right however many
processes or machines run the stages.
"""

from collections.abc import Iterator
from datetime import UTC
from typing import Any

from prometheus_client import CollectorRegistry
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector
from sqlalchemy import case, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from dubbing_core.db.models import Job, StageAttempt, StageRun
from dubbing_core.db.session import session_scope

# Stage durations run from tenths of a second (subtitles) to many minutes (ASR of a long video).
DURATION_BUCKETS = (0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)
QUEUE_BUCKETS = (0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600, 1800)


def _histogram_rows(
    session: Session, value: InstrumentedAttribute[float | None], group: Any, buckets: tuple
) -> Iterator[tuple[str, list[tuple[str, float]], float]]:
    """(label, cumulative bucket counts, sum) per group, counted by the database."""
    columns = [func.sum(case((value <= bound, 1), else_=0)) for bound in buckets]
    query = select(group, func.count(), func.sum(value), *columns).where(value.is_not(None))
    for label, count, total, *counts in session.execute(query.group_by(group)):
        le = [(str(float(b)), float(c or 0)) for b, c in zip(buckets, counts, strict=True)]
        yield label, [*le, ("+Inf", float(count))], float(total or 0.0)


def _histogram(values: list[float], buckets: tuple) -> tuple[list[tuple[str, float]], float]:
    counts = [(str(float(b)), float(sum(v <= b for v in values))) for b in buckets]
    return [*counts, ("+Inf", float(len(values)))], float(sum(values))


class JobCollector(Collector):
    """Job and stage figures, read from the records the pipeline writes at every attempt."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url

    def collect(self) -> Iterator[Metric]:
        jobs = GaugeMetricFamily("dubflow_jobs", "Jobs by status", labels=["status"])
        stages = GaugeMetricFamily(
            "dubflow_stage_runs", "Stage records by stage and status", labels=["stage", "status"]
        )
        attempts = CounterMetricFamily(
            "dubflow_stage_attempts",
            "Stage attempts by stage and outcome (running, succeeded, retrying, failed, cancelled)",
            labels=["stage", "outcome"],
        )
        retries = CounterMetricFamily(
            "dubflow_stage_retries", "Stage attempts that were retries", labels=["stage"]
        )
        errors = CounterMetricFamily(
            "dubflow_stage_errors",
            "Failed stage attempts by stage and error code",
            labels=["stage", "code"],
        )
        durations = HistogramMetricFamily(
            "dubflow_stage_duration_seconds", "Duration of stage attempts", labels=["stage"]
        )
        queue = HistogramMetricFamily(
            "dubflow_job_queue_wait_seconds",
            "From job creation to its first stage starting",
            labels=[],
        )
        with session_scope(self.database_url) as session:
            for status, count in session.execute(
                select(Job.status, func.count()).group_by(Job.status)
            ):
                jobs.add_metric([status], count)
            for stage, status, count in session.execute(
                select(StageRun.stage, StageRun.status, func.count()).group_by(
                    StageRun.stage, StageRun.status
                )
            ):
                stages.add_metric([stage, status], count)
            for stage, outcome, count in session.execute(
                select(StageAttempt.stage, StageAttempt.status, func.count()).group_by(
                    StageAttempt.stage, StageAttempt.status
                )
            ):
                attempts.add_metric([stage, outcome], count)
            for stage, count in session.execute(
                select(StageAttempt.stage, func.count())
                .where(StageAttempt.attempt > 1)
                .group_by(StageAttempt.stage)
            ):
                retries.add_metric([stage], count)
            for stage, code, count in session.execute(
                select(StageAttempt.stage, StageAttempt.error_code, func.count())
                .where(StageAttempt.error_code.is_not(None))
                .group_by(StageAttempt.stage, StageAttempt.error_code)
            ):
                errors.add_metric([stage, code], count)
            for stage, buckets, total in _histogram_rows(
                session, StageAttempt.duration_s, StageAttempt.stage, DURATION_BUCKETS
            ):
                durations.add_metric([stage], buckets, total)
            first_starts = session.execute(
                select(Job.created_at, func.min(StageAttempt.started_at))
                .join(StageAttempt, StageAttempt.job_id == Job.id)
                .group_by(Job.id, Job.created_at)
            )
            waits = [
                max((started.replace(tzinfo=UTC) - created.replace(tzinfo=UTC)).total_seconds(), 0)
                for created, started in first_starts
            ]
            queue.add_metric([], *_histogram(waits, QUEUE_BUCKETS))
        yield from (jobs, stages, attempts, retries, errors, durations, queue)


def job_registry(database_url: str) -> CollectorRegistry:
    """The registry `/metrics` exposes: job and stage figures here, HTTP figures added by
    `core.observability`."""
    registry = CollectorRegistry()
    registry.register(JobCollector(database_url))
    return registry
