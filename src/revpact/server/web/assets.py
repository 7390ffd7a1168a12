"""The dashboard's own files and the headers every dashboard answer carries.

:data:`CONTENT_SECURITY_POLICY` lets a page load scripts, styles and images only from revpact
itself — no inline script or style, no ``eval``, no other site — and no other site frame it.
The files are the ones in ``static/`` (named in :data:`_STATIC_TYPES`, nothing else is served
from there), plotly's own JavaScript from the plotly package, and the icon at ``/favicon.ico``.

plotly would add its styles as inline ``<style>`` elements, which the policy refuses; it does
not when an element with the id it looks for already exists. So a page with charts links
:func:`plotly_style_ids` to ``static/plotly-styles.css``, an empty sheet of revpact's: plotly
adds its own rules to it through the CSSOM, which the policy allows.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Final

from fastapi import APIRouter, Response, status

__all__ = ["CONTENT_SECURITY_POLICY", "plotly_style_ids", "router", "security_headers"]

router = APIRouter(include_in_schema=False)

_STATIC = Path(__file__).parent / "static"
_STATIC_TYPES: Final = {
    "dashboard.css": "text/css; charset=utf-8",
    "charts.js": "application/javascript",
    "queue.js": "application/javascript",
    "favicon.svg": "image/svg+xml",
    "plotly-styles.css": "text/css; charset=utf-8",
}

CONTENT_SECURITY_POLICY: Final = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'"
)
"""What every dashboard answer may load: nothing inline, nothing evaluated, nothing elsewhere."""


def security_headers(response: Response) -> Response:
    """``response`` with the dashboard's Content-Security-Policy and its other safety headers."""
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    return response


@functools.cache
def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return str(get_plotlyjs())


@functools.cache
def plotly_style_ids() -> tuple[str, ...]:
    """The ids of the ``<style>`` elements plotly makes unless an element with that id exists:
    its own rules' (which it then adds to that element's sheet) and those of the parts it
    bundles (which it then leaves out — revpact draws no maps)."""
    bundled = re.findall(
        r'document\.getElementById\("([0-9a-f]{64})"\)\)\{'
        r'var \w+=document\.createElement\("style"\)',
        _plotly_js(),
    )
    return ("plotly.js-style-global", *bundled)


@router.get("/static/plotly.min.js")
def plotly_js() -> Response:
    """plotly's own JavaScript, served by revpact (no CDN)."""
    return security_headers(
        Response(
            _plotly_js(),
            media_type="application/javascript",
            headers={"Cache-Control": "public, max-age=86400"},
        )
    )


@functools.cache
def _static_file(name: str) -> bytes:
    return (_STATIC / name).read_bytes()


@router.get("/static/{name}")
def static_file(name: str) -> Response:
    """The dashboard's own styles, scripts and icon (only the files named in ``static/``)."""
    media_type = _STATIC_TYPES.get(name)
    if media_type is None:
        return security_headers(Response(status_code=status.HTTP_404_NOT_FOUND))
    return security_headers(
        Response(
            _static_file(name),
            media_type=media_type,
            headers={"Cache-Control": "public, max-age=3600"},
        )
    )


@router.get("/favicon.ico")
def favicon() -> Response:
    """The icon browsers ask for on their own (the pages also link it)."""
    return static_file("favicon.svg")
