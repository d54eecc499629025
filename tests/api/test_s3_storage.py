"""The API on S3 storage (a real `rclone serve s3` endpoint): presigned multipart uploads that
bypass the API, resume from S3's own part list, server-side copies, and playback segments
redirected to presigned GETs."""

import hashlib
import subprocess
import uuid
from pathlib import Path

import httpx
import pytest
from botocore.exceptions import ClientError
from fastapi.testclient import TestClient

from dubbing_api.core.config import ApiSettings
from dubbing_api.main import create_app
from dubbing_api.storage import Storage
from dubbing_core import keys
from dubbing_core.db.models import Upload
from dubbing_core.db.session import session_scope
from dubflow_cli.admin import create_key, create_user
from testing.media import MEDIA, make_video
from testing.servers import S3_ACCESS_KEY, S3_SECRET_KEY, S3Server

FIVE_MIB = 5 * 1024 * 1024


@pytest.fixture
def settings(s3: S3Server, tmp_path: Path) -> ApiSettings:
    return ApiSettings(
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'app.db'}",
        storage_url=s3.root(f"api-{uuid.uuid4().hex[:8]}"),
        s3_endpoint_url=s3.endpoint_url,
        s3_access_key=S3_ACCESS_KEY,
        s3_secret_key=S3_SECRET_KEY,
        public_url="http://testserver",
        signing_secret="test-secret",
        part_size_bytes=64 * 1024,
        max_upload_bytes=50 * 1024 * 1024,
        dagster_graphql_url="http://127.0.0.1:9/graphql",
    )


@pytest.fixture
def client(settings: ApiSettings):
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def alice(client: TestClient, settings: ApiSettings) -> dict[str, str]:
    create_user(settings.resolved_database_url, "alice@example.com")
    return {
        "Authorization": f"Bearer {create_key(settings.resolved_database_url, 'alice@example.com')}"
    }


@pytest.fixture(scope="module")
def big_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real video just over S3's 5 MiB minimum part size, so it needs two parts."""
    path = make_video(
        tmp_path_factory.mktemp("s3video") / "big.mp4",
        MEDIA / "multilingual.mp3",
        seconds=14,
        size="640x360",
        lossless=True,
    )
    assert path.stat().st_size > FIVE_MIB
    return path


