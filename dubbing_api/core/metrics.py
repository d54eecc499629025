"""Prometheus metrics: HTTP requests (middleware) and job/stage figures read from the app DB.

Stage figures come from the stage records the pipeline writes, so they are right however many
processes or machines run the stages.
"""

import time
from collections.abc import Awaitable, Callable, Iterator

from fastapi import FastAPI, Request, Response
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from dubbing_api.db.models import Job, StageRun
from dubbing_api.db.session import session_scope


class JobCollector(Collector):
    def __init__(self, database_url: str) -> None:
        self.database_url = database_url

    def collect(self) -> Iterator[Metric]:
        jobs = GaugeMetricFamily("dubflow_jobs", "Jobs by status", labels=["status"])
        stages = GaugeMetricFamily(
            "dubflow_stage_runs", "Stage records by stage and status", labels=["stage", "status"]
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
        yield jobs
        yield stages


def install(app: FastAPI, database_url: str) -> CollectorRegistry:
    registry = CollectorRegistry()
    registry.register(JobCollector(database_url))
    requests = Counter(
        "dubflow_http_requests",
        "HTTP requests by route and status",
        ["method", "route", "status"],
        registry=registry,
    )
    latency = Histogram(
        "dubflow_http_request_duration_seconds",
        "HTTP request latency by route",
        ["method", "route"],
        registry=registry,
    )

    @app.middleware("http")
    async def _measure(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        template = getattr(route, "path", "unmatched")
        requests.labels(request.method, template, str(response.status_code)).inc()
        latency.labels(request.method, template).observe(time.perf_counter() - started)
        return response

    return registry
