"""A small OpenID provider on loopback for the sign-in tests, built on authlib's server side.

:class:`Provider` is an :class:`authlib.oauth2.rfc6749.AuthorizationServer` (framework-agnostic:
the few framework methods are implemented here over Starlette) with the authorization code
grant, the OpenID Connect extension (:class:`authlib.oidc.core.grants.OpenIDCode`, nonce
required) and PKCE (:class:`authlib.oauth2.rfc7636.CodeChallenge`, S256 only, and a challenge
is demanded of every authorization request). It serves discovery, a JWKS, ``/authorize`` and
``/token`` (``client_secret_basic``) on a free loopback port, from a thread, with uvicorn.

``/authorize`` asks nobody: it approves the sign-in of :attr:`Provider.signs_in` at once (or,
when that is None, answers ``access_denied``), as a provider would for a person already logged
in there. ID tokens are RS256, signed by a key made when the provider starts.

Knobs for the tests: ``people`` (e-mail → groups, the ``groups`` claim), ``tamper`` (claims
that replace the ID token's own: a wrong ``aud``, an old ``exp``, another ``nonce``, an
``azp``), :meth:`Provider.rotate_key` (a new signing key; the JWKS then lists only it),
``impostor`` (a key that signs the ID tokens but is never published),
``redirect_uris`` (the client's registered callbacks); and what it saw: ``hits`` (requests per
path) and ``redirects`` (the callbacks it sent browsers to, code and state included). ``now``
is the provider's clock.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from authlib.oauth2.rfc6749 import (  # type: ignore[import-untyped]
    AuthorizationServer,
    ClientMixin,
    InvalidRequestError,
    OAuth2Error,
    OAuth2Request,
)
from authlib.oauth2.rfc6749.grants import (  # type: ignore[import-untyped]
    AuthorizationCodeGrant,
)
from authlib.oauth2.rfc6749.requests import (  # type: ignore[import-untyped]
    BasicOAuth2Payload,
)
from authlib.oauth2.rfc7636 import CodeChallenge  # type: ignore[import-untyped]
from authlib.oidc.core import AuthorizationCodeMixin  # type: ignore[import-untyped]
from authlib.oidc.core.grants import OpenIDCode  # type: ignore[import-untyped]
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

CLIENT_ID = "revpact-tests"
CLIENT_SECRET = "s3cret-for-tests"
SCOPES = ("openid", "email", "profile")
DISCOVERY = "/.well-known/openid-configuration"
JWKS = "/jwks"


@dataclass(frozen=True)
class _Client(ClientMixin):  # type: ignore[misc]
    """revpact, registered at the provider: a confidential client with its callbacks."""

    redirect_uris: list[str]

    def get_client_id(self) -> str:
        return CLIENT_ID

    def get_default_redirect_uri(self) -> str | None:
        return self.redirect_uris[0] if self.redirect_uris else None

    def get_allowed_scope(self, scope: str | None) -> str:
        return " ".join(s for s in (scope or "").split() if s in SCOPES)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return client_secret == CLIENT_SECRET

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == "client_secret_basic"

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass(frozen=True)
class _Code(AuthorizationCodeMixin):  # type: ignore[misc]
    code: str
    email: str
    redirect_uri: str
    scope: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


class _Request(OAuth2Request):  # type: ignore[misc]
    """A Starlette request as authlib sees it: the query and the (already read) form."""

    def __init__(self, request: Request, form: Mapping[str, str]) -> None:
        super().__init__(request.method, str(request.url), headers=request.headers)
        self._args = dict(request.query_params)
        self._form = dict(form)
        self.payload = BasicOAuth2Payload({**self._args, **self._form})

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form


class _CodeGrant(AuthorizationCodeGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic"]  # noqa: RUF012 (authlib's own name)

    @property
    def provider(self) -> Provider:
        server: Provider = self.server
        return server

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        data = request.payload.data
        self.provider.codes[code] = _Code(
            code=code,
            email=request.user,
            redirect_uri=request.payload.redirect_uri,
            scope=request.scope,
            nonce=data.get("nonce"),
            code_challenge=data.get("code_challenge"),
            code_challenge_method=data.get("code_challenge_method"),
            auth_time=int(self.provider.now().timestamp()),
        )

    def query_authorization_code(self, code: str, client: _Client) -> _Code | None:
        return self.provider.codes.get(code)

    def delete_authorization_code(self, authorization_code: _Code) -> None:
        self.provider.codes.pop(authorization_code.code, None)

    def authenticate_user(self, authorization_code: _Code) -> str:
        return authorization_code.email


class _OpenIDCode(OpenIDCode):  # type: ignore[misc]
    """The ID token: the provider's key and clock, its people's claims, then ``tamper``."""

    def __init__(self, provider: Provider) -> None:
        super().__init__(require_nonce=True)
        self.provider = provider

    def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:
        return any(code.nonce == nonce for code in self.provider.codes.values())

    def resolve_client_private_key(self, client: _Client) -> RSAKey:
        return self.provider.impostor or self.provider.key

    def get_encode_header(self, client: _Client) -> dict[str, str]:
        return {"alg": "RS256", "kid": str(self.resolve_client_private_key(client).kid)}

    def get_client_claims(self, client: _Client) -> dict[str, Any]:
        at = int(self.provider.now().timestamp())
        return {"iss": self.provider.url, "aud": CLIENT_ID, "iat": at, "exp": at + 300}

    def generate_user_info(self, user: str, scope: str) -> dict[str, Any]:
        claims: dict[str, Any] = {
            "sub": f"user-{user.partition('@')[0]}",
            "email": user,
            "email_verified": True,
            "name": user.partition("@")[0].replace(".", " ").title(),
            "groups": self.provider.people.get(user, []),
        }
        return {**claims, **self.provider.tamper}


class _S256Challenge(CodeChallenge):  # type: ignore[misc]
    """PKCE with S256, demanded of every authorization request (not only public clients')."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]  # noqa: RUF012 (authlib's own name)

    def validate_code_challenge(self, grant: _CodeGrant, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge") or data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("PKCE with S256 is required", redirect_uri=redirect_uri)
        super().validate_code_challenge(grant, redirect_uri)


class Provider(AuthorizationServer):  # type: ignore[misc]
    """The provider: authlib's authorization server, its knobs, and its Starlette app."""

    def __init__(self, now: Callable[[], datetime]) -> None:
        super().__init__(scopes_supported=list(SCOPES))
        self.now = now
        self.url = ""
        self.signs_in: str | None = None
        self.people: dict[str, list[str]] = {}
        self.tamper: dict[str, Any] = {}
        self.redirect_uris: list[str] = []
        self.hits: Counter[str] = Counter()
        self.redirects: list[str] = []  # where /authorize sent the browser back to, in order
        self.codes: dict[str, _Code] = {}
        self.key = RSAKey.generate_key(2048, {"kid": "k1"})
        self.impostor: RSAKey | None = None
        self._kids = 1
        self.register_token_generator("default", self._bearer_token)
        self.register_grant(_CodeGrant, [_S256Challenge(required=True), _OpenIDCode(self)])

    def rotate_key(self) -> None:
        """Sign from now on with a new key; the JWKS lists only the new one."""
        self._kids += 1
        self.key = RSAKey.generate_key(2048, {"kid": f"k{self._kids}"})

    # --- what authlib leaves to the application ---

    def query_client(self, client_id: str) -> _Client | None:
        return _Client(self.redirect_uris) if client_id == CLIENT_ID else None

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        """Access tokens are not kept: revpact only reads the ID token."""

    def _bearer_token(
        self,
        grant_type: str,
        client: _Client,
        user: str | None = None,
        scope: str | None = None,
        expires_in: int | None = None,
        include_refresh_token: bool = True,
    ) -> dict[str, Any]:
        return {
            "token_type": "Bearer",
            "access_token": f"at-{len(self.codes)}-{time.monotonic_ns()}",
            "expires_in": expires_in or 300,
            "scope": scope,
        }

    # --- what a framework integration implements ---

    def create_oauth2_request(self, request: OAuth2Request) -> OAuth2Request:
        return request

    def create_json_request(self, request: Any) -> Any:
        raise NotImplementedError("no JSON endpoints here")

    def handle_response(self, status: int, body: Any, headers: Any) -> Response:
        if isinstance(body, dict):
            return JSONResponse(body, status_code=status, headers=dict(headers))
        return PlainTextResponse(str(body), status_code=status, headers=dict(headers))

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """No signals are listened to."""

    # --- the endpoints ---

    def app(self) -> Starlette:
        async def discovery(request: Request) -> Response:
            return JSONResponse(
                {
                    "issuer": self.url,
                    "authorization_endpoint": f"{self.url}/authorize",
                    "token_endpoint": f"{self.url}/token",
                    "jwks_uri": f"{self.url}{JWKS}",
                    "response_types_supported": ["code"],
                    "subject_types_supported": ["public"],
                    "id_token_signing_alg_values_supported": ["RS256"],
                    "scopes_supported": list(SCOPES),
                    "token_endpoint_auth_methods_supported": ["client_secret_basic"],
                    "code_challenge_methods_supported": ["S256"],
                }
            )

        async def jwks(request: Request) -> Response:
            return JSONResponse({"keys": [self.key.as_dict(private=False)]})

        async def authorize(request: Request) -> Response:
            asked = _Request(request, {})
            try:
                grant = self.get_consent_grant(asked, end_user=self.signs_in)
            except OAuth2Error as error:
                if error.redirect_uri:  # the client is known: tell it, at its callback
                    return self.handle_error_response(asked, error)  # type: ignore[no-any-return]
                return PlainTextResponse(f"{error.error}: {error.description}", 400)
            answer: Response = self.create_authorization_response(asked, self.signs_in, grant)
            self.redirects.append(answer.headers.get("location", ""))
            return answer

        async def token(request: Request) -> Response:
            form = dict(parse_qsl((await request.body()).decode()))
            return self.create_token_response(_Request(request, form))  # type: ignore[no-any-return]

        async def count(request: Request, call_next: Any) -> Response:
            self.hits[request.url.path] += 1
            answer: Response = await call_next(request)
            return answer

        return Starlette(
            routes=[
                Route(DISCOVERY, discovery),
                Route(JWKS, jwks),
                Route("/authorize", authorize),
                Route("/token", token, methods=["POST"]),
            ],
            middleware=[Middleware(BaseHTTPMiddleware, dispatch=count)],
        )


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
