"""Signing in with the company's identity provider: OpenID Connect, authorization code + PKCE.

``GET /login/oidc`` begins a sign-in: a random ``state``, ``nonce`` and PKCE verifier (S256)
are kept server-side (:mod:`revpact.services.oidc_sign_ins`: only the state's SHA-256, for
ten minutes, used once) and the state also in a cookie scoped to ``/login/oidc``, so the answer
must come back to the browser that asked; the browser goes to the provider's authorization
endpoint (found by discovery, ``<issuer>/.well-known/openid-configuration``). The discovery
document and the provider's JWKS are kept for :data:`DOCUMENT_TIME` (by the server's clock),
per app; an ID token signed with a key the kept JWKS does not have (the provider rotated its
keys) fetches the JWKS again, once.
``GET /login/oidc/callback`` takes the sign-in back — a state already used, or not this
browser's, is refused — exchanges the code (with the verifier and the client secret) and checks
the ID token: signed by a key of the provider's JWKS (RS256/ES256 only), ``iss`` the issuer,
``aud`` the client id (or a list holding it), ``azp`` the client id when present (and it must
be present when ``aud`` names several audiences), ``exp``/``iat`` against the server's clock
with a minute's leeway, and ``nonce`` the one sent. The person is then mapped to a role
(:mod:`revpact.services.people`: the groups claim, else the agreement's roster by e-mail), and a
session opened as for a token.
Anything wrong gets 403 and the error page, naming what was wrong, and opens nothing.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final

import httpx
from authlib.common.security import generate_token  # type: ignore[import-untyped]
from authlib.oauth2.rfc6749.parameters import (  # type: ignore[import-untyped]
    prepare_grant_uri,
)
from authlib.oauth2.rfc7636 import (  # type: ignore[import-untyped]
    create_s256_code_challenge,
)
from fastapi import Request, Response, status
from fastapi.responses import RedirectResponse
from joserfc import jwt
from joserfc.errors import InvalidClaimError, InvalidKeyIdError, JoseError, MissingClaimError
from joserfc.jwk import KeySet

from revpact.server.deps import SESSION_COOKIE
from revpact.server.settings import OidcSettings
from revpact.server.state import ServerState
from revpact.server.web.assets import security_headers
from revpact.server.web.site import html_page, language_of, local_path, router, secure_cookies
from revpact.server.web.texts import page_labels
from revpact.services.oidc_sign_ins import begin_sign_in, take_sign_in
from revpact.services.people import person_of
from revpact.services.sessions import end_session, open_person_session

__all__ = ["DOCUMENT_TIME", "STATE_COOKIE", "callback_url"]

STATE_COOKIE: Final = "revpact_oidc"
"""The state of the sign-in this browser began (HttpOnly, SameSite=Lax, Path=/login/oidc)."""

_LEEWAY: Final = 60  # seconds of clock difference allowed with the provider
_ALGORITHMS: Final = ("RS256", "ES256")
_TIMEOUT: Final = 10.0

DOCUMENT_TIME: Final = timedelta(hours=1)
"""How long the provider's discovery document and JWKS are kept before they are fetched again."""


class _Refused(Exception):
    """A sign-in that must not open a session; ``key`` names the label that says why."""

    def __init__(self, key: str, **values: str) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


def callback_url(request: Request, state: ServerState) -> str:
    """The redirect URL registered at the provider: from the public URL, else this request's."""
    base = state.settings.webhooks.public_url or str(request.base_url)
    return base.rstrip("/") + "/login/oidc/callback"


@dataclass(frozen=True)
class _Kept:
    value: Any
    fetched: datetime


@dataclass
class _ProviderDocuments:
    """The provider's discovery document (by issuer) and JWKS (by URL), each fetched at most
    once per :data:`DOCUMENT_TIME` unless asked ``fresh``; one lock, so that sign-ins arriving
    together fetch once."""

    _lock: threading.Lock = field(default_factory=threading.Lock)
    _kept: dict[tuple[str, str], _Kept] = field(default_factory=dict)

    def discovery(self, issuer: str, now: datetime) -> Mapping[str, Any]:
        found: Mapping[str, Any] = self._get(("discovery", issuer), now, _fetch_discovery)
        return found

    def keys(self, jwks_uri: str, now: datetime, *, fresh: bool = False) -> KeySet:
        found: KeySet = self._get(("jwks", jwks_uri), now, _fetch_keys, fresh=fresh)
        return found

    def _get(
        self,
        name: tuple[str, str],
        now: datetime,
        fetch: Callable[[str], Any],
        *,
        fresh: bool = False,
    ) -> Any:
        with self._lock:
            kept = self._kept.get(name)
            if fresh or kept is None or not kept.fetched <= now < kept.fetched + DOCUMENT_TIME:
                kept = _Kept(fetch(name[1]), now)
                self._kept[name] = kept
            return kept.value


