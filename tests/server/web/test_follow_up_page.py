"""The follow-up page (``/dashboard/follow-up``) over a real server: per owner and per ISO week,
the breached leads with their lateness, both languages, ``?as_of=``, escaping of hostile owners
and lead ids, and no external URL."""

from __future__ import annotations

import csv
import re
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Engine
from test_scoreboard_page import attribute, external_urls, shown

from revpact import services
from revpact.domain.roles import Role
from revpact.ingest.agreement_file import company_a_template, parse_agreement
from revpact.ingest.leads.canonical import CANONICAL_COLUMNS
from revpact.services.follow_up_weeks import weekly_follow_up
from revpact.services.public.leads import WeekFollowUpPublic

if TYPE_CHECKING:
    from live_server import LiveServer

AS_OF = "2020-03-09T09:30:00-04:00"  # Monday 09:30 EDT
EVIL_OWNER = "<img src=x onerror=alert(1)>"
EVIL_LEAD = "<b>L7</b>&amp;"

# Company A: Mon-Fri 09:00-17:00 New York, 1 h to follow up.
LEADS = [
    ("Q1", "referral", "late", "true", "2020-03-06T16:39:00-05:00",
     "2020-03-06T16:40:00-05:00", "", "ben"),  # open (due Monday 09:40)
    ("Q4", "content", "late", "true", "2020-03-02T09:55:00-05:00",
     "2020-03-02T10:00:00-05:00", "2020-03-02T10:30:00-05:00", "ana"),  # met in 30 min
    ("Q5", "referral", "late", "true", "2020-03-02T09:55:00-05:00",
     "2020-03-02T10:00:00-05:00", "", "ana"),  # breached, untouched since 11:00
    ("Q6", "content", "late", "true", "2020-02-24T09:55:00-05:00",
     "2020-02-24T10:00:00-05:00", "2020-02-24T10:20:00-05:00", EVIL_OWNER),  # met
    (EVIL_LEAD, "referral", "late", "true", "2020-02-25T09:55:00-05:00",
     "2020-02-25T10:00:00-05:00", "2020-02-25T12:00:00-05:00", EVIL_OWNER),  # 1 h late
]  # fmt: skip


