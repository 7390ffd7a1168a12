"""A small OpenID provider on loopback for the sign-in tests: discovery, an authorization page,
a token endpoint (authorization code with PKCE S256, client_secret_basic) and a JWKS.

ID tokens are RS256, signed with a key made when the provider starts (``joserfc``, the JOSE
library authlib is built on). ``people`` are the accounts its login page accepts (e-mail →
groups); ``tamper`` changes the next ID tokens' claims (a wrong ``aud``, an old ``exp``, another
``nonce``) so the tests can check that revpact refuses them. ``now`` is the provider's clock.
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlencode

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from joserfc import jwt
from joserfc.jwk import RSAKey

CLIENT_ID = "revpact-tests"
CLIENT_SECRET = "s3cret-for-tests"


@dataclass
class Provider:
    now: Callable[[], datetime]
    people: dict[str, list[str]] = field(default_factory=dict)
    tamper: dict[str, Any] = field(default_factory=dict)
    url: str = ""
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, {"kid": "k1"}))
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)

    def id_token(self, grant: dict[str, Any]) -> str:
        at = int(self.now().timestamp())
        claims: dict[str, Any] = {
            "iss": self.url,
            "aud": CLIENT_ID,
            "sub": hashlib.sha256(grant["email"].encode()).hexdigest()[:16],
            "iat": at,
            "exp": at + 300,
            "nonce": grant["nonce"],
            "email": grant["email"],
            "email_verified": True,
            "name": grant["email"].partition("@")[0].title(),
            "groups": self.people.get(grant["email"], []),
        }
        claims.update(self.tamper)
        return jwt.encode({"alg": "RS256", "kid": "k1"}, claims, self.key)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/.well-known/openid-configuration")
        def discovery() -> dict[str, Any]:
            return {
                "issuer": self.url,
                "authorization_endpoint": f"{self.url}/authorize",
                "token_endpoint": f"{self.url}/token",
                "jwks_uri": f"{self.url}/jwks",
                "response_types_supported": ["code"],
                "code_challenge_methods_supported": ["S256"],
            }

        @app.get("/jwks")
        def jwks() -> dict[str, Any]:
            return {"keys": [self.key.as_dict(private=False)]}

        @app.get("/authorize")
        def authorize(request: Request) -> HTMLResponse:
            q = request.query_params
            assert q["client_id"] == CLIENT_ID and q["code_challenge_method"] == "S256"
            hidden = "".join(
                f'<input type="hidden" name="{k}" value="{html.escape(v)}">'
                for k, v in q.items()
                if k in {"redirect_uri", "state", "nonce", "code_challenge"}
            )
            return HTMLResponse(
                f'<form method="post" action="/authorize" id="idp">{hidden}'
                '<input id="email" name="email"><button type="submit">Log in</button></form>'
            )

        @app.post("/authorize")
        async def approve(request: Request) -> RedirectResponse:
            form = await _form(request)
            code = secrets.token_urlsafe(16)
            self.codes[code] = {
                "email": form["email"],
                "redirect_uri": form["redirect_uri"],
                "nonce": form["nonce"],
                "challenge": form["code_challenge"],
            }
            back = urlencode({"code": code, "state": form["state"]})
            return RedirectResponse(f"{form['redirect_uri']}?{back}", 303)

        @app.post("/token")
        async def token(request: Request) -> JSONResponse:
            form = await _form(request)
            code, code_verifier = form.get("code", ""), form.get("code_verifier", "")
            redirect_uri = form.get("redirect_uri")
            basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
            grant = self.codes.pop(code, None)
            digest = hashlib.sha256(code_verifier.encode()).digest()
            challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
            if (
                request.headers.get("authorization") != f"Basic {basic}"
                or grant is None
                or grant["redirect_uri"] != redirect_uri
                or grant["challenge"] != challenge
            ):
                return JSONResponse({"error": "invalid_grant"}, status_code=400)
            return JSONResponse(
                {"access_token": "unused", "token_type": "Bearer", "id_token": self.id_token(grant)}
            )

        return app


async def _form(request: Request) -> dict[str, str]:
    parsed = parse_qs((await request.body()).decode())
    return {name: values[0] for name, values in parsed.items()}


@contextmanager
def running_provider(now: Callable[[], datetime]) -> Iterator[Provider]:
    """A :class:`Provider` served on a free loopback port until the block ends."""
    provider = Provider(now)
    server = uvicorn.Server(
        uvicorn.Config(provider.app(), host="127.0.0.1", port=0, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    provider.url = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    try:
        yield provider
    finally:
        server.should_exit = True
        thread.join(timeout=10)
