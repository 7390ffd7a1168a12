"""API tokens: only hashes stored, shown once, revocable, roles checked."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, text

from revpact.domain.roles import GRANTS, Permission, Role, roles_with
from revpact.errors import RevpactError
from revpact.services.tokens import authenticate, create_token, list_tokens, revoke_token

NOW = datetime(2020, 6, 1, 12, tzinfo=UTC)


def test_only_the_hash_is_stored(engine: Engine) -> None:
    new = create_token(engine, name="floor board", role="viewer", now=NOW)
    assert new.token.startswith("rp_") and len(new.token) == 46
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT * FROM api_tokens")).mappings().all()
    assert len(rows) == 1
    stored = " ".join(str(v) for v in rows[0].values())
    assert new.token not in stored
    assert rows[0]["token_hash"] == hashlib.sha256(new.token.encode()).hexdigest()
    assert new.token.startswith(rows[0]["prefix"])


def test_authenticate_and_revoke(engine: Engine) -> None:
    new = create_token(engine, name="Anna", role=Role.SALES, member="anna@a.example", now=NOW)
    caller = authenticate(engine, new.token)
    assert caller is not None
    assert (caller.role, caller.member, caller.name) == (Role.SALES, "anna@a.example", "Anna")
    assert authenticate(engine, new.token + "x") is None
    assert authenticate(engine, "not-a-token") is None
    revoke_token(engine, new.info.token_id, now=NOW)
    assert authenticate(engine, new.token) is None
    assert list_tokens(engine)[0].revoked_at == NOW
    with pytest.raises(RevpactError, match="no live token"):
        revoke_token(engine, new.info.token_id, now=NOW)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": " ", "role": "viewer"}, "needs a name"),
        ({"name": "x", "role": "boss"}, '"boss" is not a role'),
        ({"name": "x", "role": "sales", "member": "anna"}, "not an e-mail"),
    ],
)
def test_bad_requests_are_refused(engine: Engine, kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(RevpactError, match=message):
        create_token(engine, now=NOW, **kwargs)  # type: ignore[arg-type]
    assert list_tokens(engine) == []


def test_the_grants_follow_the_agreement_of_roles() -> None:
    assert roles_with(Permission.MANAGE_TOKENS) == (Role.ADMIN,)
    assert roles_with(Permission.DECIDE_DISPUTES) == (Role.ADMIN, Role.EXECUTIVE)
    assert roles_with(Permission.RECORD_TOUCHES) == (Role.ADMIN, Role.SALES)
    assert roles_with(Permission.HAND_OVER_LEADS) == (Role.ADMIN, Role.MARKETING)
    assert all(Permission.READ in GRANTS[role] for role in Role)
    assert GRANTS[Role.VIEWER] == {Permission.READ, Permission.SIGN_AGREEMENT}
    # Everyone signs (as themself); only admins publish; the teams record and open disputes.
    assert roles_with(Permission.SIGN_AGREEMENT) == tuple(Role)
    assert roles_with(Permission.PUBLISH_AGREEMENT) == (Role.ADMIN,)
    assert roles_with(Permission.OPEN_DISPUTES) == (
        Role.ADMIN,
        Role.MARKETING,
        Role.SALES,
        Role.EXECUTIVE,
    )


def test_creating_and_revoking_are_in_the_audit_trail_without_the_secret(engine: Engine) -> None:
    from revpact.services.audit import audit_trail

    now = datetime(2020, 5, 4, 9, tzinfo=UTC)
    new = create_token(engine, name="board", role=Role.VIEWER, now=now, by="ops@company-a.example")
    revoke_token(engine, new.info.token_id, now=now, by="ops@company-a.example", via="token:1")
    entries = audit_trail(engine, action="token.")
    assert [(e.action, e.actor, e.via, e.subject) for e in entries] == [
        ("token.create", "ops@company-a.example", "cli", f"token:{new.info.token_id}"),
        ("token.revoke", "ops@company-a.example", "token:1", f"token:{new.info.token_id}"),
    ]
    assert entries[0].detail["role"] == "viewer"
    assert all(new.token not in str(e.detail) for e in entries)  # only the prefix, never the token
