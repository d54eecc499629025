"""Chunked, resumable uploads straight to storage.

With S3 storage a session is a real S3 multipart upload and its part URLs are presigned
`UploadPart` URLs (SigV4). With local storage the part URLs point at the API's own part endpoint,
HMAC-signed and expiring, with the same contract (PUT the bytes, read the ETag header).
"""

import hashlib
import math
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, timedelta
from pathlib import Path

import anyio
import anyio.to_thread
from sqlalchemy import select
from sqlalchemy.orm import Session

from dubbing_api.core.config import ApiSettings
from dubbing_api.core.problems import Problem
from dubbing_api.core.security import sign_path
from dubbing_api.schemas import (
    CompletedPart,
    MediaSummary,
    PartUrl,
    ReceivedPart,
    UploadCreate,
    UploadSession,
    UploadState,
)
from dubbing_api.services import quotas
from dubbing_api.services.media_check import media_summary
from dubbing_api.storage import Storage, part_key, upload_key
from dubbing_core.db.models import Upload, UploadPart, User, utcnow
from dubbing_core.db.session import session_scope

S3_MIN_PART = 5 << 20


def part_sizes(size: int, part_size: int) -> list[int]:
    count = max(1, math.ceil(size / part_size))
    return [part_size] * (count - 1) + [size - part_size * (count - 1)]


def owned_upload(session: Session, user: User, upload_id: str) -> Upload:
    upload = session.get(Upload, upload_id)
    if upload is None or upload.user_id != user.id:
        raise Problem(404, "upload.not_found", "no such upload")
    return upload


def _part_url(settings: ApiSettings, storage: Storage, upload: Upload, number: int) -> str:
    ttl = settings.upload_url_ttl_seconds
    if storage.s3 and upload.s3_upload_id:
        return storage.s3.part_url(upload.storage_key, upload.s3_upload_id, number, ttl)
    path = f"/v1/uploads/{upload.id}/parts/{number}"
    return settings.public_url.rstrip("/") + sign_path(settings.secret, path, ttl)


def create(
    session: Session, settings: ApiSettings, storage: Storage, user: User, body: UploadCreate
) -> Upload:
    quotas.check_upload(session, settings, user, body.size_bytes)
    part_size = max(settings.part_size_bytes, S3_MIN_PART if storage.s3 else 1)
    sizes = part_sizes(body.size_bytes, part_size)
    upload = Upload(
        user_id=user.id,
        filename=Path(body.filename).name or "upload",
        content_type=body.content_type,
        size_bytes=body.size_bytes,
        part_size=part_size,
        part_count=len(sizes),
        storage_key="",
        expires_at=utcnow() + timedelta(hours=settings.upload_expiry_hours),
    )
    session.add(upload)
    session.flush()
    upload.storage_key = upload_key(upload.id)
    if storage.s3:
        upload.s3_upload_id = storage.s3.create(upload.storage_key)
    return upload


def session_view(settings: ApiSettings, storage: Storage, upload: Upload) -> UploadSession:
    sizes = part_sizes(upload.size_bytes, upload.part_size)
    return UploadSession(
        id=upload.id,
        status=upload.status,  # type: ignore[arg-type]
        filename=upload.filename,
        size_bytes=upload.size_bytes,
        part_size=upload.part_size,
        part_count=upload.part_count,
        parts=[
            PartUrl(part_number=n, url=_part_url(settings, storage, upload, n), size_bytes=size)
            for n, size in enumerate(sizes, start=1)
        ],
        expires_at=upload.expires_at,
    )


def received_parts(storage: Storage, upload: Upload) -> list[ReceivedPart]:
    if upload.status != "pending":
        return []
    if storage.s3 and upload.s3_upload_id:
        return [
            ReceivedPart(part_number=n, etag=etag, size_bytes=size)
            for n, etag, size in storage.s3.list_parts(upload.storage_key, upload.s3_upload_id)
        ]
    return [
        ReceivedPart(part_number=p.part_number, etag=p.etag, size_bytes=p.size_bytes)
        for p in upload.parts
    ]


