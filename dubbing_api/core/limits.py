"""Request body limits, enforced before any route parses a byte.

Every request body but an upload part is small JSON: it is read here up to `max_body_bytes` and
refused (413 `request.too_large`) at the first byte over, whatever its `Content-Length` claims;
the route then parses it from memory. A part is streamed by its own route, which holds it to
the size its signed URL was issued for (`upload.part_too_large`).
"""

import re

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dubbing_api.core.problems import problem_response

_PART_UPLOAD = re.compile(r"^/v1/uploads/[^/]+/parts/[^/]+$")


class BodyLimit:
    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (
            scope["method"] == "PUT" and _PART_UPLOAD.match(scope["path"])
        ):
            await self.app(scope, receive, send)
            return
        if _declared_length(scope) > self.max_body_bytes:
            await self._refuse(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                await self._refuse(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if delivered:
                return await receive()
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(
            Request(scope),
            413,
            "request.too_large",
            f"the request body is over {self.max_body_bytes} bytes",
            limit=self.max_body_bytes,
        )
        response.headers["Connection"] = "close"
        await response(scope, receive, send)


def _declared_length(scope: Scope) -> int:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0
