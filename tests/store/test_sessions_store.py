"""The dashboard sessions' table: the migration builds it on both databases, the repository
finds a session by its hash only, and the form key is made once and then kept."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from revpact.store.sessions import PendingSignIn, SessionRepository, SignInRepository

AT = 1_600_000_000_000_000


def test_the_migration_builds_the_table_with_a_unique_hash(engine: Engine) -> None:
    columns = {c["name"] for c in inspect(engine).get_columns("dashboard_sessions")}
    assert {"session_hash", "token_id", "role", "member", "created_us", "expires_us"} <= columns
    assert {"last_seen_us", "revoked_us"} <= columns
    assert "session_id" in columns and "token" not in columns
    unique = [i for i in inspect(engine).get_indexes("dashboard_sessions") if i["unique"]]
    assert [i["column_names"] for i in unique] == [["session_hash"]]


def test_a_session_is_found_by_its_hash_and_revoked_once(engine: Engine) -> None:
    with engine.begin() as conn:
        sessions = SessionRepository(conn)
        sessions.add(
            session_hash="ab" * 32,
            token_id=7,
            name="board",
            role="viewer",
            member=None,
            at_us=AT,
            expires_us=AT + 10,
        )
        row = sessions.by_hash("ab" * 32)
        assert row is not None and (row.token_id, row.role, row.revoked_us) == (7, "viewer", None)
        assert sessions.by_hash("cd" * 32) is None
        assert sessions.revoke("ab" * 32, AT + 1) is True
        assert sessions.revoke("ab" * 32, AT + 2) is False
        again = sessions.by_hash("ab" * 32)
        assert again is not None and again.revoked_us == AT + 1
        assert sessions.drop_expired(AT + 11) == 1
        assert sessions.by_hash("ab" * 32) is None


def test_the_form_key_is_made_once_and_kept(engine: Engine) -> None:
    with engine.begin() as conn:
        first = SessionRepository(conn).form_key()
    with engine.begin() as conn:
        assert SessionRepository(conn).form_key() == first
        stored = conn.execute(
            text("SELECT value FROM store_state WHERE key = 'dashboard_form_key'")
        ).scalar()
    assert stored == first and len(bytes.fromhex(first)) == 32


def test_a_sign_in_is_taken_once_and_a_session_may_belong_to_a_person(engine: Engine) -> None:
    pending = PendingSignIn("n", "v", "/dashboard", AT + 10)
    with engine.begin() as conn:
        sign_ins = SignInRepository(conn)
        sign_ins.add("ef" * 32, pending)
        assert sign_ins.take("ef" * 32) == pending
        assert sign_ins.take("ef" * 32) is None
        SessionRepository(conn).add(
            session_hash="12" * 32,
            token_id=None,
            name="Kevin",
            role="sales",
            member="kevin@example.com",
            at_us=AT,
            expires_us=AT + 10,
            email="kevin@example.com",
            subject="issuer#abc",
            granted_by="roster",
        )
        row = SessionRepository(conn).by_hash("12" * 32)
        assert row is not None and (row.token_id, row.granted_by) == (None, "roster")


def test_a_session_belongs_to_a_token_or_a_person_never_neither(engine: Engine) -> None:
    with pytest.raises(IntegrityError), engine.begin() as conn:
        SessionRepository(conn).add(
            session_hash="34" * 32,
            token_id=None,
            name="nobody",
            role="admin",
            member=None,
            at_us=AT,
            expires_us=AT + 10,
        )
