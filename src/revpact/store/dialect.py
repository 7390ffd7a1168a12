"""What hand-written driver SQL needs to know of the database: its placeholder and how it says
"differs, NULLs included". Only SQLite and PostgreSQL are supported."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from sqlalchemy import Connection

__all__ = ["DriverSql", "driver_sql"]

_DISTINCT: Final = {"sqlite": "IS NOT", "postgresql": "IS DISTINCT FROM"}
_PLACEHOLDER: Final = {"qmark": "?", "format": "%s", "pyformat": "%s"}


@dataclass(frozen=True)
class DriverSql:
    name: str  # the dialect's name
    mark: str  # the driver's positional placeholder
    distinct: str  # NULL-safe "differs from"


def driver_sql(conn: Connection) -> DriverSql:
    """The driver SQL style of ``conn``'s database."""
    dialect = conn.dialect
    try:
        mark = _PLACEHOLDER[str(dialect.paramstyle)]
        distinct = _DISTINCT[dialect.name]
    except KeyError:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise NotImplementedError(f"no bulk upsert for {dialect.name}") from None
    return DriverSql(dialect.name, mark, distinct)
