"""Signing in with the company's identity provider in a real browser, against the OpenID
provider the tests start (``tests/server/oidc_provider.py``, authlib's authorization server):
the login page's button, the provider, and back on the dashboard with a session — or, for a
wrong audience, an expired ID token, a replayed state or a person nobody knows, back on
revpact's sign-in refusal with the reason on screen (escaped) and no session."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from browser_site import Site, path_of, wait
from selenium.webdriver import Chrome as WebDriver
from selenium.webdriver.common.by import By

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # oidc_provider

from oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider, running_provider

from revpact.server.loopback import running
from revpact.server.settings import OidcSettings
from revpact.server.web.oidc import STATE_COOKIE
from revpact.server.web.site import SESSION_COOKIE

ROSTER_SALES = "kevin.tran@company-a.example"
CALLBACK = "/login/oidc/callback"


@dataclass(frozen=True)
class Sso:
    """The demo served once more with sign-in by ``provider``, at ``url``."""

    url: str
    provider: Provider


@pytest.fixture
def sso(site: Site, chromium: WebDriver) -> Iterator[Sso]:
    with running_provider(site.clock) as provider:
        oidc = OidcSettings(
            issuer=provider.url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, name="Okta"
        )
        state = replace(site.state, settings=replace(site.state.settings, oidc=oidc))
        with running(state) as url:
            provider.redirect_uris.append(f"{url}{CALLBACK}")
            provider.signs_in = ROSTER_SALES
            chromium.delete_all_cookies()  # the session's other tests sign in on this host too
            try:
                yield Sso(url, provider)
            finally:
                chromium.delete_all_cookies()


def _sign_in_with_the_button(chromium: WebDriver, sso: Sso) -> None:
    """From the login page, through the provider, until the browser is back at revpact."""
    chromium.get(f"{sso.url}/login?lang=en&next=/dashboard/rhythm")
    chromium.find_element(By.ID, "login-oidc").click()
    wait(chromium).until(
        lambda d: d.current_url.startswith(sso.url) and path_of(d) != "/login/oidc"
    )


def _refused_with(chromium: WebDriver, sso: Sso, *said: str) -> str:
    """The refusal on screen (at the callback, 403's page) names ``said``; no session opened."""
    assert path_of(chromium) == CALLBACK
    assert "Sign-in refused" in chromium.title
    message = chromium.find_element(By.ID, "error").text
    for words in said:
        assert words in message, message
    assert chromium.get_cookie(SESSION_COOKIE) is None
    chromium.get(f"{sso.url}/dashboard/rhythm")
    assert path_of(chromium) == "/login"  # the dashboard does not let the browser in
    assert chromium.find_elements(By.ID, "login-oidc")
    return message


def test_a_person_on_the_roster_signs_in_through_the_provider(
    chromium: WebDriver, sso: Sso
) -> None:
    _sign_in_with_the_button(chromium, sso)
    wait(chromium).until(lambda d: path_of(d) != CALLBACK)
    assert path_of(chromium) == "/dashboard/rhythm"
    assert chromium.get_cookie(SESSION_COOKIE) is not None
    assert "Kevin" in chromium.find_element(By.TAG_NAME, "header").text
    assert sso.provider.hits["/token"] == 1 and len(sso.provider.redirects) == 1


@pytest.mark.parametrize(
    ("tamper", "said"),
    [
        ({"aud": "another-client"}, "aud"),
        ({"aud": [CLIENT_ID, "another-client"]}, "azp"),
        ({"exp": 1_000_000_000, "iat": 999_999_000}, "expired"),
    ],
    ids=["wrong-audience", "several-audiences-without-azp", "expired"],
)
def test_an_id_token_revpact_must_not_accept_ends_on_the_refusal(
    chromium: WebDriver, sso: Sso, tamper: dict[str, object], said: str
) -> None:
    sso.provider.tamper.update(tamper)
    _sign_in_with_the_button(chromium, sso)
    _refused_with(chromium, sso, "ID token was not accepted", said)


def test_an_expired_id_token_by_the_demo_clock_is_refused(
    chromium: WebDriver, sso: Sso, site: Site
) -> None:
    """Expired by the server's clock (the demo's moment), though signed a moment ago."""
    issued = int(site.clock().timestamp()) - 600
    sso.provider.tamper.update({"iat": issued, "exp": issued + 300})  # five minutes ago
    _sign_in_with_the_button(chromium, sso)
    _refused_with(chromium, sso, "ID token was not accepted", "expired")


def test_a_callback_replayed_in_another_browser_is_refused(chromium: WebDriver, sso: Sso) -> None:
    _sign_in_with_the_button(chromium, sso)
    wait(chromium).until(lambda d: path_of(d) == "/dashboard/rhythm")
    used = sso.provider.redirects[-1]
    chromium.delete_all_cookies()  # someone else, holding the callback URL
    chromium.get(used)
    _refused_with(chromium, sso, "already used")
    assert sso.provider.hits["/token"] == 1  # the code was never tried again


def test_a_used_state_is_refused_even_with_its_cookie(chromium: WebDriver, sso: Sso) -> None:
    _sign_in_with_the_button(chromium, sso)
    wait(chromium).until(lambda d: path_of(d) == "/dashboard/rhythm")
    used = sso.provider.redirects[-1]
    state = parse_qs(urlsplit(used).query)["state"][0]
    chromium.delete_all_cookies()
    chromium.add_cookie({"name": STATE_COOKIE, "value": state, "path": "/login/oidc"})
    chromium.get(used)  # the browser's own state cookie; only the server's single use stops it
    _refused_with(chromium, sso, "already used")
    assert sso.provider.hits["/token"] == 1


def test_the_refusal_shows_what_the_provider_said_as_text(chromium: WebDriver, sso: Sso) -> None:
    hostile = '<img src="x" id="injected">"@elsewhere.example'
    sso.provider.tamper["email"] = hostile
    _sign_in_with_the_button(chromium, sso)
    message = _refused_with(chromium, sso)
    assert hostile in message and "roster" in message
    assert not chromium.find_elements(By.ID, "injected")
