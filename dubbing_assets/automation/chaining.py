"""A successful ingest run -> one dub run per requested language (the right subset on resume)."""

import dagster as dg

from dubbing_assets.asset_jobs import dub_assets_job, ingest_assets_job
from dubbing_assets.automation.logging import sensor_logger
from dubbing_assets.automation.run_requests import dub_runs
from dubbing_core import tags
from dubbing_core.stages import LANGUAGE_STAGES, resume_plan
from resources.jobstore import JobStore


@dg.run_status_sensor(
    name="chain_dub_runs",
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=[ingest_assets_job],
    request_job=dub_assets_job,
    minimum_interval_seconds=2,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Starts the per-language dub runs once a job's ingest run succeeded.",
)
def chain_dub_runs(
    context: dg.RunStatusSensorContext, jobstore: JobStore
) -> list[dg.RunRequest] | dg.SkipReason:
    run = context.dagster_run
    job = run.tags.get(tags.JOB)
    if not job:
        return dg.SkipReason(f"run {run.run_id} is not a dubflow job's")
    if jobstore.job_status(job) == "cancelled":
        return dg.SkipReason(f"job {job} was cancelled")
    langs = [lang for lang in run.tags.get(tags.LANGS, "").split(",") if lang]
    resume_from = run.tags.get(tags.RESUME_FROM, "")
    stages = resume_plan(resume_from)[1] if resume_from else LANGUAGE_STAGES
    sensor_logger(context, jobId=job, runId=run.run_id).info(
        "runs.requested", languages=langs, resumeFrom=resume_from or None
    )
    fairness = tags.inherited_fairness(run.tags)
    return dub_runs(job, langs, run.run_id, stages, resume_from, tags.event_of(run.tags), fairness)
