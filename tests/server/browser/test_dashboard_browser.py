"""The dashboard in a real browser: signing in and out (a server-side session), every page in
both languages with its charts drawn and no Content-Security-Policy violation, the scoreboard's
figures against its JSON twin, the queue's live countdown, switching language, and a lead whose
id is a script shown as text. Each page is photographed to ``build/screenshots/<page>-<lang>.png``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from browser_site import Site, path_of, screenshot, sign_in, submit_token, wait
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver import Chrome as WebDriver
from selenium.webdriver.common.by import By

from revpact.server.web.site import NAV_ORDER, PAGES, SESSION_COOKIE
from revpact.server.web.texts import page_labels

PAGE_PATHS = {
    "scoreboard": "/dashboard",
    "queue": "/dashboard/queue",
    "follow-up": "/dashboard/follow-up",
    "agreement": "/dashboard/agreement",
    "rhythm": "/dashboard/rhythm",
}
FIGURE_PAGES = ("/dashboard", "/dashboard/follow-up")  # pages whose figures have ids
SCRIPT = "<script>alert(1)</script>"
IMAGE = '<img src="x" onerror="alert(2)">'
CHARTS_DRAWN = """return Array.from(document.querySelectorAll(".chart"))
    .every(function (chart) { return chart.querySelector("svg.main-svg") !== null; });"""


def _nav(driver: WebDriver) -> dict[str, str]:
    """The header's navigation: page name → link text."""
    return {
        link.get_attribute("data-page") or "": link.text
        for link in driver.find_elements(By.CSS_SELECTOR, "header nav a")
    }


def _in_language(lang: str) -> Callable[[WebDriver], bool]:
    return lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang


def _no_alert(driver: WebDriver) -> None:
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert  # noqa: B018  (the property raises when no alert is open)


def _shown(text: str) -> str:
    """Text as WebDriver reports it: no-break spaces are spaces."""
    return " ".join(text.replace("\xa0", " ").replace("\u202f", " ").split())


def _raw(value: Any) -> str:
    """A figure's raw JSON value as its ``data-value`` attribute writes it."""
    return value if isinstance(value, str) else json.dumps(value)


def _severe_console_messages(driver: WebDriver) -> list[str]:
    """What the page wrote to the console as errors (a failing script, a refused resource)."""
    return [
        entry["message"]
        for entry in driver.get_log("browser")
        if entry["level"] == "SEVERE" or "Content Security Policy" in entry["message"]
    ]


def _csp_violations(driver: WebDriver) -> list[str]:
    """What the page's Content-Security-Policy refused (recorded by :func:`_watch_csp`)."""
    found: list[str] = driver.execute_script("return window.revpactCspViolations || [];")
    return found


def _watch_csp(driver: WebDriver) -> None:
    """From the next page on, record every CSP violation in ``window.revpactCspViolations``."""
    driver.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument",
        {
            "source": "window.revpactCspViolations = [];"
            "document.addEventListener('securitypolicyviolation', function (e) {"
            "  window.revpactCspViolations.push(e.violatedDirective + ' ' + e.blockedURI);"
            "});"
        },
    )


def test_signing_in_through_the_form_goes_where_the_browser_was_going(
    chromium: WebDriver, site: Site
) -> None:
    chromium.get(f"{site.url}/login?lang=en")
    chromium.delete_all_cookies()
    chromium.get(f"{site.url}/dashboard/queue?lang=en")
    wait(chromium).until(lambda d: path_of(d) == "/login")
    assert chromium.find_element(By.TAG_NAME, "h1").text == page_labels("en").text("login.title")
    assert chromium.find_element(By.ID, "token").get_attribute("type") == "password"
    sign_in(chromium, site, site.viewer, next_="/dashboard/queue")
    assert path_of(chromium) == "/dashboard/queue"
    who = chromium.find_element(By.CSS_SELECTOR, "header .who").text
    assert "board (viewer)" in who
    cookie = chromium.get_cookie(SESSION_COOKIE)
    assert cookie is not None and cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert site.viewer not in cookie["value"] and site.viewer[3:] not in cookie["value"]
    assert chromium.execute_script("return document.cookie").find(SESSION_COOKIE) == -1


