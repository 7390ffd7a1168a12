"""The dashboard: server-rendered pages over the same services as the API and the CLI.

Every page has a JSON twin (the same URL with ``.json``, or ``Accept: application/json``),
speaks English and Polish (``?lang=pl`` switches and is remembered), and is behind the API's
tokens and roles: a browser signs in once with its token and then holds only a server-side
session's id (:mod:`revpact.server.web.site`). Charts
come from plotly, whose JavaScript revpact serves itself: no page loads anything from the web.
Each page lives in its own module and registers itself with :func:`revpact.server.web.site.page`
when imported here; :data:`revpact.server.web.site.NAV_ORDER` orders the navigation.
"""

from __future__ import annotations

from revpact.server.web import (  # noqa: F401  (each registers its page)
    agreement_page,
    audit_page,
    follow_up_page,
    oidc,
    queue_page,
    rhythm_page,
    scoreboard_page,
)
from revpact.server.web.site import router

__all__ = ["router"]