def _create(client: TestClient, headers: dict[str, str], size: int, name: str = "big.mp4") -> dict:
    response = client.post(
        "/v1/uploads",
        json={"filename": name, "contentType": "video/mp4", "sizeBytes": size},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


def _put(url: str, data: bytes) -> httpx.Response:
    return httpx.put(url, content=data, timeout=30)


def test_presigned_multipart_upload_resumes_from_s3_and_completes(
    client, alice, settings, big_video
):
    data = big_video.read_bytes()
    session = _create(client, alice, len(data))
    parts = session["parts"]
    assert session["partSize"] == FIVE_MIB and len(parts) == 2
    assert all(p["url"].startswith(settings.s3_endpoint_url) for p in parts)
    assert all("X-Amz-Signature=" in p["url"] for p in parts)

    first = _put(parts[0]["url"], data[:FIVE_MIB])
    assert first.status_code == 200, first.text
    # A client that lost its state asks the API what S3 already holds.
    state = client.get(f"/v1/uploads/{session['id']}", headers=alice).json()
    assert [p["partNumber"] for p in state["receivedParts"]] == [1]
    assert state["receivedParts"][0]["etag"] == first.headers["ETag"].strip('"')
    assert state["missingParts"] == [2]

    forged = parts[1]["url"].replace("X-Amz-Signature=", "X-Amz-Signature=0")
    assert _put(forged, data[FIVE_MIB:]).status_code == 403
    second = _put(parts[1]["url"], data[FIVE_MIB:])
    assert second.status_code == 200

    etags = [first.headers["ETag"], second.headers["ETag"]]
    done = client.post(
        f"/v1/uploads/{session['id']}/complete",
        json={"parts": [{"partNumber": n, "etag": e} for n, e in enumerate(etags, start=1)]},
        headers=alice,
    )
    assert done.status_code == 200, done.text
    assert done.json()["media"]["audioCodec"] == "aac"
    store = Storage(settings).store
    assert store.sha256(f"uploads/{session['id']}/source") == _sha256(big_video)

    job = client.post(
        "/v1/jobs",
        json={"uploadId": session["id"], "sourceLanguage": "en", "targets": [{"language": "es"}]},
        headers=alice,
    )
    assert job.status_code == 201, job.text
    # The job's copy of the source is a server-side copy inside the bucket.
    assert store.size(keys.upload(job.json()["id"])) == len(data)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_wrong_etag_and_abort_on_s3(client, alice, settings, big_video):
    data = big_video.read_bytes()[: FIVE_MIB + 10]
    session = _create(client, alice, len(data))
    for part, chunk in zip(session["parts"], (data[:FIVE_MIB], data[FIVE_MIB:]), strict=True):
        assert _put(part["url"], chunk).status_code == 200
    wrong = client.post(
        f"/v1/uploads/{session['id']}/complete",
        json={"parts": [{"partNumber": 1, "etag": "0" * 32}, {"partNumber": 2, "etag": "1" * 32}]},
        headers=alice,
    )
    assert wrong.status_code == 400 and wrong.json()["code"] == "upload.etag_mismatch"

    with session_scope(settings.resolved_database_url) as db:
        s3_upload_id = db.get(Upload, session["id"]).s3_upload_id
    storage = Storage(settings)
    assert storage.s3 is not None and s3_upload_id
    assert len(storage.s3.list_parts(f"uploads/{session['id']}/source", s3_upload_id)) == 2

    assert client.delete(f"/v1/uploads/{session['id']}", headers=alice).status_code == 204
    with pytest.raises(ClientError):  # S3 no longer knows the multipart upload
        storage.s3.list_parts(f"uploads/{session['id']}/source", s3_upload_id)


def test_non_media_upload_on_s3_is_rejected(client, alice, settings):
    data = b"not a video at all " * (FIVE_MIB // 19 + 1)
    session = _create(client, alice, len(data), name="notes.mp4")
    parts = session["parts"]
    etags = [
        _put(parts[0]["url"], data[:FIVE_MIB]).headers["ETag"],
        _put(parts[1]["url"], data[FIVE_MIB:]).headers["ETag"],
    ]
    done = client.post(
        f"/v1/uploads/{session['id']}/complete",
        json={"parts": [{"partNumber": n, "etag": e} for n, e in enumerate(etags, start=1)]},
        headers=alice,
    )
    assert done.status_code == 422 and done.json()["code"] == "upload.not_media"
    assert Storage(settings).store.list(f"uploads/{session['id']}") == []


def test_playback_on_s3_redirects_segments_to_presigned_gets(
    client, alice, settings, big_video, tmp_path
):
    data = big_video.read_bytes()
    session = _create(client, alice, len(data))
    etags = [
        _put(part["url"], data[(n - 1) * FIVE_MIB : n * FIVE_MIB]).headers["ETag"]
        for n, part in enumerate(session["parts"], start=1)
    ]
    client.post(
        f"/v1/uploads/{session['id']}/complete",
        json={"parts": [{"partNumber": n, "etag": e} for n, e in enumerate(etags, start=1)]},
        headers=alice,
    )
    job_id = client.post(
        "/v1/jobs",
        json={"uploadId": session["id"], "sourceLanguage": "en", "targets": [{"language": "es"}]},
        headers=alice,
    ).json()["id"]
    assert client.get(f"/v1/jobs/{job_id}/playback", headers=alice).status_code == 409
    # What the packaging stage publishes: a real HLS tree (here cut from the source by ffmpeg).
    hls = tmp_path / "hls"
    (hls / "video").mkdir(parents=True)
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-i",
            str(big_video),
            "-c",
            "copy",
            "-f",
            "hls",
            "-hls_time",
            "4",
            "-hls_playlist_type",
            "vod",
            str(hls / "video" / "index.m3u8"),
        ],
        check=True,
    )
    (hls / "master.m3u8").write_text(
        '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1000000,CODECS="avc1.640015,mp4a.40.2"\n'
        "video/index.m3u8\n"
    )
    store = Storage(settings).store
    store.put_tree(hls, keys.hls_prefix(job_id), last="master.m3u8")

    playback = client.get(f"/v1/jobs/{job_id}/playback", headers=alice)
    assert playback.status_code == 200, playback.text
    master = client.get(playback.json()["url"])
    assert master.status_code == 200
    media_uri = master.text.splitlines()[-1]
    playlist = client.get(media_uri)
    assert playlist.status_code == 200
    segment_uri = next(line for line in playlist.text.splitlines() if ".ts" in line)
    redirect = client.get(segment_uri, follow_redirects=False)
    assert redirect.status_code == 307
    presigned = redirect.headers["location"]
    assert presigned.startswith(settings.s3_endpoint_url) and "X-Amz-Signature=" in presigned
    segment = httpx.get(presigned, timeout=30)
    assert segment.status_code == 200 and segment.content[:1] == b"\x47"  # MPEG-TS sync byte
    tampered = segment_uri.replace("signature=", "signature=0")
    assert client.get(tampered, follow_redirects=False).status_code == 403
