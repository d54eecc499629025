"""Run outcomes -> job state in the application database."""

import dagster as dg

from dubbing_assets.asset_jobs import dub_assets_job, ingest_assets_job
from dubbing_assets.automation.logging import sensor_logger
from dubbing_core import tags
from resources.jobstore import JobStore


def _failure_code(context: dg.RunFailureSensorContext) -> tuple[str, str]:
    for event in context.get_step_failure_events():
        data = event.step_failure_data
        user_failure = data.user_failure_data
        if user_failure is not None and "error_code" in user_failure.metadata:
            code = str(user_failure.metadata["error_code"].value)
            return code, str(user_failure.description)
        message = data.error.message.strip() if data.error else "step failed"
        return "stage.failed", f"{event.step_key}: {message}"[:2000]
    # No stage failed: the run ended under its stages (its worker was killed or crashed). The
    # code server records why in an engine event.
    run_id = context.dagster_run.run_id
    events = context.instance.all_logs(run_id, of_type=dg.DagsterEventType.ENGINE_EVENT)
    crashes = [
        event.dagster_event.message or ""
        for event in events
        if event.dagster_event and "execution process" in (event.dagster_event.message or "")
    ]
    if crashes:
        return "run.interrupted", crashes[-1][:2000]
    return "run.failed", context.failure_event.message or "the run failed"


@dg.run_failure_sensor(
    name="job_failures",
    monitored_jobs=[ingest_assets_job, dub_assets_job],
    minimum_interval_seconds=2,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Marks a job failed, with the failing stage's error code, when a run fails.",
)
def job_failures(context: dg.RunFailureSensorContext, jobstore: JobStore) -> None:
    run = context.dagster_run
    job = run.tags.get(tags.JOB)
    if job:
        code, message = _failure_code(context)
        lang = run.tags.get(tags.LANG)
        jobstore.job_failed(job, [lang] if lang else [], code, message, tags.event_of(run.tags))
        sensor_logger(context, jobId=job, runId=run.run_id, language=lang).info(
            "job.failed", errorCode=code
        )


@dg.run_status_sensor(
    name="job_cancellations",
    run_status=dg.DagsterRunStatus.CANCELED,
    monitored_jobs=[ingest_assets_job, dub_assets_job],
    minimum_interval_seconds=2,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Marks a job cancelled when one of its runs is cancelled (e.g. from the UI).",
)
def job_cancellations(context: dg.RunStatusSensorContext, jobstore: JobStore) -> None:
    job = context.dagster_run.tags.get(tags.JOB)
    if job:
        jobstore.job_cancelled(job, tags.event_of(context.dagster_run.tags))
        sensor_logger(context, jobId=job, runId=context.dagster_run.run_id).info("job.cancelled")


@dg.run_status_sensor(
    name="language_completions",
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=[dub_assets_job],
    minimum_interval_seconds=2,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Marks a language done when its dub run succeeds; the job when all are.",
)
def language_completions(context: dg.RunStatusSensorContext, jobstore: JobStore) -> None:
    run = context.dagster_run
    job, lang = run.tags.get(tags.JOB), run.tags.get(tags.LANG)
    if job and lang:
        jobstore.language_succeeded(job, lang, tags.event_of(run.tags))
        sensor_logger(context, jobId=job, runId=run.run_id, language=lang).info(
            "language.succeeded"
        )
