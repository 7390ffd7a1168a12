"""Every dashboard page and its JSON twin × every role, over HTTP; signing in and out.

Without a token a browser is sent to ``/login`` and a JSON caller gets 401, neither with any
data; a role gets a page exactly when :data:`revpact.domain.roles.GRANTS` allows it. The
expected permission of each page is written here, apart from the code, and a page missing from
this table fails the test. Signing in redirects only to paths on this site, the session's
cookie is HttpOnly and SameSite=Lax and holds no token, and no page loads anything from another
site. (Sessions, CSRF and the security headers in depth: ``test_site.py``.)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx
import pytest

from revpact.domain.roles import GRANTS, Permission, Role
from revpact.server.state import ServerState
from revpact.server.web.site import PAGES, SESSION_COOKIE
from revpact.services.clock import FixedClock

if TYPE_CHECKING:
    from live_server import LiveServer

EXPECTED: dict[str, Permission] = {
    "/dashboard": Permission.READ,
    "/dashboard/queue": Permission.READ,
    "/dashboard/follow-up": Permission.READ,
    "/dashboard/agreement": Permission.READ,
    "/dashboard/rhythm": Permission.READ,
    "/dashboard/audit": Permission.READ_AUDIT,
}
JSON = {"Accept": "application/json"}
MOMENT = datetime(2020, 6, 30, 15, 0, tzinfo=UTC)
EXTERNAL = re.compile(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", re.IGNORECASE)


@pytest.fixture
def still_server(
    serve: Callable[[ServerState], LiveServer], server_state: ServerState
) -> LiveServer:
    """The live server with its clock stopped, so that two reads of a page are equal."""
    return serve(replace(server_state, clock=FixedClock(MOMENT)))


def _client(server: LiveServer, token: str | None = None) -> httpx.Client:
    client: httpx.Client = server.client(token)
    client.follow_redirects = False
    return client


def _sign_in(client: httpx.Client, token: str, next_: str) -> httpx.Response:
    """Post the login form as a browser would: open it, then send it with its CSRF token."""
    form = client.get("/login", params={"next": next_}).text
    found = re.search(r'name="csrf" value="([0-9a-f]{64})"', form)
    assert found is not None, form
    return client.post("/login", data={"token": token, "next": next_, "csrf": found.group(1)})


def _logout_csrf(client: httpx.Client, path: str = "/dashboard/queue") -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]{64})"', client.get(path).text)
    assert found is not None
    return found.group(1)


def test_every_page_is_in_the_matrix() -> None:
    registered = {entry.path: entry.permission for entry in PAGES}
    assert registered == EXPECTED


@pytest.mark.parametrize("token", [None, "rp_not-a-real-token"], ids=["no-token", "wrong-token"])
def test_without_a_valid_token_a_browser_signs_in_and_json_gets_401(
    live_server: LiveServer, token: str | None
) -> None:
    with _client(live_server, token) as client:
        for path in EXPECTED:
            page = client.get(path, params={"lang": "pl"})
            assert page.status_code == 303, (path, page.text)
            target = urlsplit(page.headers["location"])
            assert target.path == "/login"
            assert f"next={path}" in target.query.replace("%2F", "/")
            assert page.content == b""
            for twin in (client.get(f"{path}.json"), client.get(path, headers=JSON)):
                assert twin.status_code == 401, (path, twin.text)
                assert twin.headers["www-authenticate"] == "Bearer"
                assert twin.headers["content-type"] == "application/problem+json"
                assert set(twin.json()) == {"type", "title", "status", "detail", "instance"}
                assert twin.json()["status"] == 401


@pytest.mark.parametrize("role", list(Role))
def test_each_role_gets_exactly_its_grants(
    still_server: LiveServer, role_tokens: dict[Role, str], role: Role
) -> None:
    with _client(still_server, role_tokens[role]) as client:
        for path, need in EXPECTED.items():
            page = client.get(path)
            twin = client.get(f"{path}.json")
            negotiated = client.get(path, headers=JSON)
            if need in GRANTS[role]:
                assert page.status_code == 200, (role, path, page.text)
                assert page.headers["content-type"].startswith("text/html")
                assert "<html" in page.text
                assert twin.status_code == 200, (role, path, twin.text)
                assert twin.headers["content-type"] == "application/json"
                assert isinstance(twin.json(), dict)
                assert negotiated.status_code == 200
                assert negotiated.json() == twin.json()
            else:
                assert page.status_code == 403, (role, path)
                assert role.value in page.text
                for answer in (twin, negotiated):
                    assert answer.status_code == 403, (role, path)
                    assert answer.headers["content-type"] == "application/problem+json"
                    problem = answer.json()
                    assert set(problem) == {"type", "title", "status", "detail", "instance"}
                    assert (problem["status"], problem["instance"]) == (403, answer.url.path)
                    assert role.value in problem["detail"]


def test_pages_are_served_with_a_content_security_policy(
    live_server: LiveServer, role_tokens: dict[Role, str]
) -> None:
    with _client(live_server, role_tokens[Role.VIEWER]) as client:
        for path in [*EXPECTED, "/login"]:
            policy = client.get(path).headers["content-security-policy"]
            assert "default-src 'self'" in policy
            assert "frame-ancestors 'none'" in policy


def test_no_page_or_twin_references_another_site(
    live_server: LiveServer, role_tokens: dict[Role, str]
) -> None:
    with _client(live_server, role_tokens[Role.ADMIN]) as client:
        for path in [*EXPECTED, "/login"]:
            for lang in ("en", "pl"):
                html = client.get(path, params={"lang": lang}).text
                assert EXTERNAL.findall(html) == [], (path, lang)
                if path != "/login":
                    twin = client.get(f"{path}.json", params={"lang": lang}).text
                    assert EXTERNAL.findall(twin) == [], (path, lang)


def test_plotly_is_served_by_revpact(live_server: LiveServer) -> None:
    from plotly.offline import get_plotlyjs

    with _client(live_server) as client:
        response = client.get("/static/plotly.min.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/javascript")
    assert response.text == get_plotlyjs()
    assert "plotly.js" in response.text[:2000]


def test_signing_in_sets_an_httponly_lax_session_cookie_and_goes_to_next(
    live_server: LiveServer, role_tokens: dict[Role, str]
) -> None:
    token = role_tokens[Role.VIEWER]
    with _client(live_server) as client:
        form = client.get("/login", params={"next": "/dashboard/queue"})
        assert form.status_code == 200
        assert 'value="/dashboard/queue"' in form.text
        signed = _sign_in(client, token, "/dashboard/queue")
        assert signed.status_code == 303
        assert signed.headers["location"] == "/dashboard/queue"
        cookie = next(
            c for c in signed.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE)
        )
        attributes = {part.strip().lower() for part in cookie.split(";")}
        assert token not in cookie and token[3:] not in cookie
        assert "httponly" in attributes
        assert "samesite=lax" in attributes
        assert "path=/" in attributes
        assert client.get("/dashboard/queue").status_code == 200
        assert client.get("/dashboard/queue.json").status_code == 200

        out = client.post("/logout", data={"csrf": _logout_csrf(client)})
        assert out.status_code == 303
        assert out.headers["location"] == "/login"
        cleared = out.headers["set-cookie"]
        assert cleared.startswith(f'{SESSION_COOKIE}=""') or cleared.startswith(
            f"{SESSION_COOKIE}=;"
        )
        assert "max-age=0" in cleared.lower()
        assert SESSION_COOKIE not in client.cookies
        assert client.get("/dashboard/queue").status_code == 303
        assert client.get("/dashboard/queue.json").status_code == 401


def test_a_wrong_token_is_refused_without_a_session(live_server: LiveServer) -> None:
    with _client(live_server) as client:
        refused = _sign_in(client, "rp_wrong", "/dashboard")
        assert refused.status_code == 401
        assert 'id="login-error"' in refused.text
        assert SESSION_COOKIE not in refused.headers.get("set-cookie", "")
        assert SESSION_COOKIE not in client.cookies
        assert _sign_in(client, "", "/").status_code == 401


@pytest.mark.parametrize(
    "next_",
    [
        "//evil.example",
        "//evil.example/dashboard",
        "https://evil.example/",
        "http:evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        " //evil.example",
        "javascript:alert(1)",
        "evil.example",
        "",
    ],
)
def test_signing_in_goes_only_to_a_path_on_this_site(
    live_server: LiveServer, role_tokens: dict[Role, str], next_: str
) -> None:
    with _client(live_server) as client:
        signed = _sign_in(client, role_tokens[Role.VIEWER], next_)
        assert signed.status_code == 303
        location = signed.headers["location"]
        # What a browser would make of it: tabs and newlines dropped, backslashes as slashes.
        seen = re.sub(r"[\t\n\r]", "", location).replace("\\", "/")
        assert seen.startswith("/") and not seen.startswith("//"), location
        assert urlsplit(seen).netloc == "" and urlsplit(seen).scheme == ""
        if not next_.startswith("/") or next_.startswith("//"):
            assert location == "/dashboard"
        form = client.get("/login", params={"next": next_}).text
        hidden = re.search(r'name="next" value="([^"]*)"', form)
        assert hidden is not None
        assert hidden.group(1).startswith("/") and not hidden.group(1).startswith("//")


def test_the_language_is_chosen_and_remembered(
    live_server: LiveServer, role_tokens: dict[Role, str]
) -> None:
    with _client(live_server, role_tokens[Role.VIEWER]) as client:
        polish = client.get("/login", params={"lang": "pl"})
        assert '<html lang="pl">' in polish.text
        chosen = client.get("/dashboard", params={"lang": "pl"})
        assert '<html lang="pl">' in chosen.text
        assert "revpact_lang=pl" in chosen.headers["set-cookie"]
        assert '<html lang="pl">' in client.get("/dashboard/queue").text
        assert '<html lang="en">' in client.get("/dashboard", params={"lang": "en"}).text
        assert '<html lang="en">' in client.get("/dashboard/rhythm").text
    with _client(live_server, role_tokens[Role.VIEWER]) as client:
        asked = client.get("/dashboard", headers={"Accept-Language": "pl-PL,pl;q=0.9"})
        assert '<html lang="pl">' in asked.text
        assert '<html lang="en">' in client.get("/dashboard", params={"lang": "xx"}).text