def test_a_wrong_token_shows_the_login_error(chromium: WebDriver, site: Site) -> None:
    chromium.get(f"{site.url}/login?lang=en")
    chromium.delete_all_cookies()
    sign_in(chromium, site, "rp_this-is-not-a-token")
    error = wait(chromium).until(lambda d: d.find_element(By.ID, "login-error"))
    assert error.text == page_labels("en").text("login.invalid")
    assert path_of(chromium) == "/login"
    assert chromium.get_cookie(SESSION_COOKIE) is None
    assert chromium.find_element(By.ID, "token").get_attribute("value") == ""


def test_the_login_page_answers_in_the_language_chosen_on_it(
    chromium: WebDriver, site: Site
) -> None:
    chromium.get(f"{site.url}/login?lang=en")
    chromium.delete_all_cookies()
    chromium.get(f"{site.url}/login?next=/dashboard/rhythm")
    chromium.find_element(By.ID, "lang-pl").click()
    wait(chromium).until(_in_language("pl"))
    assert chromium.find_element(By.TAG_NAME, "h1").text == page_labels("pl").text("login.title")
    submit_token(chromium, "rp_this-is-not-a-token")
    error = wait(chromium).until(lambda d: d.find_element(By.ID, "login-error"))
    assert error.text == page_labels("pl").text("login.invalid")


def test_signing_out_ends_the_session(browser: WebDriver, site: Site) -> None:
    browser.get(f"{site.url}/dashboard/agreement?lang=en")
    browser.find_element(By.CSS_SELECTOR, "header form[action='/logout'] button").click()
    wait(browser).until(lambda d: path_of(d) == "/login")
    assert browser.get_cookie(SESSION_COOKIE) is None
    browser.get(f"{site.url}/dashboard/agreement")
    assert path_of(browser) == "/login"


def test_a_cookie_kept_from_before_signing_out_no_longer_works(
    browser: WebDriver, site: Site
) -> None:
    browser.get(f"{site.url}/dashboard/agreement?lang=en")
    kept = browser.get_cookie(SESSION_COOKIE)
    assert kept is not None
    browser.find_element(By.CSS_SELECTOR, "header form[action='/logout'] button").click()
    wait(browser).until(lambda d: path_of(d) == "/login")
    browser.add_cookie({"name": SESSION_COOKIE, "value": kept["value"], "path": "/"})
    browser.get(f"{site.url}/dashboard/agreement")
    assert path_of(browser) == "/login"
    with site.client() as client:
        client.headers.pop("Authorization")
        client.cookies.set(SESSION_COOKIE, kept["value"])
        assert client.get("/dashboard/agreement.json").status_code == 401


def test_the_login_and_error_pages_break_no_policy(chromium: WebDriver, site: Site) -> None:
    _watch_csp(chromium)
    chromium.get(f"{site.url}/login?lang=en")
    chromium.delete_all_cookies()
    chromium.get_log("browser")
    chromium.get(f"{site.url}/login?lang=en")
    assert _csp_violations(chromium) == []
    sign_in(chromium, site, site.marketing, next_="/dashboard/audit")
    assert path_of(chromium) == "/dashboard/audit"
    assert chromium.find_element(By.ID, "error").text
    assert _csp_violations(chromium) == []
    messages = _severe_console_messages(chromium)
    assert [m for m in messages if "status of 403" not in m or "/dashboard/audit" not in m] == []
    chromium.delete_all_cookies()


