"""Every route × every role, over HTTP: no token → 401, a role without the permission → 403,
and neither ever carries data. The expected permission of each route is written here, apart
from the code, and a route missing from this table fails the test."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import httpx
import pytest

from revpact.domain.roles import GRANTS, Permission, Role

if TYPE_CHECKING:
    from live_server import LiveServer

PUBLIC = None
PROBLEM_KEYS = {"type", "title", "status", "detail", "instance"}  # a refusal carries no data
SIGNED = "signature"  # webhooks: authenticated by their signature, not a token

EXPECTED: dict[tuple[str, str], Permission | str | None] = {
    ("GET", "/health"): PUBLIC,
    ("GET", "/leads"): Permission.READ,
    ("GET", "/leads/queue"): Permission.READ,
    ("GET", "/leads/{lead_id}"): Permission.READ,
    ("GET", "/status"): Permission.READ,
    ("GET", "/scoreboard"): Permission.READ,
    ("GET", "/tokens"): Permission.MANAGE_TOKENS,
    ("POST", "/tokens"): Permission.MANAGE_TOKENS,
    ("DELETE", "/tokens/{token_id}"): Permission.MANAGE_TOKENS,
    ("POST", "/webhooks/events"): SIGNED,
    ("POST", "/webhooks/hubspot"): SIGNED,
    ("GET", "/events"): Permission.READ_AUDIT,
    ("POST", "/leads"): Permission.HAND_OVER_LEADS,
    ("POST", "/leads/{lead_id}/touches"): Permission.RECORD_TOUCHES,
    ("POST", "/leads/{lead_id}/touch/approve"): Permission.APPROVE_CORRECTIONS,
    ("GET", "/agreement"): Permission.READ,
    ("GET", "/agreement/versions"): Permission.READ,
    ("GET", "/agreement/versions/{ref}"): Permission.READ,
    ("GET", "/agreement/diff"): Permission.READ,
    ("POST", "/agreement/versions"): Permission.PUBLISH_AGREEMENT,
    ("POST", "/agreement/signatures"): Permission.SIGN_AGREEMENT,
    ("GET", "/feedback"): Permission.READ,
    ("GET", "/feedback/{feedback_id}"): Permission.READ,
    ("POST", "/feedback"): Permission.GIVE_FEEDBACK,
    ("POST", "/feedback/{feedback_id}/answer"): Permission.GIVE_FEEDBACK,
    ("GET", "/disputes"): Permission.READ,
    ("GET", "/disputes/{dispute_id}"): Permission.READ,
    ("POST", "/disputes"): Permission.OPEN_DISPUTES,
    ("POST", "/disputes/{dispute_id}/representatives"): Permission.OPEN_DISPUTES,
    ("POST", "/disputes/{dispute_id}/presentations"): Permission.OPEN_DISPUTES,
    ("POST", "/disputes/{dispute_id}/decisions"): Permission.DECIDE_DISPUTES,
    ("POST", "/disputes/{dispute_id}/hearings"): Permission.DECIDE_DISPUTES,
    ("GET", "/meetings"): Permission.READ,
    ("GET", "/meetings.ics"): Permission.READ,
    ("GET", "/meetings/agenda"): Permission.READ,
    ("GET", "/meetings/records"): Permission.READ,
    ("POST", "/meetings/records"): Permission.RECORD_MEETINGS,
    ("GET", "/months"): Permission.READ,
    ("POST", "/months/{month}/close"): Permission.CLOSE_MONTHS,
    ("POST", "/months/{month}/reopen"): Permission.CLOSE_MONTHS,
}


MEMBER_BOUND = {
    ("POST", "/agreement/signatures"),
    ("POST", "/leads/{lead_id}/touch/approve"),
    ("POST", "/months/{month}/close"),
    ("POST", "/months/{month}/reopen"),
}
"""Routes that act as the token's member: a granted role whose token acts for nobody (as the
test tokens do) still gets 403, with a detail naming the member rule, not the role."""


def _operations(server: LiveServer) -> list[tuple[str, str]]:
    with server.client() as client:
        paths = client.get("/openapi.json").raise_for_status().json()["paths"]
    return sorted((method.upper(), path) for path, ops in paths.items() for method in ops)


def _url(path: str) -> str:
    return re.sub(r"\{[^}]+\}", lambda m: "999999" if "id}" in m.group(0) else "L-1", path)


def _expected(op: tuple[str, str]) -> Permission | str | None:
    assert op in EXPECTED, f"{op[0]} {op[1]} has no entry in the role matrix; add one"
    return EXPECTED[op]


def _call(client: httpx.Client, method: str, path: str) -> httpx.Response:
    body = {} if method in {"POST", "PUT", "PATCH"} else None
    return client.request(method, _url(path), json=body)


def test_every_route_is_in_the_matrix(live_server: LiveServer) -> None:
    for op in _operations(live_server):
        _expected(op)
    assert set(EXPECTED) == set(_operations(live_server))


def test_without_a_token_every_protected_route_is_401_and_empty(live_server: LiveServer) -> None:
    with live_server.client() as anonymous, live_server.client("rp_not-a-real-token") as wrong:
        for method, path in _operations(live_server):
            need = _expected((method, path))
            if not isinstance(need, Permission):
                continue
            for client in (anonymous, wrong):
                response = _call(client, method, path)
                assert response.status_code == 401, (method, path, response.text)
                assert response.headers["www-authenticate"] == "Bearer"
                assert response.headers["content-type"] == "application/problem+json"
                assert set(response.json()) == PROBLEM_KEYS
                assert response.json()["status"] == 401


@pytest.mark.parametrize("role", list(Role))
def test_each_role_gets_exactly_its_grants(
    live_server: LiveServer, role_tokens: dict[Role, str], role: Role
) -> None:
    with live_server.client(role_tokens[role]) as client:
        for method, path in _operations(live_server):
            need = _expected((method, path))
            if not isinstance(need, Permission):
                continue
            response = _call(client, method, path)
            if need in GRANTS[role] and (method, path) in MEMBER_BOUND:
                assert response.status_code != 401, (role, method, path)
                if response.status_code == 403:
                    assert "acts for nobody" in response.json()["detail"], (role, method, path)
            elif need in GRANTS[role]:
                assert response.status_code not in {401, 403}, (role, method, path)
            else:
                assert response.status_code == 403, (role, method, path, response.text)
                assert set(response.json()) == PROBLEM_KEYS
                assert response.json()["status"] == 403
                assert role.value in response.json()["detail"]


def test_a_revoked_token_stops_working_at_once(
    live_server: LiveServer, role_tokens: dict[Role, str]
) -> None:
    with live_server.client(role_tokens[Role.ADMIN]) as admin:
        created = admin.post("/tokens", json={"name": "temp", "role": "viewer"})
        assert created.status_code == 201
        token, token_id = created.json()["token"], created.json()["id"]
        with live_server.client(token) as viewer:
            assert viewer.get("/status").status_code == 200
            assert admin.delete(f"/tokens/{token_id}").status_code == 204
            assert viewer.get("/status").status_code == 401
        assert admin.delete(f"/tokens/{token_id}").status_code == 404


def test_tokens_are_listed_without_their_secret(
    live_server: LiveServer, role_tokens: dict[Role, str]
) -> None:
    with live_server.client(role_tokens[Role.ADMIN]) as admin:
        listed = admin.get("/tokens").json()["tokens"]
    assert {t["role"] for t in listed} == {r.value for r in Role}
    text = str(listed)
    for token in role_tokens.values():
        assert token not in text
        assert token[:9] in text  # the prefix tells them apart
