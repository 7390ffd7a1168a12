"""The API docs' Content-Security-Policy: only revpact's bundles and the page's own inline
script (by hash) may run; no eval, nothing from another origin."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from revpact.ingest.agreement_file import company_a_template
from revpact.server.app import create_app
from revpact.server.docs_policy import docs_policy
from revpact.server.settings import AlertSettings, Settings
from revpact.server.state import ServerState
from revpact.services.database import open_database


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_the_policy_names_each_inline_script_by_its_hash() -> None:
    policy = docs_policy("<script src='/a.js'></script><script>run(1)</script><p>x</p>")
    assert f"script-src 'self' {_hash('run(1)')};" in policy
    assert "unsafe-eval" not in policy
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    agreement = tmp_path / "revpact.yaml"
    agreement.write_text(company_a_template("en"), encoding="utf-8")
    state = ServerState(
        engine=open_database(f"sqlite:///{tmp_path / 'r.db'}"),
        agreement_path=agreement,
        settings=Settings(alerts=AlertSettings(enabled=False)),
    )
    return TestClient(create_app(state))


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_the_docs_pages_carry_it(client: TestClient, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 200
    policy = page.headers["content-security-policy"]
    assert policy == docs_policy(page.text)
    for inline in re.findall(r"<script>(.*?)</script>", page.text, re.S):
        assert _hash(inline) in policy
    assert "unsafe-eval" not in policy


def test_other_answers_are_left_alone(client: TestClient) -> None:
    assert "content-security-policy" not in client.get("/openapi.json").headers
