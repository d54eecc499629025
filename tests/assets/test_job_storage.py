"""Finding: a job's artifacts and outputs took storage no quota saw. Every stage measures what its
job now takes (the source not counted twice: it is the upload's), and the stored-bytes quota
counts it."""

import os
from pathlib import Path

import dagster as dg

from dubbing_api.core.config import ApiSettings
from dubbing_api.services import quotas
from dubbing_core import keys
from dubbing_core.db import migrate
from dubbing_core.db.models import Job, Upload, User, utcnow
from dubbing_core.db.session import session_scope
from testing.harness import make_pipeline
from testing.media import MEDIA, make_video


def _bytes_on_disk(directory: Path, but: Path) -> int:
    return sum(
        (Path(root) / name).stat().st_size
        for root, _, names in os.walk(directory)
        for name in names
        if Path(root) / name != but
    )


def test_stages_record_what_their_job_stores(tmp_path: Path, models_dir: Path):
    pipeline = make_pipeline(tmp_path, models_dir)
    video = make_video(tmp_path / "talk.mp4", MEDIA / "multilingual.mp3", seconds=4)
    job_id = pipeline.submit(video, ["es"])
    database = f"sqlite:///{(tmp_path / 'app.db').resolve()}"
    migrate(database)
    source_bytes = video.stat().st_size
    with session_scope(database) as session:
        session.add(User(id="u1", email="ana@example.com"))
        session.flush()
        session.add(
            Upload(
                id="up1",
                user_id="u1",
                filename=video.name,
                content_type="video/mp4",
                size_bytes=source_bytes,
                part_size=source_bytes,
                part_count=1,
                storage_key=keys.upload(job_id),
                status="completed",
                expires_at=utcnow(),
            )
        )
        session.flush()
        session.add(Job(id=job_id, user_id="u1", upload_id="up1", status="running"))

    result = pipeline.ingest(job_id, dg.AssetSelection.assets("source_video", "source_audio"))
    assert result.success

    job_dir = Path(pipeline.store.path(keys.job_prefix(job_id)))
    on_disk = _bytes_on_disk(job_dir, but=Path(pipeline.store.path(keys.upload(job_id))))
    assert on_disk > 10_000  # the extracted audio, at least
    with session_scope(database) as session:
        job = session.get(Job, job_id)
        user = session.get(User, "u1")
        assert job is not None and user is not None
        assert job.stored_bytes == on_disk
        settings = ApiSettings(data_dir=tmp_path)
        usage = quotas.usage(session, settings, user)["stored_bytes"].usage
        assert usage == source_bytes + on_disk
