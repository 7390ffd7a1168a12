"""Signing in with the company's identity provider, against a real OpenID provider on loopback
(``tests/server/oidc_provider.py``, authlib's authorization server): the happy path by the
roster and by a groups claim, and the refusals — a wrong audience, an expired ID token, another
nonce, a wrong or missing ``azp``, a replayed state, a person nobody knows, a sign-in the
provider denied — each a 403 error page that opens no session. And what is fetched from the
provider: the discovery document and the JWKS once for many sign-ins, again when they are an
hour old, and the JWKS once more (only once) for a key id it does not list."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # oidc_provider

from joserfc.jwk import RSAKey
from live_server import LiveServer
from oidc_provider import (
    CLIENT_ID,
    CLIENT_SECRET,
    DISCOVERY,
    JWKS,
    Provider,
    running_provider,
)

from revpact.domain.roles import Role
from revpact.server.deps import SESSION_COOKIE
from revpact.server.settings import OidcSettings
from revpact.server.state import ServerState
from revpact.server.web.oidc import DOCUMENT_TIME, STATE_COOKIE

ROSTER_SALES = "kevin.tran@company-a.example"
STRANGER = "someone@elsewhere.example"


@pytest.fixture
def provider(server_state: ServerState) -> Iterator[Provider]:
    with running_provider(server_state.now) as found:
        yield found


def _with_provider(
    serve: Callable[[ServerState], LiveServer], state: ServerState, provider: Provider
) -> LiveServer:
    """``state`` served with sign-in by ``provider``, its callback registered there."""
    oidc = OidcSettings(
        issuer=provider.url,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        name="Company SSO",
        group_roles={"revpact-admins": Role.ADMIN},
    )
    served = serve(replace(state, settings=replace(state.settings, oidc=oidc)))
    provider.redirect_uris.append(f"{served.url}/login/oidc/callback")
    return served


@pytest.fixture
def site(
    serve: Callable[[ServerState], LiveServer], server_state: ServerState, provider: Provider
) -> LiveServer:
    return _with_provider(serve, server_state, provider)


def _begin(client: httpx.Client, provider: Provider, email: str | None) -> httpx.Response:
    """Start at revpact; the provider approves ``email`` (None: denies); its redirect back."""
    provider.signs_in = email
    start = client.get("/login/oidc", params={"next": "/dashboard/rhythm"})
    assert start.status_code == 303 and start.headers["location"].startswith(provider.url)
    asked = {k: v[0] for k, v in parse_qs(urlsplit(start.headers["location"]).query).items()}
    assert asked["code_challenge_method"] == "S256" and asked["nonce"] and asked["state"]
    back = httpx.get(start.headers["location"])
    assert back.status_code == 302, back.text
    return back


def _callback(client: httpx.Client, back: httpx.Response) -> httpx.Response:
    return client.get(back.headers["location"])


def _signed_in_as(client: httpx.Client) -> str:
    page = client.get("/dashboard/rhythm")
    assert page.status_code == 200, page.text
    return page.text


def test_the_login_page_offers_the_provider_and_keeps_the_token_form(site: LiveServer) -> None:
    with httpx.Client(base_url=site.url) as client:
        page = client.get("/login", params={"lang": "en"})
    assert "Sign in with Company SSO" in page.text and 'id="token"' in page.text
    assert 'href="/login/oidc?next=' in page.text


def test_a_person_on_the_roster_signs_in_with_their_teams_role(
    site: LiveServer, provider: Provider
) -> None:
    with httpx.Client(base_url=site.url) as client:
        answer = _callback(client, _begin(client, provider, ROSTER_SALES))
        assert answer.status_code == 303 and answer.headers["location"] == "/dashboard/rhythm"
        assert client.cookies.get(SESSION_COOKIE)
        assert "Kevin" in _signed_in_as(client)
        json_page = client.get("/dashboard/audit.json")
    assert json_page.status_code == 403  # sales may not read the audit trail


def test_a_groups_claim_gives_its_role(site: LiveServer, provider: Provider) -> None:
    provider.people[STRANGER] = ["revpact-admins"]
    with httpx.Client(base_url=site.url) as client:
        assert _callback(client, _begin(client, provider, STRANGER)).status_code == 303
        assert client.get("/dashboard/audit.json").status_code == 200  # an admin's page


def test_a_person_nobody_knows_is_refused(site: LiveServer, provider: Provider) -> None:
    with httpx.Client(base_url=site.url) as client:
        answer = _callback(client, _begin(client, provider, STRANGER))
        assert answer.status_code == 403 and STRANGER in answer.text
        assert "Sign-in refused" in answer.text and SESSION_COOKIE not in client.cookies


@pytest.mark.parametrize(
    ("tamper", "said"),
    [
        ({"aud": "another-client"}, "aud"),
        ({"exp": 1_000_000_000, "iat": 999_999_000}, "expired"),
        ({"nonce": "not-the-one-sent"}, "nonce"),
        ({"iss": "http://evil.example"}, "iss"),
        ({"aud": [CLIENT_ID, "another-client"]}, "azp"),
        ({"azp": "another-client"}, "azp"),
        ({"aud": [CLIENT_ID, "another-client"], "azp": "another-client"}, "azp"),
    ],
    ids=[
        "wrong-audience",
        "expired",
        "wrong-nonce",
        "wrong-issuer",
        "several-audiences-without-azp",
        "azp-another-client",
        "several-audiences-azp-another-client",
    ],
)
def test_an_id_token_that_fails_a_check_is_refused(
    site: LiveServer, provider: Provider, tamper: dict[str, object], said: str
) -> None:
    provider.tamper.update(tamper)
    with httpx.Client(base_url=site.url) as client:
        answer = _callback(client, _begin(client, provider, ROSTER_SALES))
        assert answer.status_code == 403 and "ID token was not accepted" in answer.text
        assert said in answer.text and SESSION_COOKIE not in client.cookies
        assert client.get("/dashboard/rhythm", follow_redirects=False).status_code == 303


@pytest.mark.parametrize(
    "tamper",
    [{"azp": CLIENT_ID}, {"aud": [CLIENT_ID, "another-client"], "azp": CLIENT_ID}],
    ids=["azp-ours", "several-audiences-azp-ours"],
)
def test_an_azp_naming_revpact_is_accepted(
    site: LiveServer, provider: Provider, tamper: dict[str, object]
) -> None:
    provider.tamper.update(tamper)
    with httpx.Client(base_url=site.url) as client:
        assert _callback(client, _begin(client, provider, ROSTER_SALES)).status_code == 303
        assert "Kevin" in _signed_in_as(client)


def test_a_sign_in_the_provider_denied_is_refused(site: LiveServer, provider: Provider) -> None:
    with httpx.Client(base_url=site.url) as client:
        back = _begin(client, provider, None)
        assert "error=access_denied" in back.headers["location"]
        answer = _callback(client, back)
    assert answer.status_code == 403 and "could not be reached, or it refused" in answer.text
    assert SESSION_COOKIE not in client.cookies


def test_the_discovery_document_and_the_keys_are_fetched_once_for_many_sign_ins(
    site: LiveServer, provider: Provider
) -> None:
    for _ in range(3):
        with httpx.Client(base_url=site.url) as client:
            assert _callback(client, _begin(client, provider, ROSTER_SALES)).status_code == 303
            _signed_in_as(client)
    assert provider.hits[DISCOVERY] == 1 and provider.hits[JWKS] == 1
    assert provider.hits["/token"] == 3


def test_a_rotated_key_fetches_the_keys_again_once(site: LiveServer, provider: Provider) -> None:
    with httpx.Client(base_url=site.url) as client:
        assert _callback(client, _begin(client, provider, ROSTER_SALES)).status_code == 303
    provider.rotate_key()
    for _ in range(2):
        with httpx.Client(base_url=site.url) as client:
            assert _callback(client, _begin(client, provider, ROSTER_SALES)).status_code == 303
            _signed_in_as(client)
    assert provider.hits[JWKS] == 2 and provider.hits[DISCOVERY] == 1


def test_a_key_the_provider_never_published_is_refused_after_one_fetch(
    site: LiveServer, provider: Provider
) -> None:
    with httpx.Client(base_url=site.url) as client:
        assert _callback(client, _begin(client, provider, ROSTER_SALES)).status_code == 303
    provider.impostor = RSAKey.generate_key(2048, {"kid": "not-published"})
    with httpx.Client(base_url=site.url) as client:
        answer = _callback(client, _begin(client, provider, ROSTER_SALES))
        assert answer.status_code == 403 and "ID token was not accepted" in answer.text
        assert "not-published" in answer.text and SESSION_COOKIE not in client.cookies
    assert provider.hits[JWKS] == 2  # the kept keys, then once more for the unknown key id


def test_the_documents_are_fetched_again_when_an_hour_old(
    serve: Callable[[ServerState], LiveServer], server_state: ServerState, provider: Provider
) -> None:
    moment = [datetime(2026, 3, 2, 9, 0, tzinfo=UTC)]
    provider.now = lambda: moment[0]
    state = replace(server_state, clock=SimpleNamespace(now=provider.now))
    site = _with_provider(serve, state, provider)
    for step in (timedelta(0), DOCUMENT_TIME - timedelta(seconds=1), timedelta(seconds=1)):
        moment[0] += step
        with httpx.Client(base_url=site.url) as client:
            assert _callback(client, _begin(client, provider, ROSTER_SALES)).status_code == 303
    assert provider.hits[DISCOVERY] == 2 and provider.hits[JWKS] == 2


def test_a_replayed_state_is_refused(site: LiveServer, provider: Provider) -> None:
    with httpx.Client(base_url=site.url) as client:
        back = _begin(client, provider, ROSTER_SALES)
        state = client.cookies.get(STATE_COOKIE)
        assert _callback(client, back).status_code == 303
        client.cookies.clear()
        client.cookies.set(STATE_COOKIE, state or "", path="/login/oidc")
        again = _callback(client, back)
    assert again.status_code == 403 and "already used" in again.text
    assert SESSION_COOKIE not in again.cookies


def test_a_state_from_another_browser_is_refused(site: LiveServer, provider: Provider) -> None:
    with httpx.Client(base_url=site.url) as victim, httpx.Client(base_url=site.url) as other:
        back = _begin(other, provider, ROSTER_SALES)
        answer = _callback(victim, back)
    assert answer.status_code == 403 and SESSION_COOKIE not in victim.cookies


def test_a_person_taken_off_the_roster_loses_access_at_the_next_request(
    site: LiveServer, provider: Provider, agreement_file: Path
) -> None:
    with httpx.Client(base_url=site.url) as client:
        assert _callback(client, _begin(client, provider, ROSTER_SALES)).status_code == 303
        _signed_in_as(client)
        text = agreement_file.read_text(encoding="utf-8")
        agreement_file.write_text(
            text.replace(ROSTER_SALES, "kevin.left@company-a.example"), encoding="utf-8"
        )
        assert client.get("/dashboard/rhythm").status_code == 303


def test_without_settings_the_provider_routes_are_not_found(live_server: LiveServer) -> None:
    with httpx.Client(base_url=live_server.url) as client:
        assert client.get("/login/oidc").status_code == 404
        assert "login-oidc" not in client.get("/login").text
