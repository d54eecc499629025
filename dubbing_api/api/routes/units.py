"""A job's units: read and correct the transcript and the translations, re-dub what changed."""

from fastapi import APIRouter, Response, status

from dubbing_api.api.deps import IfMatch, SessionDep, SettingsDep, StorageDep, UserDep
from dubbing_api.core.openapi import problems
from dubbing_api.schemas import (
    RedubPlan,
    RedubRequest,
    SourceUnits,
    TranslatedUnits,
    UnitEditRequest,
)
from dubbing_api.services import jobs, units

router = APIRouter(prefix="/v1/jobs", tags=["editing"])


@router.get(
    "/{job_id}/units",
    operation_id="listSourceUnits",
    summary="The job's source units (sentences) with their time ranges and edits",
    description="The `ETag` header names this version; send it as `If-Match` to edit.",
    responses=problems(401, 404, 409),
)
def list_source_units(
    job_id: str, response: Response, user: UserDep, session: SessionDep, storage: StorageDep
) -> SourceUnits:
    result = units.source_units(storage, jobs.owned_job(session, user, job_id))
    response.headers["ETag"] = units.etag(result)
    return result


@router.patch(
    "/{job_id}/units",
    operation_id="editSourceUnits",
    summary="Correct the text of source units",
    description="Each edited unit's translations become stale (a translation edit of it is "
    "dropped); `POST /v1/jobs/{jobId}/redub` translates and dubs them again. Requires "
    "`If-Match`: 428 without it, 412 when the units changed since they were read.",
    responses=problems(401, 404, 409, 412, 422, 428),
)
def edit_source_units(
    job_id: str,
    body: UnitEditRequest,
    response: Response,
    user: UserDep,
    session: SessionDep,
    storage: StorageDep,
    if_match: IfMatch = None,
) -> SourceUnits:
    job = jobs.owned_job(session, user, job_id)
    result = units.edit_source(session, storage, user, job, body.edits, if_match)
    response.headers["ETag"] = units.etag(result)
    return result


@router.get(
    "/{job_id}/languages/{language}/units",
    operation_id="listTranslatedUnits",
    summary="A language's translated units, with what a re-dub would redo",
    description="The `ETag` header names this version; send it as `If-Match` to edit.",
    responses=problems(401, 404, 409),
)
def list_translated_units(
    job_id: str,
    language: str,
    response: Response,
    user: UserDep,
    session: SessionDep,
    storage: StorageDep,
) -> TranslatedUnits:
    result = units.translated_units(storage, jobs.owned_job(session, user, job_id), language)
    response.headers["ETag"] = units.etag(result)
    return result


@router.patch(
    "/{job_id}/languages/{language}/units",
    operation_id="editTranslatedUnits",
    summary="Correct the translation of units",
    description="Only the edited units' speech becomes stale. Requires `If-Match`: 428 without "
    "it, 412 when the units changed since they were read.",
    responses=problems(401, 404, 409, 412, 422, 428),
)
def edit_translated_units(
    job_id: str,
    language: str,
    body: UnitEditRequest,
    response: Response,
    user: UserDep,
    session: SessionDep,
    storage: StorageDep,
    if_match: IfMatch = None,
) -> TranslatedUnits:
    job = jobs.owned_job(session, user, job_id)
    result = units.edit_translation(session, storage, user, job, language, body.edits, if_match)
    response.headers["ETag"] = units.etag(result)
    return result


@router.post(
    "/{job_id}/redub",
    status_code=status.HTTP_202_ACCEPTED,
    operation_id="redubJob",
    summary="Re-dub what changed since the last dub",
    description="Per language with stale units: translates the units whose source changed, "
    "synthesizes the units whose text changed, re-mixes and re-packages that language; every "
    "other unit and language is kept as it is. Says what will be redone.",
    responses=problems(401, 404, 409, 429),
)
def redub_job(
    job_id: str,
    body: RedubRequest,
    user: UserDep,
    session: SessionDep,
    settings: SettingsDep,
    storage: StorageDep,
) -> RedubPlan:
    job = jobs.owned_job(session, user, job_id)
    return units.redub(session, settings, storage, user, job, body.languages)
