"""Administration commands (`dubflow users …`, `dubflow keys …`) on the application database."""

from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from dubbing_api.core.config import ApiSettings
from dubbing_api.core.security import new_api_key
from dubbing_api.storage import Storage
from dubbing_core.db import migrate
from dubbing_core.db.models import ApiKey, Job, Upload, User, utcnow
from dubbing_core.db.session import session_scope

users_app = typer.Typer(help="Users of the API.", no_args_is_help=True)
keys_app = typer.Typer(help="API keys (shown once, stored hashed).", no_args_is_help=True)
console = Console()


def _database() -> str:
    url = ApiSettings().resolved_database_url
    migrate(url)
    return url


def create_user(url: str, email: str, name: str = "", role: str = "user") -> str:
    with session_scope(url) as session:
        if session.scalar(select(User).where(User.email == email)) is not None:
            raise typer.BadParameter(f"a user with e-mail {email} exists")
        user = User(email=email, name=name, role=role)
        session.add(user)
        session.flush()
        return user.id


def create_key(url: str, email: str, name: str = "") -> str:
    with session_scope(url) as session:
        user = session.scalar(select(User).where(User.email == email))
        if user is None:
            raise typer.BadParameter(f"no user with e-mail {email}")
        key, prefix, digest = new_api_key()
        session.add(ApiKey(user_id=user.id, prefix=prefix, hash=digest, name=name))
        return key


@users_app.command("create")
def users_create(email: str, name: Annotated[str, typer.Option()] = "") -> None:
    """Create a user."""
    console.print(create_user(_database(), email, name))


@users_app.command("list")
def users_list() -> None:
    with session_scope(_database()) as session:
        for user in session.scalars(select(User).order_by(User.created_at)):
            state = "disabled" if user.disabled_at else user.role
            console.print(f"{user.id}  {user.email}  {user.name}  {state}")


def _user(session: Session, email: str) -> User:
    user = session.scalar(select(User).where(User.email == email))
    if user is None:
        raise typer.BadParameter(f"no user with e-mail {email}")
    return user


def set_quota(url: str, email: str, **limits: float | None) -> None:
    """Per-user quota overrides; a limit given as a negative number goes back to the default."""
    with session_scope(url) as session:
        user = _user(session, email)
        for column, value in limits.items():
            if value is not None:
                setattr(user, column, None if value < 0 else value)


@users_app.command("set-quota")
def users_set_quota(
    email: str,
    upload_bytes: Annotated[int | None, typer.Option(help="Largest upload")] = None,
    stored_bytes: Annotated[int | None, typer.Option(help="Uploads and job outputs kept")] = None,
    concurrent_jobs: Annotated[int | None, typer.Option(help="Jobs queued or running")] = None,
    queued_jobs: Annotated[int | None, typer.Option(help="Jobs waiting to start")] = None,
    media_minutes: Annotated[
        float | None, typer.Option(help="Minutes of source media per 24 hours")
    ] = None,
) -> None:
    """Override a user's quotas (the defaults are DUBFLOW_QUOTA_*); -1 restores a default."""
    set_quota(
        _database(),
        email,
        max_upload_bytes=upload_bytes,
        max_stored_bytes=stored_bytes,
        max_concurrent_jobs=concurrent_jobs,
        max_queued_jobs=queued_jobs,
        max_media_minutes_per_day=media_minutes,
    )
    console.print(f"quotas of {email} updated")


def set_role(url: str, email: str, role: str) -> None:
    if role not in ("user", "admin"):
        raise typer.BadParameter("the role is 'user' or 'admin'")
    with session_scope(url) as session:
        _user(session, email).role = role


@users_app.command("set-role")
def users_set_role(email: str, role: str) -> None:
    """Make a user an admin (sees Dagster links and run workers) or a plain user again."""
    set_role(_database(), email, role)
    console.print(f"{email} is now {role}")


def disable_user(url: str, email: str) -> int:
    """Disable a user and revoke their keys (their data is kept); the number of keys revoked."""
    with session_scope(url) as session:
        user = _user(session, email)
        user.disabled_at = utcnow()
        keys = session.scalars(
            select(ApiKey).where(ApiKey.user_id == user.id, ApiKey.revoked_at.is_(None))
        ).all()
        for key in keys:
            key.revoked_at = utcnow()
        return len(keys)


@users_app.command("disable")
def users_disable(email: str) -> None:
    """Disable a user: every key stops working at once; uploads and jobs are kept."""
    revoked = disable_user(_database(), email)
    console.print(f"{email} disabled, {revoked} keys revoked")


def delete_user(settings: ApiSettings, email: str) -> tuple[int, int]:
    """Delete a user, their keys, uploads and jobs, in the database and in storage (the
    retention rule of docs/security/retention.md); (uploads, jobs) deleted."""
    storage = Storage(settings)
    with session_scope(settings.resolved_database_url) as session:
        user = _user(session, email)
        jobs = list(session.scalars(select(Job.id).where(Job.user_id == user.id)))
        uploads = list(session.scalars(select(Upload).where(Upload.user_id == user.id)))
        for upload in uploads:
            if storage.s3 and upload.s3_upload_id and upload.status == "pending":
                storage.s3.abort(upload.storage_key, upload.s3_upload_id)
            storage.store.delete_prefix(f"uploads/{upload.id}")
        for job_id in jobs:
            storage.store.delete_prefix(f"jobs/{job_id}")
        # Jobs first: they reference uploads; the rest goes with the user (ON DELETE CASCADE).
        session.execute(delete(Job).where(Job.user_id == user.id))
        session.execute(delete(Upload).where(Upload.user_id == user.id))
        session.delete(user)
        return len(uploads), len(jobs)


@users_app.command("delete")
def users_delete(
    email: str, yes: Annotated[bool, typer.Option("--yes", help="Do not ask")] = False
) -> None:
    """Delete a user and everything of theirs: keys, uploads, jobs and their files."""
    if not yes:
        typer.confirm(f"Delete {email} and all their uploads, jobs and files?", abort=True)
    settings = ApiSettings()
    migrate(settings.resolved_database_url)
    uploads, jobs = delete_user(settings, email)
    console.print(f"{email} deleted with {uploads} uploads and {jobs} jobs")


@keys_app.command("create")
def keys_create(email: str, name: Annotated[str, typer.Option()] = "") -> None:
    """Create an API key for a user; it is printed once and stored only hashed."""
    print(create_key(_database(), email, name))


@keys_app.command("revoke")
def keys_revoke(prefix: str) -> None:
    """Revoke a key by its prefix (its first 12 characters)."""
    with session_scope(_database()) as session:
        key = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix[:12]))
        if key is None:
            raise typer.BadParameter(f"no key {prefix}")
        key.revoked_at = utcnow()
    console.print(f"revoked {prefix[:12]}")
