"""Fixtures for the browser tests: Company A's demo served on loopback, and one headless Chromium.

``site`` builds the demo's store once per session (``revpact demo --dir``) and serves it with a
clock that stands at 16:00 on 31 December 2020 in New York (the demo's moment), so every figure
is fixed; ``site.clock.moving()`` lets it run on in real time for a while. ``chromium`` is the
session's one headless Chromium (Debian's, see ``browser_site.py``), and ``browser`` the same,
signed in with a viewer's token through the login form.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import TYPE_CHECKING

import pytest
from browser_site import DEMO_MOMENT, Clock, Site, sign_in, start_chromium
from selenium.webdriver import Chrome as WebDriver

from revpact.domain.roles import Role
from revpact.server.loopback import running
from revpact.server.settings import AlertSettings, Settings
from revpact.server.state import ServerState
from revpact.server.web.site import SESSION_COOKIE
from revpact.services.tokens import create_token
from revpact.store import open_store

if TYPE_CHECKING:
    from conftest import DemoBuild  # tests/conftest.py: the session's demo build


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory, demo_build: DemoBuild) -> Iterator[Site]:
    assert demo_build.exit_code == 0, demo_build.output
    folder = demo_build.copy_to(tmp_path_factory.mktemp("site") / "demo")
    engine = open_store(f"sqlite:///{folder / 'revpact.db'}")
    clock = Clock(DEMO_MOMENT)
    state = ServerState(
        engine=engine,
        agreement_path=folder / "revpact.yaml",
        settings=Settings(alerts=AlertSettings(enabled=False)),
        clock=SimpleNamespace(now=clock),
    )
    viewer = create_token(engine, name="board", role=Role.VIEWER, now=DEMO_MOMENT).token
    marketing = create_token(engine, name="mops", role=Role.MARKETING, now=DEMO_MOMENT).token
    try:
        with running(state) as url:
            yield Site(url, state, clock, viewer, marketing)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    """The session's one headless Chromium."""
    driver = start_chromium(tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def browser(chromium: WebDriver, site: Site) -> WebDriver:
    """The session's Chromium, signed in as a viewer, in English unless a test asks otherwise."""
    chromium.get(f"{site.url}/login?lang=en")
    if chromium.get_cookie(SESSION_COOKIE) is None:
        sign_in(chromium, site, site.viewer)
    return chromium
