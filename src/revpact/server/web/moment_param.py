"""The moment a dashboard page shows: ``?as_of=`` (ISO 8601), else the server's clock.

A moment without a UTC offset is the agreement calendar's wall-clock time, as in the API.
A value that is not a moment is ignored (the page shows now) and reported, so a typo in a
bookmarked URL explains itself instead of failing the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from revpact.server.web.page_parts import AsOfError, strict_moment
from revpact.server.web.site import PageRequest

__all__ = ["Moment", "requested_moment"]


@dataclass(frozen=True)
class Moment:
    """What a page is computed as of."""

    at: datetime  # aware
    asked: bool  # ``?as_of=`` chose it
    invalid: str | None = None  # the ``?as_of=`` value that was not understood


def requested_moment(req: PageRequest) -> Moment:
    """``?as_of=`` made aware, else ``req.now`` (read by :func:`strict_moment`, leniently)."""
    try:
        at, asked = strict_moment(req)
    except AsOfError:
        return Moment(req.now, False, (req.query.get("as_of") or "").strip())
    return Moment(at, asked)
