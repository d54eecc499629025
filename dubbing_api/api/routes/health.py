"""Health and Prometheus metrics (no API key needed)."""

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from dubbing_api.api.deps import SessionDep, StorageDep
from dubbing_api.schemas import Health

router = APIRouter(tags=["health"])


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
    description="No API key needed; bind the API to a private interface in production.",
    response_class=PlainTextResponse,
)
def metrics(request: Request) -> PlainTextResponse:
    registry = request.app.state.metrics
    return PlainTextResponse(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
