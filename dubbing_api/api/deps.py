"""Dependencies: settings, a database session per request, storage, and the caller."""

from collections.abc import Iterator
from datetime import UTC, timedelta
from typing import Annotated

from fastapi import Depends, Header, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from sqlalchemy.orm import Session

from dubbing_api.core.config import ApiSettings
from dubbing_api.core.problems import Problem
from dubbing_api.core.rate_limits import WRITE_METHODS, RateLimits, client_address
from dubbing_api.core.security import KEY_PREFIX, key_prefix, keys_match
from dubbing_api.core.tokens import TokenVerifier
from dubbing_api.storage import Storage
from dubbing_core.db.models import ApiKey, User, utcnow
from dubbing_core.db.session import open_session


def get_settings(request: Request) -> ApiSettings:
    settings: ApiSettings = request.app.state.settings
    return settings


SettingsDep = Annotated[ApiSettings, Depends(get_settings)]


def get_db(settings: SettingsDep) -> Iterator[Session]:
    session = open_session(settings.resolved_database_url)
    try:
        yield session
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(get_db)]


def get_storage(request: Request) -> Storage:
    storage: Storage = request.app.state.storage
    return storage


StorageDep = Annotated[Storage, Depends(get_storage)]


# Declares the scheme in the contract; the checks (and their problem codes) are ours.
_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="apiKey",
    description="An API key from `dubflow keys create`, or a JWT from the configured identity "
    "provider, as `Authorization: Bearer <key or token>`.",
)


def get_rate_limits(request: Request) -> RateLimits:
    limits: RateLimits = request.app.state.rate_limits
    return limits


RateLimitsDep = Annotated[RateLimits, Depends(get_rate_limits)]

# Optimistic concurrency of the resources that have versions (units, presets).
IfMatch = Annotated[
    str | None,
    Header(
        max_length=128,
        description="The `ETag` of the resource as you read it; 412 if it changed since",
    ),
]


def current_user(
    request: Request,
    response: Response,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    session: SessionDep,
    limits: RateLimitsDep,
) -> User:
    address = client_address(request)
    key = credentials.credentials if credentials else ""
    prefix = key_prefix(key) if key else None
    limits.refuse_if_blocked(address, prefix)
    if not key:
        limits.auth_failed(address, None)
        raise Problem(401, "auth.missing_key", "send your API key as 'Authorization: Bearer <key>'")
    try:
        user = _token_user(request, session, key) if _is_jwt(key) else _key_user(session, key)
    except Problem:
        limits.auth_failed(address, None if _is_jwt(key) else prefix)
        raise
    if user.disabled_at is not None:
        raise Problem(403, "auth.user_disabled", "this account is disabled")
    # Committed before the rate limiter writes its counter through a connection of its own: on
    # SQLite, this session's pending write would otherwise hold the lock that one waits for.
    session.commit()
    if request.method in WRITE_METHODS:
        response.headers.update(limits.write(user.id, address))
    return user


def _is_jwt(credential: str) -> bool:
    return not credential.startswith(KEY_PREFIX) and credential.count(".") == 2


def _key_user(session: Session, key: str) -> User:
    # The key and its user in one query: every request asks it.
    found = session.execute(
        select(ApiKey, User).join(User, User.id == ApiKey.user_id)
        .where(ApiKey.prefix == key_prefix(key))
    ).first()  # fmt: skip
    if found is None:
        raise Problem(401, "auth.invalid_key", "the API key is not valid")
    api_key, user = found._tuple()
    if api_key.revoked_at is not None or not keys_match(key, api_key.hash):
        raise Problem(401, "auth.invalid_key", "the API key is not valid")
    # Recorded to the minute: a write on every request would contend with real writes.
    if api_key.last_used_at is None or api_key.last_used_at.replace(tzinfo=UTC) < (
        utcnow() - timedelta(minutes=1)
    ):
        api_key.last_used_at = utcnow()
    return user


def _token_user(request: Request, session: Session, token: str) -> User:
    verifier: TokenVerifier = request.app.state.tokens
    if not verifier.enabled:
        raise Problem(401, "auth.invalid_key", "the API key is not valid")
    claims = verifier.claims(token)
    settings: ApiSettings = request.app.state.settings
    email = claims.get(settings.jwt_email_claim)
    if not isinstance(email, str) or not email:
        raise Problem(401, "auth.invalid_token", "the token names no user")
    user = session.scalar(select(User).where(User.email == email))
    if user is None:
        if not settings.jwt_create_users:
            raise Problem(401, "auth.unknown_user", "no user for this token")
        user = User(email=email, name=str(claims.get("name", ""))[:200])
        session.add(user)
        session.flush()
    return user


UserDep = Annotated[User, Depends(current_user)]


# On creates: repeating a request with the same key returns the first one's response.
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=255)]
