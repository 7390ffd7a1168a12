"""The public shape of the living agreement: a change between versions, and which version is
in force, which is the latest and who has signed it (moments in UTC)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Self

from pydantic import ConfigDict, Field

from revpact.domain.agreement.model import Team
from revpact.domain.clock.calendar import from_us
from revpact.domain.versions import Change, SignatureRecord, VersionRecord, VersionState
from revpact.services.agreement_versions import AgreementStatus, Published, Signed, SignerState
from revpact.services.public.common import Moment, Public

__all__ = [
    "AgreementStatusPublic",
    "ChangePublic",
    "DiffPublic",
    "PublishedPublic",
    "SignaturePublic",
    "SignedPublic",
    "SignerPublic",
    "VersionDetailPublic",
    "VersionListPublic",
    "VersionPublic",
    "VersionStatePublic",
]


class ChangePublic(Public):
    """One change between two versions, at a dotted path of the agreement file."""

    section: str
    path: str
    before: str | None = Field(description="null: added.")
    after: str | None = Field(description="null: removed.")
    text: str = Field(description="The change in plain words.")

    @classmethod
    def of(cls, change: Change) -> Self:
        return cls(
            section=change.section,
            path=change.path,
            before=change.before,
            after=change.after,
            text=str(change),
        )


class VersionPublic(Public):
    """A published version: its number, its content's hash, and when and by whom."""

    number: int
    hash: str
    published_at: Moment
    published_by: str | None

    @classmethod
    def of(cls, version: VersionRecord) -> Self:
        return cls(
            number=version.number,
            hash=version.hash,
            published_at=from_us(version.published_us),
            published_by=version.published_by,
        )


def _moment(us: int | None) -> datetime | None:
    return None if us is None else from_us(us)


class VersionStatePublic(Public):
    """A version with when it was fully signed and when it was in force (null: not)."""

    number: int
    hash: str
    published_at: Moment
    published_by: str | None
    fully_signed_at: Moment | None
    in_force_from: Moment | None
    in_force_until: Moment | None

    @classmethod
    def of(cls, state: VersionState) -> Self:
        version = state.version
        return cls(
            number=version.number,
            hash=version.hash,
            published_at=from_us(version.published_us),
            published_by=version.published_by,
            fully_signed_at=_moment(state.fully_signed_us),
            in_force_from=_moment(state.in_force_from_us),
            in_force_until=_moment(state.in_force_until_us),
        )


class SignerPublic(Public):
    """A signatory of the latest version: whether their signature is required, and when and
    through what they gave it (null: not yet)."""

    name: str
    email: str
    team: Team
    role: str
    required: bool
    signed_at: Moment | None
    via: str | None

    @classmethod
    def of(cls, signer: SignerState) -> Self:
        person = signer.signatory
        return cls(
            name=person.name,
            email=person.email,
            team=person.team,
            role=person.role,
            required=signer.required,
            signed_at=_moment(signer.signed_us),
            via=signer.via,
        )


class AgreementStatusPublic(Public):
    """Which version is in force, the latest version and who has signed it, and what signing
    it changes; ``time_zone`` is the agreement's calendar zone."""

    in_force: VersionPublic | None
    latest: VersionPublic | None
    pending: bool = Field(description="The latest version is not (yet) the one in force.")
    versions: tuple[VersionStatePublic, ...]
    signers: tuple[SignerPublic, ...]
    changes_to_sign: tuple[ChangePublic, ...]
    time_zone: str

    @classmethod
    def of(cls, state: AgreementStatus, zone: str) -> Self:
        return cls(
            in_force=None if state.in_force is None else VersionPublic.of(state.in_force),
            latest=None if state.latest is None else VersionPublic.of(state.latest),
            pending=state.pending,
            versions=tuple(VersionStatePublic.of(s) for s in state.versions),
            signers=tuple(SignerPublic.of(s) for s in state.signers),
            changes_to_sign=tuple(ChangePublic.of(c) for c in state.changes_since_in_force),
            time_zone=zone,
        )


class VersionListPublic(Public):
    """Every published version, oldest first."""

    versions: tuple[VersionPublic, ...]

    @classmethod
    def of(cls, versions: Iterable[VersionRecord]) -> Self:
        return cls(versions=tuple(VersionPublic.of(v) for v in versions))


class SignaturePublic(Public):
    email: str
    name: str
    signed_at: Moment

    @classmethod
    def of(cls, signature: SignatureRecord) -> Self:
        return cls(
            email=signature.email, name=signature.name, signed_at=from_us(signature.signed_us)
        )


class VersionDetailPublic(Public):
    """One version: what it is, whose agreement, and the signatures given to it in order."""

    number: int
    hash: str
    published_at: Moment
    published_by: str | None
    title: str
    company: str
    language: str
    signatures: tuple[SignaturePublic, ...]

    @classmethod
    def of(cls, version: VersionRecord, signatures: Iterable[SignatureRecord]) -> Self:
        spec = version.agreement
        return cls(
            number=version.number,
            hash=version.hash,
            published_at=from_us(version.published_us),
            published_by=version.published_by,
            title=spec.title,
            company=spec.company,
            language=spec.language,
            signatures=tuple(SignaturePublic.of(s) for s in signatures),
        )


class DiffPublic(Public):
    """What changed from one version (``from``) to another (``to``)."""

    model_config = ConfigDict(populate_by_name=True)

    from_: VersionPublic = Field(alias="from")
    to: VersionPublic
    changes: tuple[ChangePublic, ...]

    @classmethod
    def of(cls, before: VersionRecord, after: VersionRecord, changes: Iterable[Change]) -> Self:
        return cls(
            from_=VersionPublic.of(before),
            to=VersionPublic.of(after),
            changes=tuple(ChangePublic.of(c) for c in changes),
        )


class PublishedPublic(Public):
    """A publication: the version, whether it is new (false: it was the latest already) and
    what changed from the version before."""

    number: int
    hash: str
    published_at: Moment
    published_by: str | None
    created: bool
    changes: tuple[ChangePublic, ...]

    @classmethod
    def of(cls, result: Published) -> Self:
        version = result.version
        return cls(
            number=version.number,
            hash=version.hash,
            published_at=from_us(version.published_us),
            published_by=version.published_by,
            created=result.created,
            changes=tuple(ChangePublic.of(c) for c in result.changes),
        )


class SignedPublic(Public):
    """A signature given, and whether it brought the version into force."""

    version: VersionPublic
    email: str
    name: str
    signed_at: Moment
    in_force: bool

    @classmethod
    def of(cls, signed: Signed) -> Self:
        return cls(
            version=VersionPublic.of(signed.version),
            email=signed.signatory.email,
            name=signed.signatory.name,
            signed_at=from_us(signed.signed_us),
            in_force=signed.in_force,
        )
