"""SQLite's writers of one process, first come first served.

SQLite has one write lock per database. A connection that finds it taken sleeps in SQLite's
busy handler and tries again, sleeping longer the longer it has waited (1, 2, 5, ... up to
100 ms between tries): a writer that has waited a while sleeps through the moments the lock is
free, while newcomers, still polling every few milliseconds, take it first. Under 4 concurrent
job creates this made the median create 50 ms and the slowest 1.3 s (docs/performance.md).

So within a process, writers queue here instead: a connection takes its place before its first
write of a transaction, is woken as soon as the writer before it ends its transaction, and the
busy handler is left with what happens between processes (the API against the pipeline's).
A writer still gives up after the busy timeout with SQLite's own "database is locked".
"""

import sqlite3
import threading
import time
from collections import deque
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import OperationalError

# The statements before which pysqlite opens a write transaction (its implicit BEGIN).
_WRITES = frozenset({"INSERT", "UPDATE", "DELETE", "REPLACE"})
# How often a waiter checks that the holder's transaction is still open: a transaction ended
# outside SQLAlchemy (a raw DBAPI commit) must not keep the queue closed.
_CHECK_SECONDS = 0.1


def _is_write(statement: str) -> bool:
    words = statement.lstrip()[:8].split(None, 1)
    return bool(words) and words[0].upper() in _WRITES


def _raw(connection: Any) -> Any:
    """The sqlite3 connection behind a pooled one (or itself)."""
    return getattr(connection, "dbapi_connection", connection)


class WriteQueue:
    """A lock held by one sqlite3 connection at a time, handed to waiters in arrival order."""

    def __init__(self, timeout_seconds: float) -> None:
        self.timeout_seconds = timeout_seconds
        self._mutex = threading.Lock()
        self._holder: sqlite3.Connection | None = None
        self._waiting: deque[tuple[sqlite3.Connection, threading.Event]] = deque()

    def holds(self, connection: sqlite3.Connection) -> bool:
        return self._holder is connection

    def acquire(self, connection: sqlite3.Connection) -> bool:
        """Wait for `connection`'s turn; False if the timeout passed first."""
        with self._mutex:
            if self._holder is None:
                self._holder = connection
                return True
            turn = threading.Event()
            self._waiting.append((connection, turn))
        deadline = time.monotonic() + self.timeout_seconds
        while not turn.wait(_CHECK_SECONDS):
            with self._mutex:
                if turn.is_set():
                    break
                holder = self._holder
                if holder is not None and not holder.in_transaction:
                    self._hand_on(holder)
                elif time.monotonic() >= deadline:
                    self._waiting.remove((connection, turn))
                    return False
        return True

    def release(self, connection: sqlite3.Connection) -> None:
        """`connection`'s transaction ended: the next writer's turn (nothing if it held none)."""
        with self._mutex:
            if self._holder is connection:
                self._hand_on(connection)

    def _hand_on(self, holder: sqlite3.Connection) -> None:
        """Called with the mutex held."""
        assert self._holder is holder
        if self._waiting:
            self._holder, turn = self._waiting.popleft()
            turn.set()
        else:
            self._holder = None


def install(engine: Engine, timeout_seconds: float) -> WriteQueue:
    """Queue the writes of `engine` (a SQLite engine): a connection takes its turn before a
    write statement opens its transaction and gives it up when the transaction ends (commit,
    rollback, or the pool resetting or closing the connection)."""
    queue = WriteQueue(timeout_seconds)

    @event.listens_for(engine, "before_cursor_execute")
    def _take_turn(connection: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        raw = _raw(connection.connection)
        if not _is_write(statement) or queue.holds(raw):
            return
        if not queue.acquire(raw):
            locked = sqlite3.OperationalError("database is locked")
            raise OperationalError(statement, parameters, locked)

    dialect = engine.dialect
    ends = {name: getattr(dialect, name) for name in ("do_commit", "do_rollback", "do_close")}

    def ending(name: str) -> Any:
        def end(connection: Any) -> None:
            try:
                ends[name](connection)
            finally:
                queue.release(_raw(connection))

        return end

    # The dialect ends every transaction of the engine's connections, the pool's resets too.
    for name in ends:
        setattr(dialect, name, ending(name))
    return queue
