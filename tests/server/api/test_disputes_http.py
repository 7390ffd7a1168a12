"""Disputes over HTTP: the procedure, only the dispute's deciders decide (403 for an executive
off the panel), the supersede chain, and no route that edits a decision."""

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

NOW = datetime.fromisoformat("2020-03-02T10:00:00-05:00")
CMO = "emily.carter@company-a.example"
CEO = "margaret.lowell@company-a.example"
PANEL = [CMO, "michael.brennan@company-a.example", CEO]
CFO = "david.okafor@company-a.example"
PRIYA = "priya.raman@company-a.example"
SARAH = "sarah.whitfield@company-a.example"


@pytest.fixture
def server(serve: Callable[[ServerState], LiveServer], server_state: ServerState) -> LiveServer:
    server_state.clock = FixedClock(NOW)
    return serve(server_state)


def token(engine: Engine, role: Role, member: str | None) -> str:
    return create_token(
        engine, name=f"{role.value} {member}", role=role, member=member, now=NOW
    ).token


def heard(server: LiveServer, engine: Engine) -> int:
    """A dispute opened by sales, both sides represented and heard; its id."""
    with server.client(token(engine, Role.SALES, SARAH)) as sales:
        opened = sales.post("/disputes", json={"topic": "Webinar leads"})
        assert opened.status_code == 201, opened.text
        dispute = opened.json()["id"]
        assert (
            sales.post(f"/disputes/{dispute}/representatives", json={"member": SARAH}).status_code
            == 201
        )
        talk = sales.post(f"/disputes/{dispute}/presentations", json={"minutes": 20})
        assert talk.status_code == 201, talk.text
    with server.client(token(engine, Role.MARKETING, PRIYA)) as marketing:
        assert (
            marketing.post(
                f"/disputes/{dispute}/representatives", json={"member": PRIYA}
            ).status_code
            == 201
        )
        assert (
            marketing.post(f"/disputes/{dispute}/presentations", json={"minutes": 15}).status_code
            == 201
        )
    return int(dispute)


def test_the_procedure(server: LiveServer, engine: Engine, role_tokens: dict[Role, str]) -> None:
    with server.client(token(engine, Role.SALES, SARAH)) as sales:
        opened = sales.post("/disputes", json={"topic": "Webinar leads"})
        other = sales.post("/disputes", json={"topic": "x", "raised_by": CMO})
    assert opened.status_code == 201
    body = opened.json()
    assert (body["raised_by"], body["stage"], body["mode"]) == (
        SARAH,
        "awaiting_representatives",
        "panel",
    )
    assert body["deciders"] == [CMO, "michael.brennan@company-a.example", CEO]
    assert body["presentation_seconds"] == 900 and body["binding"] is True
    assert body["opened_at"] == "2020-03-02T15:00:00+00:00"
    assert other.status_code == 403
    dispute = body["id"]
    with server.client(role_tokens[Role.SALES]) as sales:
        wrong_team = sales.post(
            f"/disputes/{dispute}/representatives", json={"member": PRIYA, "team": "marketing"}
        )
        off_roster = sales.post(f"/disputes/{dispute}/representatives", json={"member": PRIYA})
        early = sales.post(f"/disputes/{dispute}/presentations", json={"minutes": 10})
    assert wrong_team.status_code == 403
    assert off_roster.status_code == 409 and "not a sales signatory" in off_roster.json()["detail"]
    assert early.status_code == 409 and "no representative" in early.json()["detail"]
    with server.client(role_tokens[Role.EXECUTIVE]) as executive:
        unsaid = executive.post(f"/disputes/{dispute}/representatives", json={"member": SARAH})
        said = executive.post(
            f"/disputes/{dispute}/representatives", json={"member": SARAH, "team": "sales"}
        )
    assert unsaid.status_code == 422 and "team" in unsaid.json()["detail"]
    assert said.status_code == 201 and said.json()["representatives"][0]["member"] == SARAH
    with server.client(role_tokens[Role.VIEWER]) as viewer:
        assert viewer.get("/disputes").json()["disputes"][0]["id"] == dispute
        assert viewer.get(f"/disputes/{dispute}").json()["stage"] == "awaiting_representatives"
        assert viewer.get("/disputes/4242").status_code == 404


