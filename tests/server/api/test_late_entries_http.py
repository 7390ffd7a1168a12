"""Attributed writes over HTTP: refused times (422 naming field and value), late touches held
until a leader approves them, approval roles, and owners marketing may not change."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Engine

from revpact.domain.roles import Role
from revpact.server.state import ServerState
from revpact.services.clock import FixedClock
from revpact.services.tokens import create_token
from revpact.store.audit import audit_rows

if TYPE_CHECKING:
    from live_server import LiveServer

NOTIFIED = datetime.fromisoformat("2020-03-02T10:00:00-05:00")  # due 11:00
LATER = datetime.fromisoformat("2020-03-02T14:00:00-05:00")
KEVIN = "kevin.tran@company-a.example"
CEO = "margaret.lowell@company-a.example"


@pytest.fixture
def server(serve: Callable[[ServerState], LiveServer], server_state: ServerState) -> LiveServer:
    server_state.clock = FixedClock(NOTIFIED)
    return serve(server_state)


def token(engine: Engine, role: Role, member: str | None) -> str:
    return create_token(
        engine, name=f"{role.value} {member}", role=role, member=member, now=NOTIFIED
    ).token


def hand_over(server: LiveServer, engine: Engine, lead_id: str = "H1", **extra: str) -> None:
    body = {"lead_id": lead_id, "lead_type": "content", "owner": KEVIN, **extra}
    with server.client(token(engine, Role.MARKETING, None)) as marketing:
        answer = marketing.post("/leads", json=body)
    assert answer.status_code == 201, answer.text


@pytest.mark.parametrize(
    ("body", "field", "value"),
    [
        ({"at": "0514-03-02T10:20:00-05:00", "channel": "call"}, "at", "0514-03-02"),
        ({"at": "1999-03-02T10:20:00-05:00", "channel": "call"}, "at", "1999-03-02"),
        ({"at": "2020-03-02T10:30:00-05:00", "channel": "call"}, "at", "2020-03-02T10:30"),
    ],
)
def test_a_touch_at_an_impossible_time_is_422_naming_field_and_value(
    server: LiveServer, engine: Engine, body: dict[str, str], field: str, value: str
) -> None:
    hand_over(server, engine)
    with server.client(token(engine, Role.SALES, KEVIN)) as sales:
        answer = sales.post("/leads/H1/touches", json=body)
    assert answer.status_code == 422, answer.text
    detail = answer.json()["detail"]
    assert detail.startswith(f"{field}: ") and value in detail  # far outside, or in the future


def test_a_hand_over_at_an_impossible_time_is_422(server: LiveServer, engine: Engine) -> None:
    body = {"lead_id": "H2", "lead_type": "content", "notified_at": "1999-03-02T10:00:00-05:00"}
    with server.client(token(engine, Role.MARKETING, None)) as marketing:
        answer = marketing.post("/leads", json=body)
    assert answer.status_code == 422
    assert "notified_at" in answer.json()["detail"] and "1999-03-02" in answer.json()["detail"]


def test_a_late_touch_waits_for_a_leaders_approval(server: LiveServer, engine: Engine) -> None:
    hand_over(server, engine)
    server.state.clock = FixedClock(LATER)
    with server.client(token(engine, Role.SALES, KEVIN)) as sales:
        answer = sales.post(
            "/leads/H1/touches", json={"at": "2020-03-02T10:20:00-05:00", "channel": "call"}
        )
    assert answer.status_code == 201, answer.text
    assert answer.json()["late_entries"][0]["awaiting_approval"] is True
    lead = answer.json()["lead"]
    assert lead["status"] == "breached" and lead["late_entry"]["awaiting_approval"] is True
    assert lead["late_entry"]["touch_by"] == KEVIN
    with engine.connect() as conn:
        [touch] = audit_rows(conn, action_prefix="lead.touch")
    assert (touch.actor, touch.via, touch.late) == (KEVIN, "api", True)

    with server.client(token(engine, Role.SALES, KEVIN)) as sales:
        assert sales.post("/leads/H1/touch/approve").status_code == 403  # not granted
    with server.client(token(engine, Role.EXECUTIVE, None)) as nobody:
        refused = nobody.post("/leads/H1/touch/approve")
    assert refused.status_code == 403 and "acts for nobody" in refused.json()["detail"]
    with server.client(token(engine, Role.EXECUTIVE, CEO)) as ceo:
        approved = ceo.post("/leads/H1/touch/approve")
        again = ceo.post("/leads/H1/touch/approve")
        missing = ceo.post("/leads/NOPE/touch/approve")
    assert approved.status_code == 200, approved.text
    assert approved.json()["approved_by"] == CEO
    assert approved.json()["lead"]["status"] == "met"
    assert approved.json()["lead"]["late_entry"]["approved_by"] == CEO
    assert again.status_code == 409 and missing.status_code == 404
    with engine.connect() as conn:
        [approval] = audit_rows(conn, action_prefix="lead.touch.approve")
    assert (approval.actor, approval.via) == (CEO, "api")


def test_a_touch_before_the_notification_is_accepted_with_a_warning(
    server: LiveServer, engine: Engine
) -> None:
    hand_over(server, engine)
    with server.client(token(engine, Role.SALES, KEVIN)) as sales:
        answer = sales.post(
            "/leads/H1/touches", json={"at": "2020-03-02T09:55:00-05:00", "channel": "call"}
        )
    assert answer.status_code == 201
    assert answer.json()["warnings"] == ["the first touch is before the lead's notification"]


def test_marketing_names_the_owner_only_when_handing_over(
    server: LiveServer, engine: Engine
) -> None:
    unowned = {"lead_id": "U1", "lead_type": "content"}
    with server.client(token(engine, Role.MARKETING, None)) as marketing:
        assert marketing.post("/leads", json=unowned).status_code == 201
        named = marketing.post("/leads", json=unowned | {"owner": KEVIN})
        reowned = marketing.post(
            "/leads", json=unowned | {"owner": "olivia.grant@company-a.example"}
        )
        same = marketing.post("/leads", json=unowned | {"owner": KEVIN, "stage": "late"})
    assert named.status_code == 201 and named.json()["lead"]["owner"] == KEVIN
    assert reowned.status_code == 403 and KEVIN in reowned.json()["detail"]
    assert same.status_code == 201
    with server.client(token(engine, Role.ADMIN, None)) as admin:
        moved = admin.post("/leads", json=unowned | {"owner": "olivia.grant@company-a.example"})
    assert moved.status_code == 201
    assert moved.json()["lead"]["owner"] == "olivia.grant@company-a.example"
