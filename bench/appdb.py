"""Jobs written straight into the application database, as the API would record them: the one
job the in-process stage benchmark tracks, and the 10,000 the load and scale benchmarks need
(far quicker than 10,000 API calls, and the rows are the same)."""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select

from dubbing_core.db import migrate
from dubbing_core.db.models import (
    Job,
    JobLanguage,
    StageAttempt,
    StageRun,
    Upload,
    User,
)
from dubbing_core.db.session import session_scope
from dubbing_core.stages import JOB_STAGES, LANGUAGE_STAGES
from dubflow_cli.admin import create_key, create_user, set_quota

# Rows per INSERT statement: large enough to be quick, small enough for SQLite's variable limit.
_CHUNK = 2000


def user_key(url: str, email: str, role: str = "user") -> tuple[str, str]:
    """(user id, a new API key) for `email`, creating the user (with `role`) if needed."""
    migrate(url)
    with session_scope(url) as session:
        user_id = session.scalar(select(User.id).where(User.email == email))
    if user_id is None:
        user_id = create_user(url, email, "benchmark", role)
        # The benchmarks measure the API, not its quotas: this user may create without limit.
        set_quota(
            url,
            email,
            max_concurrent_jobs=1 << 30,
            max_queued_jobs=1 << 30,
            max_media_minutes_per_day=1e12,
            max_stored_bytes=1 << 60,
        )
    return user_id, create_key(url, email, "benchmark")


def _insert(session: Any, model: type, rows: list[dict[str, Any]]) -> None:
    for first in range(0, len(rows), _CHUNK):
        session.execute(insert(model), rows[first : first + _CHUNK])


def insert_jobs(
    url: str,
    user_id: str,
    job_ids: Sequence[str],
    langs: Sequence[str],
    *,
    finished: bool,
    stage_seconds: float = 1.0,
) -> None:
    """Record `job_ids` (newest first) for `user_id`, each with `langs` and every stage's row:
    queued with pending stages as just created, or succeeded with one attempt per stage."""
    now = datetime.now(UTC)
    status = "succeeded" if finished else "queued"
    upload_id = uuid.uuid4().hex
    jobs, languages, stages, attempts = [], [], [], []
    for index, job_id in enumerate(job_ids):
        created = now - timedelta(seconds=60 * index)
        done = created + timedelta(seconds=30) if finished else None
        jobs.append(
            {
                "id": job_id,
                "user_id": user_id,
                "upload_id": upload_id,
                "source_language": "en",
                "detected_language": "en" if finished else None,
                "status": status,
                "created_at": created,
                "updated_at": done or created,
                "finished_at": done,
            }
        )
        languages += [
            {
                "job_id": job_id,
                "lang": lang,
                "preset": "default",
                "position": position,
                "status": status,
                "finished_at": done,
            }
            for position, lang in enumerate(langs)
        ]
        pairs = [("", stage) for stage in JOB_STAGES]
        pairs += [(lang, stage) for lang in langs for stage in LANGUAGE_STAGES]
        for lang, stage in pairs:
            run_id = uuid.uuid4().hex if finished else None
            stages.append(
                {
                    "job_id": job_id,
                    "lang": lang,
                    "stage": stage,
                    "status": "succeeded" if finished else "pending",
                    "progress": 1.0 if finished else 0.0,
                    "attempt": 1 if finished else 0,
                    "run_id": run_id,
                    "started_at": created if finished else None,
                    "finished_at": done,
                    "duration_s": stage_seconds if finished else None,
                }
            )
            if finished:
                attempts.append(
                    {
                        "job_id": job_id,
                        "lang": lang,
                        "stage": stage,
                        "attempt": 1,
                        "run_id": run_id,
                        "worker": "bench:0",
                        "status": "succeeded",
                        "started_at": created,
                        "finished_at": done,
                        "duration_s": stage_seconds,
                    }
                )
    with session_scope(url) as session:
        session.execute(
            insert(Upload),
            {
                "id": upload_id,
                "user_id": user_id,
                "filename": "bench.mp4",
                "content_type": "video/mp4",
                "size_bytes": 1,
                "part_size": 1,
                "part_count": 1,
                "status": "completed",
                "storage_key": f"uploads/{upload_id}/source",
                "expires_at": now + timedelta(days=1),
                "completed_at": now,
            },
        )
        for model, rows in (
            (Job, jobs),
            (JobLanguage, languages),
            (StageRun, stages),
            (StageAttempt, attempts),
        ):
            _insert(session, model, rows)
