"""Administration commands (`dubflow users …`, `dubflow keys …`) on the application database."""

from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy import select

from dubbing_api.core.config import ApiSettings
from dubbing_api.core.security import new_api_key
from dubbing_core.db import migrate
from dubbing_core.db.models import ApiKey, User, utcnow
from dubbing_core.db.session import session_scope

users_app = typer.Typer(help="Users of the API.", no_args_is_help=True)
keys_app = typer.Typer(help="API keys (shown once, stored hashed).", no_args_is_help=True)
console = Console()


def _database() -> str:
    url = ApiSettings().resolved_database_url
    migrate(url)
    return url


def create_user(url: str, email: str, name: str = "") -> str:
    with session_scope(url) as session:
        if session.scalar(select(User).where(User.email == email)) is not None:
            raise typer.BadParameter(f"a user with e-mail {email} exists")
        user = User(email=email, name=name)
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
            console.print(f"{user.id}  {user.email}  {user.name}")


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
