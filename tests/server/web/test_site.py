"""The dashboard's sign-in, attacked over HTTP: server-side sessions, CSRF on every form, the
``Secure`` flag, the Content-Security-Policy, static files and the favicon."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

import httpx
import pytest

from revpact.domain.roles import Role
from revpact.server.settings import DashboardSettings
from revpact.server.state import ServerState
from revpact.server.web.csrf import LOGIN_COOKIE
from revpact.server.web.site import CONTENT_SECURITY_POLICY, SESSION_COOKIE
from revpact.services.tokens import list_tokens, revoke_token

if TYPE_CHECKING:
    from live_server import LiveServer

CSRF = re.compile(r'name="csrf" value="([0-9a-f]{64})"')
EXACT_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'"
)


def _client(server: LiveServer) -> httpx.Client:
    client: httpx.Client = server.client()
    client.follow_redirects = False
    return client


def _login_csrf(client: httpx.Client) -> str:
    found = CSRF.search(client.get("/login").text)
    assert found is not None
    return found.group(1)


def _signed_in(client: httpx.Client, token: str) -> str:
    """Sign ``client`` in through the form; the CSRF token its pages' forms carry."""
    posted = client.post("/login", data={"token": token, "csrf": _login_csrf(client)})
    assert posted.status_code == 303, posted.text
    found = CSRF.search(client.get("/dashboard/queue").text)
    assert found is not None
    return found.group(1)


def _refused(answer: httpx.Response) -> None:
    assert answer.status_code == 403, answer.text
    assert 'id="error"' in answer.text
    assert SESSION_COOKIE not in answer.headers.get("set-cookie", "")


def test_the_session_cookie_holds_a_session_id_not_the_token(
    live_server: LiveServer, role_tokens: dict[Role, str]
) -> None:
    token = role_tokens[Role.VIEWER]
    with _client(live_server) as client:
        _signed_in(client, token)
        session_id = client.cookies[SESSION_COOKIE]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", session_id)
    assert token not in session_id and token[3:] not in session_id


def test_a_copied_cookie_stops_working_after_signing_out(
    live_server: LiveServer, role_tokens: dict[Role, str]
) -> None:
    with _client(live_server) as client:
        page_csrf = _signed_in(client, role_tokens[Role.VIEWER])
        copied = client.cookies[SESSION_COOKIE]
        out = client.post("/logout", data={"csrf": page_csrf})
        assert out.status_code == 303 and out.headers["location"] == "/login"
    with _client(live_server) as thief:
        thief.cookies.set(SESSION_COOKIE, copied)
        page = thief.get("/dashboard/queue")
        assert page.status_code == 303 and page.headers["location"].startswith("/login")
        assert thief.get("/dashboard/queue.json").status_code == 401


def test_revoking_the_token_signs_its_browsers_out(
    live_server: LiveServer, role_tokens: dict[Role, str]
) -> None:
    with _client(live_server) as client:
        _signed_in(client, role_tokens[Role.VIEWER])
        assert client.get("/dashboard/queue").status_code == 200
        tokens = list_tokens(live_server.state.engine)
        viewer = next(t.token_id for t in tokens if t.name == "viewer tester")
        revoke_token(live_server.state.engine, viewer, now=live_server.state.now())
        assert client.get("/dashboard/queue").status_code == 303


def test_the_cookie_is_the_session_api_tokens_stay_in_the_header(
    live_server: LiveServer, role_tokens: dict[Role, str]
) -> None:
    with _client(live_server) as client:
        client.cookies.set(SESSION_COOKIE, role_tokens[Role.ADMIN])
        assert client.get("/dashboard/queue").status_code == 303
        client.cookies.set("revpact_token", role_tokens[Role.ADMIN])
        assert client.get("/dashboard/queue").status_code == 303


@pytest.mark.parametrize(
    "attack",
    ["no-field", "wrong-field", "no-cookie", "other-browsers-pair", "other-origin", "null-origin"],
)
def test_a_forged_login_is_refused(
    live_server: LiveServer, role_tokens: dict[Role, str], attack: str
) -> None:
    token = role_tokens[Role.VIEWER]
    with _client(live_server) as attacker:
        attackers_csrf = _login_csrf(attacker)
    with _client(live_server) as client:
        good = _login_csrf(client)
        data = {"token": token, "csrf": good}
        headers: dict[str, str] = {}
        match attack:
            case "no-field":
                del data["csrf"]
            case "wrong-field":
                data["csrf"] = "0" * 64
            case "no-cookie":
                client.cookies.delete(LOGIN_COOKIE)
            case "other-browsers-pair":
                data["csrf"] = attackers_csrf
            case "other-origin":
                headers["Origin"] = "https://evil.example"
            case "null-origin":
                headers["Origin"] = "null"
        answer = client.post("/login", data=data, headers=headers)
        print(f"login forged ({attack}): {answer.status_code}")
        _refused(answer)
        assert SESSION_COOKIE not in client.cookies


def test_a_login_from_this_sites_own_page_passes_the_origin_check(
    live_server: LiveServer, role_tokens: dict[Role, str]
) -> None:
    with _client(live_server) as client:
        data = {"token": role_tokens[Role.VIEWER], "csrf": _login_csrf(client)}
        here = live_server.url
        answer = client.post("/login", data=data, headers={"Origin": here, "Referer": here})
        assert answer.status_code == 303
    with _client(live_server) as client:
        data = {"token": role_tokens[Role.VIEWER], "csrf": _login_csrf(client)}
        refer = {"Referer": "https://evil.example/login"}
        _refused(client.post("/login", data=data, headers=refer))


