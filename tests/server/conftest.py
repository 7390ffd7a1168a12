"""Fixtures for the server's tests (API, pages, browser): a real revpact server on loopback.

``engine`` and ``agreement`` come from ``tests/conftest.py`` (SQLite, and PostgreSQL when
``REVPACT_TEST_POSTGRES_URL`` is set). ``serve(state)`` starts a server over a
:class:`ServerState` and returns a :class:`LiveServer` (see ``api/live_server.py``); it is
stopped when the test ends. ``live_server`` is one over the test's store with Company A's
agreement, and ``role_tokens`` a token for every role.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

sys.path.insert(0, str(Path(__file__).resolve().parent / "api"))  # live_server

from live_server import HUBSPOT_SECRET, WEBHOOK_SECRET, LiveServer, start_server

from revpact.domain.roles import Role
from revpact.ingest.agreement_file import company_a_template
from revpact.server.settings import AlertSettings, Settings, WebhookSettings
from revpact.server.state import ServerState
from revpact.services.tokens import create_token


@pytest.fixture
def agreement_file(tmp_path: Path) -> Path:
    path = tmp_path / "revpact.yaml"
    path.write_text(company_a_template("en"), encoding="utf-8")
    return path


@pytest.fixture
def server_state(engine: Engine, agreement_file: Path) -> ServerState:
    settings = Settings(
        webhooks=WebhookSettings(secrets=(WEBHOOK_SECRET,), hubspot_client_secret=HUBSPOT_SECRET),
        alerts=AlertSettings(enabled=False),
    )
    return ServerState(engine=engine, agreement_path=agreement_file, settings=settings)


@pytest.fixture
def serve() -> Iterator[Callable[[ServerState], LiveServer]]:
    stoppers: list[Callable[[], None]] = []

    def run(state: ServerState) -> LiveServer:
        url, stop = start_server(state)
        stoppers.append(stop)
        return LiveServer(url, state)

    yield run
    for stop in reversed(stoppers):
        stop()


@pytest.fixture
def live_server(
    serve: Callable[[ServerState], LiveServer], server_state: ServerState
) -> LiveServer:
    return serve(server_state)


@pytest.fixture
def role_tokens(engine: Engine) -> dict[Role, str]:
    """A live token for every role."""
    now = datetime(2020, 6, 1, tzinfo=UTC)
    return {
        role: create_token(engine, name=f"{role.value} tester", role=role, now=now).token
        for role in Role
    }
