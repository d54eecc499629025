"""Outbox -> runs: each event the API recorded becomes partitions and run requests.

The cursor (`outbox_cursor.py`) records which events are handled, so every event is acted on
once, also when events commit out of id order. A job is never
given ingest and dub runs in the same tick: dub runs follow a successful ingest run
(`chaining.py`), or come straight from here when only per-language stages re-run.
"""

import time

import dagster as dg

from dubbing_assets.asset_jobs import dub_assets_job, ingest_assets_job
from dubbing_assets.automation.logging import sensor_logger
from dubbing_assets.automation.outbox_cursor import OutboxCursor
from dubbing_assets.automation.run_requests import dub_runs, ingest_run
from dubbing_assets.partitions import job_partitions
from dubbing_core import tags
from dubbing_core.stages import resume_plan
from resources.jobstore import Event, JobStore


def requests_for(event: Event) -> list[dg.RunRequest]:
    langs = list(event.payload.get("languages", []))
    key = f"event-{event.id}"
    fair = tags.fairness_tags(event.tenant, event.tenant_backlog)
    if event.kind == "job.submitted":
        return [ingest_run(event.job_id, langs, key, event=event.id, fairness=fair)]
    if event.kind in ("job.retry", "job.redub"):
        resume_from = str(event.payload["resume_from"])
        job_stages, lang_stages = resume_plan(resume_from)
        if job_stages:
            return [ingest_run(event.job_id, langs, key, job_stages, resume_from, event.id, fair)]
        return dub_runs(event.job_id, langs, key, lang_stages, resume_from, event.id, fair)
    if event.kind == "job.languages_added":
        return dub_runs(event.job_id, langs, key, event=event.id, fairness=fair)
    return []


@dg.sensor(
    name="submissions",
    jobs=[ingest_assets_job, dub_assets_job],
    minimum_interval_seconds=2,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Turns the API's outbox events into job partitions and runs.",
)
def submissions(context: dg.SensorEvaluationContext, jobstore: JobStore) -> dg.SensorResult:
    cursor = OutboxCursor.parse(context.cursor)
    # Ids already handled above `through` come back from the query too: read past them.
    limit = 100
    found = jobstore.events_after(cursor.through, limit=limit + len(cursor.handled))
    events = [event for event in found if cursor.is_new(event.id)][:limit]
    new_jobs = []
    run_requests: list[dg.RunRequest] = []
    for event in events:
        log = sensor_logger(context, jobId=event.job_id, eventId=event.id, kind=event.kind)
        if event.job_status == "cancelled":
            log.info("event.skipped", reason="job cancelled")
            continue
        if event.kind == "job.submitted":
            new_jobs.append(event.job_id)
        requested = requests_for(event)
        log.info("runs.requested", runs=len(requested))
        run_requests += requested
    cursor.advance([event.id for event in events], time.time())
    return dg.SensorResult(
        run_requests=run_requests,
        dynamic_partitions_requests=[job_partitions.build_add_request(new_jobs)]
        if new_jobs
        else [],
        cursor=cursor.serialize(),
    )