def test_only_the_dispute_s_deciders_decide(
    server: LiveServer, engine: Engine, role_tokens: dict[Role, str]
) -> None:
    dispute = heard(server, engine)
    decision = {"decision": "Sales calls webinar leads within 1h"}
    for who in (
        token(engine, Role.EXECUTIVE, CFO),
        role_tokens[Role.EXECUTIVE],
        role_tokens[Role.ADMIN],
    ):
        with server.client(who) as outsider:
            refused = outsider.post(f"/disputes/{dispute}/decisions", json=decision)
        assert refused.status_code == 403, refused.text
        assert f"only the panel decides dispute {dispute}: {CMO}" in refused.json()["detail"]
    with server.client(role_tokens[Role.SALES]) as sales:
        assert sales.post(f"/disputes/{dispute}/decisions", json=decision).status_code == 403
    with server.client(token(engine, Role.EXECUTIVE, CMO)) as cmo:
        alone = cmo.post(f"/disputes/{dispute}/decisions", json=decision)
        first = cmo.post(f"/disputes/{dispute}/decisions", json={**decision, "deciders": PANEL})
        unknown = cmo.post("/disputes/777/decisions", json=decision)
    assert alone.status_code == 409 and "needs all of it" in alone.json()["detail"]
    assert first.status_code == 201, first.text
    assert first.json()["current_decision"] == first.json()["decisions"][0]["id"]
    assert first.json()["decisions"][0]["decided_by"] == CMO
    assert first.json()["decisions"][0]["deciders"] == PANEL
    assert unknown.status_code == 404
    assert first.json()["presentations"][0]["over_by_seconds"] == 300  # sales ran 5 minutes over


def test_decisions_are_superseded_never_edited(server: LiveServer, engine: Engine) -> None:
    dispute = heard(server, engine)
    with server.client(token(engine, Role.EXECUTIVE, CMO)) as cmo:
        first = cmo.post(
            f"/disputes/{dispute}/decisions", json={"decision": "A", "deciders": PANEL}
        ).json()
    first_id = first["current_decision"]
    with server.client(token(engine, Role.ADMIN, CEO)) as ceo:
        bare = ceo.post(
            f"/disputes/{dispute}/decisions",
            json={"decision": "B", "supersedes": first_id, "deciders": PANEL},
        )
        hearing = ceo.post(
            f"/disputes/{dispute}/hearings",
            json={"attendees": PANEL, "reason": "New webinar data"},
        )
        silent = ceo.post(
            f"/disputes/{dispute}/decisions", json={"decision": "B", "deciders": PANEL}
        )
        second = ceo.post(
            f"/disputes/{dispute}/decisions",
            json={"decision": "B", "supersedes": first_id, "deciders": PANEL},
        )
        stale = ceo.post(
            f"/disputes/{dispute}/decisions",
            json={"decision": "C", "supersedes": first_id, "deciders": PANEL},
        )
        path = f"/disputes/{dispute}/decisions/{first_id}"
        for method in ("PUT", "PATCH", "DELETE"):
            # no route exists for a single decision: nothing to edit or delete
            assert ceo.request(method, path, json={"decision": "edited"}).status_code == 404
            # a dispute itself is read and appended to, never replaced
            assert ceo.request(method, f"/disputes/{dispute}", json={}).status_code == 405
        shown = ceo.get(f"/disputes/{dispute}").json()
    assert bare.status_code == 409 and "after a new hearing" in bare.json()["detail"]
    assert hearing.status_code == 201, hearing.text
    assert hearing.json()["stage"] == "reheard"
    assert hearing.json()["hearings"][0]["recorded_by"] == CEO
    assert silent.status_code == 409 and f"supersedes {first_id}" in silent.json()["detail"]
    assert second.status_code == 201, second.text
    assert stale.status_code == 409 and "only after a new hearing" in stale.json()["detail"]
    assert [(d["decision"], d["supersedes"], d["current"]) for d in shown["decisions"]] == [
        ("A", None, False),
        ("B", first_id, True),
    ]
