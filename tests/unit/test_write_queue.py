"""SQLite writers of one process queue in arrival order (dubbing_core/db/write_queue.py)."""

import sqlite3
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from dubbing_core.db import write_queue
from dubbing_core.db.session import get_engine, open_session
from dubbing_core.db.write_queue import WriteQueue


def _connection(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, check_same_thread=False)


def _writing(path: Path, queue: WriteQueue) -> sqlite3.Connection:
    """A connection with an open write transaction, holding `queue`."""
    holder = _connection(path)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("INSERT INTO t VALUES (1)")  # pysqlite's implicit BEGIN
    assert queue.acquire(holder)
    return holder


def _wait_until(check: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 30
    while not check():
        assert time.monotonic() < deadline, "never happened"
        time.sleep(0.01)


def test_writers_take_their_turn_in_arrival_order(tmp_path: Path) -> None:
    queue = WriteQueue(timeout_seconds=60)
    holder = _writing(tmp_path / "db", queue)
    order: list[int] = []

    def writer(number: int) -> None:
        connection = _connection(tmp_path / "db")
        assert queue.acquire(connection)
        order.append(number)
        queue.release(connection)

    threads = []
    for number in range(5):
        threads.append(threading.Thread(target=writer, args=(number,)))
        threads[-1].start()
        # The next writer arrives only once this one is waiting.
        _wait_until(lambda: len(queue._waiting) == len(threads))
    queue.release(holder)
    for thread in threads:
        thread.join(timeout=30)
    assert order == [0, 1, 2, 3, 4]
    assert not queue.holds(holder)


def test_a_transaction_ended_outside_the_engine_does_not_hold_the_queue(tmp_path: Path) -> None:
    queue = WriteQueue(timeout_seconds=60)
    holder = _writing(tmp_path / "db", queue)
    holder.commit()  # the queue is not told
    waiter = _connection(tmp_path / "db")
    assert queue.acquire(waiter)
    assert queue.holds(waiter)


def test_a_writer_gives_up_after_the_timeout_as_sqlite_would(tmp_path: Path) -> None:
    queue = WriteQueue(timeout_seconds=0.3)
    holder = _writing(tmp_path / "db", queue)
    assert not queue.acquire(_connection(tmp_path / "db"))
    assert queue.holds(holder)
    assert not queue._waiting


def test_an_engine_writers_all_commit_or_roll_back_in_turn(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    with get_engine(url).begin() as connection:
        connection.execute(text("CREATE TABLE counts (n INTEGER)"))
        connection.execute(text("INSERT INTO counts VALUES (0)"))

    def transaction(number: int) -> None:
        session = open_session(url)
        try:
            session.execute(text("SELECT n FROM counts")).scalar_one()
            session.execute(text("UPDATE counts SET n = n + 1"))
            if number % 3 == 0:
                session.rollback()  # a rolled-back writer hands its turn on too
            else:
                session.commit()
        finally:
            session.close()

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(transaction, range(60)))
    # A writer left holding the queue would have made the next ones fail "database is locked".
    with get_engine(url).connect() as connection:
        assert connection.execute(text("SELECT n FROM counts")).scalar_one() == 40


def test_a_writer_that_times_out_fails_like_a_locked_database(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'app.db'}", connect_args={"timeout": 0.3})
    write_queue.install(engine, timeout_seconds=0.3)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (x)"))
    with engine.connect() as holder, engine.connect() as other:
        holder.execute(text("INSERT INTO t VALUES (1)"))
        with pytest.raises(OperationalError, match="database is locked"):
            other.execute(text("INSERT INTO t VALUES (2)"))
        holder.rollback()
        other.execute(text("INSERT INTO t VALUES (3)"))  # its turn, now
        other.commit()
    engine.dispose()
