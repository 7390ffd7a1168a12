"""Feedback over HTTP: a team raises for the other, only the addressed team answers (once),
states as of a moment, and no route edits a record."""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Engine

from revpact.domain.roles import Role
from revpact.server.state import ServerState
from revpact.services.tokens import create_token

if TYPE_CHECKING:
    from collections.abc import Callable

    from live_server import LiveServer

RAISED = datetime.fromisoformat("2020-10-31T10:00:00-04:00")  # the day before fall-back


@pytest.fixture
def clock() -> list[datetime]:
    return [RAISED]


@pytest.fixture
def server(
    serve: Callable[[ServerState], LiveServer], server_state: ServerState, clock: list[datetime]
) -> LiveServer:
    server_state.clock = SimpleNamespace(now=lambda: clock[0])
    return serve(server_state)


def test_raise_answer_and_list(
    server: LiveServer, role_tokens: dict[Role, str], engine: Engine, clock: list[datetime]
) -> None:
    cmo = create_token(
        engine,
        name="CMO",
        role=Role.MARKETING,
        member="emily.carter@company-a.example",
        now=RAISED,
    )
    with server.client(cmo.token) as marketing:
        raised = marketing.post("/feedback", json={"topic": "follow_up", "text": "Notes!"})
    assert raised.status_code == 201, raised.text
    item = raised.json()
    assert (item["from_team"], item["to_team"], item["raised_by"]) == (
        "marketing",
        "sales",
        "emily.carter@company-a.example",
    )
    assert item["due_at"] == "2020-11-01T14:00:00+00:00"  # 09:00 EST: 24 real hours
    assert (item["state"], item["clock"], item["version"]) == ("open", "wall", None)

    with server.client(role_tokens[Role.MARKETING]) as marketing:
        own = marketing.post(f"/feedback/{item['id']}/answer", json={"text": "self"})
    assert own.status_code == 403 and "only sales answers it" in own.json()["detail"]

    clock[0] = RAISED + timedelta(hours=25)  # 10:00 EST on Nov 1: past due
    with server.client(role_tokens[Role.VIEWER]) as viewer:
        listed = viewer.get("/feedback", params={"state": "overdue"})
    assert listed.status_code == 200
    assert [i["id"] for i in listed.json()["feedback"]] == [item["id"]]

    with server.client(role_tokens[Role.SALES]) as sales:
        answered = sales.post(f"/feedback/{item['id']}/answer", json={"text": "On it"})
        again = sales.post(f"/feedback/{item['id']}/answer", json={"text": "Again"})
        missing = sales.post("/feedback/999/answer", json={"text": "x"})
    assert answered.status_code == 201, answered.text
    assert (answered.json()["state"], answered.json()["answer"]) == ("late", "On it")
    assert again.status_code == 409 and "already answered" in again.json()["detail"]
    assert missing.status_code == 404 and "no feedback 999" in missing.json()["detail"]

    with server.client(role_tokens[Role.VIEWER]) as viewer:
        before = viewer.get(f"/feedback/{item['id']}", params={"as_of": "2020-11-01T09:30:00"})
        now = viewer.get(f"/feedback/{item['id']}")
        unknown = viewer.get("/feedback/12345")
    assert before.json()["state"] == "overdue" and before.json()["answer"] is None
    assert now.json()["state"] == "late"
    assert unknown.status_code == 404


def test_teams_are_the_token_s(server: LiveServer, role_tokens: dict[Role, str]) -> None:
    body = {"topic": "lead_quality", "text": "Students"}
    with server.client(role_tokens[Role.SALES]) as sales:
        wrong = sales.post("/feedback", json={**body, "from_team": "marketing"})
        same = sales.post("/feedback", json={**body, "to_team": "sales"})
        blank = sales.post("/feedback", json={**body, "text": "   "})
        topic = sales.post("/feedback", json={**body, "topic": "pricing"})
    assert wrong.status_code == 403 and "for sales only" in wrong.json()["detail"]
    assert same.status_code == 422 and 'both "sales"' in same.json()["detail"]
    assert blank.status_code == 422 and "text is empty" in blank.json()["detail"]
    assert topic.status_code == 422
    with server.client(role_tokens[Role.ADMIN]) as admin:
        unsaid = admin.post("/feedback", json=body)
        said = admin.post("/feedback", json={**body, "from_team": "sales"})
        answer_unsaid = admin.post(f"/feedback/{said.json()['id']}/answer", json={"text": "x"})
        answer_wrong = admin.post(
            f"/feedback/{said.json()['id']}/answer", json={"text": "x", "team": "sales"}
        )
        answered = admin.post(
            f"/feedback/{said.json()['id']}/answer", json={"text": "x", "team": "marketing"}
        )
    assert unsaid.status_code == 422 and "from_team" in unsaid.json()["detail"]
    assert said.status_code == 201 and said.json()["to_team"] == "marketing"
    assert said.json()["raised_by"] is None  # the admin token acts for nobody
    assert answer_unsaid.status_code == 422 and "team" in answer_unsaid.json()["detail"]
    assert answer_wrong.status_code == 403
    assert answered.status_code == 201 and answered.json()["state"] == "on_time"


def test_no_route_edits_feedback(server: LiveServer, role_tokens: dict[Role, str]) -> None:
    with server.client(role_tokens[Role.ADMIN]) as admin:
        made = admin.post(
            "/feedback", json={"topic": "process", "text": "x", "from_team": "marketing"}
        )
        item = made.json()["id"]
        for method in ("PUT", "PATCH", "DELETE"):
            assert admin.request(method, f"/feedback/{item}", json={}).status_code == 405
            answer = admin.request(method, f"/feedback/{item}/answer", json={})
            assert answer.status_code == 405
        assert admin.get(f"/feedback/{item}").json()["text"] == "x"


def test_an_event_far_outside_the_period_is_refused(
    server: LiveServer, role_tokens: dict[Role, str]
) -> None:
    body = {"topic": "follow_up", "text": "Notes!", "event_at": "0514-01-01T00:00:00Z"}
    with server.client(role_tokens[Role.MARKETING]) as marketing:
        typo = marketing.post("/feedback", json=body)
        listed = marketing.get("/feedback")
    assert typo.status_code == 422, typo.text
    detail = typo.json()["detail"]
    assert detail.startswith("event_at: 0514-01-01T00:00:00+00:00 is more than a year outside")
    assert "write a time between 2019-01-01 and 2021-12-31" in detail
    assert listed.status_code == 200 and listed.json()["feedback"] == []