_DOCUMENTS_LOCK: Final = threading.Lock()


def _documents(request: Request) -> _ProviderDocuments:
    """This app's kept provider documents (made on first use)."""
    with _DOCUMENTS_LOCK:
        kept: _ProviderDocuments | None = getattr(request.app.state, "oidc_documents", None)
        if kept is None:
            kept = request.app.state.oidc_documents = _ProviderDocuments()
        return kept


def _fetch_discovery(issuer: str) -> Mapping[str, Any]:
    answer = httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=_TIMEOUT)
    answer.raise_for_status()
    found: dict[str, Any] = answer.json()
    if found.get("issuer", "").rstrip("/") != issuer:
        raise _Refused("login.oidc_failed")
    return found


def _fetch_keys(jwks_uri: str) -> KeySet:
    answer = httpx.get(jwks_uri, timeout=_TIMEOUT)
    answer.raise_for_status()
    return KeySet.import_key_set(answer.json())


def _discover(request: Request, state: ServerState) -> Mapping[str, Any]:
    issuer = (state.settings.oidc.issuer or "").rstrip("/")
    return _documents(request).discovery(issuer, state.now())


@router.get("/login/oidc")
def begin(request: Request) -> Response:
    """Send the browser to the provider with a fresh state, nonce and PKCE challenge."""
    state: ServerState = request.app.state.revpact
    settings = state.settings.oidc
    if not settings.enabled:
        return _refusal(request, state, _Refused("login.oidc_off"), status.HTTP_404_NOT_FOUND)
    try:
        endpoint = str(_discover(request, state)["authorization_endpoint"])
    except (httpx.HTTPError, ValueError, KeyError, _Refused):
        return _refusal(request, state, _Refused("login.oidc_failed"))
    sign_in_state, nonce, verifier = (
        secrets.token_urlsafe(32),
        generate_token(32),
        generate_token(64),
    )
    begin_sign_in(
        state.engine,
        sign_in_state,
        nonce=nonce,
        code_verifier=verifier,
        next_=local_path(request.query_params.get("next")),
        now=state.now(),
    )
    url = prepare_grant_uri(
        endpoint,
        settings.client_id,
        "code",
        redirect_uri=callback_url(request, state),
        scope=" ".join(settings.scopes),
        state=sign_in_state,
        nonce=nonce,
        code_challenge=create_s256_code_challenge(verifier),
        code_challenge_method="S256",
    )
    response = RedirectResponse(url, status.HTTP_303_SEE_OTHER)
    response.set_cookie(
        STATE_COOKIE,
        sign_in_state,
        max_age=600,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request, state),
        path="/login/oidc",
    )
    return security_headers(response)


@router.get("/login/oidc/callback")
def callback(request: Request) -> Response:
    """Take the provider's answer: check it all, then open a session for the person."""
    state: ServerState = request.app.state.revpact
    settings = state.settings.oidc
    if not settings.enabled:
        return _refusal(request, state, _Refused("login.oidc_off"), status.HTTP_404_NOT_FOUND)
    try:
        target, claims = _vouched(request, state, settings)
        email = claims.get("email")
        if not isinstance(email, str) or "@" not in email or claims.get("email_verified") is False:
            raise _Refused("login.oidc_no_email")
        domain = email.rpartition("@")[2].casefold()
        if settings.allowed_domains and domain not in settings.allowed_domains:
            raise _Refused("login.oidc_unknown", email=email)
        groups = claims.get(settings.groups_claim, [])
        person = person_of(
            state.agreement(),
            email=email,
            name=claims.get("name") if isinstance(claims.get("name"), str) else None,
            groups=[g for g in groups if isinstance(g, str)] if isinstance(groups, list) else [],
            group_roles=settings.group_roles,
        )
        if person is None:
            raise _Refused("login.oidc_unknown", email=email)
    except _Refused as refused:
        return _refusal(request, state, refused)
    previous = request.cookies.get(SESSION_COOKIE)
    if previous:
        end_session(state.engine, previous, now=state.now())
    lifetime = state.settings.dashboard.session_lifetime
    opened = open_person_session(
        state.engine,
        person,
        email=email,
        subject=f"{settings.issuer}#{claims['sub']}",
        now=state.now(),
        lifetime=lifetime,
    )
    response = RedirectResponse(target, status.HTTP_303_SEE_OTHER)
    response.set_cookie(
        SESSION_COOKIE,
        opened.session_id,
        max_age=int(lifetime.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request, state),
        path="/",
    )
    response.delete_cookie(STATE_COOKIE, path="/login/oidc")
    return security_headers(response)


