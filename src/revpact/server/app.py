"""The HTTP API: :func:`create_app` assembles the routers over one :class:`ServerState`.

Routes stay short — parse, call a service, present — and each declares the permission it
needs (:mod:`revpact.domain.roles`). A revpact error a route lets pass is answered once, by
the handler :mod:`revpact.server.errors` installs (404, 409, 422, ...). The alert scheduler
runs inside the server's event loop for as long as the server runs.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from revpact import __version__
from revpact.server import alert_loop, errors
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
from revpact.server.state import ServerState
from revpact.server.web import router as dashboard

__all__ = ["create_app"]


def create_app(state: ServerState) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        loop = alert_loop.AlertLoop(state)
        await loop.start()
        try:
            yield
        finally:
            await loop.stop()

    app = FastAPI(
        title="revpact",
        version=__version__,
        summary="The sales & marketing SLA, live: signed webhooks in, the SLA clock, alerts.",
        lifespan=lifespan,
    )
    app.state.revpact = state
    errors.install(app)
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
