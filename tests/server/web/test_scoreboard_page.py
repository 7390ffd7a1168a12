"""The scoreboard page (``/dashboard``) over a real server: the HTML in both languages, its JSON
twin equal to the services' figures, ``?as_of=``, errors, escaping and no external URL."""

from __future__ import annotations

import json
import re
from datetime import datetime
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from revpact import services
from revpact.domain.roles import Role
from revpact.ingest.agreement_file import company_a_template, parse_agreement
from revpact.services.month_close import close_month
from revpact.services.month_states import close_blocks
from revpact.services.public.scoreboard_closes import ScoreboardPublic

if TYPE_CHECKING:
    from live_server import LiveServer

NY = ZoneInfo("America/New_York")
AS_OF = "2020-03-31T17:00:00-04:00"
HOSTILE = '<script>alert("x")</script>'

LEADS = """\
lead_id,lead_type,stage,requested_follow_up,created_at,notified_at,first_touch_at,owner
A1,referral,late,true,2020-01-06T10:00:00-05:00,2020-01-06T10:00:00-05:00,2020-01-06T10:30:00-05:00,ann
A2,content,late,true,2020-01-07T10:00:00-05:00,2020-01-07T10:00:00-05:00,2020-01-07T13:00:00-05:00,ann
A3,content,late,true,2020-02-03T10:00:00-05:00,2020-02-03T10:00:00-05:00,,bo
A4,webinar,late,true,2020-02-04T10:00:00-05:00,2020-02-04T10:00:00-05:00,,bo
A5,referral,late,true,2020-03-02T10:00:00-05:00,2020-03-02T10:00:00-05:00,2020-03-02T10:10:00-05:00,ann
A6,referral,late,true,2020-03-31T16:50:00-04:00,2020-03-31T16:50:00-04:00,,bo
"""
DEALS = """\
deal_id,lead_id,created_at,proposal_at,closed_at,outcome,amount,owner
D1,A1,2020-01-06T12:00:00-05:00,2020-01-08T12:00:00-05:00,2020-01-20T12:00:00-05:00,won,1300000,ann
D2,A2,2020-01-10T12:00:00-05:00,2020-01-12T12:00:00-05:00,2020-02-20T12:00:00-05:00,lost,,ann
D3,,2020-02-10T12:00:00-05:00,2020-02-12T12:00:00-05:00,2020-03-10T12:00:00-04:00,won,800000.50,bo
"""
REVENUE = "month,amount\n2020-01,1300000\n"


CEO = "margaret.lowell@company-a.example"  # on the executive team: closes months
CLOSED = datetime(2020, 3, 2, 12, 0, tzinfo=NY)  # January and February are over and decided
LOADED = datetime(2020, 3, 1, 12, 0, tzinfo=NY)  # when the files were imported


def load(engine: Engine, tmp_path: Path) -> None:
    agreement = parse_agreement(company_a_template("en"))
    for name, body, service in (
        ("leads.csv", LEADS, services.import_leads),
        ("deals.csv", DEALS, services.import_deals),
        ("revenue.csv", REVENUE, services.import_revenue),
    ):
        (tmp_path / name).write_text(body, encoding="utf-8")
        service(engine, agreement, tmp_path / name, now=LOADED)


def close(engine: Engine, *months: str, at: datetime = CLOSED) -> None:
    """Close ``months`` (in order) as the CEO on ``at``: only closed months count for
    escalation and rewards."""
    agreement = parse_agreement(company_a_template("en"))
    for month in months:
        close_month(engine, agreement, month, by=CEO, now=at, via="cli")


@pytest.fixture
def loaded(engine: Engine, tmp_path: Path) -> None:
    load(engine, tmp_path)


