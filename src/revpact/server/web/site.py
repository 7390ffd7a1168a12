"""The dashboard's frame: signing in, the language, JSON twins, templates and the page registry.

A page is a function from a :class:`PageRequest` to a :class:`Page` — the data of its JSON twin
and the context of its Jinja2 template — registered with :func:`page`. :func:`page` gives it
two routes, ``/dashboard/<name>`` and ``/dashboard/<name>.json``, both behind the permission it
names; the HTML route also answers JSON to ``Accept: application/json``. A browser without a
valid token is sent to ``/login``; a JSON caller gets 401, a role without the permission 403,
neither with any data.

The caller is found by the API's own sign-in (:func:`revpact.server.deps.caller_of`): the token
from ``Authorization: Bearer`` or, for pages, the server-side session whose id is in the
``revpact_session`` cookie. ``POST /login`` opens the session with an API token
(:mod:`revpact.services.sessions`) and sets the cookie — HttpOnly, SameSite=Lax, Path=/,
Secure over HTTPS or when the settings say so (``REVPACT_COOKIE_SECURE``: behind a proxy that
ends TLS); the browser never keeps the token. ``POST /logout`` ends the session on the
server, so a copy of the cookie stops working too. Both forms, like every form, carry a CSRF
token and must come from this site (:mod:`revpact.server.web.csrf`); a post that fails either
check gets 403 and the error page.

Every answer carries a strict Content-Security-Policy (:mod:`revpact.server.web.assets`): no
inline script or style, no ``eval``. The pages' scripts and styles are files in ``static/``;
charts are drawn by ``static/charts.js`` from the figure's JSON.

The language is ``?lang=`` (remembered in a cookie), else the cookie, else the browser's
``Accept-Language``, else the agreement's own.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Final
from urllib.parse import parse_qs, quote

import jinja2
from fastapi import APIRouter, Request, Response, status
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from revpact.domain.agreement.model import Agreement
from revpact.domain.roles import GRANTS, Permission
from revpact.render import formatting
from revpact.render.texts import Labels
from revpact.server.deps import SESSION_COOKIE, caller_of
from revpact.server.errors import problem_response
from revpact.server.state import ServerState
from revpact.server.web.assets import CONTENT_SECURITY_POLICY, plotly_style_ids, security_headers
from revpact.server.web.assets import router as assets_router
from revpact.server.web.csrf import (
    FIELD,
    LOGIN_COOKIE,
    from_this_site,
    login_nonce,
    login_token,
    matches,
    session_token,
)
from revpact.server.web.texts import LANGUAGES, page_labels
from revpact.services.sessions import end_session, form_key, open_session
from revpact.services.tokens import Principal

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "NAV_ORDER",
    "PAGES",
    "SESSION_COOKIE",
    "Page",
    "PageRequest",
    "html_page",
    "language_of",
    "local_path",
    "page",
    "router",
    "secure_cookies",
    "templates",
]

router = APIRouter(include_in_schema=False)
router.include_router(assets_router)

LANG_COOKIE = "revpact_lang"
_TEMPLATES = Path(__file__).parent / "templates"
_LONGEST_FORM: Final = 16_384  # bytes; the login and logout forms are far smaller


@dataclass(frozen=True)
class PageRequest:
    """What a page is built from."""

    state: ServerState
    caller: Principal
    lang: str
    labels: Labels  # the dashboard's texts in ``lang``
    now: datetime
    agreement: Agreement  # the agreement file (the store's versions decide what governs)
    query: Mapping[str, str]


@dataclass(frozen=True)
class Page:
    """A built page: ``data`` is its JSON twin; ``template`` renders it with ``context``.

    ``status`` is the HTTP status of both (e.g. 422 for a query parameter that makes no sense).
    """

    title: str
    template: str
    data: Mapping[str, Any]
    context: Mapping[str, Any] = field(default_factory=dict)
    status: int = 200
    problem: str | None = None  # a refusal: the JSON twin is the API's problem details


Builder = Callable[[PageRequest], Page]


@dataclass(frozen=True)
class _Entry:
    name: str
    path: str
    permission: Permission


PAGES: list[_Entry] = []
"""The registered pages."""

NAV_ORDER = ("scoreboard", "queue", "follow_up", "agreement", "rhythm", "audit")


def _nav() -> list[_Entry]:
    rank = {name: index for index, name in enumerate(NAV_ORDER)}
    return sorted(PAGES, key=lambda e: rank.get(e.name, len(rank)))


# --- templates ------------------------------------------------------------------------------


@functools.cache
def templates() -> jinja2.Environment:
    """The dashboard's Jinja2 environment: autoescaped, undefined names are errors."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["money"] = lambda v, currency, lang: formatting.format_money(v, currency, lang)
    env.filters["number"] = lambda v, lang: formatting.format_number(v, lang)
    env.filters["percent"] = lambda v, lang: formatting.format_percent(v, lang)
    env.filters["date"] = lambda v, lang: formatting.format_date(v, lang)
    env.filters["month"] = lambda v, lang: formatting.format_month(v, lang)
    env.filters["moment"] = lambda v, zone, lang: formatting.format_moment(v, zone, lang)
    env.filters["duration"] = lambda v, lang: formatting.format_duration(int(v), lang)
    env.globals["plotly_style_ids"] = plotly_style_ids
    return env


