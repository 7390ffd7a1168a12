"""Opening the database: which one, how it is configured, and bringing its schema up to date.

Nobody runs a migration by hand. :func:`open_store` creates the database on first use and
applies any Alembic migration it lacks; when the schema is already at the newest revision the
check costs one small query and Alembic is not even imported.

SQLite (the default, a ``revpact.db`` file in the working folder) is opened in WAL journal mode
with foreign keys on, and its writers wait their turn (:mod:`revpact.store.sqlite`: write
transactions begin as writers, wait a bounded time for the lock, else raise
:class:`~revpact.errors.BusyError`); PostgreSQL is ``postgresql+psycopg://...``.
"""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from revpact.errors import StoreError
from revpact.store.sqlite import WriteWait, install_sqlite

__all__ = [
    "DEFAULT_DATABASE_URL",
    "ENV_DATABASE_URL",
    "SCHEMA_HEAD",
    "migrate",
    "migration_head",
    "open_store",
    "resolve_database_url",
    "schema_head",
    "single_writer",
]

ENV_DATABASE_URL = "REVPACT_DATABASE_URL"
DEFAULT_DATABASE_URL = "sqlite:///revpact.db"
_SCRIPT_LOCATION = "revpact.store:migrations"

SCHEMA_HEAD = "0012"
"""The newest revision in ``migrations/versions``; update it with every new migration."""


def resolve_database_url(explicit: str | None) -> str:
    """The database to use: ``--db``, else ``$REVPACT_DATABASE_URL``, else ``revpact.db`` here."""
    if explicit:
        return explicit
    return os.environ.get(ENV_DATABASE_URL) or DEFAULT_DATABASE_URL


def open_store(url: str, *, wait: WriteWait | None = None) -> Engine:
    """An engine on ``url`` whose schema is created or migrated to the newest revision;
    on SQLite its writers wait for the lock as ``wait`` says (default
    :data:`~revpact.store.sqlite.DEFAULT_WAIT`)."""
    try:
        parsed = make_url(url)
        engine = create_engine(parsed)
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise StoreError(f'"{url}" is not a database URL this program can open: {exc}') from exc
    if engine.dialect.name == "sqlite":
        install_sqlite(engine, wait)
    try:
        migrate(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        shown = parsed.render_as_string(hide_password=True)
        raise StoreError(f"cannot open the database {shown}: {exc}") from exc
    return engine


def single_writer(engine: Engine) -> bool:
    """Whether ``engine``'s database lets one writer at a time (SQLite), so that a long
    series of writes should leave others a turn between two transactions."""
    return engine.dialect.name == "sqlite"


def migrate(engine: Engine) -> None:
    """Apply every migration the database lacks (a cheap no-op when it is up to date: a
    read, which does not wait for a writer)."""
    with engine.connect() as connection:
        if _current_revision(connection) == schema_head():
            return
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
