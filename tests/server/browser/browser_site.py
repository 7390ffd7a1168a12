"""What the browser tests share: the demo's clock and site, Chromium, signing in, screenshots.

The browser is Debian's ``chromium`` driven through its ``chromedriver`` (``make test`` installs
both when they are missing); nothing is downloaded. Without them the tests fail, saying so.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver import Chrome as WebDriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from revpact.server.state import ServerState

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
DEMO_MOMENT = datetime.fromisoformat("2020-12-31T16:00:00-05:00")
SCREENSHOTS = Path(__file__).resolve().parents[3] / "build" / "screenshots"
WAIT = 15.0  # seconds a browser wait may take before the test fails


class Clock:
    """The server's clock: fixed at ``start``, or running on from it in real time."""

    def __init__(self, start: datetime) -> None:
        self.start = start
        self._since: float | None = None

    def __call__(self) -> datetime:
        if self._since is None:
            return self.start
        return self.start + timedelta(seconds=time.monotonic() - self._since)

    @contextmanager
    def moving(self) -> Iterator[None]:
        """Let the clock run from ``start`` until the block ends; then it stands again."""
        self._since = time.monotonic()
        try:
            yield
        finally:
            self._since = None


@dataclass
class Site:
    """The demo, served: its URL, state and clock, and a token for a viewer and for marketing."""

    url: str
    state: ServerState
    clock: Clock
    viewer: str
    marketing: str

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token or self.viewer}"}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)

    def twin(self, path: str, lang: str = "en") -> dict[str, Any]:
        """The JSON twin of the page at ``path``, fetched with the viewer's token."""
        with self.client() as client:
            response = client.get(f"{path}.json", params={"lang": lang})
        response.raise_for_status()
        data: dict[str, Any] = response.json()
        return data


def start_chromium(profile: Path) -> WebDriver:
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    if missing:
        pytest.fail(
            f"the browser tests need Debian's chromium and chromium-driver ({', '.join(missing)} "
            "not found): `make test` installs them (apt-get install chromium chromium-driver)",
            pytrace=False,
        )
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-default-apps",
        "--disable-features=Translate,MediaRouter,OptimizationHints",
        "--lang=en-US",
        "--window-size=1280,900",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.set_page_load_timeout(30)
    return driver


def wait(driver: WebDriver, seconds: float = WAIT) -> WebDriverWait[WebDriver]:
    return WebDriverWait(driver, seconds)


def path_of(driver: WebDriver) -> str:
    return urlsplit(driver.current_url).path


def submit_token(driver: WebDriver, token: str) -> None:
    """Type ``token`` into the login form on screen, submit it, wait for the answer."""
    field = driver.find_element(By.ID, "token")
    field.clear()
    field.send_keys(token)
    driver.find_element(By.CSS_SELECTOR, "#login button[type=submit]").click()
    wait(driver).until(lambda d: path_of(d) != "/login" or d.find_elements(By.ID, "login-error"))


def sign_in(driver: WebDriver, site: Site, token: str, next_: str = "/dashboard/rhythm") -> None:
    """Sign in through the login form: open it, type the token, submit."""
    driver.get(f"{site.url}/login?next={next_}")
    submit_token(driver, token)


def screenshot(driver: WebDriver, name: str) -> Path:
    """Save the whole page as ``build/screenshots/<name>.png``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    size = driver.get_window_size()
    height = int(driver.execute_script("return document.documentElement.scrollHeight"))
    driver.set_window_size(size["width"], min(max(height, size["height"]), 6000))
    try:
        driver.save_screenshot(str(target))
    finally:
        driver.set_window_size(size["width"], size["height"])
    return target
