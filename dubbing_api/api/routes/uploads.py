"""Uploads: create a session, send parts to their URLs, resume, complete or abort."""

from typing import Annotated

import anyio
import anyio.to_thread
from fastapi import APIRouter, Query, Request, Response, status

from dubbing_api.api.deps import IdempotencyKey, SessionDep, SettingsDep, StorageDep, UserDep
from dubbing_api.core.openapi import problems
from dubbing_api.core.problems import Problem
from dubbing_api.core.security import signature_valid
from dubbing_api.schemas import (
    ReceivedPart,
    UploadComplete,
    UploadCreate,
    UploadSession,
    UploadState,
)
from dubbing_api.services import idempotency
from dubbing_api.services import uploads as service

router = APIRouter(prefix="/v1/uploads", tags=["uploads"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    operation_id="createUpload",
    responses=problems(401, 403, 409, 413),
    summary="Start an upload session",
    description="Returns one URL per part: PUT each part's bytes to its URL and keep the `ETag` "
    "response header, then complete the upload with the list of ETags. With S3 storage the URLs "
    "are presigned S3 `UploadPart` URLs; with local storage they are signed API URLs.",
)
def create_upload(
    body: UploadCreate,
    user: UserDep,
    session: SessionDep,
    settings: SettingsDep,
    storage: StorageDep,
    idempotency_key: IdempotencyKey = None,
) -> UploadSession:
    def create() -> UploadSession:
        upload = service.create(session, settings, storage, user, body)
        return service.session_view(settings, storage, upload)

    return idempotency.create_once(
        session, user.id, idempotency_key, "createUpload", body, UploadSession, create
    )


@router.get(
    "/{upload_id}",
    operation_id="getUpload",
    summary="Upload state: parts received and missing (to resume)",
    description="Lists the parts storage already holds (from S3's own part list on S3), so a "
    "client that lost its state can send only the missing ones.",
    responses=problems(401, 404),
)
def get_upload(
    upload_id: str, user: UserDep, session: SessionDep, storage: StorageDep
) -> UploadState:
    return service.state_view(storage, service.owned_upload(session, user, upload_id))


@router.get(
    "/{upload_id}/parts",
    operation_id="getUploadPartUrls",
    summary="Fresh part URLs for a pending upload (e.g. after the first ones expired)",
    description="Part URLs expire; a client resuming later asks for a fresh set here.",
    responses=problems(401, 404),
)
def get_part_urls(
    upload_id: str, user: UserDep, session: SessionDep, settings: SettingsDep, storage: StorageDep
) -> UploadSession:
    upload = service.owned_upload(session, user, upload_id)
    return service.session_view(settings, storage, upload)


@router.put(
    "/{upload_id}/parts/{part_number}",
    operation_id="putUploadPart",
    summary="Receive one part (local storage; the URL carries its own signature)",
    description="Authenticated by the URL's signature, not by an API key. The response's "
    "`ETag` header is what `complete` expects for this part.",
    responses=problems(400, 403, 404, 409, 410, 413),
)
async def put_part(
    upload_id: str,
    part_number: int,
    request: Request,
    response: Response,
    settings: SettingsDep,
    storage: StorageDep,
    expires: Annotated[int, Query()] = 0,
    signature: Annotated[str, Query()] = "",
) -> ReceivedPart:
    # Async so that a slow client costs no worker thread while its bytes trickle in; every
    # database and storage call goes to the thread pool, and none holds a connection meanwhile.
    path = f"/v1/uploads/{upload_id}/parts/{part_number}"
    if not signature_valid(settings.secret, path, expires, signature):
        raise Problem(403, "url.signature_invalid", "the part URL is expired or not valid")
    database = settings.resolved_database_url
    threads: anyio.CapacityLimiter = request.app.state.part_threads
    expected = await anyio.to_thread.run_sync(
        service.part_size_to_expect, database, upload_id, part_number, limiter=threads
    )
    async with service.spooled_part(request.stream(), part_number, expected, threads) as spooled:
        part = await anyio.to_thread.run_sync(
            service.store_part, database, storage, upload_id, part_number, spooled, limiter=threads
        )
    response.headers["ETag"] = part.etag
    return part


@router.post(
    "/{upload_id}/complete",
    operation_id="completeUpload",
    summary="Assemble the parts (checked against their ETags) and probe the file",
    description="Every part must be listed once with the ETag its upload returned. The file is "
    "then probed: a file that is not a video with audio is rejected (`upload.not_media`) and "
    "deleted.",
    responses=problems(400, 401, 404, 409, 410),
)
def complete_upload(
    upload_id: str, body: UploadComplete, user: UserDep, session: SessionDep, storage: StorageDep
) -> UploadState:
    upload = service.owned_upload(session, user, upload_id)
    return service.state_view(storage, service.complete(session, storage, upload, body.parts))


@router.delete(
    "/{upload_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="abortUpload",
    summary="Abort a pending (or expired) upload and delete its parts",
    description="Also aborts the S3 multipart upload, so storage keeps nothing of it. Expired "
    "sessions are also discarded by the API itself every few minutes.",
    responses=problems(401, 404, 409, 410),
)
def abort_upload(upload_id: str, user: UserDep, session: SessionDep, storage: StorageDep) -> None:
    service.abort(session, storage, service.owned_upload(session, user, upload_id))
