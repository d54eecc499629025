"""One structured line per API request (see `dubbing_core.logs`; query strings, which may carry
signatures, are scrubbed there)."""

import time
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response

from dubbing_core.logs import get_logger


def install(app: FastAPI) -> None:
    log = get_logger(component="api")

    @app.middleware("http")
    async def _access_log(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        params = request.scope.get("path_params", {})
        log.info(
            "http.request",
            method=request.method,
            route=getattr(route, "path", "unmatched"),
            path=str(request.url.path),
            query=request.url.query or None,
            status=response.status_code,
            durationMs=round((time.perf_counter() - started) * 1000, 1),
            jobId=params.get("job_id"),
        )
        return response
