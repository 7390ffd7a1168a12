"""The API docs in Chromium: `/docs` (Swagger UI) and `/redoc` render the schema offline,
from revpact's own assets, under their Content-Security-Policy with nothing refused."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

if TYPE_CHECKING:
    from browser_site import Site
    from selenium.webdriver import Chrome as WebDriver

WATCH_CSP = (
    "window.revpactCspViolations = [];"
    "document.addEventListener('securitypolicyviolation', function (e) {"
    "  window.revpactCspViolations.push(e.violatedDirective + ' ' + e.blockedURI);"
    "});"
)


REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
"""ReDoc's "powered by" footer asks its CDN for a logo: the policy refuses it (nothing leaves
the origin), and that refusal is the only one allowed."""


@pytest.mark.parametrize(
    ("path", "rendered", "expected_refusals"),
    [
        ("/docs", ".swagger-ui .info .title", []),
        ("/redoc", "h1", [f"img-src {REDOC_LOGO}"]),
    ],
)
def test_the_docs_render_with_nothing_refused(
    chromium: WebDriver, site: Site, path: str, rendered: str, expected_refusals: list[str]
) -> None:
    script = chromium.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument", {"source": WATCH_CSP}
    )
    try:
        chromium.get_log("browser")  # start from an empty console
        chromium.get(site.url + path)
        title = WebDriverWait(chromium, 20).until(
            lambda d: next(
                (e for e in d.find_elements(By.CSS_SELECTOR, rendered) if "revpact" in e.text),
                None,
            )
        )
        assert "revpact" in title.text
        violations = chromium.execute_script("return window.revpactCspViolations || [];")
        assert sorted(set(violations)) == expected_refusals
        refused = [
            entry["message"]
            for entry in chromium.get_log("browser")
            if (entry["level"] == "SEVERE" or "Content Security Policy" in entry["message"])
            and not any(r.split(" ", 1)[1] in entry["message"] for r in expected_refusals)
        ]
        assert refused == []
    finally:
        chromium.execute_cdp_cmd(
            "Page.removeScriptToEvaluateOnNewDocument", {"identifier": script["identifier"]}
        )
