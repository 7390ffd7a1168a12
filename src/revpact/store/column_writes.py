"""Writing rows handed over column-wise, at the speed each database offers for it.

A bulk writer (a lead import) holds its rows as columns — one list per column, what a parser
produces and numpy hands back — and this module turns them into what the driver takes fastest:

* SQLite: :func:`value_groups` lays the columns out as flat lists of ``per`` rows each, for
  ``executemany`` of one ``INSERT ... VALUES (...), (...), ...`` of ``per`` rows — one statement
  step per hundred rows instead of one per row, and no tuple built per row (the flat lists are
  filled by slice assignment, at C speed).
* PostgreSQL: :func:`copy_text` writes the columns as the text ``COPY ... FROM STDIN`` reads
  (tab-separated fields, ``\\N`` for NULL), joined once, for ``cursor.copy``.

:func:`rollback_journal` lets a bulk load into an empty table of a SQLite file skip the
write-ahead log, which would write every page twice (once to the log, once when it is copied
back at the commit).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from sqlalchemy import Connection

__all__ = ["Column", "InsertSql", "copy_text", "rollback_journal", "value_groups", "write_columns"]

Column = Sequence[str] | Sequence[int]
"""One value per row, each a ``str`` or an ``int`` (what drivers bind fastest)."""

_NULL: Final = "\\N"
_SPECIAL: Final = ("\\", "\t", "\n", "\r")  # what COPY's text format needs escaped
_ROWS_PER_INSERT: Final = 100  # rows per SQLite INSERT: one statement step per hundred rows
_SQLITE_VARIABLES: Final = 32_766  # the most parameters one SQLite (>= 3.32) statement binds
_TEMP: Final = "revpact_rows"  # PostgreSQL: the temporary table an upsert COPYs into


@dataclass(frozen=True)
class InsertSql:
    """How rows go into ``table``: its ``columns`` in order, ``row`` — one row's values as
    SQL, ``(expr, ...)``, where each column's expression wraps a placeholder or holds a
    literal (SQLite) — and ``conflict``, what follows the rows (``ON CONFLICT ...`` or "").
    On PostgreSQL each column's value equal to its entry of ``nulls`` is written as NULL."""

    table: str
    columns: tuple[str, ...]
    row: str
    conflict: str
    nulls: Mapping[str, str | int]


def write_columns(
    conn: Connection,
    sql: InsertSql,
    columns: Mapping[str, Column],
    same: Mapping[str, str | int],
) -> int:
    """Write the rows ``columns`` holds (a column's name → its values, a list per column),
    every row also holding the values of ``same``; returns how many rows were written or
    changed. Runs in ``conn``'s transaction."""
    if missing := [c for c in sql.columns if c not in columns and c not in same]:
        raise ValueError(f"no value for the {sql.table} column {', '.join(missing)}")
    if unknown := [c for c in [*columns, *same] if c not in sql.columns]:
        raise ValueError(f"{sql.table} has no column {', '.join(unknown)}")
    bound = [c for c in sql.columns if c not in same]
    driver: Any = conn.connection.dbapi_connection  # in the open transaction
    cursor = driver.cursor()
    try:
        if isinstance(driver, sqlite3.Connection):
            return _insert_sqlite(cursor, sql, [columns[c] for c in bound])
        return _copy_postgresql(cursor, sql, columns, same)
    finally:
        cursor.close()


