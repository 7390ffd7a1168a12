"""The sales floor queue, over HTTP: ordering, the countdown's data, both languages, escaping.

Company A's calendar (America/New_York, Monday-Friday 09:00-17:00, one hour to follow up, at
risk with 15 minutes left) and the hand-made leads of ``tests/services/test_services.py``: as
of Monday 9 March 2020 09:30 EDT, A8 is at risk (10 minutes left), A7 open (20), A9 open (50).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine
from test_services import LEADS, write_leads

from revpact import services
from revpact.domain.agreement.model import Agreement
from revpact.domain.roles import Role
from revpact.server.state import ServerState
from revpact.server.web.queue_page import business_run_end, countdown
from revpact.services.clock import FixedClock

if TYPE_CHECKING:
    from live_server import LiveServer

NY = ZoneInfo("America/New_York")
MONDAY = datetime(2020, 3, 9, 9, 30, tzinfo=NY)
HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def leads(engine: Engine, agreement: Agreement, tmp_path: Path) -> None:
    hostile = (HOSTILE, "content", "late", "true", "2020-03-09T09:00:00-04:00",
               "2020-03-09T09:05:00-04:00", "", HOSTILE)  # fmt: skip
    services.import_leads(engine, agreement, write_leads(tmp_path / "leads.csv", [*LEADS, hostile]))


@pytest.fixture
def at_monday(
    leads: None, server_state: ServerState, serve: Callable[[ServerState], LiveServer]
) -> LiveServer:
    server_state.clock = FixedClock(MONDAY)
    return serve(server_state)


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr class="lead[^"]*" data-lead-id="([^"]*)"', html)


def test_the_twin_orders_by_time_left_with_the_countdown_data(
    at_monday: LiveServer, role_tokens: dict[Role, str]
) -> None:
    with at_monday.client(role_tokens[Role.SALES]) as client:
        twin = client.get("/dashboard/queue.json").json()
    assert twin["server_time"] == MONDAY.isoformat() and twin["as_of"] == MONDAY.isoformat()
    assert twin["replay"] is False and twin["business_open"] is True
    assert twin["open_until"] == datetime(2020, 3, 9, 17, tzinfo=NY).astimezone(UTC).isoformat()
    assert twin["poll_seconds"] == 5
    ids = [lead["lead_id"] for lead in twin["leads"]]
    assert ids == ["A8", "A7", HOSTILE, "A9"]
    left = [lead["business_seconds_left"] for lead in twin["leads"]]
    assert left == [600, 1200, 2100, 3000]
    assert [lead["status"] for lead in twin["leads"]] == ["at_risk", "open", "open", "open"]
    assert twin["counts"] == {"waiting": 4, "at_risk": 1, "open": 3}
    first = twin["leads"][0]
    assert first["due_at"] == datetime(2020, 3, 9, 9, 40, tzinfo=NY).astimezone(UTC).isoformat()
    assert first["at_risk"] is True and first["display"]["left"] == "0:10:00"
    assert datetime.fromisoformat(first["ticks_from"]) == MONDAY
    assert datetime.fromisoformat(first["ticks_until"]) == datetime(2020, 3, 9, 17, tzinfo=NY)


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", ("Sales floor queue", "At risk", "Business time left")),
     ("pl", ("Kolejka działu sprzedaży", "Zagrożony", "Pozostały czas roboczy"))],
)  # fmt: skip
def test_the_page_in_both_languages(
    at_monday: LiveServer, role_tokens: dict[Role, str], lang: str, words: tuple[str, ...]
) -> None:
    with at_monday.client(role_tokens[Role.MARKETING]) as client:
        page = client.get("/dashboard/queue", params={"lang": lang})
    assert page.status_code == 200 and f'<html lang="{lang}">' in page.text
    for word in words:
        assert word in page.text
    html = page.text
    assert _rows(html) == ["A8", "A7", "&lt;script&gt;alert(1)&lt;/script&gt;", "A9"]
    assert '<tr class="lead at-risk" data-lead-id="A8" data-status="at_risk">' in html
    assert '<span class="left" data-seconds="600">0:10:00</span>' in html
    assert '<div id="queue-live" data-url="/dashboard/queue.json">' in html
    assert '<script src="/static/queue.js"></script>' in html
    with at_monday.client() as client:
        script = client.get("/static/queue.js").text
    assert 'credentials: "same-origin"' in script and "live.dataset.url" in script


def test_hostile_lead_ids_and_owners_stay_text(
    at_monday: LiveServer, role_tokens: dict[Role, str]
) -> None:
    with at_monday.client(role_tokens[Role.ADMIN]) as client:
        html = client.get("/dashboard/queue").text
        twin = client.get("/dashboard/queue.json").json()
    assert HOSTILE not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 3  # id attribute, id, owner
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in html  # the embedded twin
    assert twin["leads"][2]["lead_id"] == HOSTILE and twin["leads"][2]["owner"] == HOSTILE


def test_a_moving_clock_moves_the_countdown(
    leads: None, server_state: ServerState, serve: Callable[[ServerState], LiveServer],
    role_tokens: dict[Role, str],
) -> None:  # fmt: skip
    clock = [MONDAY]
    server_state.clock = SimpleNamespace(now=lambda: clock[0])
    server = serve(server_state)
    with server.client(role_tokens[Role.SALES]) as client:
        before = client.get("/dashboard/queue.json").json()
        clock[0] += timedelta(seconds=95)
        after = client.get("/dashboard/queue.json").json()
    assert datetime.fromisoformat(after["server_time"]) - datetime.fromisoformat(
        before["server_time"]
    ) == timedelta(seconds=95)
    was = {lead["lead_id"]: lead["business_seconds_left"] for lead in before["leads"]}
    now = {lead["lead_id"]: lead["business_seconds_left"] for lead in after["leads"]}
    assert {lead: was[lead] - now[lead] for lead in now} == dict.fromkeys(was, 95)


def test_after_hours_the_clock_waits_for_the_next_opening(
    leads: None, server_state: ServerState, serve: Callable[[ServerState], LiveServer],
    role_tokens: dict[Role, str],
) -> None:  # fmt: skip
    friday_evening = datetime(2020, 3, 6, 17, 30, tzinfo=NY)
    server_state.clock = FixedClock(friday_evening)
    server = serve(server_state)
    with server.client(role_tokens[Role.SALES]) as client:
        twin = client.get("/dashboard/queue.json").json()
        later = client.get(
            "/dashboard/queue.json", params={"as_of": "2020-03-08T12:00:00-04:00"}
        ).json()
    assert twin["business_open"] is False and twin["open_until"] is None
    opening = datetime(2020, 3, 9, 9, tzinfo=NY)
    assert datetime.fromisoformat(twin["next_opening"]) == opening
    assert [(lead["lead_id"], lead["business_seconds_left"]) for lead in twin["leads"]] == [
        ("A8", 2400),
        ("A7", 3000),
    ]
    for lead in twin["leads"]:
        assert datetime.fromisoformat(lead["ticks_from"]) == opening
        assert datetime.fromisoformat(lead["ticks_until"]) == datetime(2020, 3, 9, 17, tzinfo=NY)
    # Over the weekend no business time passes: the same figures on Sunday.
    assert later["replay"] is True
    assert [lead["business_seconds_left"] for lead in later["leads"]] == [2400, 3000]


def test_as_of_shows_a_past_moment_and_a_bad_one_is_reported(
    at_monday: LiveServer, role_tokens: dict[Role, str]
) -> None:
    with at_monday.client(role_tokens[Role.SALES]) as client:
        past = client.get(
            "/dashboard/queue.json", params={"as_of": "2020-03-09T09:45:00", "lang": "en"}
        ).json()
        bad = client.get("/dashboard/queue", params={"as_of": "<b>soon</b>", "lang": "en"})
    assert past["as_of"] == "2020-03-09T09:45:00-04:00" and past["replay"] is True
    assert past["server_time"] == MONDAY.isoformat()
    # A8 breached at 09:40; A7, due 09:50, is at risk with 5 minutes left.
    assert [(lead["lead_id"], lead["status"]) for lead in past["leads"]] == [
        ("A7", "at_risk"),
        (HOSTILE, "open"),
        ("A9", "open"),
    ]
    assert bad.status_code == 200 and "&lt;b&gt;soon&lt;/b&gt; is not a moment" in bad.text.replace(
        "&#34;", ""
    )
    assert "<b>soon</b>" not in bad.text


def test_an_empty_queue(live_server: LiveServer, role_tokens: dict[Role, str]) -> None:
    with live_server.client(role_tokens[Role.SALES]) as client:
        page = client.get("/dashboard/queue", params={"lang": "pl"})
        twin = client.get("/dashboard/queue.json").json()
    assert twin["leads"] == [] and twin["counts"]["waiting"] == 0
    assert '<p class="muted" id="queue-empty">Żaden lead nie czeka na kontakt.</p>' in page.text


def test_countdown_and_business_run_end(agreement: Agreement) -> None:
    assert countdown(600) == "0:10:00" and countdown(3 * 3600 + 61) == "3:01:01"
    assert countdown(None) == "" and countdown(-5) == "0:00:00"
    calendar = agreement.business_calendar()
    start = int(MONDAY.timestamp() * 1_000_000)
    end = business_run_end(calendar, start)
    assert end == int(datetime(2020, 3, 9, 17, tzinfo=NY).timestamp() * 1_000_000)
