"""Dependencies: settings, a database session per request, storage, and the caller."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from dubbing_api.core.config import ApiSettings
from dubbing_api.core.problems import Problem
from dubbing_api.core.security import key_prefix, keys_match
from dubbing_api.db.models import ApiKey, User, utcnow
from dubbing_api.db.session import open_session
from dubbing_api.storage import Storage


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


def current_user(request: Request, session: SessionDep) -> User:
    header = request.headers.get("authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key:
        raise Problem(401, "auth.missing_key", "send your API key as 'Authorization: Bearer <key>'")
    api_key = session.scalar(select(ApiKey).where(ApiKey.prefix == key_prefix(key)))
    if api_key is None or api_key.revoked_at is not None or not keys_match(key, api_key.hash):
        raise Problem(401, "auth.invalid_key", "the API key is not valid")
    api_key.last_used_at = utcnow()
    session.commit()
    return api_key.user


UserDep = Annotated[User, Depends(current_user)]
