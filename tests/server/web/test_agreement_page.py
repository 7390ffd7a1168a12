"""The agreement page, over HTTP: before anything is published, pending, in force, amended.

The document is the renderer's (``revpact agreement render``) body inside the page; the status
beside it is :func:`revpact.services.agreement_versions.status`'s.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Engine

from revpact.domain.roles import Role
from revpact.domain.versions import required_signatories
from revpact.ingest.agreement_file import company_a_template, parse_agreement
from revpact.server.web.agreement_page import document_body
from revpact.services import agreement_versions as versions

if TYPE_CHECKING:
    from live_server import LiveServer

EN = company_a_template("en")
AMENDED = EN.replace("within: 1h ", "within: 45m ")
HOSTILE = "<script>alert(1)</script>"
T0 = datetime(2020, 1, 2, 12, tzinfo=UTC)


def _publish(engine: Engine, source: str, at: datetime) -> None:
    versions.publish(engine, parse_agreement(source), source, at=at, now=at, by="ops@example.com")


def _sign_all(engine: Engine, source: str, at: datetime) -> None:
    for number, person in enumerate(required_signatories(parse_agreement(source))):
        moment = at + timedelta(minutes=number)
        versions.sign(engine, person.email, version=None, at=moment, now=moment, via="test")


def _page(server: LiveServer, token: str, lang: str = "en") -> tuple[str, dict[str, object]]:
    with server.client(token) as client:
        html = client.get("/dashboard/agreement", params={"lang": lang})
        twin = client.get("/dashboard/agreement.json")
    assert html.status_code == 200 and twin.status_code == 200
    return html.text, twin.json()


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", ("Nothing is published yet", "1. Company goals")),
     ("pl", ("Nic jeszcze nie opublikowano", "1. Cele firmy"))],
)  # fmt: skip
def test_before_anything_is_published_the_file_is_shown_unsigned(
    live_server: LiveServer, role_tokens: dict[Role, str], lang: str, words: tuple[str, ...]
) -> None:
    html, twin = _page(live_server, role_tokens[Role.SALES], lang)
    assert twin["in_force"] is None and twin["latest"] is None and twin["pending"] is False
    assert twin["shown"] == {"source": "file", "version": None}
    assert twin["signers"] == [] and twin["changes_to_sign"] == []
    for word in words:
        assert word in html
    assert html.count("<body") == 1 and html.lower().count("<!doctype") == 1
    assert '<article class="agreement-doc" id="agreement-document">' in html
    assert '<section id="signatures" class="signatures">' in html


def test_published_signed_and_amended(
    live_server: LiveServer, role_tokens: dict[Role, str], engine: Engine
) -> None:
    token = role_tokens[Role.EXECUTIVE]
    _publish(engine, EN, T0)
    html, twin = _page(live_server, token)
    assert twin["shown"]["source"] == "latest" and twin["pending"] is True
    assert twin["in_force"] is None and "awaiting signatures" in html
    assert all(s["signed_at"] is None for s in twin["signers"])  # type: ignore[attr-defined]
    assert 'class="signer unsigned"' in html and 'class="signer signed"' not in html

    _sign_all(engine, EN, T0 + timedelta(hours=1))
    html, twin = _page(live_server, token)
    assert twin["in_force"]["number"] == 1 and twin["pending"] is False  # type: ignore[index]
    assert twin["shown"]["source"] == "in_force"  # type: ignore[index]
    assert "In force: version 1" in html and "Not signed yet" not in html
    assert "agreement-amendment" not in html

    _publish(engine, AMENDED, T0 + timedelta(days=1))
    html, twin = _page(live_server, token, "pl")
    assert twin["in_force"]["number"] == 1 and twin["latest"]["number"] == 2  # type: ignore[index]
    assert twin["pending"] is True and twin["shown"]["source"] == "in_force"  # type: ignore[index]
    paths = [c["path"] for c in twin["changes_to_sign"]]  # type: ignore[attr-defined]
    assert paths == ["sales.follow_up.within"]
    assert "Co zmienia wersja 2" in html and "Jeszcze nie podpisano" in html
    change = r'<tr class="change" data-path="sales.follow_up.within">(.*?)</tr>'
    row = re.search(change, html, re.S)
    assert row is not None and "<td>1h</td>" in row.group(1) and "<td>45m</td>" in row.group(1)
    assert 'class="version" data-number="2"' in html


def test_hostile_text_in_the_agreement_file_stays_text(
    live_server: LiveServer, role_tokens: dict[Role, str], engine: Engine, agreement_file: Path
) -> None:
    _publish(engine, EN, T0)
    agreement_file.write_text(
        EN.replace("title: Sales & Marketing Service Level Agreement", f'title: "{HOSTILE}"'),
        encoding="utf-8",
    )
    html, twin = _page(live_server, role_tokens[Role.ADMIN])
    drafts = twin["unpublished_changes"]
    assert [c["after"] for c in drafts] == [HOSTILE]  # type: ignore[attr-defined]
    assert HOSTILE not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_document_body_is_extracted() -> None:
    assert str(document_body('<html><body class="x">\n<p>a &lt;b&gt;</p>\n</body></html>')) == (
        "\n<p>a &lt;b&gt;</p>\n"
    )
    with pytest.raises(ValueError):
        document_body("<p>no body</p>")