class Spans(HTMLParser):
    """Every element with an ``id`` starting ``fig-``: its data-value and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, dict[str, str]] = {}
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        fid = found.get("id") or ""
        if fid.startswith("fig-"):
            self.found[fid] = {"value": found.get("data-value") or "", "text": ""}
            self._open.append(fid)

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if self._open:
            self.found[self._open[-1]]["text"] += data


def shown(page: str) -> dict[str, dict[str, str]]:
    parser = Spans()
    parser.feed(page)
    return parser.found


def attribute(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def external_urls(page: str, host: str) -> list[str]:
    links = re.findall(r"""(?:src|href|action)\s*=\s*["']?([^"'\s>]+)""", page, re.IGNORECASE)
    return [u for u in links if re.match(r"(?i)(https?:)?//", u) and not u.startswith(host)]


def expected_year(engine: Engine, as_of: str) -> dict[str, Any]:
    agreement = parse_agreement(company_a_template("en"))
    moment = datetime.fromisoformat(as_of)
    board = services.year_scoreboard(engine, agreement, as_of=moment)
    year = ScoreboardPublic.of(board, close_blocks(engine, agreement, as_of=moment))
    return dict(json.loads(json.dumps(year.model_dump(mode="json"))))


@pytest.mark.usefixtures("loaded")
def test_the_json_twin_carries_the_services_figures(
    live_server: LiveServer, role_tokens: dict[Role, str], engine: Engine
) -> None:
    close(engine, "2020-01", "2020-02")
    with live_server.client(role_tokens[Role.VIEWER]) as client:
        response = client.get("/dashboard.json", params={"as_of": AS_OF})
        by_header = client.get(
            "/dashboard", params={"as_of": AS_OF}, headers={"Accept": "application/json"}
        )
    assert response.status_code == 200
    body = response.json()
    assert by_header.json() == body
    assert body["as_of"] == AS_OF and body["as_of_requested"] is True
    assert body["year"] == expected_year(engine, AS_OF)
    march = body["year"]["months"][-1]
    assert body["month"] == "2020-03" == march["month"]
    figures = body["figures"]
    for group, name in (
        ("revenue", "actual"),
        ("revenue", "target"),
        ("revenue", "required_per_remaining_month"),
        ("lead_value", "actual"),
        ("follow_up", "compliance"),
        ("close_rate", "actual"),
        ("sales_cycle_days", "target"),
        ("reward", "earned"),
    ):
        fid = "fig-month-" + f"{group}-{name}".replace("_", "-")
        assert figures[fid]["value"] == march[group][name], fid
    assert figures["fig-month-goal3-met"]["value"] == march["goals"]["goal3"]["met"]
    assert figures["fig-month-lead-type-referral-count"]["value"] == 2
    # the year: sums of the months, ratios of the sums
    months = body["year"]["months"]
    totals = body["year_totals"]
    assert totals["follow_up"]["met"] == sum(m["follow_up"]["met"] for m in months)
    assert totals["close_rate"]["won"] == 2 and totals["close_rate"]["lost"] == 1
    assert Decimal(totals["close_rate"]["actual"]) == Decimal(2) / 3
    assert totals["revenue"]["actual"] == march["revenue"]["ytd"]
    assert figures["fig-year-revenue-annual-target"]["value"] == "15000000"
    # escalation and rewards: the services' twins
    assert body["escalation"]["level"] == figures["fig-escalation-level"]["value"]
    assert {a["month"] for a in body["escalation"]["open_actions"]} <= {"2020-01", "2020-02"}
    assert body["escalation"]["open_actions"], "missed months issue actions"
    assert body["reward"]["annual_reward"]["earned"] is None


@pytest.mark.usefixtures("loaded")
@pytest.mark.parametrize(
    ("lang", "title", "met"), [("en", "Scoreboard", "Met"), ("pl", "Wyniki", "Osiągnięty")]
)
def test_the_page_shows_every_figure_of_its_twin(
    live_server: LiveServer, role_tokens: dict[Role, str], lang: str, title: str, met: str
) -> None:
    with live_server.client(role_tokens[Role.VIEWER]) as client:
        page = client.get("/dashboard", params={"as_of": AS_OF, "lang": lang})
        twin = client.get("/dashboard.json", params={"as_of": AS_OF, "lang": lang}).json()
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert f'<html lang="{lang}">' in html and f"<h1>{title}</h1>" in html
    spans = shown(html)
    assert set(spans) == set(twin["figures"])
    for fid, figure in twin["figures"].items():
        assert spans[fid]["value"] == attribute(figure["value"]), fid
        assert spans[fid]["text"] == figure["text"], fid
    assert met in {s["text"] for s in spans.values()}
    for name in twin["charts"]:
        assert f'id="chart-{name}"' in html
    assert '<script src="/static/plotly.min.js"></script>' in html
    assert external_urls(html, live_server.url) == []
    if lang == "pl":
        assert (
            twin["figures"]["fig-year-revenue-annual-target"]["text"] == "15\xa0000\xa0000\xa0USD"
        )
    else:
        assert twin["figures"]["fig-year-revenue-annual-target"]["text"] == "$15,000,000"


@pytest.mark.usefixtures("loaded")
def test_a_naive_as_of_is_the_calendars_wall_clock(
    live_server: LiveServer, role_tokens: dict[Role, str]
) -> None:
    with live_server.client(role_tokens[Role.VIEWER]) as client:
        body = client.get("/dashboard.json", params={"as_of": "2020-03-31T17:00"}).json()
        past = client.get("/dashboard.json", params={"as_of": "2020-01-15T12:00"}).json()
    assert body["as_of"] == AS_OF
    assert past["month"] == "2020-01" and len(past["year"]["months"]) == 1


@pytest.mark.usefixtures("loaded")
@pytest.mark.parametrize("value", ["yesterday", "2020-13-01", "2020-03-31T25:00", "2019-06-01"])
def test_a_bad_as_of_is_422(
    live_server: LiveServer, role_tokens: dict[Role, str], value: str
) -> None:
    with live_server.client(role_tokens[Role.VIEWER]) as client:
        as_json = client.get("/dashboard.json", params={"as_of": value})
        as_html = client.get("/dashboard", params={"as_of": value, "lang": "pl"})
    assert as_json.status_code == 422
    assert as_json.headers["content-type"] == "application/problem+json"
    assert set(as_json.json()) == {"type", "title", "status", "detail", "instance"}
    assert as_html.status_code == 422 and 'id="error"' in as_html.text
    assert "fig-" not in as_html.text


def test_an_empty_store_and_hostile_reward_recipients_are_escaped(
    live_server: LiveServer, role_tokens: dict[Role, str], engine: Engine, tmp_path: Path
) -> None:
    with live_server.client(role_tokens[Role.VIEWER]) as client:
        empty = client.get("/dashboard.json", params={"as_of": AS_OF}).json()
    assert empty["year"] == expected_year(engine, AS_OF)
    # January earns the pool (110 referral leads on time, a won deal, revenue); split it
    agreement = parse_agreement(company_a_template("en"))
    head = LEADS.splitlines()[0]
    rows = [
        f"R{i},referral,late,true,2020-01-06T10:00:00-05:00,2020-01-06T10:00:00-05:00,"
        "2020-01-06T10:30:00-05:00,ann"
        for i in range(110)
    ]
    (tmp_path / "r.csv").write_text("\n".join([head, *rows]) + "\n", encoding="utf-8")
    services.import_leads(engine, agreement, tmp_path / "r.csv")
    (tmp_path / "d.csv").write_text(DEALS.splitlines()[0] + "\n" + DEALS.splitlines()[1] + "\n")
    services.import_deals(engine, agreement, tmp_path / "d.csv")
    (tmp_path / "v.csv").write_text("month,amount\n2020-01,2000000\n", encoding="utf-8")
    services.import_revenue(engine, agreement, tmp_path / "v.csv")
    close(engine, "2020-01", at=datetime(2020, 2, 3, 12, tzinfo=NY))
    assert agreement.rewards.monthly is not None
    pool = agreement.rewards.monthly.pool
    services.allocate_reward(
        engine,
        agreement,
        month="2020-01",
        shares={HOSTILE: pool - 1, "Bo": Decimal(1)},
        as_of=datetime(2020, 2, 10, tzinfo=NY),
        by="emily.carter@company-a.example",
    )
    with live_server.client(role_tokens[Role.VIEWER]) as client:
        page = client.get("/dashboard", params={"as_of": AS_OF}).text
        twin = client.get("/dashboard.json", params={"as_of": AS_OF}).json()
    assert HOSTILE in twin["reward"]["months"][0]["split"]
    assert HOSTILE not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page


def test_no_token_no_figures(live_server: LiveServer) -> None:
    with live_server.client() as client:
        assert client.get("/dashboard.json").status_code == 401
        redirect = client.get("/dashboard", follow_redirects=False)
    assert redirect.status_code == 303 and redirect.headers["location"].startswith("/login")


@pytest.mark.usefixtures("loaded")
def test_a_month_in_progress_and_a_fallback_revenue_are_marked(
    live_server: LiveServer, role_tokens: dict[Role, str]
) -> None:
    """At AS_OF March still runs (7 hours left) and has no revenue row: the page says it is in
    progress instead of met or missed, and marks the won deals standing in for its revenue."""
    with live_server.client(role_tokens[Role.VIEWER]) as client:
        page = client.get("/dashboard", params={"as_of": AS_OF}).text
        body = client.get("/dashboard.json", params={"as_of": AS_OF}).json()
        ended = client.get("/dashboard", params={"as_of": "2020-04-01T00:00:00-04:00"}).text
    march = body["year"]["months"][-1]
    assert body["month_state"] == march["state"] == "in_progress"
    assert march["revenue"] | {"source": "won_deals", "fallback": True} == march["revenue"]
    figures = shown(page)
    assert figures["fig-month-revenue-met"]["text"] == "In progress"
    assert figures["fig-month-lead-value-met"]["text"] == "In progress"
    assert 'id="month-state"' in page and "pro-rated targets" in page
    assert 'id="revenue-fallback-note"' in page and 'class="fallback-mark"' in page
    # April has begun: March is over, with its verdicts; April is the month in progress.
    assert 'id="month-state"' in ended


LATE_DEAL = (  # a deal won in January, recorded after January was closed; its id and owner hostile
    "<i>D9</i>,A1,2020-01-08T12:00:00-05:00,2020-01-09T12:00:00-05:00,"
    '2020-01-27T12:00:00-05:00,won,5000,"<b>ann</b>"'
)
LATE = datetime(2020, 3, 10, 12, 0, tzinfo=NY)  # the late deal is recorded
AFTER = "2020-03-20T12:00:00-04:00"


@pytest.mark.parametrize(
    ("lang", "closed", "awaiting", "heading"),
    [
        ("en", "Closed by", "Awaiting close — provisional", "Restatements"),
        ("pl", "Zamknięty przez", "Czeka na zamknięcie — tymczasowy", "Korekty"),
    ],
)
def test_closed_months_and_a_restatement_are_shown(
    live_server: LiveServer,
    role_tokens: dict[Role, str],
    engine: Engine,
    tmp_path: Path,
    lang: str,
    closed: str,
    awaiting: str,
    heading: str,
) -> None:
    """January and February closed; a deal won in January recorded afterwards (its id hostile)
    is a restatement of January: figure old → new and the row that caused it, escaped; the
    month shown (March) is in progress, and as of the end of February, February awaits its
    close."""
    load(engine, tmp_path)
    close(engine, "2020-01", "2020-02")
    agreement = parse_agreement(company_a_template("en"))
    (tmp_path / "late.csv").write_text(DEALS.splitlines()[0] + "\n" + LATE_DEAL + "\n")
    services.import_deals(engine, agreement, tmp_path / "late.csv", now=LATE)
    with live_server.client(role_tokens[Role.VIEWER]) as client:
        page = client.get("/dashboard", params={"as_of": AFTER, "lang": lang}).text
        twin = client.get("/dashboard.json", params={"as_of": AFTER, "lang": lang}).json()
        before = client.get(
            "/dashboard", params={"as_of": "2020-02-29T18:00:00-05:00", "lang": lang}
        ).text
    # the twin: the year's close blocks and the pending restatement with its row
    assert twin["year"] == expected_year(engine, AFTER)
    january, february, march = twin["year"]["months"]
    assert january["close"]["state"] == february["close"]["state"] == "closed"
    assert january["close"]["by"] == CEO and march["close"]["state"] == "in_progress"
    assert {"figure": "proposals_won", "old": 1, "new": 2} in january["close"]["restatements"]
    assert february["close"]["restatements"] == []
    (restated,) = twin["restatements"]
    assert restated["month"] == "2020-01"
    assert [(r["table"], r["key"]) for r in restated["rows"]] == [("deals", "<i>D9</i>")]
    # the page: a mark per month, the month's line, the restatement, all escaped
    assert '<tr data-month="2020-01" data-close-state="closed" data-restatements="' in page
    assert '<tr data-month="2020-02" data-close-state="closed" data-restatements="0">' in page
    assert '<tr data-month="2020-03" data-close-state="in_progress"' in page
    assert '<p id="month-close" class="close-line" data-close-state="in_progress">' in page
    assert page.count(f"{closed} {CEO}") >= 3  # January's and February's rows, the restatement
    facts = january["close"]["facts_hash"][:12]
    assert facts in page and f'<h2 id="restatements-heading">{heading}</h2>' in page
    section = page.split('<div class="restatement" id="restatement-2020-01"')[1]
    section = section.split("</div>")[0]
    proposals = "Proposals won" if lang == "en" else "Wygrane oferty"
    assert f'<td>{proposals}</td><td class="num">1</td><td class="num">2</td>' in section
    assert "&lt;i&gt;D9&lt;/i&gt;" in section
    assert "<i>D9</i>" not in page and "<b>ann</b>" not in page
    assert 'id="restatements-note"' in page and 'id="no-restatements"' not in page
    # before February ended: January closed, February in progress; from its last instant on
    # (the moment a month's figures are complete) it awaits its close, counted for nothing
    assert '<tr data-month="2020-02" data-close-state="in_progress"' in before
    with live_server.client(role_tokens[Role.VIEWER]) as client:
        last = client.get(
            "/dashboard", params={"as_of": "2020-02-29T23:59:59.999999-05:00", "lang": lang}
        ).text
        last_twin = client.get(
            "/dashboard.json",
            params={"as_of": "2020-02-29T23:59:59.999999-05:00", "lang": lang},
        ).json()
    assert '<tr data-month="2020-02" data-close-state="awaiting_close"' in last
    assert 'id="month-close" class="close-line" data-close-state="awaiting_close">' in last
    assert awaiting in last and 'id="no-restatements"' in last
    # a month awaiting its close has no verdict: never "missed" before someone closes it
    to_close = "Awaiting close" if lang == "en" else "Czeka na zamknięcie"
    names = ("revenue-met", "lead-value-met", "follow-up-met-goal", "close-rate-met")
    verdicts = {f"fig-month-{n}": last_twin["figures"][f"fig-month-{n}"] for n in names}
    assert verdicts and all(item["value"] is None for item in verdicts.values()), verdicts
    assert all(item["text"] == to_close for item in verdicts.values()), verdicts
    assert last_twin["figures"]["fig-month-reward-earned"]["text"] == to_close  # not "missed"
