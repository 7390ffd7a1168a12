"""Dashboard sessions in the database: only the SHA-256 of each session id is stored.

The table is declared here, on the store's one :data:`~revpact.store.tables.metadata` (the
package imports this module, so the schema test sees it); migration 0010 creates it. A session
belongs to the API token it was opened with: it is live while it is neither signed out
(``revoked_us``) nor past ``expires_us`` nor unused for longer than the idle limit, and while
that token is live.

The key that signs the login form (which is shown before any session exists) is kept in
``store_state`` so that every server process on one database signs and checks alike.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Final

from sqlalchemy import (
    BigInteger,
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

__all__ = ["SessionRepository", "SessionRow", "dashboard_sessions"]

dashboard_sessions = Table(
    "dashboard_sessions",
    metadata,
    Column("session_id", Integer, primary_key=True, autoincrement=True),
    Column("session_hash", Text, nullable=False),
    Column("token_id", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("role", Text, nullable=False),
    Column("member", Text, nullable=True),
    Column("created_us", BigInteger, nullable=False),
    Column("expires_us", BigInteger, nullable=False),
    Column("last_seen_us", BigInteger, nullable=False),
    Column("revoked_us", BigInteger, nullable=True),
    Index("ux_dashboard_sessions_session_hash", "session_hash", unique=True),
    Index("ix_dashboard_sessions_expires_us", "expires_us"),
)
"""A signed-in browser's session: ``session_hash`` the hex SHA-256 of the id its cookie holds,
``token_id`` the API token it was opened with and who that token stood for (``name``, ``role``,
``member``); ``expires_us`` the end of its absolute lifetime, ``last_seen_us`` its last use and
``revoked_us`` when it was signed out."""

_FORM_KEY: Final = "dashboard_form_key"


@dataclass(frozen=True)
class SessionRow:
    session_id: int
    token_id: int
    name: str
    role: str
    member: str | None
    created_us: int
    expires_us: int
    last_seen_us: int
    revoked_us: int | None
    token_revoked_us: int | None  # the token's own revocation


class SessionRepository:
    """Sessions reached through ``conn`` (within the caller's transaction)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(
        self,
        *,
        session_hash: str,
        token_id: int,
        name: str,
        role: str,
        member: str | None,
        at_us: int,
        expires_us: int,
    ) -> int:
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
