"""Live progress: the job events the database triggers write (`JobEvent`), streamed to clients.

One `ChangeFeed` per API process watches the `job_events` table: PostgreSQL announces each new
event with NOTIFY, on SQLite the feed reads the events past its cursor every `events_poll_seconds`
(one cheap indexed query per process, whatever the number of clients). It keeps the latest
`RECENT_EVENTS` events in memory, indexed by job and by user, and wakes only the streams of the
jobs and users an event belongs to; a woken stream takes its new events from that memory, so one
event sent to a thousand streams costs one query, not a thousand. A stream further behind (a
resume from long ago, a replay from a job's start) reads the database until it has caught up.

Ids are the table's, so `Last-Event-ID` resumes exactly. On PostgreSQL two transactions can
commit their events out of id order; the feed therefore publishes ids only up to the first gap,
and waits `GAP_GRACE_SECONDS` for the missing id before it treats it as rolled back.
"""

import asyncio
import contextlib
import logging
import time
from bisect import bisect_right
from collections import defaultdict, deque
from collections.abc import AsyncGenerator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import psycopg
from anyio import to_thread
from fastapi.sse import ServerSentEvent
from sqlalchemy import CursorResult, delete, func, select
from sqlalchemy.engine import make_url

from dubbing_api.core.config import ApiSettings
from dubbing_api.core.problems import Problem
from dubbing_api.schemas import (
    ApiModel,
    JobStatusEvent,
    LanguageReadyEvent,
    StageProgressEvent,
    StageStatusEvent,
)
from dubbing_core.db.models import JOB_EVENTS_CHANNEL, Job, JobEvent
from dubbing_core.db.session import session_scope
from dubbing_core.statuses import FINISHED

log = logging.getLogger(__name__)

GAP_GRACE_SECONDS = 2.0
# Events read per query: a stream catching up reads in pages.
PAGE = 500
# How long the PostgreSQL listener waits before it reconnects after losing its connection.
RECONNECT_SECONDS = 1.0
# Events the feed keeps in memory for the streams that follow live (a few hundred bytes each).
RECENT_EVENTS = 4096


def job_key(job_id: str) -> str:
    return f"job:{job_id}"


def user_key(user_id: str) -> str:
    return f"user:{user_id}"