@pytest.mark.parametrize("lang", ["en", "pl"])
@pytest.mark.parametrize("name", list(PAGE_PATHS))
def test_each_page_opens_in_each_language(
    browser: WebDriver, site: Site, name: str, lang: str
) -> None:
    path = PAGE_PATHS[name]
    _watch_csp(browser)
    browser.get_log("browser")  # forget earlier pages' messages
    browser.get(f"{site.url}{path}?lang={lang}")
    assert path_of(browser) == path
    html = browser.find_element(By.TAG_NAME, "html")
    assert html.get_attribute("lang") == lang
    texts = page_labels(lang)
    expected_nav = {entry.name: texts.text(f"nav.{entry.name}") for entry in PAGES}
    assert _nav(browser) == expected_nav
    assert list(_nav(browser)) == [n for n in NAV_ORDER if n in expected_nav]
    current = browser.find_element(By.CSS_SELECTOR, "header nav a.current")
    assert current.get_attribute("href") == f"{site.url}{path}"
    heading = browser.find_element(By.TAG_NAME, "h1").text
    assert heading and browser.title.startswith(heading)
    twin_link = browser.find_element(By.CSS_SELECTOR, "footer a")
    assert twin_link.get_attribute("href") == f"{site.url}{path}.json"
    wait(browser).until(lambda d: d.execute_script(CHARTS_DRAWN))
    _no_alert(browser)
    assert _severe_console_messages(browser) == []
    assert _csp_violations(browser) == []
    _check_figures(browser, site, path, lang)
    shot = screenshot(browser, f"{name}-{lang}")
    assert shot.stat().st_size > 10_000


def _check_figures(driver: WebDriver, site: Site, path: str, lang: str) -> None:
    """Every figure on the page is its JSON twin's: the same ids, raw values and texts."""
    figures: dict[str, dict[str, Any]] = site.twin(path, lang).get("figures", {})
    shown = {
        element.get_attribute("id") or "": element
        for element in driver.find_elements(By.CSS_SELECTOR, "[id^='fig-']")
    }
    assert set(shown) == set(figures)
    for fid, element in shown.items():
        assert element.get_attribute("data-value") == _raw(figures[fid]["value"]), fid
        assert _shown(element.text) == _shown(figures[fid]["text"]), fid
    if path in FIGURE_PAGES:
        assert len(figures) >= 8
        assert [f["text"] for f in figures.values()].count("—") < len(figures) / 2


def test_the_scoreboard_agrees_with_the_api(browser: WebDriver, site: Site) -> None:
    browser.get(f"{site.url}/dashboard?lang=en")
    with site.client() as client:
        api = client.get("/scoreboard").raise_for_status().json()
        status = client.get("/status").raise_for_status().json()
    month = api["months"][-1]
    assert month["month"] == "2020-12"

    def value(fid: str) -> str | None:
        return browser.find_element(By.ID, fid).get_attribute("data-value")

    assert value("fig-month-revenue-actual") == month["revenue"]["actual"]
    assert value("fig-month-revenue-target") == month["revenue"]["target"]
    assert value("fig-month-revenue-ytd") == month["revenue"]["ytd"]
    assert value("fig-month-lead-value-actual") == month["lead_value"]["actual"]
    assert value("fig-month-close-rate-actual") == _raw(month["close_rate"]["actual"])
    assert value("fig-month-follow-up-met") == _raw(month["follow_up"]["met"])
    assert value("fig-month-revenue-met") == _raw(month["revenue"]["met"])
    assert site.twin("/dashboard")["year"] == {k: v for k, v in api.items() if k != "as_of"}
    browser.get(f"{site.url}/dashboard/follow-up?lang=en")
    assert browser.find_element(By.ID, "fig-leads").get_attribute("data-value") == _raw(
        status["leads"]
    )
    assert browser.find_element(By.ID, "fig-compliance").get_attribute("data-value") == _raw(
        status["compliance"]
    )


def test_the_queue_lists_the_apis_queue(browser: WebDriver, site: Site) -> None:
    browser.get(f"{site.url}/dashboard/queue?lang=en")
    with site.client() as client:
        api = client.get("/leads/queue").raise_for_status().json()
    rows = browser.find_elements(By.CSS_SELECTOR, "#queue-rows tr.lead")
    assert [row.get_attribute("data-lead-id") for row in rows] == [
        lead["lead_id"] for lead in api["leads"]
    ]
    assert rows, "the demo's queue is empty at its moment"
    for row, lead in zip(rows, api["leads"], strict=True):
        span = row.find_element(By.CSS_SELECTOR, "span.left")
        assert span.get_attribute("data-seconds") == str(lead["business_seconds_left"])
    waiting = browser.find_element(By.ID, "queue-waiting").text
    assert waiting == str(len(api["leads"]))


