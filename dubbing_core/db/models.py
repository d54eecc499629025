"""The application database: users, keys, uploads, jobs, their stages, and the outbox.

This schema is the meeting point of the API and the pipeline: the API writes jobs and outbox
events, the pipeline (`resources/jobstore.py`) reads the events and writes stage progress.
"""

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return uuid.uuid4().hex


class Base(DeclarativeBase):
    type_annotation_map = {datetime: DateTime(timezone=True), dict[str, Any]: JSON}  # noqa: RUF012


class User(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    # "user", or "admin" (sees the internals: Dagster links, run workers).
    role: Mapped[str] = mapped_column(String(16), default="user", server_default="user")
    # Per-user quota overrides (`dubflow users set-quota`); None means the configured default.
    max_upload_bytes: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    max_concurrent_jobs: Mapped[int | None] = mapped_column(Integer, nullable=True)
    max_queued_jobs: Mapped[int | None] = mapped_column(Integer, nullable=True)
    max_media_minutes_per_day: Mapped[float | None] = mapped_column(Float, nullable=True)
    max_stored_bytes: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # The glossary new jobs get when they name none (`dubbing_core.glossary.GlossaryTerm`s).
    glossary: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A disabled user's keys stop working at once (`dubflow users disable`).
    disabled_at: Mapped[datetime | None] = mapped_column(nullable=True)


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The first characters of the key, to find its row; the key itself is only stored hashed.
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    hash: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(nullable=True)

    user: Mapped[User] = relationship()


class Upload(Base):
    __tablename__ = "uploads"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(127))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    part_size: Mapped[int] = mapped_column(BigInteger)
    part_count: Mapped[int] = mapped_column(Integer)
    # pending -> completed | aborted | rejected
    status: Mapped[str] = mapped_column(String(16), default="pending")
    storage_key: Mapped[str] = mapped_column(String(512))
    s3_upload_id: Mapped[str | None] = mapped_column(String(512), nullable=True)
    error_code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    media: Mapped[dict[str, Any] | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    completed_at: Mapped[datetime | None] = mapped_column(nullable=True)

    parts: Mapped[list["UploadPart"]] = relationship(
        cascade="all, delete-orphan", order_by="UploadPart.part_number"
    )


class UploadPart(Base):
    """A part received by the API's own part endpoint (local storage; S3 tracks its own)."""

    __tablename__ = "upload_parts"

    upload_id: Mapped[str] = mapped_column(
        ForeignKey("uploads.id", ondelete="CASCADE"), primary_key=True
    )
    part_number: Mapped[int] = mapped_column(Integer, primary_key=True)
    etag: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_user_created", "user_id", "created_at", "id"),
        Index("ix_jobs_user_status", "user_id", "status"),
        # The daily media-minutes quota: the user's jobs of the last 24 hours, summed from the
        # index alone.
        Index("ix_jobs_user_minutes", "user_id", "created_at", "source_seconds"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    upload_id: Mapped[str] = mapped_column(ForeignKey("uploads.id"))
    source_language: Mapped[str] = mapped_column(String(8), default="auto")
    detected_language: Mapped[str | None] = mapped_column(String(8), nullable=True)
    # queued -> running -> succeeded | failed | cancelled
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    error_code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    error_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    logs_key: Mapped[str | None] = mapped_column(String(512), nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # Bytes of the job's artifacts and outputs in storage (not its source, which is the
    # upload's): measured by the pipeline after every stage, counted in the stored-bytes quota.
    stored_bytes: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # The source's duration (the upload's), counted in the daily media-minutes quota.
    source_seconds: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    # When the owner deleted the job's stored data; the row stays as a tombstone.
    data_deleted_at: Mapped[datetime | None] = mapped_column(nullable=True)

    languages: Mapped[list["JobLanguage"]] = relationship(
        cascade="all, delete-orphan", order_by="JobLanguage.position"
    )
    stages: Mapped[list["StageRun"]] = relationship(
        cascade="all, delete-orphan", order_by="StageRun.id"
    )
    attempts: Mapped[list["StageAttempt"]] = relationship(
        cascade="all, delete-orphan", order_by="StageAttempt.id"
    )
    # What was asked of the job, in order: its history.
    requests: Mapped[list["OutboxEvent"]] = relationship(viewonly=True, order_by="OutboxEvent.id")


class CustomPreset(Base):
    """A user's own preset (`dubbing_core.presets.PresetSettings`); every change bumps `version`,
    and the re-dub schedule re-dubs the languages of finished jobs dubbed with an older one."""

    __tablename__ = "presets"
    __table_args__ = (UniqueConstraint("user_id", "name"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(String(500), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    settings: Mapped[dict[str, Any]] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class JobLanguage(Base):
    __tablename__ = "job_languages"

    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    lang: Mapped[str] = mapped_column(String(8), primary_key=True)
    preset: Mapped[str] = mapped_column(String(64))
    # The custom preset the language is dubbed with (None: a built-in one, or a custom one since
    # deleted) and the version its request records.
    preset_id: Mapped[str | None] = mapped_column(
        ForeignKey("presets.id", ondelete="SET NULL"), nullable=True, index=True
    )
    preset_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    position: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    finished_at: Mapped[datetime | None] = mapped_column(nullable=True)


class StageRun(Base):
    """One stage of a job (lang "" for job-level stages): its latest attempt's state."""

    __tablename__ = "stage_runs"
    __table_args__ = (UniqueConstraint("job_id", "lang", "stage"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    lang: Mapped[str] = mapped_column(String(8), default="")
    stage: Mapped[str] = mapped_column(String(32))
    # pending -> running -> succeeded | failed | cancelled
    status: Mapped[str] = mapped_column(String(16), default="pending")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    attempt: Mapped[int] = mapped_column(Integer, default=0)
    run_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(nullable=True)
    duration_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    error_code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    error_message: Mapped[str | None] = mapped_column(Text, nullable=True)


class StageAttempt(Base):
    """Every attempt of every stage, kept: the history behind retries and the stage metrics."""

    __tablename__ = "stage_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    lang: Mapped[str] = mapped_column(String(8), default="")
    stage: Mapped[str] = mapped_column(String(32), index=True)
    attempt: Mapped[int] = mapped_column(Integer)
    run_id: Mapped[str] = mapped_column(String(64))
    # host:pid of the process that ran the attempt, to find (or kill) a stuck run worker.
    worker: Mapped[str] = mapped_column(String(128))
    # running -> succeeded | retrying | failed | cancelled
    status: Mapped[str] = mapped_column(String(16), default="running")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(nullable=True)
    duration_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    # Time since the previous attempt of this stage ended (the retry's back-off), if any.
    wait_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    error_code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    error_message: Mapped[str | None] = mapped_column(Text, nullable=True)


class OutboxEvent(Base):
    """What the API asks the pipeline to do; the submissions sensor reads it in id order."""

    __tablename__ = "outbox_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    # job.submitted | job.retry | job.languages_added | job.redub, and units.edited (for the
    # job's history only: no run follows an edit)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_keys"

    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    endpoint: Mapped[str] = mapped_column(String(64))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict[str, Any]] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RateLimitCounter(Base):
    """A fixed-window counter of the API's rate limits, shared by every API replica."""

    __tablename__ = "rate_limit_counters"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    # Seconds since the epoch when the window ends.
    expires_at: Mapped[float] = mapped_column(Float)


# PostgreSQL's NOTIFY channel for new job events (the migration that made the triggers spells it
# too: migrations do not import the models).
JOB_EVENTS_CHANNEL = "dubflow_job_events"


class JobEvent(Base):
    """A change of a job, a stage or a language, in commit order: written by database triggers
    (migration 0006), so every writer produces events; read by the API's live progress streams."""

    __tablename__ = "job_events"
    __table_args__ = (Index("ix_job_events_job_id", "job_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    # job.status | stage.status | stage.progress | language.ready
    kind: Mapped[str] = mapped_column(String(32))
    stage: Mapped[str | None] = mapped_column(String(32), nullable=True)
    lang: Mapped[str | None] = mapped_column(String(8), nullable=True)
    status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    progress: Mapped[float | None] = mapped_column(Float, nullable=True)
    error_code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column()