def state_view(storage: Storage, upload: Upload) -> UploadState:
    received = received_parts(storage, upload)
    have = {part.part_number for part in received}
    missing = [n for n in range(1, upload.part_count + 1) if n not in have]
    return UploadState(
        id=upload.id,
        status=upload.status,  # type: ignore[arg-type]
        filename=upload.filename,
        size_bytes=upload.size_bytes,
        part_size=upload.part_size,
        part_count=upload.part_count,
        received_parts=received,
        missing_parts=missing if upload.status == "pending" else [],
        error_code=upload.error_code,
        media=MediaSummary.model_validate(upload.media) if upload.media else None,
        expires_at=upload.expires_at,
    )


def _expired(upload: Upload) -> bool:
    return upload.expires_at.replace(tzinfo=UTC) < utcnow()


def _require_pending(upload: Upload, *, expired_ok: bool = False) -> None:
    if upload.status == "completed":
        raise Problem(409, "upload.already_completed", "this upload is already complete")
    if upload.status != "pending":
        raise Problem(409, f"upload.{upload.status}", f"this upload is {upload.status}")
    if _expired(upload) and not expired_ok:
        raise Problem(410, "upload.expired", "this upload session has expired")


def part_size_to_expect(database_url: str, upload_id: str, number: int) -> int:
    """The size part `number` must have, if the upload may still receive it. A short
    transaction of its own: no connection is held while the part's bytes arrive."""
    with session_scope(database_url) as session:
        upload = session.get(Upload, upload_id)
        if upload is None:
            raise Problem(404, "upload.not_found", "no such upload")
        _require_pending(upload)
        sizes = part_sizes(upload.size_bytes, upload.part_size)
        if not 1 <= number <= len(sizes):
            raise Problem(
                400, "upload.part_out_of_range", f"part {number} is not in 1..{len(sizes)}"
            )
        return sizes[number - 1]


@dataclass(frozen=True)
class SpooledPart:
    path: Path
    size_bytes: int
    etag: str


# Part uploads do their disk and database work in threads of their own (`UPLOAD_THREADS`):
# however many parts arrive at once, the API's main thread pool stays free for other requests.
# Bytes of a part gathered in memory before each write to its temporary file.
_SPOOL_WRITE_BYTES = 1 << 20


@asynccontextmanager
async def spooled_part(
    body: AsyncIterator[bytes], number: int, expected: int, threads: anyio.CapacityLimiter
) -> AsyncIterator[SpooledPart]:
    """The part's bytes in a temporary file, checked against their signed size as they arrive
    (a part larger than that is refused at its first extra byte, never read to the end). Disk
    writes go to the part threads: a slow disk must not stall the event loop either."""
    digest = hashlib.md5(usedforsecurity=False)
    with tempfile.NamedTemporaryFile(prefix="dubflow-part-") as spool:
        received = 0
        pending: list[bytes] = []
        pending_bytes = 0
        async for chunk in body:
            received += len(chunk)
            if received > expected:
                raise Problem(
                    413, "upload.part_too_large", f"part {number} must be {expected} bytes"
                )
            digest.update(chunk)
            pending.append(chunk)
            pending_bytes += len(chunk)
            if pending_bytes >= _SPOOL_WRITE_BYTES:
                await anyio.to_thread.run_sync(spool.write, b"".join(pending), limiter=threads)
                pending, pending_bytes = [], 0
        if received != expected:
            raise Problem(
                400,
                "upload.part_size_mismatch",
                f"part {number} must be {expected} bytes, got {received}",
            )
        await anyio.to_thread.run_sync(spool.write, b"".join(pending), limiter=threads)
        await anyio.to_thread.run_sync(spool.flush, limiter=threads)
        yield SpooledPart(Path(spool.name), received, f'"{digest.hexdigest()}"')


