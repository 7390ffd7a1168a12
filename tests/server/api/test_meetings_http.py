"""The meeting rhythm over HTTP: who may record a meeting, the calendar file, the agenda."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest
from icalendar import Calendar
from sqlalchemy import Engine

from revpact.domain.agreement.model import Agreement
from revpact.domain.roles import Role
from revpact.services.tokens import create_token

if TYPE_CHECKING:
    from live_server import LiveServer

LEADERS = ["emily.carter@company-a.example", "michael.brennan@company-a.example"]
WEEKLY_MINUTES = {
    "what_worked": "Referral leads were followed up within the hour.",
    "what_did_not_work": "Two content leads waited over the weekend.",
    "improvements": "Cover Friday afternoons.",
}


def held(day: int, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "weekly",
        "held_at": f"2020-03-{day:02d}T09:30:00-04:00",
        "attendees": LEADERS,
        "duration_minutes": 30,
        "minutes": WEEKLY_MINUTES,
    }
    return {**body, **changes}


@pytest.mark.parametrize("role", list(Role))
def test_who_may_record_a_meeting(
    live_server: LiveServer, role_tokens: dict[Role, str], role: Role
) -> None:
    with live_server.client(role_tokens[role]) as client:
        response = client.post("/meetings/records", json=held(9))
        if role is Role.VIEWER:
            assert response.status_code == 403
            assert "viewer" in response.json()["detail"]
            return
        assert response.status_code == 201, response.text
        saved = response.json()
        assert saved["meeting_id"] == "weekly_leadership"
        assert saved["held_at"] == "2020-03-09T13:30:00+00:00"
        assert saved["minutes"] == WEEKLY_MINUTES
        assert saved["recorded_by"] is None  # the role tokens act for nobody in particular
        listed = client.get("/meetings/records").json()["records"]
        assert [r["id"] for r in listed] == [saved["id"]]


def test_the_recorder_is_the_tokens_member(live_server: LiveServer, engine: Engine) -> None:
    token = create_token(
        engine,
        name="Priya",
        role=Role.MARKETING,
        member="priya.raman@company-a.example",
        now=datetime.now(UTC),
    ).token
    with live_server.client(token) as client:
        first = client.post("/meetings/records", json=held(2))
        assert first.status_code == 201, first.text
        assert first.json()["recorded_by"] == "priya.raman@company-a.example"
        fixed = client.post("/meetings/records", json=held(9, supersedes=first.json()["id"]))
        assert fixed.status_code == 201 and fixed.json()["supersedes"] == first.json()["id"]
        again = client.post("/meetings/records", json=held(16, supersedes=first.json()["id"]))
        assert again.status_code == 409 and "already corrected" in again.json()["detail"]
        current = client.get("/meetings/records").json()["records"]
        assert [r["id"] for r in current] == [fixed.json()["id"]]
        everything = client.get("/meetings/records", params={"all": "true"}).json()["records"]
        assert everything[0]["superseded_by"] == fixed.json()["id"]


def test_what_a_record_must_be(live_server: LiveServer, role_tokens: dict[Role, str]) -> None:
    with live_server.client(role_tokens[Role.SALES]) as client:
        missing = client.post(
            "/meetings/records",
            json=held(9, minutes={k: v for k, v in WEEKLY_MINUTES.items() if k != "improvements"}),
        )
        assert missing.status_code == 422
        assert 'no "improvements" (Improvements for next week)' in missing.json()["detail"]
        stranger = client.post(
            "/meetings/records", json=held(9, attendees=[*LEADERS, "x@example.com"])
        )
        assert stranger.status_code == 422
        assert "x@example.com is not the e-mail of a signatory" in stranger.json()["detail"]
        future = client.post("/meetings/records", json=held(9, held_at="2100-01-04T09:30:00Z"))
        assert future.status_code == 409 and "future" in future.json()["detail"]
        unknown = client.post("/meetings/records", json=held(9, kind="daily"))
        assert unknown.status_code == 404
        nothing = client.post("/meetings/records", json=held(9, supersedes=999))
        assert nothing.status_code == 404
        naive = client.post("/meetings/records", json=held(9, held_at="2020-03-09T09:30:00"))
        assert naive.status_code == 422
        assert client.get("/meetings/records").json()["records"] == []


def test_records_cannot_be_changed_over_http(
    live_server: LiveServer, role_tokens: dict[Role, str]
) -> None:
    with live_server.client(role_tokens[Role.ADMIN]) as client:
        saved = client.post("/meetings/records", json=held(9)).json()
        for method in ("PUT", "PATCH", "DELETE"):
            assert client.request(method, "/meetings/records").status_code == 405
            response = client.request(method, f"/meetings/records/{saved['id']}")
            assert response.status_code in {404, 405}
        assert len(client.get("/meetings/records").json()["records"]) == 1


def test_the_calendar_file(live_server: LiveServer, role_tokens: dict[Role, str]) -> None:
    with live_server.client(role_tokens[Role.VIEWER]) as client:
        response = client.get("/meetings.ics", params={"as_of": "2020-01-01T00:00:00"})
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/calendar")
        assert "meetings.ics" in response.headers["content-disposition"]
        calendar = Calendar.from_ical(response.content)
        events = {str(e["UID"]).split("-")[0]: e for e in calendar.walk("VEVENT")}
        assert set(events) == {"weekly_leadership", "monthly_teams"}
        assert events["monthly_teams"]["RRULE"]["BYDAY"] == ["1TU"]
        assert [z["TZID"] for z in calendar.walk("VTIMEZONE")] == ["America/New_York"]
        weekly = client.get("/meetings.ics", params={"kind": "weekly"})
        assert weekly.status_code == 200
        assert len(Calendar.from_ical(weekly.content).walk("VEVENT")) == 1
        assert client.get("/meetings.ics", params={"kind": "daily"}).status_code == 404


def test_schedule_and_compliance(live_server: LiveServer, role_tokens: dict[Role, str]) -> None:
    with live_server.client(role_tokens[Role.EXECUTIVE]) as client:
        assert client.post("/meetings/records", json=held(9)).status_code == 201
        response = client.get("/meetings", params={"as_of": "2020-03-16T12:00:00", "count": 2})
        assert response.status_code == 200, response.text
        shown = response.json()
        weekly = shown["meetings"][0]
        assert weekly["rrule"] == "FREQ=WEEKLY;UNTIL=20210101T045959Z;BYDAY=MO"
        assert [o["date"] for o in weekly["upcoming"]] == ["2020-03-23", "2020-03-30"]
        assert len(weekly["invited"]) == 4
        compliance = {c["meeting_id"]: c for c in shown["compliance"]}
        assert compliance["weekly_leadership"]["held"] == 1
        assert compliance["weekly_leadership"]["pending"] == ["2020-W12"]
        assert compliance["monthly_teams"]["missed"] == ["2020-01", "2020-02"]
        far = client.get("/meetings", params={"as_of": "9999-12-31T23:59:59Z"})
        assert far.status_code == 422


def test_agenda(
    live_server: LiveServer,
    role_tokens: dict[Role, str],
    engine: Engine,
    agreement: Agreement,
    close_months: Callable[..., object],
) -> None:
    close_months(engine, agreement, "2020-02")  # missed and closed: escalation actions
    with live_server.client(role_tokens[Role.VIEWER]) as client:
        response = client.get(
            "/meetings/agenda", params={"kind": "weekly", "as_of": "2020-03-09T08:00:00"}
        )
        assert response.status_code == 200, response.text
        agenda = response.json()
        assert agenda["starts_at"] == "2020-03-09T09:30:00-04:00"
        assert agenda["weekly"]["week"] == "2020-W10"
        assert agenda["feedback"] == []
        assert agenda["escalation_actions"]
        monthly = client.get(
            "/meetings/agenda", params={"kind": "monthly", "as_of": "2020-04-02T00:00:00"}
        ).json()
        assert monthly["monthly"]["coming"]["month"] == "2020-04"
        after = client.get("/meetings/agenda", params={"kind": "weekly", "as_of": "2021-01-05"})
        assert after.status_code == 404 and "period ends" in after.json()["detail"]
        assert client.get("/meetings/agenda", params={"kind": "x"}).status_code == 404
        assert client.get("/meetings/agenda").status_code == 422
