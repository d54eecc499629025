"""`Idempotency-Key` on creates: one resource per key, and the same reply to every request that
carries it, however many arrive at once.

The first request claims the key (a row committed before anything is created); a concurrent
request with the same key finds the claim and waits for the first one's reply instead of
creating a second resource (or failing on the unique key with a 500, as it once did). A claim
whose request failed is released, so a retry may try again; a claim left by a process that
died is taken over once it is older than `ABANDONED_AFTER`.
"""

import hashlib
import json
import time
from collections.abc import Callable
from datetime import UTC, timedelta
from typing import TypeVar

from pydantic import BaseModel
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dubbing_api.core.problems import Problem
from dubbing_core.db.models import IdempotencyRecord, utcnow

# `status_code` of a claim whose request has not answered yet.
IN_PROGRESS = 0
WAIT_SECONDS = 15.0
ABANDONED_AFTER = timedelta(minutes=2)
_POLL_SECONDS = 0.05

View = TypeVar("View", bound=BaseModel)


def request_hash(body: BaseModel) -> str:
    canonical = json.dumps(body.model_dump(mode="json"), sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def create_once(
    session: Session,
    user_id: str,
    key: str | None,
    endpoint: str,
    body: BaseModel,
    view_type: type[View],
    create: Callable[[], View],
) -> View:
    """`create()` (which adds to `session` and returns the response) committed once per key;
    every other request with the key gets the first one's response."""
    if not key:
        view = create()
        session.commit()
        return view
    digest = request_hash(body)
    deadline = time.monotonic() + WAIT_SECONDS
    while not _claim(session, user_id, key, endpoint, digest):
        record = session.get(IdempotencyRecord, (user_id, key), populate_existing=True)
        if record is None:  # the first request failed and released its claim: try again
            continue
        if record.endpoint != endpoint or record.request_hash != digest:
            raise Problem(
                409, "idempotency.conflict", "this Idempotency-Key was used for a different request"
            )
        if record.status_code != IN_PROGRESS:
            return view_type.model_validate(record.response)
        if record.created_at.replace(tzinfo=UTC) < utcnow() - ABANDONED_AFTER:
            _release(session, user_id, key)
            continue
        if time.monotonic() > deadline:
            raise Problem(
                409,
                "idempotency.in_progress",
                "a request with this Idempotency-Key is still being processed; retry later",
            )
        session.rollback()  # a fresh snapshot for the next look
        time.sleep(_POLL_SECONDS)
    try:
        view = create()
        record = session.get(IdempotencyRecord, (user_id, key))
        assert record is not None, "claimed above"
        record.status_code = 201
        record.response = view.model_dump(mode="json", by_alias=True)
        session.commit()
        return view
    except BaseException:
        session.rollback()
        _release(session, user_id, key)
        raise


def _claim(session: Session, user_id: str, key: str, endpoint: str, digest: str) -> bool:
    """Whether this request now holds the key (committed, so every other request sees it)."""
    session.add(
        IdempotencyRecord(
            user_id=user_id,
            key=key,
            endpoint=endpoint,
            request_hash=digest,
            status_code=IN_PROGRESS,
            response={},
        )
    )
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True


def _release(session: Session, user_id: str, key: str) -> None:
    session.execute(
        delete(IdempotencyRecord).where(
            IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key
        )
    )
    session.commit()
