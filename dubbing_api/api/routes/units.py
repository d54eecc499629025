"""A job's units: read and correct the transcript and the translations, re-dub what changed."""

from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, Response, status
from pydantic import BaseModel

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
from dubbing_core.db.models import Job

router = APIRouter(prefix="/v1/jobs", tags=["editing"])
Units = TypeVar("Units", bound=BaseModel)
# Source and translated units are read and edited alike: versioned, edits sent with `If-Match`.
READ_DESCRIPTION = "The `ETag` header names this version; send it as `If-Match` to edit."
READ_RESPONSES = problems(401, 404, 409)
EDIT_RESPONSES = problems(401, 404, 409, 412, 422, 428)
IF_MATCH_RULE = (
    "Requires `If-Match`: 428 without it, 412 when the units changed since they were read."
)


def _owned_job(job_id: str, user: UserDep, session: SessionDep) -> Job:
    return jobs.owned_job(session, user, job_id)


# The caller's job of the path (404 for another user's); the request's session and user are the
# ones the route gets (FastAPI builds each dependency once per request).
JobDep = Annotated[Job, Depends(_owned_job)]


def _versioned(response: Response, result: Units) -> Units:
    """The units, their version in the `ETag` header (what an edit sends back as `If-Match`)."""
    response.headers["ETag"] = units.etag(result)
    return result


@router.get(
    "/{job_id}/units",
    operation_id="listSourceUnits",
    summary="The job's source units (sentences) with their time ranges and edits",
    description=READ_DESCRIPTION,
    responses=READ_RESPONSES,
)
def list_source_units(job: JobDep, response: Response, storage: StorageDep) -> SourceUnits:
    return _versioned(response, units.source_units(storage, job))


@router.patch(
    "/{job_id}/units",
    operation_id="editSourceUnits",
    summary="Correct the text of source units",
    description="Each edited unit's translations become stale (a translation edit of it is "
    "dropped); `POST /v1/jobs/{jobId}/redub` translates and dubs them again. " + IF_MATCH_RULE,
    responses=EDIT_RESPONSES,
)
def edit_source_units(
    job: JobDep,
    body: UnitEditRequest,
    response: Response,
    user: UserDep,
    session: SessionDep,
    storage: StorageDep,
    if_match: IfMatch = None,
) -> SourceUnits:
    edited = units.edit_source(session, storage, user, job, body.edits, if_match)
    return _versioned(response, edited)


@router.get(
    "/{job_id}/languages/{language}/units",
    operation_id="listTranslatedUnits",
    summary="A language's translated units, with what a re-dub would redo",
    description=READ_DESCRIPTION,
    responses=READ_RESPONSES,
)
def list_translated_units(
    job: JobDep, language: str, response: Response, storage: StorageDep
) -> TranslatedUnits:
    return _versioned(response, units.translated_units(storage, job, language))


@router.patch(
    "/{job_id}/languages/{language}/units",
    operation_id="editTranslatedUnits",
    summary="Correct the translation of units",
    description="Only the edited units' speech becomes stale. " + IF_MATCH_RULE,
    responses=EDIT_RESPONSES,
)
def edit_translated_units(
    job: JobDep,
    language: str,
    body: UnitEditRequest,
    response: Response,
    user: UserDep,
    session: SessionDep,
    storage: StorageDep,
    if_match: IfMatch = None,
) -> TranslatedUnits:
    edited = units.edit_translation(session, storage, user, job, language, body.edits, if_match)
    return _versioned(response, edited)


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
    job: JobDep,
    body: RedubRequest,
    user: UserDep,
    session: SessionDep,
    settings: SettingsDep,
    storage: StorageDep,
) -> RedubPlan:
    return units.redub(session, settings, storage, user, job, body.languages)
