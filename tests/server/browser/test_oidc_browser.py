"""Signing in with the company's identity provider in a real browser: the login page's button,
the provider's own login page, and back on the dashboard with a session."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from browser_site import Site, path_of, wait
from selenium.webdriver import Chrome as WebDriver
from selenium.webdriver.common.by import By

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # oidc_provider

from oidc_provider import CLIENT_ID, CLIENT_SECRET, running_provider

from revpact.server.loopback import running
from revpact.server.settings import OidcSettings
from revpact.server.web.site import SESSION_COOKIE


@pytest.fixture
def sso_url(site: Site) -> Iterator[tuple[str, str]]:
    """The demo served once more with sign-in by a provider; (revpact's URL, the provider's)."""
    with running_provider(site.clock) as provider:
        oidc = OidcSettings(
            issuer=provider.url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, name="Okta"
        )
        state = replace(site.state, settings=replace(site.state.settings, oidc=oidc))
        with running(state) as url:
            yield url, provider.url


def test_a_person_on_the_roster_signs_in_through_the_providers_page(
    chromium: WebDriver, sso_url: tuple[str, str]
) -> None:
    url, provider_url = sso_url
    chromium.delete_all_cookies()
    chromium.get(f"{url}/login?lang=en&next=/dashboard/rhythm")
    chromium.find_element(By.ID, "login-oidc").click()
    wait(chromium).until(lambda d: d.current_url.startswith(provider_url))
    chromium.find_element(By.ID, "email").send_keys("kevin.tran@company-a.example")
    chromium.find_element(By.CSS_SELECTOR, "#idp button").click()
    wait(chromium).until(
        lambda d: d.current_url.startswith(url) and path_of(d) != "/login/oidc/callback"
    )
    assert path_of(chromium) == "/dashboard/rhythm"
    assert chromium.get_cookie(SESSION_COOKIE) is not None
    assert "Kevin" in chromium.find_element(By.TAG_NAME, "header").text
    chromium.delete_all_cookies()
