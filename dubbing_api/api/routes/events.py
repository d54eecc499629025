"""Live progress: a job's events, or all of the caller's, as Server-Sent Events."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request
from fastapi.sse import EventSourceResponse, ServerSentEvent

from dubbing_api.api.deps import SessionDep, SettingsDep, UserDep
from dubbing_api.core.openapi import event_stream, problems
from dubbing_api.services import events
from dubbing_api.services import jobs as jobs_service

router = APIRouter(tags=["jobs"])

LastEventId = Annotated[
    str | None,
    Header(
        alias="Last-Event-ID",
        pattern=r"^\d{1,18}$",
        description="The `id` of the last event received: the stream resumes after it.",
    ),
]


def owned_job_id(job_id: str, user: UserDep, session: SessionDep) -> str:
    """Checked before the stream starts, so another user's job answers 404, not an empty
    stream."""
    return jobs_service.owned_job(session, user, job_id).id


async def stream_slot(request: Request, user: UserDep, session: SessionDep) -> AsyncIterator[None]:
    """One of the caller's and the process's bounded streams, for as long as it is open; the
    request's database session is closed first, so an idle stream holds no connection."""
    session.close()
    feed: events.ChangeFeed = request.app.state.change_feed
    await feed.start()
    limits: events.StreamLimits = request.app.state.stream_limits
    with limits.slot(user.id):
        yield


def _feed(request: Request) -> events.ChangeFeed:
    feed: events.ChangeFeed = request.app.state.change_feed
    return feed


FeedDep = Annotated[events.ChangeFeed, Depends(_feed)]


@router.get(
    "/v1/jobs/{job_id}/events",
    response_class=EventSourceResponse,
    operation_id="streamJobEvents",
    summary="Follow a job live: its events as Server-Sent Events",
    description="Every event of the job since it was created (or since `Last-Event-ID`), then "
    "each new one as it happens; the stream ends after the job's last event. Heartbeat comments "
    "every 15 s. Bounded per user and per server (429 `events.too_many_streams`).",
    responses=problems(401, 404, 429),
    openapi_extra=event_stream(),
)
async def stream_job_events(
    job_id: Annotated[str, Depends(owned_job_id)],
    user: UserDep,
    _slot: Annotated[None, Depends(stream_slot)],
    feed: FeedDep,
    settings: SettingsDep,
    last_event_id: LastEventId = None,
) -> AsyncIterator[ServerSentEvent]:
    scope = events.Scope(user_id=user.id, job_id=job_id)
    after = int(last_event_id) if last_event_id else 0
    async for event in events.stream(feed, settings, scope, after):
        yield event


async def users_stream_start(
    feed: FeedDep, _slot: Annotated[None, Depends(stream_slot)], last_event_id: LastEventId = None
) -> int:
    """Where the caller's stream starts: after `Last-Event-ID`, or now, taken before the response
    starts (the stream's body runs only once the response has started)."""
    return int(last_event_id) if last_event_id else feed.horizon


@router.get(
    "/v1/events",
    response_class=EventSourceResponse,
    operation_id="streamEvents",
    summary="Follow all your jobs live: their events as Server-Sent Events",
    description="The events of every job of yours from now on (or since `Last-Event-ID`); the "
    "stream stays open. Heartbeat comments every 15 s. Bounded per user and per server (429 "
    "`events.too_many_streams`).",
    responses=problems(401, 429),
    openapi_extra=event_stream(),
)
async def stream_events(
    user: UserDep,
    after: Annotated[int, Depends(users_stream_start)],
    feed: FeedDep,
    settings: SettingsDep,
) -> AsyncIterator[ServerSentEvent]:
    scope = events.Scope(user_id=user.id)
    async for event in events.stream(feed, settings, scope, after):
        yield event
