"""`Idempotency-Key` on creates: the same key and body replays the first response."""

import hashlib
import json
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from dubbing_api.core.problems import Problem
from dubbing_core.db.models import IdempotencyRecord


def request_hash(body: BaseModel) -> str:
    canonical = json.dumps(body.model_dump(mode="json"), sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def replay(
    session: Session, user_id: str, key: str | None, endpoint: str, digest: str
) -> dict[str, Any] | None:
    """The stored response for this key, if the same request was made before."""
    if not key:
        return None
    record = session.get(IdempotencyRecord, (user_id, key))
    if record is None:
        return None
    if record.endpoint != endpoint or record.request_hash != digest:
        raise Problem(
            409, "idempotency.conflict", "this Idempotency-Key was used for a different request"
        )
    return dict(record.response)


def remember(
    session: Session,
    user_id: str,
    key: str | None,
    endpoint: str,
    digest: str,
    status_code: int,
    response: BaseModel,
) -> None:
    """Store the response in the caller's transaction (committed with what it created)."""
    if key:
        session.add(
            IdempotencyRecord(
                user_id=user_id,
                key=key,
                endpoint=endpoint,
                request_hash=digest,
                status_code=status_code,
                response=response.model_dump(mode="json", by_alias=True),
            )
        )
