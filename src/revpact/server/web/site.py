"""The dashboard's frame: signing in, the language, JSON twins, templates and the page registry.

A page is a function from a :class:`PageRequest` to a :class:`Page` — the data of its JSON twin
and the context of its Jinja2 template — registered with :func:`page`. :func:`page` gives it
two routes, ``/dashboard/<name>`` and ``/dashboard/<name>.json``, both behind the permission it
names; the HTML route also answers JSON to ``Accept: application/json``. A browser without a
valid token is sent to ``/login``; a JSON caller gets 401, a role without the permission 403,
neither with any data.

The caller is found by the API's own sign-in (:func:`revpact.server.deps.caller_of`): the token
from ``Authorization: Bearer`` or, for pages, from the ``revpact_token`` cookie that
``POST /login`` sets (HttpOnly, SameSite=Strict, Secure over HTTPS). The language is ``?lang=``
(remembered in a cookie), else the cookie, else the browser's ``Accept-Language``, else the
agreement's own.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote

import jinja2
from fastapi import APIRouter, Request, Response, status
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from revpact.domain.agreement.model import Agreement
from revpact.domain.roles import GRANTS, Permission
from revpact.render import formatting
from revpact.render.texts import Labels
from revpact.server.deps import TOKEN_COOKIE, caller_of
from revpact.server.state import ServerState
from revpact.server.web.texts import LANGUAGES, page_labels
from revpact.services.tokens import Principal, authenticate

__all__ = [
    "NAV_ORDER",
    "PAGES",
    "TOKEN_COOKIE",
    "Page",
    "PageRequest",
    "page",
    "router",
    "templates",
]

router = APIRouter(include_in_schema=False)

LANG_COOKIE = "revpact_lang"
_TEMPLATES = Path(__file__).parent / "templates"


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
    return env


# --- who is asking, in which language -----------------------------------------------------------


def _wants_json(request: Request, path: str) -> bool:
    if path.endswith(".json"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _language(request: Request, agreement: Agreement) -> tuple[str, bool]:
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


def _local_path(value: str | None) -> str:
    """Where to go after signing in: only a path on this site."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/dashboard"


def _html(
    request: Request, template: str, lang: str, code: int = 200, **context: Any
) -> HTMLResponse:
    env = templates()
    body = env.get_template(template).render(
        lang=lang,
        t=page_labels(lang),
        pages=_nav(),
        path=request.url.path,
        **context,
    )
    return HTMLResponse(body, status_code=code)


def _security_headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    return response


# --- pages ----------------------------------------------------------------------------------------


def page(name: str, *, permission: Permission = Permission.READ) -> Callable[[Builder], Builder]:
    """Register ``builder`` as the page ``/dashboard/<name>`` (``""``: ``/dashboard``)."""
    path = f"/dashboard/{name}" if name else "/dashboard"

    def register(builder: Builder) -> Builder:
        PAGES.append(_Entry((name or "scoreboard").replace("-", "_"), path, permission))

        def handle(request: Request) -> Response:
            # A plain function: FastAPI runs it in its thread pool, so building a page (which
            # reads the store) never holds up the server's event loop.
            return _security_headers(_serve(request, builder, permission))

        for route in (path, f"{path}.json"):
            router.add_api_route(route, handle, methods=["GET"], name=f"page:{route}")
        return builder

    return register


def _serve(request: Request, builder: Builder, permission: Permission) -> Response:
    state: ServerState = request.app.state.revpact
    agreement = state.agreement()
    lang, chosen = _language(request, agreement)
    as_json = _wants_json(request, request.url.path)
    caller = caller_of(request, state, cookie=True)
    if caller is None:
        if as_json:
            return JSONResponse(
                {"detail": "a valid API token is required (Authorization: Bearer rp_...)"},
                status_code=status.HTTP_401_UNAUTHORIZED,
                headers={"WWW-Authenticate": "Bearer"},
            )
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status.HTTP_303_SEE_OTHER)
    if permission not in GRANTS[caller.role]:
        detail = f"the {caller.role.value} role may not do this ({permission.value})"
        if as_json:
            return JSONResponse({"detail": detail}, status_code=status.HTTP_403_FORBIDDEN)
        texts = page_labels(lang)
        return _html(
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
    if as_json:
        response: Response = JSONResponse(dict(built.data), status_code=built.status)
    else:
        response = _html(
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


# --- signing in and out, the root, static files ---------------------------------------------


@router.get("/")
def root() -> RedirectResponse:
    return RedirectResponse("/dashboard", status.HTTP_303_SEE_OTHER)


@router.get("/login")
def login_form(request: Request) -> Response:
    state: ServerState = request.app.state.revpact
    lang, chosen = _language(request, state.agreement())
    page = _html(
        request,
        "login.html.j2",
        lang,
        next=_local_path(request.query_params.get("next")),
        error=None,
        caller=None,
    )
    return _security_headers(_remember(page, lang, chosen))


@router.post("/login")
async def login(request: Request) -> Response:
    state: ServerState = request.app.state.revpact
    form = parse_qs((await request.body()).decode("utf-8", "replace"))
    asked = (form.get("lang") or [""])[0]
    lang = asked if asked in LANGUAGES else _language(request, state.agreement())[0]
    token = (form.get("token") or [""])[0].strip()
    target = _local_path((form.get("next") or [""])[0])
    known = bool(token) and await run_in_threadpool(authenticate, state.engine, token) is not None
    if not known:
        return _security_headers(
            _html(
                request,
                "login.html.j2",
                lang,
                401,
                next=target,
                error=page_labels(lang).text("login.invalid"),
                caller=None,
            )
        )
    response = RedirectResponse(target, status.HTTP_303_SEE_OTHER)
    response.set_cookie(
        TOKEN_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@router.post("/logout")
def logout() -> Response:
    response = RedirectResponse("/login", status.HTTP_303_SEE_OTHER)
    response.delete_cookie(TOKEN_COOKIE, path="/")
    return response


@functools.cache
def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return str(get_plotlyjs())


@router.get("/static/plotly.min.js")
def plotly_js() -> Response:
    """plotly's own JavaScript, served by revpact (no CDN)."""
    return Response(
        _plotly_js(),
        media_type="application/javascript",
        headers={"Cache-Control": "public, max-age=86400"},
    )
