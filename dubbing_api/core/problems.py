"""RFC 9457 problem responses, each with a stable machine-readable `code`."""

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from dubbing_core.errors import CodedError

PROBLEM_JSON = "application/problem+json"
# A request that fails validation in many places gets the first few: enough to fix it, and a
# reply that stays small however large the request.
MAX_VALIDATION_ERRORS = 20


class Problem(CodedError):
    def __init__(self, status: int, code: str, detail: str, **extra: Any) -> None:
        super().__init__(code, detail)
        self.status = status
        self.detail = detail
        self.extra = extra
        self.headers: dict[str, str] = {}


def problem_response(
    request: Request, status: int, code: str, detail: str, **extra: Any
) -> JSONResponse:
    body = {
        "type": f"https://dubflow.dev/problems/{code}",
        "title": code.replace(".", " ").replace("_", " "),
        "status": status,
        "detail": detail,
        "code": code,
        "instance": request.url.path,
        **extra,
    }
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


_HTTP_CODES = {
    404: "not_found",
    405: "method_not_allowed",
    413: "request.too_large",
    415: "request.unsupported_media_type",
}


def install(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, error: Problem) -> JSONResponse:
        response = problem_response(request, error.status, error.code, error.detail, **error.extra)
        response.headers.update(error.headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(item["loc"]), "msg": item["msg"], "type": item["type"]}
            for item in error.errors()[:MAX_VALIDATION_ERRORS]
        ]
        return problem_response(
            request, 422, "request.invalid", "the request is not valid", errors=errors
        )

    @app.exception_handler(PoolTimeout)
    async def _busy(request: Request, _: PoolTimeout) -> JSONResponse:
        # Every database connection stayed busy for the pool's whole timeout.
        response = problem_response(
            request, 503, "service.busy", "the service is busy; retry in a moment"
        )
        response.headers["Retry-After"] = "1"
        return response

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(error.status_code, f"http.{error.status_code}")
        return problem_response(request, error.status_code, code, str(error.detail))
