"""Playback and downloads through short-lived signed URLs.

`GET /v1/jobs/{id}/playback` signs the HLS master playlist. Playlists are served with every URI
in them signed (with the same expiry), so a player only ever needs the one URL. Segments and
downloads are streamed from local storage, or redirected to presigned GETs on S3.
"""

import posixpath
import re
import time
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse, RedirectResponse, Response

from dubbing_api.api.deps import SessionDep, SettingsDep, StorageDep, UserDep
from dubbing_api.core.openapi import problems
from dubbing_api.core.problems import Problem
from dubbing_api.core.security import sign_path_until, signature_valid
from dubbing_api.schemas import Playback
from dubbing_api.services.jobs import owned_job
from dubbing_core import keys

router = APIRouter(tags=["playback"])

_URI_ATTRIBUTE = re.compile(r'URI="([^"]+)"')
_CONTENT_TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".ts": "video/mp2t",
    ".vtt": "text/vtt",
    ".srt": "application/x-subrip",
    ".mp4": "video/mp4",
    ".m4a": "audio/mp4",
}
# Only what a viewer may fetch: HLS files, and each language's MP4 and subtitles.
_SERVABLE = re.compile(
    r"^[A-Za-z0-9_-]+/(hls/[A-Za-z0-9_./-]+|[a-z]{2}/(dubbed\.mp4|subtitles\.(vtt|srt)))$"
)


@router.get(
    "/v1/jobs/{job_id}/playback",
    operation_id="getPlayback",
    summary="A short-lived signed URL of the job's HLS master playlist",
    description="The master lists every finished language as an audio and a subtitle rendition.",
    responses=problems(401, 404, 409),
)
def get_playback(
    job_id: str, user: UserDep, session: SessionDep, settings: SettingsDep, storage: StorageDep
) -> Playback:
    job = owned_job(session, user, job_id)
    if not storage.store.exists(keys.hls_master(job.id)):
        raise Problem(409, "playback.not_ready", "no language has finished yet")
    expires = int(time.time()) + settings.playback_url_ttl_seconds
    path = f"/v1/media/{keys.hls_master(job.id)}"
    return Playback(
        url=settings.public_url.rstrip("/") + sign_path_until(settings.secret, path, expires),
        expires_at=datetime.fromtimestamp(expires, UTC),
    )


def _sign_playlist(text: str, directory: str, secret: bytes, expires: int) -> str:
    def signed(uri: str) -> str:
        if "://" in uri or uri.startswith("/"):
            return uri
        return sign_path_until(secret, posixpath.normpath(f"{directory}/{uri}"), expires)

    lines = []
    for line in text.splitlines():
        if line.startswith("#"):
            line = _URI_ATTRIBUTE.sub(lambda m: f'URI="{signed(m.group(1))}"', line)
        elif line.strip():
            line = signed(line.strip())
        lines.append(line)
    return "\n".join(lines) + "\n"


@router.get(
    "/v1/media/jobs/{key:path}",
    operation_id="getMedia",
    summary="A playlist, segment or download, through its signed URL",
    description="No API key: the URL's own signature and expiry authorize it. Playlists come "
    "back with every URI signed; segments are streamed, or redirected to S3 presigned GETs.",
    responses=problems(403, 404),
)
def get_media(
    key: str,
    settings: SettingsDep,
    storage: StorageDep,
    expires: Annotated[int, Query()] = 0,
    signature: Annotated[str, Query()] = "",
) -> Response:
    path = f"/v1/media/jobs/{key}"
    if expires < time.time():
        raise Problem(403, "url.expired", "this URL has expired; ask for a new one")
    if not signature_valid(settings.secret, path, expires, signature):
        raise Problem(403, "url.signature_invalid", "the URL's signature is not valid")
    if not _SERVABLE.match(key) or ".." in key.split("/"):
        raise Problem(404, "media.not_found", "no such media")
    store_key = f"jobs/{key}"
    if not storage.store.exists(store_key):
        raise Problem(404, "media.not_found", "no such media")
    suffix = posixpath.splitext(key)[1]
    media_type = _CONTENT_TYPES.get(suffix, "application/octet-stream")
    if suffix == ".m3u8":
        text = storage.store.read_bytes(store_key).decode()
        directory = posixpath.dirname(path)
        body = _sign_playlist(text, directory, settings.secret, expires)
        return Response(body, media_type=media_type, headers={"Cache-Control": "no-store"})
    if storage.s3:
        ttl = max(int(expires - time.time()), 1)
        return RedirectResponse(storage.s3.get_url(store_key, ttl), status_code=307)
    return FileResponse(storage.store.path(store_key), media_type=media_type)
