"""Published agreement versions and their signatures (append-only tables)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, func, insert, select

from revpact.store.tables import agreement_versions, signatures

__all__ = ["SignatureRow", "VersionRepository", "VersionRow"]


@dataclass(frozen=True)
class VersionRow:
    hash: str
    number: int
    canonical: str
    source: str
    published_us: int
    published_by: str | None


@dataclass(frozen=True)
class SignatureRow:
    version_hash: str
    email: str
    name: str
    signed_us: int
    via: str


_VERSION = (
    agreement_versions.c.hash,
    agreement_versions.c.number,
    agreement_versions.c.canonical,
    agreement_versions.c.source,
    agreement_versions.c.published_us,
    agreement_versions.c.published_by,
)
_SIGNATURE = (
    signatures.c.version_hash,
    signatures.c.email,
    signatures.c.name,
    signatures.c.signed_us,
    signatures.c.via,
)


class VersionRepository:
    """Versions and signatures reached through ``conn`` (within the caller's transaction)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def all(self) -> list[VersionRow]:
        rows = self._conn.execute(select(*_VERSION).order_by(agreement_versions.c.number))
        return [VersionRow(*row) for row in rows]

    def by_hash(self, version_hash: str) -> VersionRow | None:
        row = self._conn.execute(
            select(*_VERSION).where(agreement_versions.c.hash == version_hash)
        ).one_or_none()
        return None if row is None else VersionRow(*row)

    def count(self) -> int:
        return int(
            self._conn.execute(select(func.count()).select_from(agreement_versions)).scalar_one()
        )

    def add(self, row: VersionRow) -> None:
        self._conn.execute(
            insert(agreement_versions).values(
                hash=row.hash,
                number=row.number,
                canonical=row.canonical,
                source=row.source,
                published_us=row.published_us,
                published_by=row.published_by,
            )
        )

    def signatures(self) -> list[SignatureRow]:
        rows = self._conn.execute(select(*_SIGNATURE).order_by(signatures.c.signature_id))
        return [SignatureRow(*row) for row in rows]

    def sign(self, row: SignatureRow) -> None:
        self._conn.execute(
            insert(signatures).values(
                version_hash=row.version_hash,
                email=row.email,
                name=row.name,
                signed_us=row.signed_us,
                via=row.via,
            )
        )

    def latest_us(self) -> int | None:
        """The time of the newest publication or signature (the log only moves forward)."""
        published = self._conn.execute(select(func.max(agreement_versions.c.published_us)))
        signed = self._conn.execute(select(func.max(signatures.c.signed_us)))
        times = [t for t in (published.scalar_one(), signed.scalar_one()) if t is not None]
        return max(times) if times else None
