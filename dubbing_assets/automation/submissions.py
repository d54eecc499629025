"""Outbox -> runs: each event the API recorded becomes partitions and run requests.

The cursor is the id of the last event handled, so every event is acted on once. A job is never
given ingest and dub runs in the same tick: dub runs follow a successful ingest run
(`chaining.py`), or come straight from here when only per-language stages re-run.
"""

import dagster as dg

from dubbing_assets.asset_jobs import dub_assets_job, ingest_assets_job
from dubbing_assets.automation.logging import sensor_logger
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
    cursor = int(context.cursor or 0)
    events = jobstore.events_after(cursor)
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
    return dg.SensorResult(
        run_requests=run_requests,
        dynamic_partitions_requests=[job_partitions.build_add_request(new_jobs)]
        if new_jobs
        else [],
        cursor=str(events[-1].id) if events else context.cursor,
    )
