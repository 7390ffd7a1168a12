"""Shared fixtures: a migrated store per backend, and Company A's agreement.

``engine`` runs every test that uses it against SQLite, and against PostgreSQL too when
``REVPACT_TEST_POSTGRES_URL`` names a server (e.g. ``postgresql+psycopg://postgres@127.0.0.1/test``).
Each PostgreSQL test gets a fresh schema, dropped afterwards, so tests never see each other's
rows.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import URL, make_url

from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.calendar import to_us
from revpact.ingest.agreement_file import company_a_template, parse_agreement
from revpact.store import open_store

POSTGRES_ENV = "REVPACT_TEST_POSTGRES_URL"


def _backends() -> list[object]:
    found: list[object] = [pytest.param("sqlite", id="sqlite")]
    if os.environ.get(POSTGRES_ENV):
        found.append(pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres))
    return found


@contextmanager
def _fresh_schema(server: URL, prefix: str) -> Iterator[str]:
    """The URL of a new empty PostgreSQL schema on ``server``, dropped afterwards."""
    schema = f"{prefix}_{uuid.uuid4().hex[:16]}"
    admin = create_engine(server)
    try:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        url = server.update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture(params=_backends())
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database (a SQLite file, or a fresh PostgreSQL schema)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'revpact.db'}"
        return
    with _fresh_schema(make_url(os.environ[POSTGRES_ENV]), "t") as url:
        yield url


@pytest.fixture
def reference_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A second empty database beside ``database_url`` (same backend), for properties that
    compare two ways of writing the same thing."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'reference.db'}"
        return
    with _fresh_schema(make_url(database_url), "r") as url:
        yield url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A store opened (created and migrated) on an empty database."""
    store = open_store(database_url)
    try:
        yield store
    finally:
        store.dispose()


@pytest.fixture(scope="session")
def agreement() -> Agreement:
    """Company A's agreement, as the English template writes it."""
    return parse_agreement(company_a_template("en"))


@dataclass(frozen=True)
class DemoBuild:
    """``revpact demo`` run once: what it printed, and a way to get a copy of what it built."""

    output: str
    exit_code: int
    _folder: Path

    def copy_to(self, target: Path) -> Path:
        """A fresh copy of the demo folder at ``target`` (tests may change their copy)."""
        shutil.copytree(self._folder, target)
        return target


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> DemoBuild:
    """Company A's demo, built once per test run as a user runs it (``revpact demo`` in a
    folder, 140 columns wide so the year's table fits); tests take copies of its folder."""
    from typer.testing import CliRunner

    from revpact.cli import app

    home = tmp_path_factory.mktemp("demo-build")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(home)
        patch.setenv("COLUMNS", "140")
        patch.delenv("REVPACT_AGREEMENT", raising=False)
        patch.delenv("REVPACT_DATABASE_URL", raising=False)
        result = CliRunner().invoke(app, ["demo"])
    return DemoBuild(result.output, result.exit_code, home / "demo")


CloseMonths = Callable[..., list[date]]


@pytest.fixture
def close_months() -> CloseMonths:
    """``close_months(engine, agreement, through="2020-03", after=timedelta(hours=1))`` closes
    every month of the period up to ``through`` that is not closed yet, in order, each
    ``after`` its end (as the CFO, a signatory on the executive team): escalation and rewards
    count closed months only."""
    from revpact.services.month_close import close_month
    from revpact.services.month_states import CloseState, month_states

    def close(
        engine: Engine,
        agreement: Agreement,
        through: str,
        *,
        after: timedelta = timedelta(hours=1),
        by: str = "david.okafor@company-a.example",
    ) -> list[date]:
        zone = ZoneInfo(agreement.calendar.timezone)
        last = date.fromisoformat(f"{through}-01")
        done = []
        far = datetime(2100, 1, 1, tzinfo=UTC)
        for status in month_states(engine, agreement, as_of_us=to_us(far)):
            first = status.month
            if first > last or status.state is CloseState.CLOSED:
                continue
            following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            at = datetime(following.year, following.month, 1, tzinfo=zone) + after
            close_month(engine, agreement, first, by=by, now=far, via="cli", at=at)
            done.append(first)
        return done

    return close
