"""One mapping from revpact's errors to HTTP answers, for every route that writes."""

from __future__ import annotations

from fastapi import HTTPException, status

from revpact.errors import NotFoundError, RefusedError, RevpactError

__all__ = ["http_error"]


def http_error(exc: RevpactError) -> HTTPException:
    """404 for what does not exist, 409 for what the agreement's rules refuse, else 422."""
    if isinstance(exc, NotFoundError):
        return HTTPException(status.HTTP_404_NOT_FOUND, detail=str(exc))
    if isinstance(exc, RefusedError):
        return HTTPException(status.HTTP_409_CONFLICT, detail=str(exc))
    return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(exc))
