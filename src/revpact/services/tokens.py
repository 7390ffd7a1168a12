"""API tokens: create (shown once), list, revoke, and authenticate a presented token.

A token is ``rp_`` followed by 43 URL-safe characters (256 random bits). Only its SHA-256 is
stored: with that much entropy a plain hash cannot be reversed or guessed, and looking a token
up costs one indexed read. Tokens are compared by their hash, through the unique index, so no
secret is ever compared character by character in Python.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from revpact.domain.clock.calendar import from_us, to_us
from revpact.domain.roles import Role
from revpact.errors import RevpactError
from revpact.store.audit import record_write
from revpact.store.tokens import TokenRepository, TokenRow

__all__ = [
    "TOKEN_PREFIX",
    "NewToken",
    "Principal",
    "TokenInfo",
    "authenticate",
    "create_token",
    "hash_token",
    "list_tokens",
    "revoke_token",
]

TOKEN_PREFIX = "rp_"


@dataclass(frozen=True)
class TokenInfo:
    token_id: int
    name: str
    role: Role
    member: str | None
    prefix: str  # the token's first characters, to tell tokens apart
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True)
class NewToken:
    info: TokenInfo
    token: str  # the secret itself: shown once, never stored


@dataclass(frozen=True)
class Principal:
    """Who is calling: the token's id, name, role and the member it acts for. ``token_id`` is
    None for a person signed in to the dashboard with the company's identity provider (the API
    takes only tokens, so every API caller has one)."""

    token_id: int | None
    name: str
    role: Role
    member: str | None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(
    engine: Engine,
    *,
    name: str,
    role: Role | str,
    member: str | None = None,
    now: datetime,
    by: str | None = None,
    via: str = "cli",
) -> NewToken:
    """A new token for ``role`` (acting for ``member``, an e-mail, if given); the audit trail
    records who created it (``by``, through ``via``) — never the token itself."""
    name = name.strip()
    if not name:
        raise RevpactError("a token needs a name (who or what uses it)")
    try:
        chosen = Role(role)
    except ValueError:
        known = "|".join(r.value for r in Role)
        raise RevpactError(f'"{role}" is not a role; choose one of {known}') from None
    if member is not None and "@" not in member:
        raise RevpactError(f'--member "{member}" is not an e-mail address')
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    prefix = token[: len(TOKEN_PREFIX) + 6]
    at_us = to_us(now)
    with engine.begin() as conn:
        token_id = TokenRepository(conn).add(
            name=name,
            role=chosen.value,
            member=member,
            prefix=prefix,
            token_hash=hash_token(token),
            at_us=at_us,
        )
        record_write(
            conn,
            recorded_us=at_us,
            actor=by,
            via=via,
            action="token.create",
            subject=f"token:{token_id}",
            detail={"name": name, "role": chosen.value, "member": member, "prefix": prefix},
        )
    info = TokenInfo(token_id, name, chosen, member, prefix, from_us(at_us), None)
    return NewToken(info=info, token=token)


def list_tokens(engine: Engine) -> list[TokenInfo]:
    with engine.connect() as conn:
        return [_info(row) for row in TokenRepository(conn).all()]


def revoke_token(
    engine: Engine, token_id: int, *, now: datetime, by: str | None = None, via: str = "cli"
) -> None:
    with engine.begin() as conn:
        if not TokenRepository(conn).revoke(token_id, to_us(now)):
            raise RevpactError(f"no live token with id {token_id}; `revpact token list` shows them")
        record_write(
            conn,
            recorded_us=to_us(now),
            actor=by,
            via=via,
            action="token.revoke",
            subject=f"token:{token_id}",
        )


def authenticate(engine: Engine, token: str) -> Principal | None:
    """The principal a presented token stands for; None for an unknown or revoked token."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    with engine.connect() as conn:
        row = TokenRepository(conn).by_hash(hash_token(token))
    if row is None or row.revoked_us is not None:
        return None
    return Principal(row.token_id, row.name, Role(row.role), row.member)


def _info(row: TokenRow) -> TokenInfo:
    return TokenInfo(
        row.token_id,
        row.name,
        Role(row.role),
        row.member,
        row.prefix,
        from_us(row.created_us),
        None if row.revoked_us is None else from_us(row.revoked_us),
    )
