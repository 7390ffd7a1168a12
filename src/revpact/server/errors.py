"""One mapping from revpact's errors to HTTP answers, installed once on the app.

A route lets a :class:`~revpact.errors.RevpactError` from a service pass; the handler
:func:`install` registers answers it as ``{"detail": str(error)}`` with the status its kind
calls for (:func:`http_status`): 403 for someone who is not a dispute's decider, 404 for what
does not exist, 409 for what the agreement's rules refuse, else 422. Routes that answer some
error differently (a lead not found as of a moment, a token not revoked) still catch it
themselves; the dashboard pages render their own error pages.
"""

from __future__ import annotations

from fastapi import FastAPI, Request, status
from fastapi.responses import JSONResponse

from revpact.domain.disputes import NotADeciderError
from revpact.errors import NotFoundError, RefusedError, RevpactError

__all__ = ["http_status", "install"]


def http_status(exc: RevpactError) -> int:
    """403 for a non-decider, 404 for what does not exist, 409 for what the agreement's rules
    refuse, else 422."""
    if isinstance(exc, NotADeciderError):
        return status.HTTP_403_FORBIDDEN
    if isinstance(exc, NotFoundError):
        return status.HTTP_404_NOT_FOUND
    if isinstance(exc, RefusedError):
        return status.HTTP_409_CONFLICT
    return status.HTTP_422_UNPROCESSABLE_CONTENT


async def _answer(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RevpactError)
    return JSONResponse({"detail": str(exc)}, status_code=http_status(exc))


def install(app: FastAPI) -> None:
    """Answer every :class:`RevpactError` a route lets pass as :func:`http_status` says."""
    app.add_exception_handler(RevpactError, _answer)
