"""The read routes over HTTP: the same figures as the services, the queue's order, 404s, and
an ``as_of`` without an offset read in the calendar's zone."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from revpact import services
from revpact.domain.roles import Role
from revpact.ingest.agreement_file import company_a_template, parse_agreement
from revpact.ingest.leads.canonical import CANONICAL_COLUMNS

if TYPE_CHECKING:
    from live_server import LiveServer

NY = ZoneInfo("America/New_York")
AS_OF = "2020-03-09T09:30:00-04:00"  # Monday 09:30 EDT

# Company A: Mon-Fri 09:00-17:00 New York, 1 h to follow up, at risk with 15 min left.
LEADS = [
    # at risk: Friday 16:40 -> due Monday 09:40 EDT, 10 minutes left
    ("Q1", "referral", "late", "true", "2020-03-06T16:39:00-05:00",
     "2020-03-06T16:40:00-05:00", "", "ben"),
    # open: Friday 16:50 -> due Monday 09:50, 20 minutes left
    ("Q2", "content", "late", "true", "2020-03-06T16:49:00-05:00",
     "2020-03-06T16:50:00-05:00", "", "ben"),
    # open: Monday 09:20 -> due 10:20, 50 minutes left
    ("Q3", "content", "late", "true", "2020-03-09T09:19:00-04:00",
     "2020-03-09T09:20:00-04:00", "", "ana"),
    # met
    ("Q4", "content", "late", "true", "2020-03-02T09:55:00-05:00",
     "2020-03-02T10:00:00-05:00", "2020-03-02T10:30:00-05:00", "ana"),
    # breached
    ("Q5", "referral", "late", "true", "2020-03-02T09:55:00-05:00",
     "2020-03-02T10:00:00-05:00", "", "ana"),
    # <b>-named owner: user text comes back as data, untouched
    ("Q6", "webinar", "late", "true", "2020-03-02T09:55:00-05:00",
     "2020-03-02T10:00:00-05:00", "", "<b>eve</b>"),
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
def test_queue_orders_open_and_at_risk_leads_by_time_left(
    live_server: LiveServer, role_tokens: dict[Role, str]
) -> None:
    with live_server.client(role_tokens[Role.VIEWER]) as client:
        body = client.get("/leads/queue", params={"as_of": AS_OF}).json()
    assert [(x["lead_id"], x["status"], x["business_seconds_left"]) for x in body["leads"]] == [
        ("Q1", "at_risk", 600),
        ("Q2", "open", 1200),
        ("Q3", "open", 3000),
    ]
    assert body["as_of"] == AS_OF


@pytest.mark.usefixtures("loaded")
def test_queue_of_one_owner_and_a_naive_as_of_in_the_calendar_zone(
    live_server: LiveServer, role_tokens: dict[Role, str]
) -> None:
    with live_server.client(role_tokens[Role.SALES]) as client:
        body = client.get("/leads/queue", params={"as_of": "2020-03-09T09:30", "owner": "ana"})
    assert [x["lead_id"] for x in body.json()["leads"]] == ["Q3"]
    assert body.json()["as_of"] == AS_OF


@pytest.mark.usefixtures("loaded")
def test_leads_status_and_one_lead_agree_with_the_services(
    live_server: LiveServer, role_tokens: dict[Role, str], engine: Engine
) -> None:
    agreement = parse_agreement(company_a_template("en"))
    as_of = datetime.fromisoformat(AS_OF)
    with live_server.client(role_tokens[Role.EXECUTIVE]) as client:
        listed = client.get("/leads", params={"as_of": AS_OF}).json()["leads"]
        breached = client.get("/leads", params={"as_of": AS_OF, "status": "breached"}).json()
        one = client.get("/leads/Q6", params={"as_of": AS_OF}).json()
        status = client.get("/status", params={"as_of": AS_OF}).json()
        missing = client.get("/leads/NOPE", params={"as_of": AS_OF})
        bad_status = client.get("/leads", params={"status": "late"})
    expected = services.list_leads(engine, agreement, as_of=as_of)
    assert listed == [services.LeadPublic.of(v).model_dump(mode="json") for v in expected]
    assert [x["lead_id"] for x in breached["leads"]] == ["Q5"]
    assert one["owner"] == "<b>eve</b>" and one["status"] == "excluded"
    assert status == services.FollowUpSummaryPublic.of(
        services.follow_up_summary(engine, agreement, as_of=as_of)
    ).model_dump(mode="json")
    assert status["counts"]["at_risk"] == 1 and status["counts"]["met"] == 1
    assert missing.status_code == 404 and "NOPE" in missing.json()["detail"]
    assert bad_status.status_code == 422


@pytest.mark.usefixtures("loaded")
def test_scoreboard_and_its_period(live_server: LiveServer, role_tokens: dict[Role, str]) -> None:
    with live_server.client(role_tokens[Role.VIEWER]) as client:
        board = client.get("/scoreboard", params={"as_of": AS_OF})
        before = client.get("/scoreboard", params={"as_of": "2019-06-01T12:00:00Z"})
    assert board.status_code == 200
    months = board.json()["months"]
    assert [m["month"] for m in months] == ["2020-01", "2020-02", "2020-03"]
    assert before.status_code == 422 and "before the agreement's period" in before.json()["detail"]


def test_health_needs_no_token(live_server: LiveServer) -> None:
    with live_server.client() as client:
        assert client.get("/health").json()["status"] == "ok"
