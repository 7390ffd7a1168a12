"""Cross-site request forgery: every dashboard form carries a token another site cannot know.

A form shown to a signed-in browser carries its **session token**: an HMAC of the session id
(which only that browser's HttpOnly cookie holds) under the store's form key. The login form is
shown before any session exists, so it is a **signed double submit**: ``GET /login`` gives the
browser a random nonce in a cookie scoped to ``/login`` and the form the nonce's HMAC; a post
must bring both, and they must match. Another site can make a browser post, but it can read
neither the cookie nor the page, so it cannot bring a matching pair.

Every post must also come from this site by its ``Origin`` (else its ``Referer``): a browser
names the page a form was sent from, and one that names another host is refused even with a
token. A request naming neither (a script, not a browser) is judged by its token alone.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from typing import Final
from urllib.parse import urlsplit

from starlette.requests import Request

__all__ = [
    "FIELD",
    "LOGIN_COOKIE",
    "from_this_site",
    "login_nonce",
    "login_token",
    "matches",
    "session_token",
]

FIELD: Final = "csrf"
"""The hidden field every form carries its token in."""

LOGIN_COOKIE: Final = "revpact_login"
"""The login form's nonce (HttpOnly, SameSite=Strict, Path=/login)."""

_NONCE: Final = re.compile(r"[A-Za-z0-9_-]{43}")


def _sign(key: bytes, purpose: str, value: str) -> str:
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def session_token(key: bytes, session_id: str) -> str:
    """The token the forms shown to the session ``session_id`` carry."""
    return _sign(key, "session", session_id)


def login_nonce(presented: str | None) -> str:
    """The login nonce the browser holds when well-formed, else a new one."""
    if presented is not None and _NONCE.fullmatch(presented):
        return presented
    return secrets.token_urlsafe(32)


def login_token(key: bytes, nonce: str) -> str:
    """The token a login form carries for the browser holding ``nonce``."""
    return _sign(key, "login", nonce)


def matches(expected: str, presented: str | None) -> bool:
    """``presented`` is ``expected`` (compared in constant time)."""
    return presented is not None and hmac.compare_digest(
        expected.encode("utf-8"), presented.encode("utf-8", "replace")
    )


def from_this_site(request: Request, public_urls: Iterable[str | None] = ()) -> bool:
    """Whether the request's ``Origin`` (else ``Referer``) names this server's host — the
    ``Host`` it was sent to, or the host of a public URL it is known by behind a proxy.
    True when the request names neither."""
    claimed = request.headers.get("origin") or request.headers.get("referer")
    if claimed is None:
        return True
    if claimed == "null":
        return False
    try:
        host = urlsplit(claimed).netloc.lower()
    except ValueError:
        return False
    ours = {request.headers.get("host", "").lower()}
    ours.update(urlsplit(url).netloc.lower() for url in public_urls if url)
    return bool(host) and host in ours
