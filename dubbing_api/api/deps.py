"""Dependencies: settings, a database session per request, storage, and the caller."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from sqlalchemy.orm import Session

from dubbing_api.core.config import ApiSettings
from dubbing_api.core.problems import Problem
from dubbing_api.core.security import key_prefix, keys_match
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
    description="An API key from `dubflow keys create`, as `Authorization: Bearer <key>`.",
)


def current_user(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    session: SessionDep,
) -> User:
    if credentials is None or not credentials.credentials:
        raise Problem(401, "auth.missing_key", "send your API key as 'Authorization: Bearer <key>'")
    key = credentials.credentials
    api_key = session.scalar(select(ApiKey).where(ApiKey.prefix == key_prefix(key)))
    if api_key is None or api_key.revoked_at is not None or not keys_match(key, api_key.hash):
        raise Problem(401, "auth.invalid_key", "the API key is not valid")
    api_key.last_used_at = utcnow()
    session.commit()
    return api_key.user


UserDep = Annotated[User, Depends(current_user)]