class ChangeFeed:
    """Publishes the ids of committed job events, in order, and wakes their subscribers."""

    def __init__(self, settings: ApiSettings) -> None:
        self._url = settings.resolved_database_url
        self._poll_seconds = settings.events_poll_seconds
        self._postgres = make_url(self._url).get_backend_name() == "postgresql"
        # Every event id up to the horizon is published; streams read no further.
        self.horizon = 0
        self._gap_since: float | None = None
        self._subscribers: dict[str, set[asyncio.Event]] = defaultdict(set)
        self._task: asyncio.Task[None] | None = None
        # The published events past `_recent_floor`, in id order: all of them, and each
        # job's and user's.
        self._recent: deque[tuple[ServerSentEvent, tuple[str, str]]] = deque()
        self._recent_by_key: dict[str, deque[ServerSentEvent]] = {}
        self._recent_floor = 0

    async def start(self) -> None:
        if self._task is None:
            self.horizon = self._recent_floor = await to_thread.run_sync(self._latest_id)
            self._task = asyncio.create_task(self._watch(), name="job-events-feed")

    def recent(self, key: str, after: int, horizon: int) -> list[ServerSentEvent] | None:
        """The events of `key` past `after` up to `horizon`, from memory; None when memory no
        longer reaches back to `after` (the caller reads the database)."""
        if after < self._recent_floor:
            return None
        events = self._recent_by_key.get(key)
        if not events:
            return []
        start = bisect_right(events, after, key=_event_id)
        end = bisect_right(events, horizon, key=_event_id)
        return [events[index] for index in range(start, end)]

    def _remember(self, event: ServerSentEvent, keys: tuple[str, str]) -> None:
        self._recent.append((event, keys))
        for key in keys:
            self._recent_by_key.setdefault(key, deque()).append(event)
        while len(self._recent) > RECENT_EVENTS:
            oldest, oldest_keys = self._recent.popleft()
            self._recent_floor = _event_id(oldest)
            for key in oldest_keys:
                events = self._recent_by_key[key]
                events.popleft()
                if not events:
                    del self._recent_by_key[key]

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    @contextlib.contextmanager
    def subscribe(self, key: str) -> Iterator[asyncio.Event]:
        """An event set whenever an event of `key` (`job_key`, `user_key`) is published."""
        signal = asyncio.Event()
        self._subscribers[key].add(signal)
        try:
            yield signal
        finally:
            self._subscribers[key].discard(signal)
            if not self._subscribers[key]:
                del self._subscribers[key]

    async def _watch(self) -> None:
        if not self._postgres:
            while True:
                if self._subscribers:
                    await self._advance()
                await asyncio.sleep(self._poll_seconds)
        dsn = make_url(self._url).set(drivername="postgresql").render_as_string(False)
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
                    await conn.execute(f"LISTEN {JOB_EVENTS_CHANNEL}")
                    # Events committed while the listener (re)connected.
                    await self._advance()
                    while True:
                        # Only a pending gap needs a timeout: its grace may expire.
                        timeout = GAP_GRACE_SECONDS if self._gap_since is not None else None
                        async for _ in conn.notifies(timeout=timeout, stop_after=1):
                            break
                        await self._advance()
            except (psycopg.OperationalError, OSError) as error:
                log.warning("job events listener lost its connection: %s", error)
                await asyncio.sleep(RECONNECT_SECONDS)

    async def _advance(self) -> None:
        rows = await to_thread.run_sync(self._events_after, self.horizon)
        woken: set[str] = set()
        for event, user_id in rows:
            if event.id != self.horizon + 1:
                now = time.monotonic()
                if self._gap_since is None:
                    self._gap_since = now
                if now - self._gap_since < GAP_GRACE_SECONDS:
                    break
            self._gap_since = None
            self.horizon = event.id
            keys = (job_key(event.job_id), user_key(user_id))
            try:
                self._remember(_sse(event), keys)
            except ValueError:
                # A row no event schema accepts (a writer's bug) must not stop every stream.
                log.exception("job event %s skipped", event.id)
            woken.update(keys)
        for key in woken:
            for signal in self._subscribers.get(key, ()):
                signal.set()

    def _latest_id(self) -> int:
        with session_scope(self._url) as session:
            return session.scalar(select(func.coalesce(func.max(JobEvent.id), 0))) or 0

    def _events_after(self, event_id: int) -> list[tuple[JobEvent, str]]:
        """The events past `event_id` (a page), each with its job's user."""
        with session_scope(self._url) as session:
            rows = session.execute(
                select(JobEvent, Job.user_id)
                .join(Job, Job.id == JobEvent.job_id)
                .where(JobEvent.id > event_id)
                .order_by(JobEvent.id)
                .limit(PAGE)
            )
            return [(row[0], row[1]) for row in rows]


class StreamLimits:
    """Open streams per user and per process: each holds a connection and a subscription."""

    def __init__(self, per_user: int, per_process: int) -> None:
        self.per_user, self.per_process = per_user, per_process
        self._open: dict[str, int] = defaultdict(int)
        self.total = 0

    @contextlib.contextmanager
    def slot(self, user_id: str) -> Iterator[None]:
        if self.total >= self.per_process:
            raise Problem(
                429, "events.too_many_streams", "this server has no room for another stream"
            )
        if self._open[user_id] >= self.per_user:
            raise Problem(
                429,
                "events.too_many_streams",
                f"at most {self.per_user} open event streams per user",
            )
        self._open[user_id] += 1
        self.total += 1
        try:
            yield
        finally:
            self._open[user_id] -= 1
            self.total -= 1
            if not self._open[user_id]:
                del self._open[user_id]


@dataclass(frozen=True)
class Scope:
    """Whose events a stream carries: one job's, or every job of one user."""

    user_id: str
    job_id: str | None = None

    @property
    def key(self) -> str:
        return job_key(self.job_id) if self.job_id else user_key(self.user_id)