def test_the_header_link_switches_the_language_and_it_is_remembered(
    browser: WebDriver, site: Site
) -> None:
    browser.get(f"{site.url}/dashboard/queue?lang=en")
    english = page_labels("en")
    polish = page_labels("pl")
    assert _nav(browser)["queue"] == english.text("nav.queue")
    browser.find_element(By.ID, "lang-pl").click()
    wait(browser).until(_in_language("pl"))
    assert path_of(browser) == "/dashboard/queue"
    assert _nav(browser) == {entry.name: polish.text(f"nav.{entry.name}") for entry in PAGES}
    browser.find_element(By.CSS_SELECTOR, "header nav a[data-page='rhythm']").click()
    wait(browser).until(lambda d: path_of(d) == "/dashboard/rhythm")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "pl"
    assert _nav(browser)["rhythm"] == polish.text("nav.rhythm")
    browser.find_element(By.ID, "lang-en").click()
    wait(browser).until(_in_language("en"))
    assert _nav(browser)["rhythm"] == english.text("nav.rhythm")


def test_the_queue_counts_down_while_the_clock_runs(browser: WebDriver, site: Site) -> None:
    with site.clock.moving():
        browser.get(f"{site.url}/dashboard/queue?lang=en")
        spans = browser.find_elements(By.CSS_SELECTOR, "tr.lead span.left[data-seconds]")
        ticking = [s for s in spans if (s.get_attribute("data-seconds") or "").isdigit()]
        assert ticking, "the demo's queue has no lead with business time left"
        first = ticking[0]
        row = first.find_element(By.XPATH, "./ancestor::tr")
        lead_id = row.get_attribute("data-lead-id")
        before = int(first.get_attribute("data-seconds") or "")
        shown = first.text
        time.sleep(2.5)
        span = browser.find_element(
            By.XPATH, f"//tr[@data-lead-id='{lead_id}']//span[@class='left']"
        )
        after = int(span.get_attribute("data-seconds") or "")
        assert 1 <= before - after <= 6, (before, after)
        assert span.text != shown
        hours, minutes, seconds = (int(part) for part in span.text.split(":"))
        assert hours * 3600 + minutes * 60 + seconds == after


def test_a_lead_named_like_a_script_is_shown_as_text(browser: WebDriver, site: Site) -> None:
    with site.client(site.marketing) as client:
        created = client.post(
            "/leads",
            json={"lead_id": SCRIPT, "lead_type": "internet_sales_ready", "owner": IMAGE},
        )
    assert created.status_code == 201, created.text
    browser.get(f"{site.url}/dashboard/queue?lang=en")
    _no_alert(browser)
    rows = [
        row
        for row in browser.find_elements(By.CSS_SELECTOR, "tr.lead")
        if row.get_attribute("data-lead-id") == SCRIPT
    ]
    assert len(rows) == 1
    assert rows[0].find_element(By.CSS_SELECTOR, "td.id").text == SCRIPT
    assert rows[0].find_element(By.CSS_SELECTOR, "td.owner").text == IMAGE
    assert browser.find_elements(By.CSS_SELECTOR, "tr.lead img") == []
    time.sleep(1.5)  # the page's first poll redraws the rows from the twin
    _no_alert(browser)
    assert browser.find_elements(By.CSS_SELECTOR, "tr.lead img") == []
    assert SCRIPT in browser.find_element(By.ID, "queue").text
    # The owner is also a row and a chart's label on the follow-up page.
    browser.get(f"{site.url}/dashboard/follow-up?lang=en")
    wait(browser).until(lambda d: d.execute_script(CHARTS_DRAWN))
    _no_alert(browser)
    owners = [
        row.find_element(By.CSS_SELECTOR, "td.name").text
        for row in browser.find_elements(By.CSS_SELECTOR, "#owners tr.owner")
    ]
    assert IMAGE in owners
    assert browser.find_elements(By.CSS_SELECTOR, "main img") == []
