"""API tokens in the database: only their SHA-256 is stored."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, insert, select, update

from revpact.store.tables import api_tokens

__all__ = ["TokenRepository", "TokenRow"]


@dataclass(frozen=True)
class TokenRow:
    token_id: int
    name: str
    role: str
    member: str | None
    prefix: str
    created_us: int
    revoked_us: int | None


_COLUMNS = (
    api_tokens.c.token_id,
    api_tokens.c.name,
    api_tokens.c.role,
    api_tokens.c.member,
    api_tokens.c.prefix,
    api_tokens.c.created_us,
    api_tokens.c.revoked_us,
)


class TokenRepository:
    """Tokens reached through ``conn`` (within the caller's transaction)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(
        self, *, name: str, role: str, member: str | None, prefix: str, token_hash: str, at_us: int
    ) -> int:
        result = self._conn.execute(
            insert(api_tokens).values(
                name=name,
                role=role,
                member=member,
                prefix=prefix,
                token_hash=token_hash,
                created_us=at_us,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])

    def by_hash(self, token_hash: str) -> TokenRow | None:
        row = self._conn.execute(
            select(*_COLUMNS).where(api_tokens.c.token_hash == token_hash)
        ).one_or_none()
        return None if row is None else TokenRow(*row)

    def all(self) -> list[TokenRow]:
        rows = self._conn.execute(select(*_COLUMNS).order_by(api_tokens.c.token_id)).all()
        return [TokenRow(*row) for row in rows]

    def revoke(self, token_id: int, at_us: int) -> bool:
        """Revoke a live token; False when there is no such live token."""
        result = self._conn.execute(
            update(api_tokens)
            .where(api_tokens.c.token_id == token_id, api_tokens.c.revoked_us.is_(None))
            .values(revoked_us=at_us)
        )
        return result.rowcount == 1