@pytest.mark.parametrize("attack", ["no-field", "wrong-field", "other-session", "other-origin"])
def test_a_forged_logout_is_refused_and_the_session_lives(
    live_server: LiveServer, role_tokens: dict[Role, str], attack: str
) -> None:
    with _client(live_server) as other:
        others_csrf = _signed_in(other, role_tokens[Role.SALES])
    with _client(live_server) as client:
        own = _signed_in(client, role_tokens[Role.VIEWER])
        data, headers = {"csrf": own}, {}
        match attack:
            case "no-field":
                data = {}
            case "wrong-field":
                data["csrf"] = "f" * 64
            case "other-session":
                data["csrf"] = others_csrf
            case "other-origin":
                headers["Origin"] = "https://evil.example"
        answer = client.post("/logout", data=data, headers=headers)
        print(f"logout forged ({attack}): {answer.status_code}")
        _refused(answer)
        assert client.get("/dashboard/queue").status_code == 200


def test_a_huge_form_is_refused_before_it_is_read(live_server: LiveServer) -> None:
    with _client(live_server) as client:
        answer = client.post("/login", content=b"token=" + b"a" * 100_000)
        assert answer.status_code == 413


@pytest.fixture
def secure_server(
    serve: Callable[[ServerState], LiveServer], server_state: ServerState
) -> LiveServer:
    settings = replace(server_state.settings, dashboard=DashboardSettings(cookie_secure=True))
    return serve(replace(server_state, settings=settings))


def _cookie_attributes(answer: httpx.Response, name: str) -> set[str]:
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith(f"{name}="))
    return {part.strip().lower() for part in cookie.split(";")[1:]}


def test_secure_is_forced_by_the_setting(
    secure_server: LiveServer, role_tokens: dict[Role, str]
) -> None:
    with _client(secure_server) as client:
        form = client.get("/login")
        assert "secure" in _cookie_attributes(form, LOGIN_COOKIE)
        found = CSRF.search(form.text)
        assert found is not None
        client.cookies.set(LOGIN_COOKIE, form.cookies[LOGIN_COOKIE])
        signed = client.post(
            "/login", data={"token": role_tokens[Role.VIEWER], "csrf": found.group(1)}
        )
        assert signed.status_code == 303
        assert {"secure", "httponly", "samesite=lax", "path=/"} <= _cookie_attributes(
            signed, SESSION_COOKIE
        )


def test_over_plain_http_without_the_setting_the_cookie_is_not_secure(
    live_server: LiveServer, role_tokens: dict[Role, str]
) -> None:
    with _client(live_server) as client:
        data = {"token": role_tokens[Role.VIEWER], "csrf": _login_csrf(client)}
        signed = client.post("/login", data=data)
        attributes = _cookie_attributes(signed, SESSION_COOKIE)
        assert "secure" not in attributes and "httponly" in attributes


def test_the_content_security_policy_is_exact_everywhere(
    live_server: LiveServer, role_tokens: dict[Role, str]
) -> None:
    assert CONTENT_SECURITY_POLICY == EXACT_POLICY
    with _client(live_server) as client:
        page_csrf = _signed_in(client, role_tokens[Role.VIEWER])
        answers = [
            client.get("/login"),
            client.get("/dashboard"),
            client.get("/dashboard/follow-up"),
            client.get("/dashboard/queue"),
            client.get("/dashboard/audit"),  # 403 for a viewer: the error page
            client.get("/static/dashboard.css"),
            client.get("/favicon.ico"),
            client.post("/logout", data={"csrf": "forged"}),
            client.post("/logout", data={"csrf": page_csrf}),
        ]
    for answer in answers:
        assert answer.headers["content-security-policy"] == EXACT_POLICY, answer.url
        assert answer.headers["x-content-type-options"] == "nosniff"


def test_no_page_runs_inline_script_or_style(
    live_server: LiveServer, role_tokens: dict[Role, str]
) -> None:
    with _client(live_server) as client:
        _signed_in(client, role_tokens[Role.ADMIN])
        for path in ("/login", "/dashboard", "/dashboard/queue", "/dashboard/follow-up"):
            html = client.get(path).text
            for tag in re.findall(r"<script[^>]*>", html):
                assert "src=" in tag or 'type="application/json"' in tag, (path, tag)
            assert "<style" not in html and " style=" not in html, path
            assert re.search(r"\son[a-z]+=", html) is None, path


def test_the_favicon_and_static_files_are_served(live_server: LiveServer) -> None:
    with _client(live_server) as client:
        icon = client.get("/favicon.ico")
        assert icon.status_code == 200
        assert icon.headers["content-type"] == "image/svg+xml"
        assert icon.text.startswith("<svg")
        assert client.get("/static/favicon.svg").content == icon.content
        for name, kind in [
            ("dashboard.css", "text/css"),
            ("charts.js", "application/javascript"),
            ("queue.js", "application/javascript"),
            ("plotly-styles.css", "text/css"),
        ]:
            answer = client.get(f"/static/{name}")
            assert answer.status_code == 200 and answer.headers["content-type"].startswith(kind)
        for name in ("nope.js", "..%2Fsite.py", "%2E%2E%2Ftemplates%2Fbase.html.j2"):
            assert client.get(f"/static/{name}").status_code == 404, name
        assert 'href="/static/favicon.svg"' in client.get("/login").text
