"""The application database: models, sessions and migrations."""

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from dubbing_core.db.session import get_engine

# Alembic is imported only to migrate: every run worker opens the database, and one that is
# already at the newest revision (all but the first) needs none of it.
if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
# Any constant shared by every process that migrates: PostgreSQL's advisory lock id.
_MIGRATION_LOCK_ID = 0x64756266  # "dubf"


def alembic_config(url: str) -> "Config":
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url)
    return config


@contextmanager
def _one_migrator_at_a_time(url: str) -> Iterator[None]:
    """The API, the Dagster daemon and the run workers all migrate when they start, often at
    the same moment on a fresh database: let one of them at a time do it."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "postgresql":
        if parsed.database in (None, "", ":memory:"):  # private to this process
            yield
            return
        database = Path(parsed.database)
        database.parent.mkdir(parents=True, exist_ok=True)
        with open(f"{database}.migrate.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield
        return
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(sa.select(sa.func.pg_advisory_lock(_MIGRATION_LOCK_ID)))
            try:
                yield
            finally:
                connection.execute(sa.select(sa.func.pg_advisory_unlock(_MIGRATION_LOCK_ID)))
    finally:
        engine.dispose()


def head_revision() -> str:
    """The newest migration's revision, from the file names: the chain is linear and each file
    is named after its revision (tests/deploy/test_migrate.py holds Alembic to both)."""
    return max(path.name.split("_", 1)[0] for path in (MIGRATIONS / "versions").glob("*_*.py"))


def _at_head(url: str) -> bool:
    try:
        with get_engine(url).connect() as connection:
            current = connection.execute(sa.text("SELECT version_num FROM alembic_version"))
            return current.scalar() == head_revision()
    except sa.exc.DBAPIError:  # no such table yet: a new database
        return False


def migrate(url: str) -> None:
    """Bring the database at `url` to the latest schema (idempotent, safe to run concurrently)."""
    if _at_head(url):
        return
    from alembic import command

    with _one_migrator_at_a_time(url):
        command.upgrade(alembic_config(url), "head")
