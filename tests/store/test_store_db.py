"""Opening the store: which database, first-use creation, idempotent migrations, settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from revpact.errors import StoreError
from revpact.store import open_store, resolve_database_url
from revpact.store.db import SCHEMA_HEAD, migrate, migration_head
from revpact.store.tables import metadata


def test_explicit_url_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVPACT_DATABASE_URL", "sqlite:///from-env.db")
    assert resolve_database_url("sqlite:///explicit.db") == "sqlite:///explicit.db"
    assert resolve_database_url(None) == "sqlite:///from-env.db"


def test_default_is_a_file_in_the_working_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REVPACT_DATABASE_URL", raising=False)
    assert resolve_database_url(None) == "sqlite:///revpact.db"
    assert resolve_database_url("") == "sqlite:///revpact.db"


def test_first_use_creates_every_table(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert {"leads", "imports", "store_state", "alembic_version"} <= tables
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
            SCHEMA_HEAD
        )


def test_opening_again_changes_nothing(database_url: str, engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO store_state (key, value) VALUES ('probe', 'kept')"))
    again = open_store(database_url)
    try:
        migrate(again)
        with again.connect() as conn:
            assert conn.execute(text("SELECT value FROM store_state")).scalar() == "kept"
            assert conn.execute(text("SELECT COUNT(*) FROM alembic_version")).scalar() == 1
    finally:
        again.dispose()


def test_the_migrations_build_exactly_the_declared_tables(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn)
        assert compare_metadata(context, metadata) == []


def test_schema_head_names_the_newest_migration() -> None:
    assert migration_head() == SCHEMA_HEAD


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        with store.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        store.dispose()


def test_sqlite_ddl_takes_part_in_transactions(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        with pytest.raises(RuntimeError), store.begin() as conn:
            conn.exec_driver_sql("DROP INDEX ix_leads_owner")
            raise RuntimeError("roll back")
        assert "ix_leads_owner" in {ix["name"] for ix in inspect(store).get_indexes("leads")}
    finally:
        store.dispose()


def test_a_database_that_cannot_be_opened_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="cannot open the database"):
        open_store(f"sqlite:///{tmp_path / 'missing-folder' / 'x.db'}")


def test_a_url_that_is_not_one_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="is not a database URL"):
        open_store("revpact.db")
