"""``revpact serve --workers N``: several server processes on one port and one PostgreSQL.

The command checks everything first (agreement, settings, database, migrated once here rather
than raced by the workers), then becomes ``python -m uvicorn revpact.server.app:create_app
--factory --workers N``: uvicorn's supervisor starts the workers, each importing the ASGI
factory :func:`revpact.server.app.create_app`, which reads its database, agreement and
settings from the environment; the command's choices reach them in ``REVPACT_DATABASE_URL``,
``REVPACT_AGREEMENT`` and ``REVPACT_SETTINGS``.

More than one worker needs PostgreSQL. What two processes could race on is decided by the
database (events are stored with ``ON CONFLICT DO NOTHING`` under per-lead advisory locks,
alerts recorded with ``ON CONFLICT DO NOTHING`` and claimed by a compare-and-set), and that
holds on SQLite too; but an embedded SQLite file lets one writer at a time, so more
processes only queue longer for its lock, and webhook senders would see the wait.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Final

from revpact.errors import RevpactError

if TYPE_CHECKING:
    from revpact.server.state import ServerState

__all__ = [
    "FACTORY",
    "MAX_WORKERS",
    "check_workers",
    "run_workers",
    "worker_command",
    "worker_environment",
]

FACTORY: Final = "revpact.server.app:create_app"
"""The import string of the ASGI factory each worker loads."""
MAX_WORKERS: Final = 64


def check_workers(state: ServerState, workers: int) -> None:
    """Refuse more than one worker on a database that is not PostgreSQL."""
    dialect = state.engine.dialect.name
    if workers > 1 and dialect != "postgresql":
        raise RevpactError(
            f"--workers {workers} needs PostgreSQL (--db postgresql+psycopg://...); the "
            f"database is {dialect}, which lets one writer at a time: serve it with one worker"
        )


def worker_environment(state: ServerState) -> dict[str, str]:
    """The variables that give each worker the same database, agreement and settings."""
    env = {
        "REVPACT_DATABASE_URL": state.engine.url.render_as_string(hide_password=False),
        "REVPACT_AGREEMENT": str(state.agreement_path.resolve()),
    }
    if state.settings.source is not None:
        env["REVPACT_SETTINGS"] = str(state.settings.source.resolve())
    return env


def run_workers(state: ServerState, *, host: str, port: int, workers: int) -> None:
    """Become uvicorn's supervisor of ``workers`` processes (this process is replaced, so a
    signal sent to it reaches the supervisor, and each worker imports only the server)."""
    state.engine.dispose()  # the workers open their own connections
    os.execve(
        sys.executable,
        worker_command(host=host, port=port, workers=workers),
        {
            **os.environ,
            **worker_environment(state),
        },
    )


def worker_command(*, host: str, port: int, workers: int) -> list[str]:
    """The uvicorn command line that serves :data:`FACTORY` with ``workers`` processes."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        FACTORY,
        "--factory",
        "--workers",
        str(workers),
        "--host",
        host,
        "--port",
        str(port),
        "--log-level",
        "info",
    ]
