"""JobStore: the application database as the pipeline sees it.

Sensors read the outbox through it; stages report start, progress, success and failure into it,
so the API can show per-stage state however many processes or machines run the stages. Jobs the
API does not know (e.g. started by `dubflow dub`) are simply not tracked.
"""

import os
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import dagster as dg
from sqlalchemy import func, select, update

from dubbing_core import keys
from dubbing_core.db import migrate, transitions
from dubbing_core.db.models import (
    CustomPreset,
    Job,
    JobLanguage,
    OutboxEvent,
    StageAttempt,
    StageRun,
    utcnow,
)
from dubbing_core.db.session import session_scope
from dubbing_core.presets import CustomPresetUse, PresetSettings
from dubbing_core.statuses import FINISHED


@dataclass(frozen=True)
class Event:
    id: int
    job_id: str
    kind: str
    payload: dict[str, Any]
    job_status: str
    # The user the job belongs to, and how many of their unfinished jobs are older than it.
    tenant: str = ""
    tenant_backlog: int = 0


@dataclass(frozen=True)
class PresetChange:
    """A dubbed language whose custom preset has changed since: the preset as it is now."""

    job_id: str
    lang: str
    name: str
    preset: CustomPresetUse


@lru_cache(maxsize=8)
def _migrated(url: str) -> str:
    migrate(url)
    return url


