"""Jobs: create, list, show, cancel, retry from a stage, add languages.

The API never runs media work: it records the job and an outbox event in one transaction, and
the pipeline's sensors take it from there.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, func, or_, select
from sqlalchemy.orm import Session

from dubbing_api.core import cursors
from dubbing_api.core.config import ApiSettings
from dubbing_api.core.problems import Problem
from dubbing_api.core.security import sign_path
from dubbing_api.dagster_client import DagsterClient, DagsterUnavailable
from dubbing_api.schemas import (
    DagsterRun,
    HistoryEntry,
    JobCreate,
    JobMetrics,
    JobSummary,
    LanguageOutputs,
    LanguageState,
    RetryPlan,
    StageAttemptState,
    StageState,
    TargetSpec,
)
from dubbing_api.schemas import Job as JobView
from dubbing_api.services import presets, quotas
from dubbing_api.services.catalog import validate_targets
from dubbing_api.storage import Storage
from dubbing_core import keys
from dubbing_core.db import transitions
from dubbing_core.db.models import (
    Job,
    JobLanguage,
    OutboxEvent,
    StageAttempt,
    StageRun,
    Upload,
    User,
    new_id,
    utcnow,
)
from dubbing_core.glossary import GlossaryTerm
from dubbing_core.requests import JobRequest, TargetRequest
from dubbing_core.stages import JOB_STAGES, LANGUAGE_STAGES, STAGES, resume_plan
from dubbing_core.statuses import ACTIVE, FINISHED


def owned_job(session: Session, user: User, job_id: str) -> Job:
    job = session.get(Job, job_id)
    # Another user's job is "not found", not "forbidden": its existence is not disclosed.
    if job is None or job.user_id != user.id:
        raise Problem(404, "job.not_found", "no such job")
    return job


def _job_language(target: TargetRequest, position: int) -> JobLanguage:
    custom = target.custom_preset
    return JobLanguage(
        lang=target.lang,
        preset=target.preset,
        position=position,
        preset_id=custom.id if custom else None,
        preset_version=custom.version if custom else None,
    )


def _pending_stages(job_id: str, langs: list[str]) -> list[StageRun]:
    rows = [StageRun(job_id=job_id, lang="", stage=stage) for stage in JOB_STAGES]
    rows += [StageRun(job_id=job_id, lang=lang, stage=s) for lang in langs for s in LANGUAGE_STAGES]
    return rows


def create(
    session: Session, settings: ApiSettings, storage: Storage, user: User, body: JobCreate
) -> Job:
    # The cheap lookup first; and the detail never repeats what the client sent.
    upload = session.get(Upload, body.upload_id)
    if upload is None or upload.user_id != user.id:
        raise Problem(404, "upload.not_found", "no such upload")
    if upload.status != "completed":
        raise Problem(409, "upload.not_completed", f"the upload is {upload.status}")
    targets = validate_targets(
        settings, body.source_language, body.targets, custom_presets=presets.uses(session, user)
    )
    seconds = float((upload.media or {}).get("duration_seconds", 0))
    # An early answer: a create plainly over a quota costs no storage work.
    quotas.check_job(session, settings, user, seconds, hold=False)
    job = Job(
        id=new_id(),
        user_id=user.id,
        upload_id=upload.id,
        source_language=body.source_language,
        source_seconds=seconds,
    )
    request = JobRequest(
        job_id=job.id,
        source_name=upload.filename,
        source_language=body.source_language,
        targets=targets,
        glossary=body.glossary
        if body.glossary is not None
        else [GlossaryTerm.model_validate(term) for term in user.glossary or []],
    )
    # Storage first, then the outbox event in the same commit as the job: a sensor that sees
    # the event always finds the source and the request in storage. The upload's bytes are
    # shared, not copied per job (a hard link on local storage, a server-side copy on S3).
    storage.store.share_key(upload.storage_key, keys.upload(job.id))
    storage.store.write_json(keys.request(job.id), request.model_dump(mode="json"))
    try:
        # The check that counts, only now: it holds the user's row (on SQLite the database's
        # one write lock) until the commit, and the storage work above stays outside it, so
        # other creates wait for a few queries, not for a copy. A rejected job leaves nothing.
        quotas.check_job(session, settings, user, seconds, hold=True)
    except BaseException:
        discard_storage(storage, job.id)
        raise
    langs = request.languages
    job.languages = [_job_language(target, i) for i, target in enumerate(targets)]
    session.add(job)
    session.add_all(_pending_stages(job.id, langs))
    session.add(OutboxEvent(job_id=job.id, kind="job.submitted", payload={"languages": langs}))
    return job


def discard_storage(storage: Storage, job_id: str) -> None:
    """What a create stored for a job that was never committed (refused, or the commit failed)."""
    storage.store.delete_prefix(keys.job_prefix(job_id))


# -- reading ---------------------------------------------------------------------------------------


def _attempt_state(attempt: StageAttempt, internals: bool) -> StageAttemptState:
    return StageAttemptState(
        attempt=attempt.attempt,
        run_id=attempt.run_id,
        worker=attempt.worker if internals else None,
        status=attempt.status,  # type: ignore[arg-type]
        started_at=attempt.started_at,
        finished_at=attempt.finished_at,
        duration_seconds=attempt.duration_s,
        wait_seconds=attempt.wait_s,
        error_code=attempt.error_code,
        error_message=attempt.error_message,
    )


def _stage_state(row: StageRun, attempts: list[StageAttempt], internals: bool) -> StageState:
    return StageState(
        stage=row.stage,  # type: ignore[arg-type]
        status=row.status,  # type: ignore[arg-type]
        progress=round(row.progress, 4),
        attempt=row.attempt,
        started_at=row.started_at,
        finished_at=row.finished_at,
        duration_seconds=row.duration_s,
        error_code=row.error_code,
        error_message=row.error_message,
        history=[
            _attempt_state(a, internals)
            for a in attempts
            if a.stage == row.stage and a.lang == row.lang
        ],
    )


def _progress(rows: list[StageRun]) -> float:
    return round(sum(row.progress for row in rows) / len(rows), 4) if rows else 0.0


def _signed(settings: ApiSettings, key: str, ttl: int) -> str:
    return settings.public_url.rstrip("/") + sign_path(settings.secret, f"/v1/media/{key}", ttl)


def _outputs(settings: ApiSettings, job: Job, lang: str) -> LanguageOutputs:
    ttl = settings.playback_url_ttl_seconds
    return LanguageOutputs(
        mp4_url=_signed(settings, keys.mp4(job.id, lang), ttl),
        vtt_url=_signed(settings, keys.subtitles_vtt(job.id, lang), ttl),
        srt_url=_signed(settings, keys.subtitles_srt(job.id, lang), ttl),
    )


def view(settings: ApiSettings, storage: Storage, job: Job, viewer: User) -> JobView:
    """The job as `viewer` may see it: run workers (host:pid) and links to Dagster's UI only
    for admins, as tenants have no business with the machines or the orchestrator."""
    internals = viewer.role == "admin"
    by_lang: dict[str, list[StageRun]] = {}
    for row in job.stages:
        by_lang.setdefault(row.lang, []).append(row)
    job_rows = by_lang.get("", [])
    attempts = list(job.attempts)
    languages = [
        LanguageState(
            language=language.lang,
            preset=language.preset,
            preset_version=language.preset_version,
            status=language.status,  # type: ignore[arg-type]
            progress=_progress(by_lang.get(language.lang, [])),
            stages=[
                _stage_state(row, attempts, internals) for row in by_lang.get(language.lang, [])
            ],
            outputs=_outputs(settings, job, language.lang)
            if language.status == "succeeded" and job.data_deleted_at is None
            else None,
        )
        for language in job.languages
    ]
    seconds: dict[str, float] = {}
    for row in job.stages:
        if row.duration_s is not None:
            seconds[row.stage] = round(seconds.get(row.stage, 0.0) + row.duration_s, 3)
    wall = (job.finished_at - job.created_at).total_seconds() if job.finished_at else None
    runs = sorted({row.run_id for row in job.stages if row.run_id})
    ui = settings.dagster_ui_url.rstrip("/")
    return JobView(
        id=job.id,
        status=job.status,  # type: ignore[arg-type]
        upload_id=job.upload_id,
        source_language=job.source_language,
        detected_language=job.detected_language,
        progress=_progress(list(job.stages)),
        created_at=job.created_at,
        updated_at=job.updated_at,
        finished_at=job.finished_at,
        data_deleted_at=job.data_deleted_at,
        error_code=job.error_code,
        error_message=job.error_message,
        stages=[_stage_state(row, attempts, internals) for row in job_rows],
        languages=languages,
        playback_available=storage.store.exists(keys.hls_master(job.id)),
        logs_key=job.logs_key,
        metrics=JobMetrics(
            stage_seconds=seconds,
            total_stage_seconds=round(sum(seconds.values()), 3),
            wall_seconds=round(wall, 3) if wall is not None else None,
            attempts=sum(row.attempt for row in job.stages),
        )
        if seconds
        else None,
        dagster_runs=[DagsterRun(run_id=run, url=f"{ui}/runs/{run}") for run in runs]
        if internals
        else [],
        history=[
            HistoryEntry(
                kind=event.kind,  # type: ignore[arg-type]
                at=event.created_at,
                languages=list(event.payload.get("languages", [])),
                units=list(event.payload.get("units", [])),
            )
            for event in job.requests
        ],
    )


# What a list item shows: a page reads these columns, not whole jobs (building 20 ORM objects
# and their languages was most of a page's time), and each job's progress, the mean of its
# stages', averaged by the database for the page's rows only.
_LISTED = (
    Job.id,
    Job.status,
    Job.source_language,
    Job.created_at,
    Job.finished_at,
    select(func.avg(StageRun.progress))
    .where(StageRun.job_id == Job.id)
    .scalar_subquery()
    .label("progress"),
)
ListedJob = Row[tuple[str, str, str, datetime, datetime | None, float | None]]


def summaries(session: Session, rows: Sequence[ListedJob]) -> list[JobSummary]:
    """The page's items, with every job's languages from one query."""
    languages: dict[str, list[str]] = {row.id: [] for row in rows}
    for job_id, lang in session.execute(
        select(JobLanguage.job_id, JobLanguage.lang)
        .where(JobLanguage.job_id.in_(languages))
        .order_by(JobLanguage.job_id, JobLanguage.position)
    ):
        languages[job_id].append(lang)
    return [
        JobSummary(
            id=row.id,
            status=row.status,
            source_language=row.source_language,
            languages=languages[row.id],
            progress=round(row.progress or 0.0, 4),
            created_at=row.created_at,
            finished_at=row.finished_at,
        )
        for row in rows
    ]


# -- cursor pagination -----------------------------------------------------------------------------


def encode_cursor(settings: ApiSettings, user: User, job: ListedJob) -> str:
    return cursors.encode(settings.secret, user.id, {"t": job.created_at.isoformat(), "i": job.id})


def decode_cursor(settings: ApiSettings, user: User, cursor: str) -> tuple[datetime, str]:
    position = cursors.decode(settings.secret, user.id, cursor)
    try:
        return datetime.fromisoformat(position["t"]), str(position["i"])
    except (ValueError, KeyError, TypeError) as error:
        raise Problem(400, "cursor.invalid", "the cursor is malformed or not yours") from error


def page(
    session: Session,
    settings: ApiSettings,
    user: User,
    *,
    limit: int,
    cursor: str | None,
    status: str | None,
    language: str | None,
    created_after: datetime | None,
    created_before: datetime | None,
) -> tuple[list[ListedJob], str | None]:
    query = select(*_LISTED).where(Job.user_id == user.id)
    if status:
        query = query.where(Job.status == status)
    if language:
        query = query.where(
            Job.id.in_(select(JobLanguage.job_id).where(JobLanguage.lang == language))
        )
    if created_after:
        query = query.where(Job.created_at >= created_after)
    if created_before:
        query = query.where(Job.created_at < created_before)
    if cursor:
        created, job_id = decode_cursor(settings, user, cursor)
        query = query.where(
            or_(Job.created_at < created, and_(Job.created_at == created, Job.id < job_id))
        )
    rows = list(
        session.execute(query.order_by(Job.created_at.desc(), Job.id.desc()).limit(limit + 1))
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode_cursor(settings, user, rows[-1]) if more and rows else None


# -- changing --------------------------------------------------------------------------------------


def cancel(session: Session, settings: ApiSettings, job: Job) -> list[str]:
    if job.status in FINISHED:
        raise Problem(409, "job.finished", f"the job is already {job.status}")
    transitions.cancel_by_user(job)
    session.commit()
    # Marked cancelled first: sensors skip cancelled jobs, so nothing new starts meanwhile.
    try:
        return DagsterClient(settings.dagster_graphql_url).terminate_job(job.id)
    except DagsterUnavailable:
        return []


def require_data(job: Job) -> None:
    """Refuse work on a job whose stored data its owner deleted: nothing is left to build on."""
    if job.data_deleted_at is not None:
        raise Problem(409, "job.data_deleted", "the job's stored data was deleted")


def delete_data(session: Session, storage: Storage, user: User, job: Job) -> Job:
    """Delete everything the job keeps in storage (its link to or copy of the source, its
    artifacts, outputs and logs), freeing its bytes in the user's quota. The row stays, as a
    tombstone: the job's history and idempotent replies stay true, and the upload it came from
    (shared by the user's other jobs) is untouched. Deleting again changes nothing."""
    # Held like a create (the user's row): a retry of this job cannot queue it meanwhile.
    quotas.one_at_a_time(session, user)
    session.refresh(job)
    if job.status in ACTIVE:
        raise Problem(409, "job.running", f"the job is {job.status}; cancel it or wait")
    if job.data_deleted_at is None:
        job.data_deleted_at = utcnow()
        job.stored_bytes = 0
        session.flush()
        # Deleted before the commit: if storage fails, the job still says it has its data.
        storage.store.delete_prefix(keys.job_prefix(job.id))
    session.commit()
    session.refresh(job)  # as the database holds it: the reply matches every later read
    return job


def retry(
    session: Session,
    settings: ApiSettings,
    user: User,
    job: Job,
    resume_from: str,
    languages: list[str] | None,
) -> RetryPlan:
    if resume_from not in STAGES:
        raise Problem(422, "job.unknown_stage", f"no stage {resume_from!r}; stages: {STAGES}")
    if job.status in ACTIVE:
        raise Problem(409, "job.running", f"the job is {job.status}; cancel it or wait")
    require_data(job)
    known = [language.lang for language in job.languages]
    langs = languages or known
    unknown = sorted(set(langs) - set(known))
    if unknown:
        raise Problem(422, "job.unknown_language", f"the job has no languages {unknown}")
    requeue(
        session,
        settings,
        user,
        job,
        langs,
        "job.retry",
        {"resume_from": resume_from, "languages": langs},
    )
    session.commit()
    job_stages, lang_stages = resume_plan(resume_from)
    return RetryPlan.model_validate(
        {
            "job_id": job.id,
            "resume_from": resume_from,
            "job_stages": list(job_stages),
            "language_stages": {lang: list(lang_stages) for lang in langs},
        }
    )


def requeue(
    session: Session,
    settings: ApiSettings,
    user: User,
    job: Job,
    langs: list[str],
    kind: str,
    payload: dict[str, Any],
) -> None:
    """Queue the job again from `payload["resume_from"]` on, for `langs`: its stages pending,
    those languages queued, and the outbox event `kind` that asks the pipeline for the runs
    (the caller commits)."""
    # Queued again, the job counts towards the job quotas again (its media minutes were spent).
    quotas.check_job(session, settings, user, 0.0, hold=True)
    job_stages, lang_stages = resume_plan(str(payload["resume_from"]))
    rerun = {("", stage) for stage in job_stages}
    rerun |= {(lang, stage) for lang in langs for stage in lang_stages}
    for row in job.stages:
        if (row.lang, row.stage) in rerun:
            row.status, row.progress, row.error_code, row.error_message = "pending", 0.0, None, None
    for language in job.languages:
        if language.lang in langs:
            language.status, language.finished_at = "queued", None
    transitions.requeue(job)
    session.add(OutboxEvent(job_id=job.id, kind=kind, payload=payload))


def add_languages(
    session: Session,
    settings: ApiSettings,
    storage: Storage,
    user: User,
    job: Job,
    targets: list[TargetSpec],
) -> Job:
    if job.status != "succeeded":
        raise Problem(409, "job.not_finished", "languages can be added to a succeeded job")
    require_data(job)
    quotas.check_job(session, settings, user, 0.0, hold=True)
    existing = [language.lang for language in job.languages]
    source = job.detected_language or job.source_language
    new = validate_targets(
        settings, source, targets, existing=existing, custom_presets=presets.uses(session, user)
    )
    request = JobRequest.model_validate(storage.store.read_json(keys.request(job.id)))
    request.targets += new
    storage.store.write_json(keys.request(job.id), request.model_dump(mode="json"))
    for offset, target in enumerate(new):
        job.languages.append(_job_language(target, len(existing) + offset))
    langs = [target.lang for target in new]
    session.add_all(_pending_stages(job.id, langs)[len(JOB_STAGES) :])
    transitions.requeue(job)
    session.add(
        OutboxEvent(job_id=job.id, kind="job.languages_added", payload={"languages": langs})
    )
    session.commit()
    return job