# --- who is asking, in which language -----------------------------------------------------------


def _wants_json(request: Request, path: str) -> bool:
    if path.endswith(".json"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def language_of(request: Request, agreement: Agreement) -> tuple[str, bool]:
    """The language to answer in, and whether ``?lang=`` chose it (to remember it)."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked, True
    saved = request.cookies.get(LANG_COOKIE)
    if saved in LANGUAGES:
        return saved, False
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code, False
    return agreement.language, False


def local_path(value: str | None) -> str:
    """Where to go after signing in: only a path on this site."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/dashboard"


def html_page(
    request: Request, template: str, lang: str, code: int = 200, **context: Any
) -> HTMLResponse:
    """``template`` rendered; ``csrf`` (the forms' token) defaults to the session's own."""
    env = templates()
    context.setdefault("csrf", _session_csrf(request))
    body = env.get_template(template).render(
        lang=lang,
        t=page_labels(lang),
        pages=_nav(),
        path=request.url.path,
        **context,
    )
    return HTMLResponse(body, status_code=code)


def _session_csrf(request: Request) -> str:
    """The CSRF token for the forms shown to the session in the cookie ("" without one)."""
    session_id = request.cookies.get(SESSION_COOKIE)
    if not session_id:
        return ""
    state: ServerState = request.app.state.revpact
    return session_token(form_key(state.engine), session_id)


# --- pages ----------------------------------------------------------------------------------------


def page(name: str, *, permission: Permission = Permission.READ) -> Callable[[Builder], Builder]:
    """Register ``builder`` as the page ``/dashboard/<name>`` (``""``: ``/dashboard``)."""
    path = f"/dashboard/{name}" if name else "/dashboard"

    def register(builder: Builder) -> Builder:
        PAGES.append(_Entry((name or "scoreboard").replace("-", "_"), path, permission))

        def handle(request: Request) -> Response:
            # A plain function: FastAPI runs it in its thread pool, so building a page (which
            # reads the store) never holds up the server's event loop.
            return security_headers(_serve(request, builder, permission))

        for route in (path, f"{path}.json"):
            router.add_api_route(route, handle, methods=["GET"], name=f"page:{route}")
        return builder

    return register


def _serve(request: Request, builder: Builder, permission: Permission) -> Response:
    state: ServerState = request.app.state.revpact
    agreement = state.agreement()
    lang, chosen = language_of(request, agreement)
    as_json = _wants_json(request, request.url.path)
    caller = caller_of(request, state, cookie=True)
    if caller is None:
        if as_json:
            return problem_response(
                request,
                status.HTTP_401_UNAUTHORIZED,
                "a valid API token is required (Authorization: Bearer rp_...)",
                headers={"WWW-Authenticate": "Bearer"},
            )
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status.HTTP_303_SEE_OTHER)
    if permission not in GRANTS[caller.role]:
        detail = f"the {caller.role.value} role may not do this ({permission.value})"
        if as_json:
            return problem_response(request, status.HTTP_403_FORBIDDEN, detail)
        texts = page_labels(lang)
        return html_page(
            request,
            "error.html.j2",
            lang,
            403,
            title=texts.text("errors.forbidden_title"),
            message=texts.text("errors.forbidden", role=caller.role.value),
            caller=caller,
        )
    built = builder(
        PageRequest(
            state=state,
            caller=caller,
            lang=lang,
            labels=page_labels(lang),
            now=state.now(),
            agreement=agreement,
            query=dict(request.query_params),
        )
    )
    if as_json and built.problem is not None:
        response: Response = problem_response(request, built.status, built.problem)
    elif as_json:
        response = JSONResponse(dict(built.data), status_code=built.status)
    else:
        response = html_page(
            request,
            built.template,
            lang,
            built.status,
            title=built.title,
            data=built.data,
            caller=caller,
            json_url=request.url.path.removesuffix(".json") + ".json",
            **built.context,
        )
    return _remember(response, lang, chosen)


def _remember(response: Response, lang: str, chosen: bool) -> Response:
    """Keep a language chosen with ``?lang=`` for the next pages."""
    if chosen:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86_400, samesite="strict")
    return response


# --- signing in and out, the root -------------------------------------------------------