async def stream(
    feed: ChangeFeed, settings: ApiSettings, scope: Scope, after: int
) -> AsyncGenerator[ServerSentEvent]:
    """The scope's events past `after`, as they are published; a job's stream ends with the
    job (after its last event), a user's does not."""
    url = settings.resolved_database_url
    job_id = scope.job_id
    # The job's last event once it has ended (its final status commits with it). Asked of the
    # database at the start, and again only after the stream has carried a final status.
    last: int | None = None
    ask = job_id is not None
    # Everything of the scope up to here has been sent (`after` is the last event sent).
    cursor = after
    with feed.subscribe(scope.key) as signal:
        while True:
            signal.clear()
            horizon = feed.horizon
            if ask and job_id is not None:
                last = await to_thread.run_sync(_last, url, job_id)
                ask = False
            complete = False
            while not complete:
                events = feed.recent(scope.key, cursor, horizon)
                complete = events is not None
                if events is None:
                    rows = await to_thread.run_sync(_events, url, scope, cursor, horizon)
                    events = [_sse(row) for row in rows]
                    complete = len(rows) < PAGE
                for event in events:
                    yield event
                    after = cursor = _event_id(event)
                    ask = ask or (job_id is not None and _final_status(event))
            cursor = horizon
            # Compared with the job's own last id: other jobs' events move the horizon on.
            if last is not None and after >= last:
                return
            if not ask:
                await signal.wait()


def _event_id(event: ServerSentEvent) -> int:
    return int(event.id or 0)


def _final_status(event: ServerSentEvent) -> bool:
    if event.event != "job.status":
        return False
    return JobStatusEvent.model_validate_json(event.raw_data or "{}").status in FINISHED


def _last(url: str, job_id: str) -> int | None:
    """The id of the job's last event if the job has ended, else None."""
    with session_scope(url) as session:
        if session.scalar(select(Job.status).where(Job.id == job_id)) not in FINISHED:
            return None
        return session.scalar(select(func.max(JobEvent.id)).where(JobEvent.job_id == job_id)) or 0


def _events(url: str, scope: Scope, after: int, horizon: int) -> list[JobEvent]:
    query = select(JobEvent).where(JobEvent.id > after, JobEvent.id <= horizon)
    if scope.job_id is not None:
        query = query.where(JobEvent.job_id == scope.job_id)
    else:
        query = query.join(Job, Job.id == JobEvent.job_id).where(Job.user_id == scope.user_id)
    with session_scope(url) as session:
        return list(session.scalars(query.order_by(JobEvent.id).limit(PAGE)))


_EVENT_MODELS: dict[str, type[ApiModel]] = {
    "job.status": JobStatusEvent,
    "stage.status": StageStatusEvent,
    "stage.progress": StageProgressEvent,
    "language.ready": LanguageReadyEvent,
}


def _sse(event: JobEvent) -> ServerSentEvent:
    at = event.created_at if event.created_at.tzinfo else event.created_at.replace(tzinfo=UTC)
    fields = {
        "job_id": event.job_id,
        "stage": event.stage,
        # Job-level stages are stored with lang "": null on the wire, as in `GET /v1/jobs/{id}`.
        "language": event.lang or None,
        "status": event.status,
        "progress": event.progress,
        "error_code": event.error_code,
        "at": at,
    }
    data = _EVENT_MODELS[event.kind].model_validate(fields)
    return ServerSentEvent(
        id=str(event.id), event=event.kind, raw_data=data.model_dump_json(by_alias=True)
    )


def prune_progress(database_url: str, finished_before: datetime) -> int:
    """Delete the `stage.progress` events of the jobs that finished before `finished_before`;
    returns how many. Progress is the bulk of the events, and once a job has ended its stages'
    final statuses say what the progress said. The rest of its events (statuses, languages
    ready) stay as long as the job, so its stream still replays how it went."""
    finished = select(Job.id).where(Job.status.in_(FINISHED), Job.finished_at < finished_before)
    with session_scope(database_url) as session:
        result = session.execute(
            delete(JobEvent).where(JobEvent.kind == "stage.progress", JobEvent.job_id.in_(finished))
        )
        return result.rowcount if isinstance(result, CursorResult) else 0
