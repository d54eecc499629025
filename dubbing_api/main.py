"""The FastAPI application: `uvicorn --factory dubbing_api.main:create_app`."""

import tempfile
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from dubbing_api.api.routes import catalog, health, jobs, playback, uploads, web
from dubbing_api.core import access_log, metrics, openapi, problems
from dubbing_api.core.config import ApiSettings
from dubbing_api.storage import Storage
from dubbing_core.db import migrate

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
    {"name": "playback", "description": "Signed HLS playback and downloads."},
    {"name": "catalog", "description": "Languages, voices and presets the engines support."},
    {"name": "health", "description": "Health and Prometheus metrics."},
]


def create_app(settings: ApiSettings | None = None) -> FastAPI:
    settings = settings or ApiSettings()
    migrate(settings.resolved_database_url)
    app = FastAPI(
        title="dubflow API",
        version="1.0.0",
        description=DESCRIPTION,
        openapi_tags=TAGS,
        license_info={"name": "GPL-3.0-or-later", "identifier": "GPL-3.0-or-later"},
        servers=[{"url": settings.public_url, "description": "this deployment"}],
        contact={"name": "dubflow", "url": "https://github.com/dubflow/dubflow"},
    )
    app.state.settings = settings
    app.state.storage = Storage(settings)
    app.state.metrics = metrics.install(app, settings.resolved_database_url)
    access_log.install(app)
    problems.install(app)
    openapi.install(app)
    for router in (
        uploads.router,
        jobs.router,
        playback.router,
        catalog.router,
        health.router,
        web.router,
    ):
        app.include_router(router)
    return app


def contract() -> dict[str, Any]:
    """The OpenAPI document as committed in docs/openapi.yaml: independent of where and for
    which deployment it is generated."""
    with tempfile.TemporaryDirectory() as data_dir:
        settings = ApiSettings(data_dir=Path(data_dir), public_url=DEFAULT_PUBLIC_URL)
        return create_app(settings).openapi()
