"""Health (public) and Prometheus metrics (for the scraper only: a token of its own)."""

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import PlainTextResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from dubbing_api.api.deps import SessionDep, SettingsDep, StorageDep
from dubbing_api.core.openapi import problems
from dubbing_api.core.problems import Problem
from dubbing_api.schemas import Health

router = APIRouter(tags=["health"])

_scraper = HTTPBearer(
    auto_error=False,
    scheme_name="metricsToken",
    description="The token in `DUBFLOW_METRICS_TOKEN` (for the metrics scraper).",
)


@router.get(
    "/v1/health",
    operation_id="getHealth",
    summary="Liveness and dependencies",
    description="No API key needed. `degraded` when the database does not answer.",
)
def health(session: SessionDep, storage: StorageDep) -> Health:
    checks: dict[str, object] = {"storage": storage.kind}
    try:
        session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as error:
        checks["database"] = f"error: {type(error).__name__}"
    ok = checks["database"] == "ok"
    return Health(status="ok" if ok else "degraded", checks=checks)


@router.get(
    "/metrics",
    operation_id="getMetrics",
    summary="Prometheus metrics (text exposition format)",
    description="For the metrics scraper, not for tenants (the figures are global): it sends "
    "the token set in `DUBFLOW_METRICS_TOKEN` as `Authorization: Bearer <token>`. Without a "
    "configured token the endpoint is off (`metrics.disabled`).",
    response_class=PlainTextResponse,
    responses=problems(401, 404),
)
def metrics(
    request: Request,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_scraper)],
) -> PlainTextResponse:
    if not settings.metrics_token:
        raise Problem(404, "metrics.disabled", "metrics are off: set DUBFLOW_METRICS_TOKEN")
    given = credentials.credentials if credentials else ""
    if not hmac.compare_digest(given.encode(), settings.metrics_token.encode()):
        raise Problem(401, "metrics.invalid_token", "send the metrics token as a bearer token")
    registry = request.app.state.metrics
    return PlainTextResponse(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
