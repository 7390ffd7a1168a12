"""SQLite's connection settings, and writers that wait their turn.

SQLite lets one writer at a time. A transaction begun with a plain (deferred) ``BEGIN`` that
reads and then writes fails at once with "database is locked" when another writer committed
after it read: its snapshot is stale, and waiting cannot help. So here a transaction begun
explicitly — ``engine.begin()``, the way every write path of revpact opens one — starts as a
writer with ``BEGIN IMMEDIATE``, while a transaction begun implicitly by the first statement
on ``engine.connect()`` (the read paths) stays a deferred ``BEGIN``: a WAL reader, which
never waits for a writer nor makes one wait.

A writer waits for the lock :attr:`WriteWait.busy_ms` at a time (SQLite's ``busy_timeout``,
polling meanwhile) and tries again up to :attr:`WriteWait.attempts` times after a short
jittered backoff. Once it holds the lock nothing in its transaction waits any more. If it
cannot get the lock it raises :class:`~revpact.errors.BusyError` and nothing is written (the
API answers 503 with ``Retry-After``, the CLI prints the message); any other "database is
locked" a statement meets becomes the same error.

SQLAlchemy, not the ``sqlite3`` module, emits ``BEGIN`` (the module's own transaction
handling is switched off), so DDL and reads take part in transactions like on PostgreSQL.
"""

from __future__ import annotations

import random
import sqlite3
import time
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import ExceptionContext

from revpact.errors import BusyError

__all__ = ["DEFAULT_WAIT", "WriteWait", "driver_cursor", "holds_write_lock", "install_sqlite"]

_WRITER: Final = "revpact_sqlite_writer"  # in Connection.info: this transaction began IMMEDIATE


@dataclass(frozen=True)
class WriteWait:
    """How a writer waits for SQLite's write lock: up to ``attempts`` waits of ``busy_ms``
    each, with a random pause of at most ``backoff_s`` (growing from 5 ms) between them."""

    busy_ms: int = 200
    attempts: int = 40
    backoff_s: float = 0.05

    def bound_s(self) -> float:
        """The longest a writer waits before it gives up."""
        return self.attempts * (self.busy_ms / 1000 + self.backoff_s)


DEFAULT_WAIT: Final = WriteWait()
"""About 10 s in all; SQLite polls the lock at least every 100 ms meanwhile, and each new
attempt starts again with its quick first polls (1, 2, 5, 10 ... ms)."""


class _Connection(Connection):
    """A connection that knows whether its transaction begins implicitly (autobegin: the
    first statement on ``engine.connect()``) or because it was asked to (``begin()``).

    SQLAlchemy's ``begin`` event does not say which; this relies on its ``_autobegin`` hook
    (the tests of this module fail if that ever changes)."""

    implicit_begin = False

    def _autobegin(self) -> None:
        self.implicit_begin = True
        try:
            super()._autobegin()
        finally:
            self.implicit_begin = False


def install_sqlite(engine: Engine, wait: WriteWait | None = None) -> None:
    """Set up every connection of ``engine`` (a SQLite engine) as this module says; its
    writers wait as ``wait`` says (default :data:`DEFAULT_WAIT`)."""
    wait = wait or DEFAULT_WAIT

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        _configure(dbapi_connection, wait.busy_ms)

    def on_begin(connection: Connection) -> None:
        if isinstance(connection, _Connection) and connection.implicit_begin:
            connection.info[_WRITER] = False
            connection.exec_driver_sql("BEGIN")
        else:
            connection.info[_WRITER] = False
            _begin_writer(connection, wait)
            connection.info[_WRITER] = True

    engine._connection_cls = _Connection
    event.listen(engine, "connect", on_connect)
    event.listen(engine, "begin", on_begin)
    event.listen(engine, "handle_error", _busy_as_error)


def holds_write_lock(connection: Connection) -> bool:
    """Whether ``connection``'s transaction began as a writer here (``BEGIN IMMEDIATE``): it
    holds SQLite's write lock until it ends."""
    return bool(connection.in_transaction() and connection.info.get(_WRITER, False))


def driver_cursor(connection: Connection) -> sqlite3.Cursor | None:
    """A ``sqlite3`` cursor on ``connection``'s own database connection, inside its writer's
    transaction (None on another database, or outside a transaction begun here as a writer).

    For the statements a request runs many times (the webhook write path): ``sqlite3`` takes
    the same ``:name`` parameters as :func:`sqlalchemy.text`, and running them on the driver
    spares SQLAlchemy's per-statement and per-row processing. Holding the write lock, such a
    statement never waits; its errors are ``sqlite3``'s own."""
    if connection.dialect.name != "sqlite" or not holds_write_lock(connection):
        return None
    driver = connection.connection.driver_connection
    return driver.cursor() if isinstance(driver, sqlite3.Connection) else None


def _configure(dbapi_connection: Any, busy_ms: int) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN, see on_begin
    cursor = dbapi_connection.cursor()
    try:
        # 16 KiB pages suit bulk loads and scans; this only takes effect on a new file.
        cursor.execute("PRAGMA page_size=16384")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
    finally:
        cursor.close()


def _begin_writer(connection: Connection, wait: WriteWait) -> None:
    for attempt in range(wait.attempts):
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            return
        except BusyError:
            if attempt + 1 < wait.attempts:
                pause = min(wait.backoff_s, 0.005 * 2**attempt)
                time.sleep(pause * random.uniform(0.5, 1.0))
    raise BusyError(
        f"the database is busy: another writer held it for over {wait.bound_s():.0f} s "
        f"(tried {wait.attempts} times); nothing was written, try again in a moment"
    )


def _busy_as_error(context: ExceptionContext) -> None:
    original = context.original_exception
    if isinstance(original, sqlite3.OperationalError) and _is_busy(original):
        raise BusyError(
            "the database is busy with another writer; nothing was written, try again in a moment"
        ) from original


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF == sqlite3.SQLITE_BUSY
    return "database is locked" in str(exc)
