"""The public shape of API tokens: a token (never its secret), the list, and a new token with
its secret (shown once)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC
from typing import Self

from pydantic import Field

from revpact.domain.roles import Role
from revpact.services.public.common import Moment, Public
from revpact.services.tokens import NewToken, TokenInfo

__all__ = ["NewTokenPublic", "TokenPublic", "TokensPublic"]


class TokenPublic(Public):
    """A token as listed: who or what uses it, its role, the member it acts for."""

    id: int
    name: str
    role: Role
    member: str | None = Field(description="The signatory's e-mail the token acts for.")
    prefix: str = Field(description="The token's first characters, to tell tokens apart.")
    created_at: Moment
    revoked_at: Moment | None

    @classmethod
    def of(cls, info: TokenInfo) -> Self:
        return cls(
            id=info.token_id,
            name=info.name,
            role=info.role,
            member=info.member,
            prefix=info.prefix,
            created_at=info.created_at.astimezone(UTC),
            revoked_at=info.revoked_at,
        )


class TokensPublic(Public):
    """Every token, live and revoked."""

    tokens: tuple[TokenPublic, ...]

    @classmethod
    def of(cls, infos: Iterable[TokenInfo]) -> Self:
        return cls(tokens=tuple(TokenPublic.of(t) for t in infos))


class NewTokenPublic(Public):
    """A token just created, as :class:`TokenPublic` shows it, with its secret: the only time
    it is shown."""

    id: int
    name: str
    role: Role
    member: str | None = Field(description="The signatory's e-mail the token acts for.")
    prefix: str = Field(description="The token's first characters, to tell tokens apart.")
    created_at: Moment
    revoked_at: Moment | None
    token: str = Field(description="The secret itself: shown once, never stored.")

    @classmethod
    def of(cls, new: NewToken) -> Self:
        shown = TokenPublic.of(new.info)
        return cls(
            id=shown.id,
            name=shown.name,
            role=shown.role,
            member=shown.member,
            prefix=shown.prefix,
            created_at=shown.created_at,
            revoked_at=shown.revoked_at,
            token=new.token,
        )
