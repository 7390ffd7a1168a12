"""Dashboard sessions: signing in with an API token, or as a person the company's identity
provider vouched for, opens one; signing out ends it.

A browser never keeps the API token it signed in with. :func:`open_session` checks the token
and gives back a fresh session id (``secrets.token_urlsafe(32)``, 256 random bits) for the
browser's cookie; the store keeps only its SHA-256, so a copy of the database signs nobody in.
:func:`session_caller` finds who a presented id stands for while the session is live: not
signed out (:func:`end_session`), not past its lifetime, used within the idle limit, and
opened with a token that is still live — revoking the token ends its sessions at once. Its
last use is written at most once a minute, so a page that polls does not write on every poll.

A person's session (:func:`open_person_session`) has no token. When the agreement's roster gave
its role, the person must still be on the roster the caller passes at every request: taken off
it, they lose access at their next request. A role a groups claim gave lasts until the session
ends (the groups are known only when the provider vouches, at sign-in).

:func:`form_key` is the store's key for signing forms (see :mod:`revpact.server.web.csrf`).
"""

from __future__ import annotations

import hashlib
import secrets
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import Engine

from revpact.domain.clock.calendar import from_us, to_us
from revpact.domain.roles import Role
from revpact.services.people import Person
from revpact.services.tokens import Principal, authenticate
from revpact.store.sessions import SessionRepository

__all__ = [
    "NewSession",
    "end_session",
    "form_key",
    "hash_session_id",
    "open_person_session",
    "open_session",
    "session_caller",
]

_SEEN_EVERY: Final = timedelta(minutes=1)
_LONGEST_ID: Final = 100  # a presented id longer than this is not one of ours
_keys: weakref.WeakKeyDictionary[Engine, bytes] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class NewSession:
    session_id: str  # the secret for the cookie: never stored
    caller: Principal
    expires_at: datetime


def hash_session_id(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def open_session(
    engine: Engine, token: str, *, now: datetime, lifetime: timedelta
) -> NewSession | None:
    """A new session for the caller ``token`` stands for; None for an unknown or revoked one.

    Sessions whose lifetime is over are forgotten on the way."""
    caller = authenticate(engine, token)
    if caller is None:
        return None
    session_id = secrets.token_urlsafe(32)
    at_us, expires_us = to_us(now), to_us(now + lifetime)
    with engine.begin() as conn:
        sessions = SessionRepository(conn)
        sessions.drop_expired(at_us)
        sessions.add(
            session_hash=hash_session_id(session_id),
            token_id=caller.token_id,
            name=caller.name,
            role=caller.role.value,
            member=caller.member,
            at_us=at_us,
            expires_us=expires_us,
        )
    return NewSession(session_id, caller, from_us(expires_us))


def open_person_session(
    engine: Engine, person: Person, *, email: str, subject: str, now: datetime, lifetime: timedelta
) -> NewSession:
    """A new session for ``person``, whom the identity provider knows as ``subject``."""
    session_id = secrets.token_urlsafe(32)
    at_us, expires_us = to_us(now), to_us(now + lifetime)
    with engine.begin() as conn:
        sessions = SessionRepository(conn)
        sessions.drop_expired(at_us)
        sessions.add(
            session_hash=hash_session_id(session_id),
            token_id=None,
            name=person.name,
            role=person.role.value,
            member=person.member,
            at_us=at_us,
            expires_us=expires_us,
            email=email,
            subject=subject,
            granted_by=person.granted_by,
        )
    caller = Principal(None, person.name, person.role, person.member)
    return NewSession(session_id, caller, from_us(expires_us))


def session_caller(
    engine: Engine,
    session_id: str,
    *,
    now: datetime,
    idle: timedelta,
    on_roster: Callable[[str], bool] = lambda _email: False,
) -> Principal | None:
    """Who the live session ``session_id`` stands for; None when it is unknown or has ended,
    or when the roster gave a person their role and ``on_roster`` no longer finds them."""
    if not session_id or len(session_id) > _LONGEST_ID:
        return None
    at_us = to_us(now)
    with engine.connect() as conn:
        row = SessionRepository(conn).by_hash(hash_session_id(session_id))
    if (
        row is None
        or row.revoked_us is not None
        or row.token_revoked_us is not None
        or row.expires_us <= at_us
        or row.last_seen_us + _span_us(idle) <= at_us
        or (row.granted_by == "roster" and not (row.email and on_roster(row.email)))
    ):
        return None
    if at_us - row.last_seen_us >= _span_us(_SEEN_EVERY):
        with engine.begin() as conn:
            SessionRepository(conn).seen(row.session_id, at_us)
    return Principal(row.token_id, row.name, Role(row.role), row.member)


def end_session(engine: Engine, session_id: str, *, now: datetime) -> bool:
    """End the session ``session_id`` on the server; False when there was no such live one."""
    if not session_id or len(session_id) > _LONGEST_ID:
        return False
    with engine.begin() as conn:
        return SessionRepository(conn).revoke(hash_session_id(session_id), to_us(now))


def form_key(engine: Engine) -> bytes:
    """The store's key for signing the dashboard's forms (the same in every server process)."""
    key = _keys.get(engine)
    if key is None:
        with engine.begin() as conn:
            key = bytes.fromhex(SessionRepository(conn).form_key())
        _keys[engine] = key
    return key


def _span_us(span: timedelta) -> int:
    """``span`` in whole microseconds."""
    return span // timedelta(microseconds=1)
