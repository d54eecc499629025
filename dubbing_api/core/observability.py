"""One middleware sees every request: it gives it a request id, times it, writes its access log
line (see `dubbing_core.logs`: query strings, which may carry signatures, are scrubbed there),
counts it in `/metrics`, and turns an unhandled error into a problem document (500) that names
the request id, so a user's report can be matched to the logged error."""

import re
import time
import uuid
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dubbing_api.core.problems import problem_response
from dubbing_core.logs import get_logger

REQUEST_ID_HEADER = "X-Request-ID"
# A client's own request id is kept when it is one we can log safely.
_CLIENT_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestObserver:
    """Pure ASGI (not `BaseHTTPMiddleware`): it never buffers or re-wraps a streamed body."""

    def __init__(self, app: ASGIApp, registry: CollectorRegistry) -> None:
        self.app = app
        self.log = get_logger(component="api")
        self.requests = Counter(
            "dubflow_http_requests",
            "HTTP requests by route and status",
            ["method", "route", "status"],
            registry=registry,
        )
        self.latency = Histogram(
            "dubflow_http_request_duration_seconds",
            "HTTP request latency by route",
            ["method", "route"],
            registry=registry,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = _request_id(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                MutableHeaders(scope=message).append(REQUEST_ID_HEADER, request_id)
            await send(message)

        error: Exception | None = None
        try:
            await self.app(scope, receive, send_with_id)
        except Exception as raised:
            error = raised
            if response_started:
                raise
            response = problem_response(
                Request(scope),
                500,
                "internal.error",
                "an internal error occurred; report it with this request id",
                requestId=request_id,
            )
            await response(scope, receive, send_with_id)
        finally:
            self._record(scope, request_id, status, time.perf_counter() - started, error)

    def _record(
        self,
        scope: Scope,
        request_id: str,
        status: int,
        seconds: float,
        error: Exception | None,
    ) -> None:
        method = scope["method"]
        template = getattr(scope.get("route"), "path", "unmatched")
        self.requests.labels(method, template, str(status)).inc()
        self.latency.labels(method, template).observe(seconds)
        params: dict[str, Any] = scope.get("path_params", {})
        query = scope.get("query_string", b"").decode("latin-1")
        fields: dict[str, Any] = {
            "method": method,
            "route": template,
            "path": scope["path"],
            "query": query or None,
            "status": status,
            "durationMs": round(seconds * 1000, 1),
            "jobId": params.get("job_id"),
            "requestId": request_id,
        }
        if error is None:
            self.log.info("http.request", **fields)
        else:
            # The type and message only: a traceback's local values could hold a user's data.
            error_text = str(error)[:500]
            self.log.error("http.request", **fields, error=type(error).__name__, message=error_text)


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            candidate = value.decode("latin-1")
            if _CLIENT_REQUEST_ID.match(candidate):
                return candidate
    return uuid.uuid4().hex