def _vouched(
    request: Request, state: ServerState, settings: OidcSettings
) -> tuple[str, Mapping[str, Any]]:
    """Where to go next, and the ID token's checked claims; :class:`_Refused` otherwise."""
    query = request.query_params
    if query.get("error"):
        raise _Refused("login.oidc_failed")
    presented, code = query.get("state", ""), query.get("code", "")
    if (
        not presented
        or not code
        or not secrets.compare_digest(
            presented.encode(), request.cookies.get(STATE_COOKIE, "").encode()
        )
    ):
        raise _Refused("login.oidc_state")
    pending = take_sign_in(state.engine, presented, now=state.now())
    if pending is None:
        raise _Refused("login.oidc_state")
    try:
        found = _discover(request, state)
        answer = httpx.post(
            str(found["token_endpoint"]),
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": callback_url(request, state),
                "code_verifier": pending.code_verifier,
                "client_id": settings.client_id or "",
            },
            auth=(settings.client_id or "", settings.client_secret or ""),
            timeout=_TIMEOUT,
        )
        answer.raise_for_status()
        id_token = str(answer.json()["id_token"])
        claims = _checked(id_token, request, state, str(found["jwks_uri"]), pending.nonce)
    except (httpx.HTTPError, ValueError, KeyError, TypeError, JoseError):
        raise _Refused("login.oidc_failed") from None
    return pending.next, claims


def _checked(
    id_token: str, request: Request, state: ServerState, jwks_uri: str, nonce: str
) -> Mapping[str, Any]:
    """The ID token's claims once its signature and claims pass; :class:`_Refused` otherwise.

    A key id the kept JWKS does not know fetches the JWKS again, once (the provider rotated
    its keys); a failure to fetch it is the caller's to report.
    """
    documents, now = _documents(request), state.now()
    settings = state.settings.oidc
    client_id = settings.client_id or ""
    try:
        try:
            token = jwt.decode(id_token, documents.keys(jwks_uri, now), list(_ALGORITHMS))
        except InvalidKeyIdError:
            fresh = documents.keys(jwks_uri, now, fresh=True)
            token = jwt.decode(id_token, fresh, list(_ALGORITHMS))
        claims = token.claims
        jwt.JWTClaimsRegistry(
            now=int(now.timestamp()),
            leeway=_LEEWAY,
            iss={"essential": True, "value": settings.issuer or ""},
            aud={"essential": True, "value": client_id},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": nonce},
        ).validate(claims)
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if "azp" not in claims and len(audiences) > 1:
            raise MissingClaimError("azp")  # several audiences: which one asked must be said
        if "azp" in claims and claims["azp"] != client_id:
            raise InvalidClaimError("azp")
    except (JoseError, ValueError) as exc:
        raise _Refused("login.oidc_token", why=str(exc)) from None
    return claims


def _refusal(
    request: Request, state: ServerState, refused: _Refused, code: int = status.HTTP_403_FORBIDDEN
) -> Response:
    lang = language_of(request, state.agreement())[0]
    texts = page_labels(lang)
    page = html_page(
        request,
        "error.html.j2",
        lang,
        code,
        title=texts.text("login.oidc_refused_title"),
        message=texts.text(refused.key, **refused.values),
        caller=None,
        csrf="",
    )
    page.delete_cookie(STATE_COOKIE, path="/login/oidc")
    return security_headers(page)
