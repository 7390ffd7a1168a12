"""Month close over HTTP: executives and admins close and reopen as their member, who must be a
team leader or an executive of the agreement; everyone with read sees the months and the
scoreboard's close blocks."""

from __future__ import annotations

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
    from collections.abc import Callable

    from live_server import LiveServer

NOW = datetime.fromisoformat("2020-02-10T10:00:00-05:00")
CEO = "margaret.lowell@company-a.example"
CMO = "emily.carter@company-a.example"
REP = "kevin.tran@company-a.example"


@pytest.fixture
def server(serve: Callable[[ServerState], LiveServer], server_state: ServerState) -> LiveServer:
    server_state.clock = FixedClock(NOW)
    return serve(server_state)


def token(engine: Engine, role: Role, member: str | None) -> str:
    return create_token(
        engine, name=f"{role.value} {member}", role=role, member=member, now=NOW
    ).token


def test_an_executive_closes_and_an_admin_reopens_as_their_members(
    server: LiveServer, engine: Engine
) -> None:
    with server.client(token(engine, Role.EXECUTIVE, CEO)) as executive:
        closed = executive.post("/months/2020-01/close")
        assert closed.status_code == 201, closed.text
        body = closed.json()
        assert (body["month"], body["action"], body["by"]) == ("2020-01", "close", CEO)
        assert body["at"] == "2020-02-10T15:00:00+00:00"
        assert len(body["facts_hash"]) == 64 and body["figures"]["month"] == "2020-01"
        again = executive.post("/months/2020-01/close")
        assert again.status_code == 409 and "reopen it first" in again.json()["detail"]
        early = executive.post("/months/2020-02/close")
        assert early.status_code == 409 and "has not ended yet" in early.json()["detail"]
        bad = executive.post("/months/2020-1x/close")
        assert bad.status_code == 422 and "is not a month" in bad.json()["detail"]

        board = executive.get("/scoreboard").json()
        january, february = board["months"][:2]
        assert january["close"]["state"] == "closed" and january["close"]["by"] == CEO
        assert january["close"]["facts_hash"] == body["facts_hash"]
        assert january["close"]["restatements"] == []
        assert february["close"]["state"] == "in_progress"

    with server.client(token(engine, Role.ADMIN, CMO)) as admin:
        missing = admin.post("/months/2020-01/reopen", json={})
        assert missing.status_code == 422
        reopened = admin.post("/months/2020-01/reopen", json={"reason": "a late deal"})
        assert reopened.status_code == 201, reopened.text
        assert (reopened.json()["by"], reopened.json()["reason"]) == (CMO, "a late deal")

    with server.client(token(engine, Role.VIEWER, None)) as viewer:
        months = viewer.get("/months").json()["months"]
    assert [m["state"] for m in months[:3]] == ["awaiting_close", "in_progress", "open"]
    assert months[0]["last"]["action"] == "reopen"
    with engine.connect() as conn:
        rows = audit_rows(conn, action_prefix="month.")
    assert [(r.action, r.actor, r.via.startswith("token:")) for r in rows] == [
        ("month.close", CEO, True),
        ("month.reopen", CMO, True),
    ]


@pytest.mark.parametrize(
    ("role", "member", "words"),
    [
        (Role.EXECUTIVE, None, "acts for nobody"),
        (Role.ADMIN, None, "acts for nobody"),
        (Role.EXECUTIVE, REP, "may not close or reopen months"),
        (Role.SALES, REP, "sales role may not"),
        (Role.MARKETING, CMO, "marketing role may not"),
        (Role.VIEWER, CEO, "viewer role may not"),
    ],
)
def test_who_may_not_close(
    server: LiveServer, engine: Engine, role: Role, member: str | None, words: str
) -> None:
    with server.client(token(engine, role, member)) as client:
        for path, body in (
            ("/months/2020-01/close", None),
            ("/months/2020-01/reopen", {"reason": "x"}),
        ):
            response = client.post(path, json=body)
            assert response.status_code == 403, (path, response.text)
            assert words in response.json()["detail"]
    with engine.connect() as conn:
        assert audit_rows(conn, action_prefix="month.") == []
