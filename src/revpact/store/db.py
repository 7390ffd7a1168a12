"""Opening the database: which one, how it is configured, and bringing its schema up to date.

Nobody runs a migration by hand. :func:`open_store` creates the database on first use and
applies any Alembic migration it lacks; when the schema is already at the newest revision the
check costs one small query and Alembic is not even imported.

SQLite (the default, a ``revpact.db`` file in the working folder) is opened in WAL journal mode
with foreign keys on, and SQLAlchemy — not the ``sqlite3`` module — emits ``BEGIN``, so DDL and
reads take part in transactions like they do on PostgreSQL (``postgresql+psycopg://...``).
"""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from revpact.errors import StoreError

__all__ = [
    "DEFAULT_DATABASE_URL",
    "ENV_DATABASE_URL",
    "SCHEMA_HEAD",
    "migrate",
    "migration_head",
    "open_store",
    "resolve_database_url",
    "schema_head",
]

ENV_DATABASE_URL = "REVPACT_DATABASE_URL"
DEFAULT_DATABASE_URL = "sqlite:///revpact.db"
_SCRIPT_LOCATION = "revpact.store:migrations"

SCHEMA_HEAD = "0009"
"""The newest revision in ``migrations/versions``; update it with every new migration."""


def resolve_database_url(explicit: str | None) -> str:
    """The database to use: ``--db``, else ``$REVPACT_DATABASE_URL``, else ``revpact.db`` here."""
    if explicit:
        return explicit
    return os.environ.get(ENV_DATABASE_URL) or DEFAULT_DATABASE_URL


def open_store(url: str) -> Engine:
    """An engine on ``url`` whose schema is created or migrated to the newest revision."""
    try:
        parsed = make_url(url)
        engine = create_engine(parsed)
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise StoreError(f'"{url}" is not a database URL this program can open: {exc}') from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
    try:
        migrate(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        shown = parsed.render_as_string(hide_password=True)
        raise StoreError(f"cannot open the database {shown}: {exc}") from exc
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy emit BEGIN (see _sqlite_on_begin) instead of the sqlite3 module, which
    # would skip it before DDL and SELECT.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        # 16 KiB pages suit bulk loads and scans; this only takes effect on a new file.
        cursor.execute("PRAGMA page_size=16384")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
    finally:
        cursor.close()


def _sqlite_on_begin(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN")


def migrate(engine: Engine) -> None:
    """Apply every migration the database lacks (a cheap no-op when it is up to date)."""
    with engine.begin() as connection:
        if _current_revision(connection) == schema_head():
            return
        from alembic import command

        config = _alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def _current_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    return str(rows[0][0]) if len(rows) == 1 else None


def schema_head() -> str:
    """The newest migration revision shipped with this version of revpact."""
    return SCHEMA_HEAD


def migration_head() -> str | None:
    """The head revision according to the migration scripts (a test keeps SCHEMA_HEAD equal)."""
    from alembic.script import ScriptDirectory

    head: str | None = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    return head


def _alembic_config() -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", _SCRIPT_LOCATION)
    return config