class JobStore(dg.ConfigurableResource):
    database_url: str

    @property
    def url(self) -> str:
        return _migrated(self.database_url)

    def events_after(self, cursor: int, limit: int = 100) -> list[Event]:
        with session_scope(self.url) as session:
            rows = session.execute(
                select(OutboxEvent, Job)
                .join(Job, Job.id == OutboxEvent.job_id)
                .where(OutboxEvent.id > cursor)
                .order_by(OutboxEvent.id)
                .limit(limit)
            ).all()
            return [
                Event(
                    e.id,
                    e.job_id,
                    e.kind,
                    dict(e.payload),
                    job.status,
                    job.user_id,
                    self._older_unfinished(session, job),
                )
                for e, job in rows
            ]

    @staticmethod
    def _older_unfinished(session: Any, job: Job) -> int:
        query = select(func.count()).select_from(Job)
        query = query.where(
            Job.user_id == job.user_id,
            Job.status.in_(("queued", "running")),
            Job.created_at < job.created_at,
        )
        return int(session.scalar(query) or 0)

    def preset_changes(self, limit: int) -> list[PresetChange]:
        """Succeeded languages of finished jobs dubbed with an older version of their custom
        preset (an unfinished job's runs use the version it has; its turn comes once it ends)."""
        with session_scope(self.url) as session:
            rows = session.execute(
                select(JobLanguage.job_id, JobLanguage.lang, CustomPreset)
                .join(CustomPreset, CustomPreset.id == JobLanguage.preset_id)
                .join(Job, Job.id == JobLanguage.job_id)
                .where(
                    JobLanguage.preset_version != CustomPreset.version,
                    JobLanguage.status == "succeeded",
                    Job.status.in_(FINISHED),
                )
                .order_by(JobLanguage.job_id, JobLanguage.lang)
                .limit(limit)
            ).all()
            return [
                PresetChange(
                    job_id,
                    lang,
                    preset.name,
                    CustomPresetUse(
                        id=preset.id,
                        version=preset.version,
                        settings=PresetSettings.model_validate(preset.settings),
                    ),
                )
                for job_id, lang, preset in rows
            ]

    def preset_applied(self, change: PresetChange) -> None:
        """The language's request now records the preset's version in `change`."""
        with session_scope(self.url) as session:
            language = session.get(JobLanguage, (change.job_id, change.lang))
            if language is not None:
                language.preset, language.preset_version = change.name, change.preset.version

    def languages(self, job: str) -> list[str]:
        with session_scope(self.url) as session:
            return list(
                session.scalars(
                    select(JobLanguage.lang)
                    .where(JobLanguage.job_id == job)
                    .order_by(JobLanguage.position)
                )
            )

    def job_status(self, job: str) -> str | None:
        with session_scope(self.url) as session:
            return session.scalar(select(Job.status).where(Job.id == job))

    def _stage(self, session: Any, job: str, lang: str, stage: str) -> tuple[Job, StageRun] | None:
        job_row = session.get(Job, job)
        if job_row is None:
            return None
        row = session.scalar(
            select(StageRun).where(
                StageRun.job_id == job, StageRun.lang == lang, StageRun.stage == stage
            )
        )
        if row is None:
            row = StageRun(job_id=job, lang=lang, stage=stage, attempt=0, progress=0.0)
            session.add(row)
        return job_row, row

    def stage_started(self, job: str, lang: str, stage: str, run_id: str, attempt: int) -> None:
        with session_scope(self.url) as session:
            found = self._stage(session, job, lang, stage)
            if found is None:
                return
            job_row, row = found
            row.status, row.progress, row.attempt, row.run_id = "running", 0.0, attempt, run_id
            row.started_at, row.finished_at, row.duration_s = utcnow(), None, None
            row.error_code = row.error_message = None
            job_row.logs_key = keys.run_log(job, run_id)
            session.add(self._new_attempt(session, job, lang, stage, attempt, run_id))
            if job_row.status == "queued":
                job_row.status = "running"
            language = session.get(JobLanguage, (job, lang)) if lang else None
            if language is not None and language.status == "queued":
                language.status = "running"

    @staticmethod
    def _latest_attempt(session: Any, job: str, lang: str, stage: str) -> StageAttempt | None:
        attempt: StageAttempt | None = session.scalar(
            select(StageAttempt)
            .where(StageAttempt.job_id == job, StageAttempt.lang == lang)
            .where(StageAttempt.stage == stage)
            .order_by(StageAttempt.id.desc())
            .limit(1)
        )
        return attempt

    def _new_attempt(
        self, session: Any, job: str, lang: str, stage: str, attempt: int, run_id: str
    ) -> StageAttempt:
        now = utcnow()
        previous = self._latest_attempt(session, job, lang, stage)
        wait_s = None
        if previous is not None and previous.status == "retrying" and previous.finished_at:
            finished = previous.finished_at.replace(tzinfo=now.tzinfo)
            wait_s = round((now - finished).total_seconds(), 3)
        return StageAttempt(
            job_id=job,
            lang=lang,
            stage=stage,
            attempt=attempt,
            run_id=run_id,
            worker=f"{socket.gethostname()}:{os.getpid()}",
            status="running",
            started_at=now,
            wait_s=wait_s,
        )

    def stage_progress(self, job: str, lang: str, stage: str, fraction: float) -> None:
        with session_scope(self.url) as session:
            session.execute(
                update(StageRun)
                .where(StageRun.job_id == job, StageRun.lang == lang, StageRun.stage == stage)
                .values(progress=max(0.0, min(fraction, 1.0)))
            )

    def stage_finished(
        self,
        job: str,
        lang: str,
        stage: str,
        *,
        status: str,
        duration_s: float,
        error_code: str | None = None,
        error_message: str | None = None,
    ) -> None:
        """Record the end of an attempt: `succeeded`, `retrying` or `failed`."""
        with session_scope(self.url) as session:
            found = self._stage(session, job, lang, stage)
            if found is None:
                return
            job_row, row = found
            if status != "succeeded" and job_row.status == "cancelled":
                status = "cancelled"
            row.status, row.duration_s, row.finished_at = status, round(duration_s, 3), utcnow()
            row.error_code, row.error_message = error_code, error_message
            attempt = self._latest_attempt(session, job, lang, stage)
            if attempt is not None and attempt.status == "running":
                attempt.status, attempt.finished_at = status, row.finished_at
                attempt.duration_s = row.duration_s
                attempt.error_code, attempt.error_message = error_code, error_message
            if status == "succeeded":
                row.progress = 1.0

    def set_stored_bytes(self, job: str, stored_bytes: int) -> None:
        with session_scope(self.url) as session:
            session.execute(update(Job).where(Job.id == job).values(stored_bytes=stored_bytes))

    def set_detected_language(self, job: str, language: str) -> None:
        with session_scope(self.url) as session:
            session.execute(update(Job).where(Job.id == job).values(detected_language=language))

    @staticmethod
    def _superseded(session: Any, job: str, event: int | None) -> bool:
        """Whether the job was resubmitted (retried, given languages) after the outbox event
        that a run served: that run's outcome is history, not the job's state."""
        if event is None:
            return False
        newer = select(OutboxEvent.id).where(OutboxEvent.job_id == job, OutboxEvent.id > event)
        return session.execute(newer.limit(1)).first() is not None

    def language_succeeded(self, job: str, lang: str, event: int | None = None) -> None:
        """A language's dub run succeeded; the job succeeds with its last language."""
        with session_scope(self.url) as session:
            language = session.get(JobLanguage, (job, lang))
            job_row = session.get(Job, job)
            if language is None or job_row is None or job_row.status == "cancelled":
                return
            if self._superseded(session, job, event):
                return
            language.status, language.finished_at = "succeeded", utcnow()
            session.flush()
            if all(other.status == "succeeded" for other in job_row.languages):
                transitions.finish(job_row, "succeeded", None, None)

    def job_failed(
        self, job: str, langs: Sequence[str], code: str, message: str, event: int | None = None
    ) -> None:
        with session_scope(self.url) as session:
            job_row = session.get(Job, job)
            if job_row is None or job_row.status in ("cancelled",):
                return
            if self._superseded(session, job, event):
                return
            for language in job_row.languages:
                if not langs or language.lang in langs:
                    language.status = "failed"
            transitions.finish(job_row, "failed", code, message)

    def job_cancelled(self, job: str, event: int | None = None) -> None:
        with session_scope(self.url) as session:
            job_row = session.get(Job, job)
            if job_row is None or self._superseded(session, job, event):
                return
            if job_row.status == "cancelled":
                # Cancelled through the API first: close what the run left open, if its
                # worker died before its stages could record their end.
                transitions.close_attempts(job_row, "cancelled", "job.cancelled", "cancelled")
            elif job_row.status not in FINISHED:
                transitions.finish(job_row, "cancelled", "job.cancelled", "cancelled")
