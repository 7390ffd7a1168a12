"""Marketing hands leads over and sales records touches, over HTTP: the clock starts and stops,
a retried request changes nothing, a member touches only their own leads, and bad records are
refused naming the field."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Engine

from revpact.domain.roles import Role
from revpact.server.state import ServerState
from revpact.services.clock import FixedClock
from revpact.services.tokens import create_token

if TYPE_CHECKING:
    from collections.abc import Callable

    from live_server import LiveServer

NOW = datetime.fromisoformat("2020-03-02T10:00:00-05:00")  # Monday, Company A's hours


@pytest.fixture
def at_ten(serve: Callable[[ServerState], LiveServer], server_state: ServerState) -> LiveServer:
    server_state.clock = FixedClock(NOW)
    return serve(server_state)


def test_hand_over_then_touch(at_ten: LiveServer, role_tokens: dict[Role, str]) -> None:
    lead = {"lead_id": "H1", "lead_type": "referral", "owner": "ana@a.example"}
    with at_ten.client(role_tokens[Role.MARKETING]) as marketing:
        first = marketing.post("/leads", json=lead)
        again = marketing.post("/leads", json=lead)
    assert first.status_code == 201, first.text
    assert first.json()["applied"] == 1
    assert first.json()["lead"]["status"] == "open"
    assert first.json()["lead"]["due_at"] == "2020-03-02T16:00:00+00:00"  # 11:00 EST
    assert again.json()["duplicates"] == 1 and again.json()["applied"] == 0
    # The rep records the call two minutes after making it (a timely entry).
    at_ten.state.clock = FixedClock(datetime.fromisoformat("2020-03-02T10:42:00-05:00"))
    with at_ten.client(role_tokens[Role.SALES]) as sales:
        touched = sales.post(
            "/leads/H1/touches", json={"at": "2020-03-02T10:40:00-05:00", "channel": "call"}
        )
        missing = sales.post("/leads/NOPE/touches", json={"channel": "call"})
    assert touched.status_code == 201, touched.text
    assert touched.json()["lead"]["status"] == "met"
    assert touched.json()["lead"]["response_business_seconds"] == 40 * 60
    assert missing.status_code == 404 and "NOPE" in missing.json()["detail"]


def test_a_member_touches_only_their_own_leads(
    at_ten: LiveServer, role_tokens: dict[Role, str], engine: Engine
) -> None:
    with at_ten.client(role_tokens[Role.MARKETING]) as marketing:
        for lead_id, owner in (("M1", "ana@a.example"), ("M2", "bob@a.example")):
            body = {"lead_id": lead_id, "lead_type": "content", "owner": owner}
            assert marketing.post("/leads", json=body).status_code == 201
    ana = create_token(engine, name="Ana", role=Role.SALES, member="ana@a.example", now=NOW)
    with at_ten.client(ana.token) as client:
        own = client.post("/leads/M1/touches", json={"channel": "email"})
        other = client.post("/leads/M2/touches", json={"channel": "email"})
    assert own.status_code == 201
    assert other.status_code == 403 and "bob@a.example" in other.json()["detail"]
    with at_ten.client(role_tokens[Role.VIEWER]) as viewer:
        assert viewer.get("/leads/M2").json()["status"] == "open"


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"lead_id": "X1", "lead_type": "webinarr"}, "webinarr"),
        ({"lead_id": "X1", "lead_type": "content", "notified_at": "2020-03-02T10:00"}, "timezone"),
        ({"lead_id": "X1"}, "lead_type"),
        ({"lead_id": "X1", "lead_type": "content", "colour": "red"}, "colour"),
    ],
)
def test_a_bad_record_is_refused_and_names_the_field(
    at_ten: LiveServer, role_tokens: dict[Role, str], body: dict[str, str], named: str
) -> None:
    with at_ten.client(role_tokens[Role.MARKETING]) as marketing:
        response = marketing.post("/leads", json=body)
        assert response.status_code == 422
        assert named in response.text
        assert marketing.get("/leads/X1").status_code == 404


def test_a_hand_over_is_not_rewritten(at_ten: LiveServer, role_tokens: dict[Role, str]) -> None:
    """Posting a lead again may repeat its hand-over, never change when it was notified or what
    its clock depends on (a breached lead made excluded)."""
    lead = {"lead_id": "R1", "lead_type": "referral", "owner": "ana@a.example"}
    with at_ten.client(role_tokens[Role.MARKETING]) as marketing:
        assert marketing.post("/leads", json=lead).status_code == 201
        breached = datetime.fromisoformat("2020-03-02T15:00:00-05:00")
        at_ten.state.clock = FixedClock(breached)
        repeat = marketing.post("/leads", json={**lead, "attributes": {}})
        later = marketing.post("/leads", json={**lead, "notified_at": "2020-03-02T14:30:00-05:00"})
        excluded = marketing.post("/leads", json={**lead, "requested_follow_up": False})
        retyped = marketing.post("/leads", json={**lead, "lead_type": "webinar"})
        view = marketing.get("/leads/R1").json()
    assert repeat.status_code == 201, repeat.text  # the same hand-over: nothing changes
    assert repeat.json()["lead"]["notified_at"] == "2020-03-02T15:00:00+00:00"
    for response, field in ((later, "notified_at"), (excluded, "requested_follow_up")):
        assert response.status_code == 409, response.text
        assert field in response.json()["detail"] and "R1" in response.json()["detail"]
    assert retyped.status_code == 409 and "lead_type" in retyped.json()["detail"]
    assert view["status"] == "breached" and view["notified_at"] == "2020-03-02T15:00:00+00:00"


def test_a_late_hand_over_is_audited_as_late(
    at_ten: LiveServer, role_tokens: dict[Role, str], engine: Engine
) -> None:
    from revpact.services.audit import audit_trail

    lead = {
        "lead_id": "L9",
        "lead_type": "referral",
        "owner": "ana@a.example",
        "notified_at": "2020-03-02T09:20:00-05:00",  # 40 minutes before it is recorded
    }
    with at_ten.client(role_tokens[Role.MARKETING]) as marketing:
        assert marketing.post("/leads", json=lead).status_code == 201
    (entry,) = [e for e in audit_trail(engine, action="lead.notify") if e.subject == "lead:L9"]
    assert entry.late and entry.delay_seconds == 40 * 60
