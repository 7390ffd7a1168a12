"""Dashboard sessions: opened with a live token, stored only as a hash, ended by signing out,
by idling, by their lifetime and by revoking their token."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, text

from revpact.domain.roles import Role
from revpact.services.sessions import (
    end_session,
    form_key,
    open_session,
    session_caller,
)
from revpact.services.tokens import create_token, revoke_token

NOW = datetime(2020, 6, 1, 12, tzinfo=UTC)
IDLE = timedelta(hours=8)
LIFETIME = timedelta(days=7)


def _token(engine: Engine, role: Role = Role.SALES) -> str:
    return create_token(engine, name="Anna", role=role, member="anna@a.example", now=NOW).token


def test_a_session_stands_for_its_token_and_only_its_hash_is_stored(engine: Engine) -> None:
    token = _token(engine)
    opened = open_session(engine, token, now=NOW, lifetime=LIFETIME)
    assert opened is not None
    assert len(opened.session_id) == 43 and opened.session_id not in token
    assert opened.expires_at == NOW + LIFETIME
    caller = session_caller(engine, opened.session_id, now=NOW, idle=IDLE)
    assert caller is not None
    assert (caller.name, caller.role, caller.member) == ("Anna", Role.SALES, "anna@a.example")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT * FROM dashboard_sessions")).mappings().all()
    assert len(rows) == 1
    stored = " ".join(str(v) for v in rows[0].values())
    assert opened.session_id not in stored and token not in stored
    assert rows[0]["session_hash"] == hashlib.sha256(opened.session_id.encode()).hexdigest()


def test_an_unknown_or_revoked_token_opens_nothing(engine: Engine) -> None:
    token = _token(engine)
    assert open_session(engine, token + "x", now=NOW, lifetime=LIFETIME) is None
    assert open_session(engine, "", now=NOW, lifetime=LIFETIME) is None
    revoke_token(engine, 1, now=NOW)
    assert open_session(engine, token, now=NOW, lifetime=LIFETIME) is None
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM dashboard_sessions")).scalar() == 0


def test_unknown_ids_stand_for_nobody(engine: Engine) -> None:
    for presented in ("", "x", "A" * 43, "A" * 10_000):
        assert session_caller(engine, presented, now=NOW, idle=IDLE) is None
        assert end_session(engine, presented, now=NOW) is False


def test_signing_out_ends_it_for_every_copy(engine: Engine) -> None:
    opened = open_session(engine, _token(engine), now=NOW, lifetime=LIFETIME)
    assert opened is not None
    assert end_session(engine, opened.session_id, now=NOW) is True
    assert session_caller(engine, opened.session_id, now=NOW, idle=IDLE) is None
    assert end_session(engine, opened.session_id, now=NOW) is False
    with engine.connect() as conn:
        revoked = conn.execute(text("SELECT revoked_us FROM dashboard_sessions")).scalar()
    assert revoked is not None


def test_it_ends_after_idling_and_use_keeps_it_alive(engine: Engine) -> None:
    opened = open_session(engine, _token(engine), now=NOW, lifetime=LIFETIME)
    assert opened is not None
    sid = opened.session_id
    used = NOW + IDLE - timedelta(seconds=1)
    assert session_caller(engine, sid, now=used, idle=IDLE) is not None
    # used just before the limit, so it lives another idle period from then, and no longer
    assert session_caller(engine, sid, now=used + IDLE - timedelta(seconds=1), idle=IDLE)
    idled = used + IDLE - timedelta(seconds=1) + IDLE
    assert session_caller(engine, sid, now=idled, idle=IDLE) is None


def test_a_poll_within_a_minute_writes_nothing(engine: Engine) -> None:
    opened = open_session(engine, _token(engine), now=NOW, lifetime=LIFETIME)
    assert opened is not None
    session_caller(engine, opened.session_id, now=NOW + timedelta(seconds=30), idle=IDLE)
    with engine.connect() as conn:
        seen = conn.execute(text("SELECT last_seen_us, created_us FROM dashboard_sessions")).one()
    assert seen[0] == seen[1]
    session_caller(engine, opened.session_id, now=NOW + timedelta(minutes=2), idle=IDLE)
    with engine.connect() as conn:
        later = conn.execute(text("SELECT last_seen_us FROM dashboard_sessions")).scalar()
    assert later == seen[1] + 120_000_000


def test_it_ends_at_its_lifetime_however_used(engine: Engine) -> None:
    opened = open_session(engine, _token(engine), now=NOW, lifetime=timedelta(hours=2))
    assert opened is not None
    moment = NOW
    while moment < NOW + timedelta(hours=2):
        assert session_caller(engine, opened.session_id, now=moment, idle=IDLE) is not None
        moment += timedelta(minutes=30)
    assert session_caller(engine, opened.session_id, now=moment, idle=IDLE) is None


def test_revoking_the_token_ends_its_sessions(engine: Engine) -> None:
    token = _token(engine)
    other = _token(engine, Role.VIEWER)
    first = open_session(engine, token, now=NOW, lifetime=LIFETIME)
    second = open_session(engine, token, now=NOW, lifetime=LIFETIME)
    kept = open_session(engine, other, now=NOW, lifetime=LIFETIME)
    assert first and second and kept
    revoke_token(engine, 1, now=NOW)
    for ended in (first, second):
        assert session_caller(engine, ended.session_id, now=NOW, idle=IDLE) is None
    assert session_caller(engine, kept.session_id, now=NOW, idle=IDLE) is not None


def test_sessions_past_their_lifetime_are_forgotten(engine: Engine) -> None:
    token = _token(engine)
    open_session(engine, token, now=NOW, lifetime=timedelta(hours=1))
    open_session(engine, token, now=NOW + timedelta(hours=2), lifetime=LIFETIME)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM dashboard_sessions")).scalar() == 1


def test_the_form_key_is_the_stores(engine: Engine) -> None:
    key = form_key(engine)
    assert len(key) == 32 and form_key(engine) == key
    with engine.connect() as conn:
        stored = conn.execute(
            text("SELECT value FROM store_state WHERE key = 'dashboard_form_key'")
        ).scalar()
    assert stored == key.hex()
