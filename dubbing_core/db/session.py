"""Engine and sessions. SQLite runs in WAL mode so the API and the pipeline can share it.

Pool sizing (docs/configuration.md): a process runs at most `WORKER_THREADS` blocking calls at
once (the API sets its thread pool to this) plus `UPLOAD_THREADS` for upload parts (a pool of
their own in the API), and each holds at most one connection, so the pool never makes a thread
wait for a connection. If it ever does, the wait is short and ends in a
clear error (`service.busy`, 503 in the API) rather than a thread blocked for half a minute.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from dubbing_core.db import write_queue


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
    # In WAL mode, NORMAL syncs at checkpoints, not at every commit: a commit no longer waits for
    # the disk while holding the one write lock (docs/configuration.md, the trade-off).
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# How long a SQLite writer waits for the write lock (the process's queue, then SQLite's).
BUSY_TIMEOUT_SECONDS = 10
WORKER_THREADS = 40
UPLOAD_THREADS = 8
POOL_SIZE = 10
POOL_TIMEOUT_SECONDS = 5
_POOL = {
    "pool_size": POOL_SIZE,
    "max_overflow": WORKER_THREADS + UPLOAD_THREADS - POOL_SIZE,
    "pool_timeout": POOL_TIMEOUT_SECONDS,
}


@lru_cache(maxsize=8)
def get_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_SECONDS}, **_POOL
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        write_queue.install(engine, BUSY_TIMEOUT_SECONDS)
        return engine
    return create_engine(url, pool_pre_ping=True, **_POOL)


@lru_cache(maxsize=8)
def _factory(url: str) -> sessionmaker[Session]:
    return sessionmaker(get_engine(url), expire_on_commit=False)


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """A transaction: committed when the block ends, rolled back if it raises."""
    session = _factory(url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def open_session(url: str) -> Session:
    return _factory(url)()