@router.get("/")
def root() -> RedirectResponse:
    return RedirectResponse("/dashboard", status.HTTP_303_SEE_OTHER)


@router.get("/login")
def login_form(request: Request) -> Response:
    state: ServerState = request.app.state.revpact
    lang, chosen = language_of(request, state.agreement())
    nonce = login_nonce(request.cookies.get(LOGIN_COOKIE))
    page = _login_page(request, state, lang, nonce, next_=request.query_params.get("next"))
    return _remember(page, lang, chosen)


def _login_page(
    request: Request,
    state: ServerState,
    lang: str,
    nonce: str,
    *,
    next_: str | None,
    error: str | None = None,
    code: int = 200,
) -> Response:
    """The login form, its CSRF token signed for ``nonce`` (kept in the login cookie)."""
    page = html_page(
        request,
        "login.html.j2",
        lang,
        code,
        next=local_path(next_),
        error=error,
        caller=None,
        csrf=login_token(form_key(state.engine), nonce),
        oidc_name=state.settings.oidc.name if state.settings.oidc.enabled else None,
    )
    page.set_cookie(
        LOGIN_COOKIE,
        nonce,
        httponly=True,
        samesite="strict",
        secure=secure_cookies(request, state),
        path="/login",
    )
    return security_headers(page)


def secure_cookies(request: Request, state: ServerState) -> bool:
    """Whether cookies get ``Secure``: over HTTPS, or always when the settings say so."""
    return request.url.scheme == "https" or state.settings.dashboard.cookie_secure


async def _form(request: Request) -> dict[str, str] | None:
    """A posted form's fields (the first of each); None when the body is too large."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > _LONGEST_FORM:
            return None
    parsed = parse_qs(body.decode("utf-8", "replace"))
    return {name: values[0] for name, values in parsed.items()}


def _refused(request: Request, lang: str, code: int = status.HTTP_403_FORBIDDEN) -> Response:
    """The error page for a form that did not come from this site's own page."""
    texts = page_labels(lang)
    return security_headers(
        html_page(
            request,
            "error.html.j2",
            lang,
            code,
            title=texts.text("errors.forbidden_title"),
            message=texts.text("errors.csrf"),
            caller=None,
            csrf="",
        )
    )


def _from_this_site(request: Request, state: ServerState) -> bool:
    return from_this_site(request, [state.settings.webhooks.public_url])


@router.post("/login")
async def login(request: Request) -> Response:
    state: ServerState = request.app.state.revpact
    form = await _form(request)
    asked = (form or {}).get("lang", "")
    lang = asked if asked in LANGUAGES else language_of(request, state.agreement())[0]
    if form is None:
        return _refused(request, lang, status.HTTP_413_CONTENT_TOO_LARGE)
    nonce = request.cookies.get(LOGIN_COOKIE)
    key = await run_in_threadpool(form_key, state.engine)
    if (
        not _from_this_site(request, state)
        or nonce is None
        or not matches(login_token(key, nonce), form.get(FIELD))
    ):
        return _refused(request, lang)
    token = form.get("token", "").strip()
    target = local_path(form.get("next"))
    settings = state.settings.dashboard
    opened = None
    if token:
        opened = await run_in_threadpool(
            lambda: open_session(
                state.engine, token, now=state.now(), lifetime=settings.session_lifetime
            )
        )
    if opened is None:
        error = page_labels(lang).text("login.invalid")
        return await run_in_threadpool(
            lambda: _login_page(request, state, lang, nonce, next_=target, error=error, code=401)
        )
    previous = request.cookies.get(SESSION_COOKIE)
    if previous:
        await run_in_threadpool(lambda: end_session(state.engine, previous, now=state.now()))
    response = RedirectResponse(target, status.HTTP_303_SEE_OTHER)
    response.set_cookie(
        SESSION_COOKIE,
        opened.session_id,
        max_age=int(settings.session_lifetime.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request, state),
        path="/",
    )
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return security_headers(response)


@router.post("/logout")
async def logout(request: Request) -> Response:
    """End the session on the server (a copied cookie stops working) and forget the cookie."""
    state: ServerState = request.app.state.revpact
    lang = language_of(request, state.agreement())[0]
    form = await _form(request)
    if form is None:
        return _refused(request, lang, status.HTTP_413_CONTENT_TOO_LARGE)
    if not _from_this_site(request, state):
        return _refused(request, lang)
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        expected = session_token(await run_in_threadpool(form_key, state.engine), session_id)
        if not matches(expected, form.get(FIELD)):
            return _refused(request, lang)
        await run_in_threadpool(lambda: end_session(state.engine, session_id, now=state.now()))
    response = RedirectResponse("/login", status.HTTP_303_SEE_OTHER)
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        secure=secure_cookies(request, state),
        httponly=True,
        samesite="lax",
    )
    return security_headers(response)
