"""Per-user quotas: defaults from the environment (`DUBFLOW_QUOTA_*`), overrides per user
(`dubflow users set-quota`), usage counted from the application database.

A request over a quota gets a problem document with a stable code (`quota.<name>`), the limit,
the usage and, where it frees up by itself, when (`freesAt`, and `Retry-After` on a 429).
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from dubbing_api.core.config import ApiSettings
from dubbing_api.core.problems import Problem
from dubbing_core.db.models import Job, Upload, User, utcnow

DAY = timedelta(days=1)
# Uploads that hold (or reserve) storage: a pending upload counts by its declared size.
_STORING = ("pending", "completed")


@dataclass(frozen=True)
class Quota:
    limit: float
    usage: float
    unit: str


def _limits(settings: ApiSettings, user: User) -> dict[str, tuple[float, str]]:
    def pick(override: float | None, default: float) -> float:
        return default if override is None else override

    return {
        "upload_bytes": (pick(user.max_upload_bytes, settings.max_upload_bytes), "bytes"),
        "stored_bytes": (pick(user.max_stored_bytes, settings.quota_stored_bytes), "bytes"),
        "concurrent_jobs": (
            pick(user.max_concurrent_jobs, settings.quota_concurrent_jobs),
            "jobs",
        ),
        "queued_jobs": (pick(user.max_queued_jobs, settings.quota_queued_jobs), "jobs"),
        "media_minutes_per_day": (
            pick(user.max_media_minutes_per_day, settings.quota_media_minutes_per_day),
            "minutes",
        ),
    }


def _job_counts(session: Session, user: User) -> tuple[int, int]:
    """(queued or running, queued): the user's jobs that hold a job quota, in one query on
    ix_jobs_user_status."""
    rows = session.execute(
        select(Job.status, func.count())
        .where(Job.user_id == user.id, Job.status.in_(("queued", "running")))
        .group_by(Job.status)
    )
    counts = dict(rows.tuples().all())
    return counts.get("queued", 0) + counts.get("running", 0), counts.get("queued", 0)


def _stored_bytes(session: Session, user: User) -> int:
    """The user's uploads and their jobs' artifacts and outputs (as the pipeline measured them)."""
    uploads = select(func.coalesce(func.sum(Upload.size_bytes), 0))
    uploads = uploads.where(Upload.user_id == user.id, Upload.status.in_(_STORING))
    jobs = select(func.coalesce(func.sum(Job.stored_bytes), 0)).where(Job.user_id == user.id)
    return int(session.scalar(uploads) or 0) + int(session.scalar(jobs) or 0)


def _today(user: User) -> Any:
    return (Job.user_id == user.id) & (Job.created_at >= utcnow() - DAY)


def _minutes_used_today(session: Session, user: User) -> float:
    """The source minutes of the user's jobs of the last 24 hours, summed by the database from
    ix_jobs_user_minutes: a busy user has thousands of jobs in a day, too many to read (or to
    join to their uploads) on every create."""
    return float(session.scalar(select(func.sum(Job.source_seconds)).where(_today(user))) or 0) / 60


def _minutes_today(session: Session, user: User) -> list[tuple[datetime, float]]:
    """(created, source minutes) of the user's jobs of the last 24 hours, oldest first."""
    rows = session.execute(
        select(Job.created_at, Job.source_seconds).where(_today(user)).order_by(Job.created_at)
    )
    return [(created.replace(tzinfo=UTC), float(seconds) / 60) for created, seconds in rows]


def usage(session: Session, settings: ApiSettings, user: User) -> dict[str, Quota]:
    """Every quota of the user with its current usage (`GET /v1/me`)."""
    active, queued = _job_counts(session, user)
    counted = {
        "upload_bytes": 0.0,  # a limit per upload, not a running total
        "stored_bytes": float(_stored_bytes(session, user)),
        "concurrent_jobs": float(active),
        "queued_jobs": float(queued),
        "media_minutes_per_day": round(_minutes_used_today(session, user), 3),
    }
    return {
        name: Quota(limit=limit, usage=counted[name], unit=unit)
        for name, (limit, unit) in _limits(settings, user).items()
    }


def _over(
    name: str, status: int, limit: float, used: float, detail: str, frees_at: datetime | None
) -> Problem:
    problem = Problem(
        status,
        f"quota.{name}",
        detail,
        limit=limit,
        usage=used,
        freesAt=frees_at.isoformat() if frees_at else None,
    )
    if frees_at is not None:
        seconds = max(int((frees_at - utcnow()).total_seconds()) + 1, 1)
        problem.headers["Retry-After"] = str(seconds)
    return problem


def one_at_a_time(session: Session, user: User) -> None:
    """Hold the user's row until the caller's transaction ends, so two creates at the same moment
    cannot both pass a quota (nor a retry queue a job whose data is being deleted). A write that
    changes nothing does it on every database: PostgreSQL locks the row; SQLite, which has no
    row locks, takes its write lock, and the counts that follow are read inside that write
    transaction (a plain SELECT would not start one)."""
    session.execute(
        update(User)
        .where(User.id == user.id)
        .values(id=User.id)
        .execution_options(synchronize_session=False)
    )


def check_upload(session: Session, settings: ApiSettings, user: User, size: int) -> None:
    one_at_a_time(session, user)
    limits = _limits(settings, user)
    per_upload = limits["upload_bytes"][0]
    if size > per_upload:
        raise Problem(
            413,
            "upload.too_large",
            f"{size} bytes is over the limit of {int(per_upload)}",
            limit=per_upload,
        )
    stored_limit = limits["stored_bytes"][0]
    stored = _stored_bytes(session, user)
    if stored + size > stored_limit:
        raise _over(
            "stored_bytes",
            403,
            stored_limit,
            stored,
            "your uploads and jobs would take more storage than your quota: delete some",
            None,
        )


def check_job(
    session: Session, settings: ApiSettings, user: User, source_seconds: float, *, hold: bool
) -> None:
    """Raise the problem of the first job quota the new job would exceed. With `hold`, the
    user's row is held until the transaction ends (a check that can be trusted: see
    `one_at_a_time`); without, it is a cheap early answer that a later held check must
    confirm."""
    if hold:
        one_at_a_time(session, user)
    limits = _limits(settings, user)
    active, queued = _job_counts(session, user)
    if active >= limits["concurrent_jobs"][0]:
        raise _over(
            "concurrent_jobs",
            429,
            limits["concurrent_jobs"][0],
            active,
            "too many of your jobs are queued or running: wait for one to finish",
            None,
        )
    if queued >= limits["queued_jobs"][0]:
        raise _over(
            "queued_jobs",
            429,
            limits["queued_jobs"][0],
            queued,
            "too many of your jobs are waiting to start",
            None,
        )
    used = _minutes_used_today(session, user)
    allowed = limits["media_minutes_per_day"][0]
    if used + source_seconds / 60 > allowed:
        # Frees up as the day's oldest jobs leave the 24-hour window: only now are they read.
        needed = used + source_seconds / 60 - allowed
        frees_at = None
        for created, minutes in _minutes_today(session, user):
            needed -= minutes
            if needed <= 0:
                frees_at = created + DAY
                break
        raise _over(
            "media_minutes_per_day",
            429,
            allowed,
            round(used, 3),
            "this job would take you over your media minutes for 24 hours",
            frees_at,
        )
