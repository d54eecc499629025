"""A job's state transitions, written once: the API (a user's cancel, a retry, languages added)
and the pipeline (a run's outcome) change a job's status, its stages' and its attempts' only
through these."""

from dubbing_core.db.models import Job, utcnow
from dubbing_core.statuses import ACTIVE, UNFINISHED_STAGE, JobStatus, StageStatus


def close_attempts(job: Job, ended: StageStatus, code: str | None, message: str | None) -> None:
    """End the attempts still marked running (their run ended under them)."""
    for attempt in job.attempts:
        if attempt.status == "running":
            attempt.status, attempt.finished_at = ended, utcnow()
            attempt.error_code, attempt.error_message = code, message


def finish(job: Job, status: JobStatus, code: str | None, message: str | None) -> None:
    """The job ended: succeeded, or failed or cancelled with every unfinished stage and attempt
    ended alike."""
    job.status, job.finished_at = status, utcnow()
    job.error_code, job.error_message = code, message
    if status == "succeeded":
        return
    ended: StageStatus = "cancelled" if status == "cancelled" else "failed"
    for stage in job.stages:
        if stage.status == "running":
            # Its run ended under it (cancelled, or the worker died): say so on the stage.
            stage.error_code = stage.error_code or code
            stage.error_message = stage.error_message or message
        if stage.status in UNFINISHED_STAGE:
            stage.status = ended
    close_attempts(job, ended, code, message)


def cancel_by_user(job: Job) -> None:
    """Marked at once, before the runs are terminated: the stages still running record their own
    end, and the cancellation sensor closes what a dead worker left open."""
    job.status, job.finished_at = "cancelled", utcnow()
    job.error_code, job.error_message = "job.cancelled", "cancelled by the user"
    for stage in job.stages:
        if stage.status in UNFINISHED_STAGE:
            stage.status = "cancelled"
    for language in job.languages:
        if language.status in ACTIVE:
            language.status = "cancelled"


def requeue(job: Job) -> None:
    """Queued again (retried, or given new languages): the sensors take it from the outbox."""
    job.status, job.finished_at, job.error_code, job.error_message = "queued", None, None, None
