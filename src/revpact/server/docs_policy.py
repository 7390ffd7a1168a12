"""The API docs' Content-Security-Policy: `/docs` and `/redoc` run only their own scripts.

Swagger UI's and ReDoc's pages (served offline, see :mod:`revpact.server.app`) each carry one
small inline script or style; the policy allows exactly those by their SHA-256 hash, the
bundles from revpact itself (``'self'``), and no eval. Styles may be inline (both UIs set
``style`` attributes); nothing else leaves the origin.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Awaitable, Callable
from typing import Final

from fastapi import FastAPI, Request, Response

__all__ = ["DOCS_PATHS", "docs_policy", "install"]

DOCS_PATHS: Final = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc"})
"""The pages the policy is set on."""

_INLINE_SCRIPT: Final = re.compile(r"<script>(.*?)</script>", re.S)


def docs_policy(html: str) -> str:
    """The policy for a docs page whose HTML is ``html``."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in _INLINE_SCRIPT.findall(html)
    )
    script_src = f"'self' {hashes}".strip()
    return (
        f"default-src 'self'; script-src {script_src}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
        "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    )


def install(app: FastAPI) -> None:
    """Set :func:`docs_policy` on the docs pages of ``app``."""

    @app.middleware("http")
    async def _policy(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        if request.url.path not in DOCS_PATHS or response.status_code != 200:
            return response
        body = b"".join([chunk async for chunk in response.body_iterator])  # type: ignore[attr-defined]
        headers = dict(response.headers)
        headers.pop("content-length", None)
        headers["content-security-policy"] = docs_policy(body.decode())
        headers["x-content-type-options"] = "nosniff"
        return Response(body, status_code=200, headers=headers, media_type=response.media_type)
