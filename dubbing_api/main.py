"""The FastAPI application: `uvicorn --factory dubbing_api.main:create_app`."""

import asyncio
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import anyio.to_thread
from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool

from dubbing_api.api.routes import (
    api_docs,
    catalog,
    events,
    health,
    jobs,
    me,
    playback,
    presets,
    units,
    uploads,
    web,
)
from dubbing_api.core import metrics, openapi, problems
from dubbing_api.core.config import ApiSettings
from dubbing_api.core.headers import SecurityHeaders
from dubbing_api.core.limits import BodyLimit
from dubbing_api.core.observability import RequestObserver
from dubbing_api.core.rate_limits import RateLimits
from dubbing_api.core.tokens import TokenVerifier
from dubbing_api.services.events import ChangeFeed, StreamLimits, prune_progress
from dubbing_api.services.uploads import discard_expired
from dubbing_api.storage import Storage
from dubbing_core.db import migrate
from dubbing_core.db.session import UPLOAD_THREADS, WORKER_THREADS
from dubbing_core.files import keep_files_private
from dubbing_core.logs import get_logger

DESCRIPTION = """\
Upload a video in parts, create a dubbing job, follow its stages, and play the result: an HLS
stream with one audio and one subtitle track per language, through short-lived signed URLs.

Every route but health, metrics and the signed media URLs needs an API key:
`Authorization: Bearer <key>`. Errors are RFC 9457 problem documents with a stable `code`.
"""

# Not the settings' value (which the environment may change): the committed contract is fixed.
DEFAULT_PUBLIC_URL = ApiSettings.model_fields["public_url"].default

TAGS = [
    {"name": "uploads", "description": "Chunked, resumable uploads to object storage."},
    {"name": "jobs", "description": "Dubbing jobs: create, follow, cancel, retry, add languages."},
    {
        "name": "editing",
        "description": "A job's units: correct the transcript and the translations, re-dub "
        "only what changed.",
    },
    {"name": "playback", "description": "Signed HLS playback and downloads."},
    {"name": "catalog", "description": "Languages and voices the engines support."},
    {
        "name": "presets",
        "description": "Dubbing presets: the built-in ones, and your own (versioned).",
    },
    {"name": "me", "description": "The caller: identity, role, quotas and usage."},
    {"name": "health", "description": "Health and Prometheus metrics."},
]


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Sync routes and every blocking call run in this pool; the database pool is sized for it
    # (see dubbing_core/db/session.py).
    anyio.to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
    app.state.part_threads = anyio.CapacityLimiter(UPLOAD_THREADS)
    sweeper = asyncio.create_task(_sweep(app))
    try:
        yield
    finally:
        sweeper.cancel()
        await app.state.change_feed.stop()


async def _sweep(app: FastAPI) -> None:
    """Every few minutes, expired upload sessions lose their parts, stale rate-limit counters
    are deleted, and so are the progress events of jobs finished long ago (every replica does
    it; the work is idempotent)."""
    settings: ApiSettings = app.state.settings
    url = settings.resolved_database_url
    rate_limits: RateLimits = app.state.rate_limits
    log = get_logger(component="api")
    while True:
        try:
            count = await run_in_threadpool(discard_expired, url, app.state.storage)
            if count:
                log.info("uploads.expired_discarded", count=count)
            if purged := await run_in_threadpool(rate_limits.purge_expired):
                log.info("rate_limits.purged", count=purged)
            cutoff = datetime.now(UTC) - timedelta(hours=settings.events_progress_retention_hours)
            if pruned := await run_in_threadpool(prune_progress, url, cutoff):
                log.info("events.progress_pruned", count=pruned)
        except Exception as error:  # the next sweep tries again; the API stays up
            log.error("api.sweep_failed", error=type(error).__name__)
        await asyncio.sleep(settings.sweep_seconds)


def create_app(settings: ApiSettings | None = None) -> FastAPI:
    settings = settings or ApiSettings()
    keep_files_private(settings.data_dir)
    migrate(settings.resolved_database_url)
    app = FastAPI(
        title="dubflow API",
        version="1.0.0",
        description=DESCRIPTION,
        openapi_tags=TAGS,
        license_info={"name": "GPL-3.0-or-later", "identifier": "GPL-3.0-or-later"},
        servers=[{"url": settings.public_url, "description": "this deployment"}],
        contact={"name": "dubflow", "url": "https://github.com/dubflow/dubflow"},
        lifespan=_lifespan,
        # Served from this origin by the api_docs router, not from FastAPI's CDN.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.storage = Storage(settings)
    app.state.rate_limits = RateLimits(settings)
    app.state.tokens = TokenVerifier(settings)
    app.state.change_feed = ChangeFeed(settings)
    app.state.stream_limits = StreamLimits(
        settings.events_max_streams_per_user, settings.events_max_streams
    )
    app.state.metrics = metrics.job_registry(settings.resolved_database_url)
    # The last added runs first: every request is observed, even one refused for its size.
    app.add_middleware(SecurityHeaders)
    app.add_middleware(BodyLimit, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(RequestObserver, registry=app.state.metrics)
    problems.install(app)
    openapi.install(app)
    for router in (
        uploads.router,
        jobs.router,
        units.router,
        events.router,
        playback.router,
        catalog.router,
        presets.router,
        me.router,
        health.router,
        web.router,
        api_docs.router,
    ):
        app.include_router(router)
    return app


def contract() -> dict[str, Any]:
    """The OpenAPI document as committed in docs/openapi.yaml: independent of where and for
    which deployment it is generated."""
    with tempfile.TemporaryDirectory() as data_dir:
        settings = ApiSettings(data_dir=Path(data_dir), public_url=DEFAULT_PUBLIC_URL)
        return create_app(settings).openapi()
