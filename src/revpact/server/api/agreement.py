"""The living agreement over HTTP: versions, what changed, who signed; publish and sign.

A member signs only as themself: the signature is given for the member the token acts for
(``revpact token create --member EMAIL``); a token acting for nobody cannot sign.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from revpact.domain.roles import Permission
from revpact.server.api.responses import SIGNED_IN, WRITE, problems
from revpact.server.deps import AgreementDep, StateDep, allowed
from revpact.services import agreement_versions as av
from revpact.services.agreement_source import parse_agreement
from revpact.services.public.agreement import (
    AgreementStatusPublic,
    DiffPublic,
    PublishedPublic,
    SignedPublic,
    VersionDetailPublic,
    VersionListPublic,
)
from revpact.services.tokens import Principal

__all__ = ["router"]

router = APIRouter(prefix="/agreement", tags=["agreement"])

Reader = Annotated[Principal, Depends(allowed(Permission.READ))]


class PublishBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str = Field(
        min_length=1, max_length=1_000_000, description="The agreement file (YAML) to publish."
    )


class SignBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: str | None = Field(
        default=None,
        max_length=80,
        description="The version signed (v2, 2 or a hash); default the latest. Only the latest "
        "version can be signed.",
    )


@router.get(
    "",
    summary="The version in force, the latest version and who has signed it.",
    responses=problems(401, 403),
)
def agreement_status(state: StateDep, file: AgreementDep, _caller: Reader) -> AgreementStatusPublic:
    current = av.status(state.engine, now=state.now())
    zone = (current.latest.agreement if current.latest else file).calendar.timezone
    return AgreementStatusPublic.of(current, zone)


@router.get(
    "/versions", summary="Every published version, oldest first.", responses=problems(401, 403)
)
def list_versions(state: StateDep, _caller: Reader) -> VersionListPublic:
    return VersionListPublic.of(av.versions(state.engine))


@router.get(
    "/versions/{ref}",
    summary="One version (v2, 2, latest or a hash prefix).",
    responses=problems(*SIGNED_IN, notes={404: "No such version."}),
)
def one_version(ref: str, state: StateDep, _caller: Reader) -> VersionDetailPublic:
    version = av.resolve_version(av.versions(state.engine), ref)
    return VersionDetailPublic.of(version, av.signatures_of(state.engine, version))


@router.get(
    "/diff",
    summary="What changed between two versions, section by section.",
    responses=problems(*SIGNED_IN, notes={404: "No such version."}),
)
def version_diff(
    state: StateDep,
    _caller: Reader,
    old: Annotated[str, Query(alias="from", max_length=80)],
    new: Annotated[str, Query(alias="to", max_length=80)],
) -> DiffPublic:
    before, after, changes = av.changes_between(state.engine, old, new)
    return DiffPublic.of(before, after, changes)


@router.post(
    "/versions",
    status_code=status.HTTP_201_CREATED,
    summary="Publish an agreement file as a new version (200 when it is the latest already).",
    responses=problems(
        *WRITE, 409, notes={422: "The agreement does not validate: `errors` lists each problem."}
    ),
)
def publish(
    body: PublishBody,
    response: Response,
    state: StateDep,
    caller: Annotated[Principal, Depends(allowed(Permission.PUBLISH_AGREEMENT))],
) -> PublishedPublic:
    now = state.now()
    agreement = parse_agreement(body.source, "source")
    result = av.publish(
        state.engine,
        agreement,
        body.source,
        at=now,
        now=now,
        by=caller.member or caller.name,
        via=f"token:{caller.token_id}",
    )
    if not result.created:
        response.status_code = status.HTTP_200_OK
    return PublishedPublic.of(result)


@router.post(
    "/signatures",
    status_code=status.HTTP_201_CREATED,
    summary="Sign the latest version as the member the token acts for.",
    responses=problems(
        *WRITE,
        notes={
            404: "No such version.",
            409: "Not the latest version, already signed, or the member is not a signatory.",
        },
    ),
)
def sign(
    body: SignBody,
    state: StateDep,
    caller: Annotated[Principal, Depends(allowed(Permission.SIGN_AGREEMENT))],
) -> SignedPublic:
    if caller.member is None:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            detail="this token acts for nobody; a member signs with their own token "
            "(revpact token create --member EMAIL)",
        )
    now = state.now()
    signed = av.sign(
        state.engine,
        caller.member,
        version=body.version,
        at=now,
        now=now,
        via=f"token:{caller.token_id}",
    )
    return SignedPublic.of(signed)