@pytest.fixture
def loaded(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    with path.open("w", newline="", encoding="utf-8") as fp:
        writer = csv.writer(fp)
        writer.writerow(CANONICAL_COLUMNS)
        writer.writerows(LEADS)
    services.import_leads(engine, parse_agreement(company_a_template("en")), path)


@pytest.mark.usefixtures("loaded")
def test_the_twin_has_owners_weeks_and_late_leads(
    live_server: LiveServer, role_tokens: dict[Role, str], engine: Engine
) -> None:
    with live_server.client(role_tokens[Role.VIEWER]) as client:
        body = client.get("/dashboard/follow-up.json", params={"as_of": AS_OF}).json()
    agreement = parse_agreement(company_a_template("en"))
    at = datetime.fromisoformat(AS_OF)
    summary = services.FollowUpSummaryPublic.of(
        services.follow_up_summary(engine, agreement, as_of=at)
    ).model_dump(mode="json")
    assert {k: v for k, v in body["summary"].items()} == summary
    assert [o["owner"] for o in body["owners"]] == [EVIL_OWNER, "ana", "ben"]
    assert body["figures"]["fig-compliance"]["value"] == summary["compliance"] == 0.5
    weeks = [
        WeekFollowUpPublic.of(w).model_dump(mode="json")
        for w in weekly_follow_up(engine, agreement, as_of=at)
    ]
    assert [{k: v for k, v in w.items() if k != "display"} for w in body["weeks"]] == weeks
    # W09: Q6 met, L7 breached; W10: Q4 met, Q5 breached, Q1 (Friday) at risk
    assert [(w["week"], w["counts"]["met"], w["counts"]["breached"]) for w in weeks] == [
        ("2020-W09", 1, 1),
        ("2020-W10", 1, 1),
    ]
    by_week = {w["week"]: w for w in weeks}
    assert by_week["2020-W10"]["counts"]["at_risk"] == 1
    assert by_week["2020-W09"]["compliance"] == 0.5
    assert by_week["2020-W10"]["median_response_business_seconds"] == 1800
    late = {lead["lead_id"]: lead for lead in body["breached"]["shown"]}
    assert body["breached"]["total"] == 2 == len(late)
    assert late[EVIL_LEAD]["touched"] is True and late[EVIL_LEAD]["late_seconds"] == 3600
    assert late["Q5"]["touched"] is False
    # due Monday 2 March 11:00 EST; as of Monday 9 March 09:30 EDT (13:30 UTC)
    assert late["Q5"]["late_seconds"] == (7 * 24 - 2.5) * 3600
    assert [lead["lead_id"] for lead in body["breached"]["shown"]] == ["Q5", EVIL_LEAD]


@pytest.mark.usefixtures("loaded")
@pytest.mark.parametrize(("lang", "title"), [("en", "Follow-up"), ("pl", "Kontakt z leadami")])
def test_the_page_in_both_languages_escapes_user_text(
    live_server: LiveServer, role_tokens: dict[Role, str], lang: str, title: str
) -> None:
    with live_server.client(role_tokens[Role.VIEWER]) as client:
        page = client.get("/dashboard/follow-up", params={"as_of": AS_OF, "lang": lang})
        twin = client.get("/dashboard/follow-up.json", params={"as_of": AS_OF, "lang": lang})
    assert page.status_code == 200
    html, data = page.text, twin.json()
    assert f"<h1>{title}</h1>" in html
    spans = shown(html)
    assert set(spans) == set(data["figures"])
    for fid, figure in data["figures"].items():
        assert (
            spans[fid]["value"] == attribute(figure["value"])
            and spans[fid]["text"] == figure["text"]
        )
    for row in [*data["owners"], *data["weeks"]]:
        for text in row["display"].values():
            assert _escaped(text) in html
    for lead in data["breached"]["shown"]:
        assert _escaped(lead["display"]["lateness"]) in html
    assert EVIL_OWNER not in html and "<b>L7" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;b&gt;L7&lt;/b&gt;&amp;amp;" in html
    assert 'id="chart-weekly"' in html and 'id="chart-response"' in html
    assert external_urls(html, live_server.url) == []
    assert data["owners"][0]["owner"] == EVIL_OWNER  # the twin carries the raw text
    untouched = "wciąż bez kontaktu" if lang == "pl" else "still untouched"
    assert untouched in html


def _escaped(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;")
    )


@pytest.mark.usefixtures("loaded")
def test_a_bad_as_of_is_422(live_server: LiveServer, role_tokens: dict[Role, str]) -> None:
    with live_server.client(role_tokens[Role.VIEWER]) as client:
        as_json = client.get("/dashboard/follow-up.json", params={"as_of": "soon"})
        as_html = client.get("/dashboard/follow-up", params={"as_of": "soon"})
        naive = client.get("/dashboard/follow-up.json", params={"as_of": "2020-03-09T09:30"})
    assert as_json.status_code == 422 and "soon" in as_json.json()["detail"]
    assert as_json.headers["content-type"] == "application/problem+json"
    assert as_json.json()["status"] == 422
    assert as_json.json()["instance"] == "/dashboard/follow-up.json"
    assert as_html.status_code == 422 and re.search(r'id="error"', as_html.text)
    assert naive.json()["as_of"] == AS_OF


def test_an_empty_store(live_server: LiveServer, role_tokens: dict[Role, str]) -> None:
    with live_server.client(role_tokens[Role.VIEWER]) as client:
        body = client.get("/dashboard/follow-up.json", params={"as_of": AS_OF}).json()
        page = client.get("/dashboard/follow-up", params={"as_of": AS_OF})
    assert body["owners"] == [] and body["weeks"] == [] and body["breached"]["total"] == 0
    assert page.status_code == 200 and 'id="no-breached"' in page.text
