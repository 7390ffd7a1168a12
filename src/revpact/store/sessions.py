"""Dashboard sessions in the database: only the SHA-256 of each session id is stored.

The tables are declared here, on the store's one :data:`~revpact.store.tables.metadata` (the
package imports this module, so the schema test sees it); migrations 0010 and 0011 create them.
A session belongs to the API token it was opened with, or to a person the company's identity
provider vouched for (``subject``, ``email``): it is live while it is neither signed out
(``revoked_us``) nor past ``expires_us`` nor unused for longer than the idle limit, and while
its token, if any, is live. ``dashboard_sign_ins`` keeps a sign-in begun at the identity
provider until its answer comes back; taking one deletes it, so each is used once.

The key that signs the login form (which is shown before any session exists) is kept in
``store_state`` so that every server process on one database signs and checks alike.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Final

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Connection,
    Index,
    Integer,
    Table,
    Text,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from revpact.store.tables import api_tokens, metadata, store_state

__all__ = [
    "PendingSignIn",
    "SessionRepository",
    "SessionRow",
    "SignInRepository",
    "dashboard_sessions",
    "dashboard_sign_ins",
]

dashboard_sessions = Table(
    "dashboard_sessions",
    metadata,
    Column("session_id", Integer, primary_key=True, autoincrement=True),
    Column("session_hash", Text, nullable=False),
    Column("token_id", Integer, nullable=True),
    Column("name", Text, nullable=False),
    Column("role", Text, nullable=False),
    Column("member", Text, nullable=True),
    Column("created_us", BigInteger, nullable=False),
    Column("expires_us", BigInteger, nullable=False),
    Column("last_seen_us", BigInteger, nullable=False),
    Column("revoked_us", BigInteger, nullable=True),
    Column("email", Text, nullable=True),
    Column("subject", Text, nullable=True),
    Column("granted_by", Text, nullable=True),
    Index("ux_dashboard_sessions_session_hash", "session_hash", unique=True),
    Index("ix_dashboard_sessions_expires_us", "expires_us"),
    CheckConstraint("(token_id IS NULL) <> (subject IS NULL)", name="ck_dashboard_sessions_owner"),
)
"""A signed-in browser's session: ``session_hash`` the hex SHA-256 of the id its cookie holds,
``token_id`` the API token it was opened with, or ``subject`` and ``email`` the person the
identity provider vouched for (``granted_by``: ``roster`` or ``groups``, what gave the role),
and who it stands for (``name``, ``role``, ``member``); ``expires_us`` the end of its absolute
lifetime, ``last_seen_us`` its last use and ``revoked_us`` when it was signed out."""

dashboard_sign_ins = Table(
    "dashboard_sign_ins",
    metadata,
    Column("state_hash", Text, primary_key=True),
    Column("nonce", Text, nullable=False),
    Column("code_verifier", Text, nullable=False),
    Column("next", Text, nullable=False),
    Column("expires_us", BigInteger, nullable=False),
    Index("ix_dashboard_sign_ins_expires_us", "expires_us"),
)
"""A sign-in sent to the identity provider: the SHA-256 of its ``state``, its ``nonce`` and
PKCE ``code_verifier``, the page to go to afterwards, and when it stops being accepted."""

_FORM_KEY: Final = "dashboard_form_key"


@dataclass(frozen=True)
class SessionRow:
    session_id: int
    token_id: int | None
    name: str
    role: str
    member: str | None
    created_us: int
    expires_us: int
    last_seen_us: int
    revoked_us: int | None
    token_revoked_us: int | None  # the token's own revocation
    email: str | None
    granted_by: str | None


@dataclass(frozen=True)
class PendingSignIn:
    nonce: str
    code_verifier: str
    next: str
    expires_us: int


class SessionRepository:
    """Sessions reached through ``conn`` (within the caller's transaction)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(
        self,
        *,
        session_hash: str,
        token_id: int | None,
        name: str,
        role: str,
        member: str | None,
        at_us: int,
        expires_us: int,
        email: str | None = None,
        subject: str | None = None,
        granted_by: str | None = None,
    ) -> int:
        """A new session, for ``token_id`` or else for the person ``subject``."""
        result = self._conn.execute(
            insert(dashboard_sessions).values(
                session_hash=session_hash,
                token_id=token_id,
                name=name,
                role=role,
                member=member,
                created_us=at_us,
                expires_us=expires_us,
                last_seen_us=at_us,
                email=email,
                subject=subject,
                granted_by=granted_by,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])

    def by_hash(self, session_hash: str) -> SessionRow | None:
        s = dashboard_sessions.c
        row = self._conn.execute(
            select(
                s.session_id,
                s.token_id,
                s.name,
                s.role,
                s.member,
                s.created_us,
                s.expires_us,
                s.last_seen_us,
                s.revoked_us,
                api_tokens.c.revoked_us,
                s.email,
                s.granted_by,
            )
            .join_from(
                dashboard_sessions,
                api_tokens,
                api_tokens.c.token_id == s.token_id,
                isouter=True,
            )
            .where(s.session_hash == session_hash)
        ).one_or_none()
        return None if row is None else SessionRow(*tuple(row))

    def seen(self, session_id: int, at_us: int) -> None:
        self._conn.execute(
            update(dashboard_sessions)
            .where(dashboard_sessions.c.session_id == session_id)
            .values(last_seen_us=at_us)
        )

    def revoke(self, session_hash: str, at_us: int) -> bool:
        """End a session not yet ended; False when there is no such session."""
        result = self._conn.execute(
            update(dashboard_sessions)
            .where(
                dashboard_sessions.c.session_hash == session_hash,
                dashboard_sessions.c.revoked_us.is_(None),
            )
            .values(revoked_us=at_us)
        )
        return result.rowcount == 1

    def drop_expired(self, before_us: int) -> int:
        """Forget the sessions whose lifetime ended before ``before_us``."""
        result = self._conn.execute(
            delete(dashboard_sessions).where(dashboard_sessions.c.expires_us < before_us)
        )
        return int(result.rowcount)

    def form_key(self) -> str:
        """The store's key for signing forms, made on first use (the first writer's wins)."""
        found = self._read_form_key()
        if found is not None:
            return found
        try:
            with self._conn.begin_nested():
                self._conn.execute(
                    insert(store_state).values(key=_FORM_KEY, value=secrets.token_hex(32))
                )
        except IntegrityError:
            pass
        found = self._read_form_key()
        assert found is not None
        return found

    def _read_form_key(self) -> str | None:
        value = self._conn.execute(
            select(store_state.c.value).where(store_state.c.key == _FORM_KEY)
        ).scalar_one_or_none()
        return None if value is None else str(value)


class SignInRepository:
    """Sign-ins begun at the identity provider, reached through ``conn``."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, state_hash: str, pending: PendingSignIn) -> None:
        self._conn.execute(
            insert(dashboard_sign_ins).values(
                state_hash=state_hash,
                nonce=pending.nonce,
                code_verifier=pending.code_verifier,
                next=pending.next,
                expires_us=pending.expires_us,
            )
        )

    def take(self, state_hash: str) -> PendingSignIn | None:
        """The sign-in ``state_hash`` names, deleted on the way: only one taker ever gets it."""
        t = dashboard_sign_ins.c
        row = self._conn.execute(
            select(t.nonce, t.code_verifier, t.next, t.expires_us).where(t.state_hash == state_hash)
        ).one_or_none()
        if row is None:
            return None
        taken = self._conn.execute(delete(dashboard_sign_ins).where(t.state_hash == state_hash))
        return PendingSignIn(*tuple(row)) if taken.rowcount == 1 else None

    def drop_expired(self, before_us: int) -> int:
        result = self._conn.execute(
            delete(dashboard_sign_ins).where(dashboard_sign_ins.c.expires_us < before_us)
        )
        return int(result.rowcount)