def store_part(
    database_url: str, storage: Storage, upload_id: str, number: int, part: SpooledPart
) -> ReceivedPart:
    """Move a spooled part into storage and record it (runs in a worker thread)."""
    with session_scope(database_url) as session:
        upload = session.get(Upload, upload_id)
        if upload is None:
            raise Problem(404, "upload.not_found", "no such upload")
        # Checked again: the upload may have been aborted or completed while the part arrived.
        _require_pending(upload)
        storage.store.put_file(part.path, part_key(upload.id, number))
        existing = session.get(UploadPart, (upload.id, number))
        if existing is None:
            session.add(
                UploadPart(
                    upload_id=upload.id,
                    part_number=number,
                    etag=part.etag,
                    size_bytes=part.size_bytes,
                )
            )
        else:
            existing.etag, existing.size_bytes = part.etag, part.size_bytes
            existing.received_at = utcnow()
    return ReceivedPart(part_number=number, etag=part.etag, size_bytes=part.size_bytes)


def _normalise(etag: str) -> str:
    return etag.strip().strip('"')


def complete(
    session: Session, storage: Storage, upload: Upload, parts: list[CompletedPart]
) -> Upload:
    _require_pending(upload)
    given = {part.part_number: _normalise(part.etag) for part in parts}
    if len(given) != len(parts):
        raise Problem(400, "upload.duplicate_part", "a part number is listed twice")
    out_of_range = [n for n in given if n > upload.part_count]
    if out_of_range:
        raise Problem(400, "upload.part_out_of_range", f"no such parts: {out_of_range}")
    received = {p.part_number: _normalise(p.etag) for p in received_parts(storage, upload)}
    missing = [n for n in range(1, upload.part_count + 1) if n not in received or n not in given]
    if missing:
        raise Problem(400, "upload.parts_missing", f"parts not received or listed: {missing}")
    wrong = [n for n, etag in given.items() if received[n] != etag]
    if wrong:
        raise Problem(400, "upload.etag_mismatch", f"ETags do not match for parts {wrong}")
    if storage.s3 and upload.s3_upload_id:
        listed = [(n, f'"{etag}"') for n, etag in sorted(given.items())]
        storage.s3.complete(upload.storage_key, upload.s3_upload_id, listed)
    else:
        _assemble_local(storage, upload)
    with storage.store.local_copy(upload.storage_key) as path:
        summary = media_summary(path)
    upload.completed_at = utcnow()
    if summary is None:
        upload.status, upload.error_code = "rejected", "upload.not_media"
        storage.store.delete_prefix(f"uploads/{upload.id}")
        session.commit()
        raise Problem(422, "upload.not_media", "the uploaded file is not a video ffprobe can read")
    upload.status, upload.media = "completed", summary.model_dump()
    session.commit()
    return upload


def _assemble_local(storage: Storage, upload: Upload) -> None:
    with tempfile.NamedTemporaryFile(prefix="dubflow-upload-") as whole:
        for number in range(1, upload.part_count + 1):
            key = part_key(upload.id, number)
            with storage.store.local_copy(key) as part, part.open("rb") as chunk:
                shutil.copyfileobj(chunk, whole, 1 << 20)
        whole.flush()
        storage.store.put_file(Path(whole.name), upload.storage_key)
    storage.store.delete_prefix(f"uploads/{upload.id}/parts")


def abort(session: Session, storage: Storage, upload: Upload) -> None:
    # An expired session may still be aborted by its owner: that is how it is cleaned up.
    _require_pending(upload, expired_ok=True)
    _discard(storage, upload)
    session.commit()


def _discard(storage: Storage, upload: Upload) -> None:
    if storage.s3 and upload.s3_upload_id:
        storage.s3.abort(upload.storage_key, upload.s3_upload_id)
    storage.store.delete_prefix(f"uploads/{upload.id}")
    upload.status = "aborted"
    if _expired(upload):
        upload.error_code = "upload.expired"


def discard_expired(database_url: str, storage: Storage) -> int:
    """Abort every pending upload past its expiry: parts deleted, S3 multipart uploads
    aborted, the session marked aborted (`upload.expired`). The number discarded."""
    with session_scope(database_url) as session:
        stale = session.scalars(
            select(Upload).where(Upload.status == "pending", Upload.expires_at < utcnow())
        ).all()
        for upload in stale:
            _discard(storage, upload)
        return len(stale)
