"""The HTTP API: :func:`create_app` assembles the routers over one :class:`ServerState`.

Routes stay short — parse, call a service, present — and each declares the permission it
needs (:mod:`revpact.domain.roles`). A revpact error a route lets pass is answered once, by
the handler :mod:`revpact.server.errors` installs (404, 409, 422, ...). The alert scheduler
runs inside the server's event loop for as long as the server runs.

:func:`create_app` called without a state is an ASGI application factory that reads
everything from the environment, so uvicorn or gunicorn can start any number of worker
processes themselves::

    uvicorn revpact.server.app:create_app --factory --workers 4

Each process opens the database named by ``REVPACT_DATABASE_URL`` (default: the embedded
``revpact.db`` in the working folder), the agreement named by ``REVPACT_AGREEMENT`` (default
``./revpact.yaml``) and the settings of :func:`~revpact.server.settings.load_settings`
(``REVPACT_SETTINGS``, ``./revpact.toml`` and the ``REVPACT_*`` variables). ``revpact serve
--workers N`` passes its options to its workers this way.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Final

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from revpact import __version__
from revpact.errors import RevpactError
from revpact.server import alert_loop, docs_policy, errors, intake_loop
from revpact.server.api import (
    agreement,
    disputes,
    feedback,
    meetings,
    months,
    reads,
    tokens,
    webhooks,
    writes,
)
from revpact.server.settings import load_settings
from revpact.server.state import ServerState
from revpact.server.web import router as dashboard
from revpact.services.agreement_source import load_agreement
from revpact.services.database import open_database, resolve_database_url

__all__ = [
    "AGREEMENT_ENV",
    "DEFAULT_AGREEMENT",
    "DOCS_ASSETS",
    "create_app",
    "state_from_environment",
]

AGREEMENT_ENV: Final = "REVPACT_AGREEMENT"
DEFAULT_AGREEMENT: Final = "revpact.yaml"
DOCS_ASSETS: Final = "/docs-assets"
"""Where the API docs' scripts, styles and icon are served (from the fastapi-offline package)."""


def state_from_environment(env: Mapping[str, str] | None = None) -> ServerState:
    """The state a worker process serves: database, agreement and settings from ``env``
    (default: the process environment). A missing or invalid agreement or an unusable
    database raises :class:`RevpactError` before anything is served."""
    env = os.environ if env is None else env
    agreement_path = Path(env.get(AGREEMENT_ENV) or DEFAULT_AGREEMENT)
    if not agreement_path.exists():
        raise RevpactError(
            f"no agreement at {agreement_path}; point to it with {AGREEMENT_ENV}=PATH"
        )
    load_agreement(agreement_path)
    settings = load_settings(env=env)
    engine = open_database(resolve_database_url(env.get("REVPACT_DATABASE_URL")))
    return ServerState(engine=engine, agreement_path=agreement_path, settings=settings)


def create_app(state: ServerState | None = None) -> FastAPI:
    """The application over ``state``; without one, over :func:`state_from_environment`
    (the ASGI factory: ``uvicorn revpact.server.app:create_app --factory``). An unusable
    environment stops the process with the reason, not a traceback."""
    if state is None:
        try:
            state = state_from_environment()
        except RevpactError as exc:
            raise SystemExit(f"revpact: {exc}") from None
    served = state

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        loop = alert_loop.AlertLoop(served)
        intake = intake_loop.IntakeLoop(served)
        await loop.start()
        await intake.start()
        try:
            yield
        finally:
            await intake.stop()
            await loop.stop()

    # /docs and /redoc load Swagger UI and ReDoc from revpact itself (DOCS_ASSETS), never
    # from a CDN, so they work offline.
    app = FastAPIOffline(
        title="revpact",
        version=__version__,
        summary="The sales & marketing SLA, live: signed webhooks in, the SLA clock, alerts.",
        lifespan=lifespan,
        static_url=DOCS_ASSETS,
    )
    app.state.revpact = served
    errors.install(app)
    docs_policy.install(app)
    app.include_router(reads.router)
    app.include_router(writes.router)
    app.include_router(tokens.router)
    app.include_router(webhooks.router)
    app.include_router(agreement.router)
    app.include_router(feedback.router)
    app.include_router(meetings.router)
    app.include_router(disputes.router)
    app.include_router(months.router)
    app.include_router(dashboard)
    return app
