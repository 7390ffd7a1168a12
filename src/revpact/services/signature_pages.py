"""The signature page of a published version, as the rendered agreement shows it.

Shared by ``revpact agreement render`` and the dashboard's agreement page: every signatory of
the version, when each signed, and whether the version is the one in force.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from revpact.domain.clock.calendar import from_us
from revpact.domain.versions import VersionRecord
from revpact.render import SignatureLine, SignaturePage
from revpact.services.agreement_versions import signatures_of, status
from revpact.services.clock import now_or_system

__all__ = ["signature_page"]


def signature_page(
    engine: Engine, version: VersionRecord, *, now: datetime | None = None
) -> SignaturePage:
    """The signature page of a published version: every signatory and when they signed;
    ``in_force`` says whether it is the version in force at ``now`` (default: the clock)."""
    signed = {s.email.casefold(): s.signed_us for s in signatures_of(engine, version)}
    lines = []
    for person in version.agreement.signatories:
        at = signed.get(person.email.casefold())
        lines.append(
            SignatureLine(
                name=person.name,
                email=person.email,
                team=str(person.team),
                role=person.role,
                signed_at=None if at is None else from_us(at),
            )
        )
    in_force = status(engine, now=now_or_system(now)).in_force
    return SignaturePage(
        version_number=version.number,
        version_hash=version.hash,
        published_at=from_us(version.published_us),
        lines=tuple(lines),
        in_force=in_force is not None and in_force.hash == version.hash,
    )