def _insert_sqlite(cursor: Any, sql: InsertSql, bound: list[Column]) -> int:
    per = max(1, min(_ROWS_PER_INSERT, _SQLITE_VARIABLES // max(len(bound), 1)))
    groups, rest = value_groups(bound, per)
    head = f"INSERT INTO {sql.table} ({', '.join(sql.columns)}) VALUES "
    written = 0
    for rows, params in ((per, groups), (1, rest)):
        if params:
            cursor.executemany(head + ", ".join([sql.row] * rows) + sql.conflict, params)
            written += max(int(cursor.rowcount), 0)
    return written


def _copy_postgresql(
    cursor: Any, sql: InsertSql, columns: Mapping[str, Column], same: Mapping[str, str | int]
) -> int:
    """COPY the rows into a temporary table, each distinct column once (a column given twice,
    as the same list, is sent once), then write them with one ``INSERT ... SELECT`` that adds
    the values of ``same`` as literals and ends with the conflict clause."""
    sent: list[str] = []
    picked: list[str] = []
    for c in sql.columns:
        if c in same:
            picked.append(_literal(same[c], sql.nulls.get(c)))
            continue
        twin = next((d for d in sent if columns[d] is columns[c]), None)
        if twin is None:
            sent.append(twin := c)
        picked.append(twin)
    n = len(columns[sent[0]]) if sent else 0
    if n == 0:
        return 0
    rows = f"pg_temp.{_TEMP}"
    cursor.execute(f"DROP TABLE IF EXISTS {rows}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {_TEMP} AS SELECT {', '.join(sent)} FROM {sql.table} WITH NO DATA"
    )
    body = copy_text([columns[c] for c in sent], [sql.nulls.get(c) for c in sent])
    with cursor.copy(f"COPY {rows} ({', '.join(sent)}) FROM STDIN") as copy:
        copy.write(body)
    cursor.execute(
        f"INSERT INTO {sql.table} ({', '.join(sql.columns)}) "
        f"SELECT {', '.join(picked)} FROM {rows}{sql.conflict}"
    )
    written = max(int(cursor.rowcount), 0)
    cursor.execute(f"DROP TABLE {rows}")
    return written


def _literal(value: str | int, null: str | int | None) -> str:
    """``value`` as a SQL literal (NULL when it is the column's ``null``)."""
    if value == null:
        return "NULL"
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"no literal for {value!r}")
    return str(value) if isinstance(value, int) else "'" + value.replace("'", "''") + "'"


def value_groups(columns: Sequence[Column], per: int) -> tuple[list[list[Any]], list[list[Any]]]:
    """The rows of ``columns`` (lists of equal length) as flat parameter lists: ``per`` rows
    each, then the rows left over one by one."""
    width = len(columns)
    n = len(columns[0]) if columns else 0
    flat: list[Any] = [None] * (n * width)
    for j, column in enumerate(columns):
        if len(column) != n:
            raise ValueError("every column needs one value per row")
        flat[j::width] = column
    whole, step = n // per * per * width, per * width
    groups = [flat[i : i + step] for i in range(0, whole, step)]
    rest = [flat[i : i + width] for i in range(whole, n * width, width)]
    return groups, rest


def copy_text(columns: Sequence[Column], nulls: Sequence[str | int | None]) -> str:
    """The rows of ``columns`` as ``COPY ... FROM STDIN`` text; a value equal to its column's
    entry of ``nulls`` is written as NULL (None: the column has no such value)."""
    width = len(columns)
    n = len(columns[0]) if columns else 0
    flat: list[str] = [""] * (2 * width * n)
    for j, (column, null) in enumerate(zip(columns, nulls, strict=True)):
        if len(column) != n:
            raise ValueError("every column needs one value per row")
        flat[2 * j :: 2 * width] = _copy_fields(column, null)
        flat[2 * j + 1 :: 2 * width] = ["\n" if j == width - 1 else "\t"] * n
    return "".join(flat)


def _copy_fields(column: Column, null: str | int | None) -> list[str]:
    if column and isinstance(column[0], str):
        texts: list[str] = list(column)  # type: ignore[arg-type]
        joined = "".join(texts)
        if any(c in joined for c in _SPECIAL):
            texts = [_escaped(t) for t in texts]
        if null == "":
            return [t or _NULL for t in texts]
    else:
        texts = list(map(str, column))
    if null is not None and null in column:
        if isinstance(null, int):  # found by numpy, replaced where found
            for i in np.flatnonzero(np.array(column, dtype=np.int64) == null).tolist():
                texts[i] = _NULL
        else:
            texts = [_NULL if v == null else t for v, t in zip(column, texts, strict=True)]
    return texts


def _escaped(value: str) -> str:
    for char, escape in (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r")):
        value = value.replace(char, escape)
    return value


@contextmanager
def rollback_journal(conn: Connection) -> Iterator[bool]:
    """While the block runs, ``conn`` (outside a transaction) writes a SQLite file in WAL
    mode through a rollback journal; yields whether it does. Elsewhere (PostgreSQL, an
    in-memory database, another connection holding the file) it changes nothing.

    A transaction stays all or nothing with a rollback journal — it is SQLite's default — but
    a bulk load into empty tables journals almost nothing in it: only pages that existed
    before the transaction are saved, while WAL writes every new page to the log and again
    into the file when the log is checkpointed. WAL mode is set back when the block ends.
    """
    driver: Any = conn.connection.dbapi_connection
    switched = False
    if isinstance(driver, sqlite3.Connection) and not conn.in_transaction():
        try:
            mode = driver.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() == "wal":
                mode = driver.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
                switched = str(mode).lower() == "delete"
        except sqlite3.OperationalError:  # another connection holds the file: keep WAL
            switched = False
    try:
        yield switched
    finally:
        if switched and not conn.in_transaction():
            # When another connection holds the file, the next one to open it sets WAL.
            with suppress(sqlite3.OperationalError):
                driver.execute("PRAGMA journal_mode=WAL").fetchone()
