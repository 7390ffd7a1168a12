"""SQLite writers that wait their turn: write transactions begin as writers, reads never wait,
a writer waits a bounded time for the lock and then fails cleanly with BusyError."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, text

from revpact.errors import BusyError
from revpact.store import open_store
from revpact.store.sqlite import WriteWait, driver_cursor, holds_write_lock

QUICK = WriteWait(busy_ms=50, attempts=4, backoff_s=0.01)


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    return tmp_path / "revpact.db"


@pytest.fixture
def store(db_file: Path) -> Iterator[Engine]:
    engine = open_store(f"sqlite:///{db_file}", wait=QUICK)
    yield engine
    engine.dispose()


def _other(db_file: Path) -> sqlite3.Connection:
    """A second writer, as another process would be (no waiting of its own)."""
    conn = sqlite3.connect(db_file, timeout=0, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    return conn


def _probes(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT COUNT(*) FROM store_state")).scalar_one())


def _begins(engine: Engine) -> list[str]:
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("BEGIN"):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    return seen


def test_a_write_transaction_holds_the_write_lock_from_its_begin(
    store: Engine, db_file: Path
) -> None:
    other = _other(db_file)
    with store.begin() as conn:
        conn.execute(text("SELECT COUNT(*) FROM store_state"))
        with pytest.raises(sqlite3.OperationalError, match="database is locked"):
            other.execute("BEGIN IMMEDIATE")
    other.execute("BEGIN IMMEDIATE")  # free again once it committed
    other.execute("ROLLBACK")
    other.close()


def test_a_read_neither_waits_for_a_writer_nor_takes_the_lock(store: Engine, db_file: Path) -> None:
    seen = _begins(store)
    other = _other(db_file)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO store_state (key, value) VALUES ('probe', 'uncommitted')")
    assert _probes(store) == 0  # had it waited for the lock, QUICK's wait would be a BusyError
    assert seen == ["BEGIN"]
    other.execute("ROLLBACK")
    other.close()


def test_a_read_then_write_transaction_is_not_undone_by_a_concurrent_writer(
    store: Engine,
) -> None:
    # With a deferred BEGIN the second writer commits first and the first one's write then
    # fails at once ("database is locked": its snapshot is stale).
    second_done = threading.Event()
    errors: list[BaseException] = []

    def second_writer() -> None:
        try:
            with store.begin() as conn:
                conn.execute(text("INSERT INTO store_state (key, value) VALUES ('b', 'b')"))
        except BaseException as exc:
            errors.append(exc)
        second_done.set()

    with store.begin() as conn:
        conn.execute(text("SELECT COUNT(*) FROM store_state")).scalar_one()
        thread = threading.Thread(target=second_writer)
        thread.start()
        assert not second_done.wait(0.1)  # it waits for this transaction
        conn.execute(text("INSERT INTO store_state (key, value) VALUES ('a', 'a')"))
    thread.join(5)
    assert errors == []
    assert _probes(store) == 2


def test_a_writer_waits_for_the_lock_and_retries_until_it_gets_it(
    db_file: Path,
) -> None:
    engine = open_store(f"sqlite:///{db_file}", wait=WriteWait(busy_ms=50, attempts=40))
    seen = _begins(engine)
    other = _other(db_file)
    other.execute("BEGIN IMMEDIATE")
    threading.Timer(0.4, lambda: other.execute("COMMIT")).start()
    started = time.monotonic()
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO store_state (key, value) VALUES ('probe', 'kept')"))
    waited = time.monotonic() - started
    assert 0.3 < waited < 3
    assert seen.count("BEGIN IMMEDIATE") > 1  # SQLite's wait ran out at least once: retried
    assert _probes(engine) == 1
    other.close()
    engine.dispose()


def test_a_writer_that_cannot_get_the_lock_fails_cleanly_and_writes_nothing(
    store: Engine, db_file: Path
) -> None:
    seen = _begins(store)
    other = _other(db_file)
    other.execute("BEGIN IMMEDIATE")
    started = time.monotonic()
    with (
        pytest.raises(BusyError, match=r"the database is busy.*nothing was written") as raised,
        store.begin() as conn,
    ):
        conn.execute(text("INSERT INTO store_state (key, value) VALUES ('probe', 'lost')"))
    waited = time.monotonic() - started
    assert QUICK.attempts * QUICK.busy_ms / 1000 <= waited < 3
    assert seen == ["BEGIN IMMEDIATE"] * QUICK.attempts
    assert raised.value.retry_after > 0
    other.execute("ROLLBACK")
    other.close()
    assert _probes(store) == 0
    with store.begin() as conn:  # the engine works on once the lock is free
        conn.execute(text("INSERT INTO store_state (key, value) VALUES ('probe', 'kept')"))
    assert _probes(store) == 1


def test_a_lock_met_by_a_statement_is_a_busy_error_too(store: Engine, db_file: Path) -> None:
    other = _other(db_file)
    with store.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM store_state")).scalar_one() == 0
        other.execute("INSERT INTO store_state (key, value) VALUES ('other', 'first')")
        with pytest.raises(BusyError, match="busy with another writer"):
            conn.execute(text("INSERT INTO store_state (key, value) VALUES ('late', 'x')"))
    other.close()


def test_opening_a_store_waits_for_no_writer(store: Engine, db_file: Path) -> None:
    other = _other(db_file)
    other.execute("BEGIN IMMEDIATE")
    # A store at the head only reads: were it to write, QUICK's short wait would be a BusyError.
    again = open_store(f"sqlite:///{db_file}", wait=QUICK)
    again.dispose()
    other.execute("ROLLBACK")
    other.close()


def test_only_a_writers_transaction_holds_the_lock_and_lends_its_driver(store: Engine) -> None:
    with store.begin() as conn:
        assert holds_write_lock(conn)
        cursor = driver_cursor(conn)
        assert cursor is not None
        cursor.execute("INSERT INTO store_state (key, value) VALUES (:k, :v)", {"k": "p", "v": "1"})
    with store.connect() as conn:
        conn.execute(text("SELECT 1"))
        assert not holds_write_lock(conn) and driver_cursor(conn) is None
        conn.rollback()
        assert not holds_write_lock(conn)
    assert _probes(store) == 1  # the driver's statement was part of the committed transaction
