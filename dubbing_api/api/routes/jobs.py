"""Jobs: create, list, follow, cancel, retry from a stage, add languages."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, status

from dubbing_api.api.deps import IdempotencyKey, SessionDep, SettingsDep, StorageDep, UserDep
from dubbing_api.core.openapi import problems
from dubbing_api.schemas import (
    AddLanguages,
    CancelResult,
    Job,
    JobCreate,
    JobPage,
    JobQuality,
    JobStatus,
    LogPage,
    RetryPlan,
    RetryRequest,
    StageName,
)
from dubbing_api.services import idempotency, logs, quality
from dubbing_api.services import jobs as service

router = APIRouter(prefix="/v1/jobs", tags=["jobs"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    operation_id="createJob",
    summary="Create a dubbing job from a completed upload",
    description="Records the job and hands it to the pipeline. Languages and presets are "
    "validated against `GET /v1/languages` and `GET /v1/presets`. With an `Idempotency-Key`, "
    "repeating the same request returns the same job. Over a quota: 429 `quota.*`.",
    responses=problems(401, 404, 409, 429),
)
def create_job(
    body: JobCreate,
    user: UserDep,
    session: SessionDep,
    settings: SettingsDep,
    storage: StorageDep,
    idempotency_key: IdempotencyKey = None,
) -> Job:
    created: list[str] = []

    def create() -> Job:
        job = service.create(session, settings, storage, user, body)
        created.append(job.id)
        session.flush()
        session.refresh(job)
        return service.view(settings, storage, job, user)

    try:
        return idempotency.create_once(
            session, user.id, idempotency_key, "createJob", body, Job, create
        )
    except BaseException:
        # The job's row was not committed: what its create stored goes too (no orphan storage).
        for job_id in created:
            service.discard_storage(storage, job_id)
        raise


@router.get(
    "",
    operation_id="listJobs",
    summary="List your jobs, newest first",
    description="Cursor pagination: pass `nextCursor` of a page as `cursor` for the next one.",
    responses=problems(400, 401),
)
def list_jobs(
    user: UserDep,
    session: SessionDep,
    settings: SettingsDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    status: Annotated[JobStatus | None, Query()] = None,
    language: Annotated[str | None, Query(max_length=8)] = None,
    created_after: Annotated[datetime | None, Query(alias="createdAfter")] = None,
    created_before: Annotated[datetime | None, Query(alias="createdBefore")] = None,
) -> JobPage:
    rows, next_cursor = service.page(
        session,
        settings,
        user,
        limit=limit,
        cursor=cursor,
        status=status,
        language=language,
        created_after=created_after,
        created_before=created_before,
    )
    return JobPage(items=service.summaries(session, rows), next_cursor=next_cursor)


@router.get(
    "/{job_id}",
    operation_id="getJob",
    summary="A job with per-language, per-stage progress, outputs, metrics and runs",
    description="Poll this to follow a job: each stage reports its status, progress, attempts, "
    "duration and error code; outputs appear as languages finish.",
    responses=problems(401, 404),
)
def get_job(
    job_id: str, user: UserDep, session: SessionDep, settings: SettingsDep, storage: StorageDep
) -> Job:
    return service.view(settings, storage, service.owned_job(session, user, job_id), user)


@router.delete(
    "/{job_id}",
    operation_id="cancelJob",
    summary="Cancel a queued or running job (terminates its Dagster runs)",
    description="Artifacts already stored are kept, so the job can be retried later.",
    responses=problems(401, 404, 409),
)
def cancel_job(
    job_id: str, user: UserDep, session: SessionDep, settings: SettingsDep
) -> CancelResult:
    job = service.owned_job(session, user, job_id)
    terminated = service.cancel(session, settings, job)
    return CancelResult(job_id=job.id, status="cancelled", terminated_runs=terminated)


@router.delete(
    "/{job_id}/data",
    operation_id="deleteJobData",
    summary="Delete a finished job's stored data (outputs, artifacts, its copy of the source)",
    description="Frees the bytes the job takes in your storage quota. The job stays listed with "
    "its history and `dataDeletedAt`, but can no longer be played, edited or retried. The "
    "upload it came from is kept (other jobs may share it). A queued or running job: 409 "
    "`job.running` (cancel it first). Deleting again returns the same job.",
    responses=problems(401, 404, 409),
)
def delete_job_data(
    job_id: str, user: UserDep, session: SessionDep, settings: SettingsDep, storage: StorageDep
) -> Job:
    job = service.delete_data(session, storage, user, service.owned_job(session, user, job_id))
    return service.view(settings, storage, job, user)


@router.post(
    "/{job_id}/retry",
    status_code=status.HTTP_202_ACCEPTED,
    operation_id="retryJob",
    summary="Re-run a finished job from a stage",
    description="Re-runs `resumeFrom` and every stage after it (for the given languages, all "
    "by default); earlier artifacts are reused from storage. Says what will re-run.",
    responses=problems(401, 404, 409, 429),
)
def retry_job(
    job_id: str, body: RetryRequest, user: UserDep, session: SessionDep, settings: SettingsDep
) -> RetryPlan:
    job = service.owned_job(session, user, job_id)
    return service.retry(session, settings, user, job, body.resume_from, body.languages)


@router.post(
    "/{job_id}/languages",
    status_code=status.HTTP_202_ACCEPTED,
    operation_id="addJobLanguages",
    summary="Dub a finished job into more languages",
    description="Reuses the transcript and video rendition; only the new languages' stages run.",
    responses=problems(401, 404, 409, 429),
)
def add_languages(
    job_id: str,
    body: AddLanguages,
    user: UserDep,
    session: SessionDep,
    settings: SettingsDep,
    storage: StorageDep,
) -> Job:
    job = service.owned_job(session, user, job_id)
    job = service.add_languages(session, settings, storage, user, job, body.targets)
    return service.view(settings, storage, job, user)


@router.get(
    "/{job_id}/logs",
    operation_id="listJobLogs",
    summary="The job's structured log lines, oldest first",
    description="Every run's lines from the job's log archive (`logsKey` is the latest run's), "
    "filterable by stage and language; pass `nextCursor` as `cursor` for the next page.",
    responses=problems(400, 401, 404),
)
def list_job_logs(
    job_id: str,
    user: UserDep,
    session: SessionDep,
    settings: SettingsDep,
    storage: StorageDep,
    stage: Annotated[StageName | None, Query()] = None,
    language: Annotated[str | None, Query(max_length=8)] = None,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> LogPage:
    job = service.owned_job(session, user, job_id)
    return logs.page(
        settings, storage, user, job, stage=stage, language=language, cursor=cursor, limit=limit
    )


@router.get(
    "/{job_id}/quality",
    operation_id="getJobQuality",
    summary="The job's quality report per language, measured from the audio",
    description="Per language: a summary (onsets within 100 ms, coverage, speed ratios, "
    "overflow, leak of the original speech, loudness, true peak) and one row per unit. A "
    "language whose mix has not been measured yet has `summary: null` and no units.",
    responses=problems(401, 404),
)
def get_job_quality(
    job_id: str, user: UserDep, session: SessionDep, storage: StorageDep
) -> JobQuality:
    return quality.report(storage, service.owned_job(session, user, job_id))
