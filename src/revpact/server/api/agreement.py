"""The living agreement over HTTP: versions, what changed, who signed; publish and sign.

A member signs only as themself: the signature is given for the member the token acts for
(``revpact token create --member EMAIL``); a token acting for nobody cannot sign.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from revpact.domain.clock.calendar import from_us
from revpact.domain.roles import Permission
from revpact.domain.versions import VersionRecord
from revpact.server.deps import AgreementDep, StateDep, allowed
from revpact.services import agreement_versions as av
from revpact.services.agreement_source import parse_agreement
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


def _version_json(version: VersionRecord, *, source: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "number": version.number,
        "hash": version.hash,
        "published_at": from_us(version.published_us).isoformat(),
        "published_by": version.published_by,
    }
    if source:
        body["title"] = version.agreement.title
        body["company"] = version.agreement.company
        body["language"] = version.agreement.language
    return body


@router.get("", summary="The version in force, the latest version and who has signed it.")
def agreement_status(state: StateDep, file: AgreementDep, _caller: Reader) -> dict[str, Any]:
    current = av.status(state.engine, now=state.now())
    zone = (current.latest.agreement if current.latest else file).calendar.timezone
    return av.status_to_json(current, zone)


@router.get("/versions", summary="Every published version, oldest first.")
def list_versions(state: StateDep, _caller: Reader) -> dict[str, Any]:
    return {"versions": [_version_json(v) for v in av.versions(state.engine)]}


@router.get("/versions/{ref}", summary="One version (v2, 2, latest or a hash prefix).")
def one_version(ref: str, state: StateDep, _caller: Reader) -> dict[str, Any]:
    version = av.resolve_version(av.versions(state.engine), ref)
    signed = av.signatures_of(state.engine, version)
    return {
        **_version_json(version, source=True),
        "signatures": [
            {"email": s.email, "name": s.name, "signed_at": from_us(s.signed_us).isoformat()}
            for s in signed
        ],
    }


@router.get("/diff", summary="What changed between two versions, section by section.")
def version_diff(
    state: StateDep,
    _caller: Reader,
    old: Annotated[str, Query(alias="from", max_length=80)],
    new: Annotated[str, Query(alias="to", max_length=80)],
) -> dict[str, Any]:
    before, after, changes = av.changes_between(state.engine, old, new)
    return {
        "from": _version_json(before),
        "to": _version_json(after),
        "changes": [av.change_to_json(c) for c in changes],
    }


@router.post(
    "/versions",
    status_code=status.HTTP_201_CREATED,
    summary="Publish an agreement file as a new version (200 when it is the latest already).",
)
def publish(
    body: PublishBody,
    response: Response,
    state: StateDep,
    caller: Annotated[Principal, Depends(allowed(Permission.PUBLISH_AGREEMENT))],
) -> dict[str, Any]:
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
    return {
        **_version_json(result.version),
        "created": result.created,
        "changes": [av.change_to_json(c) for c in result.changes],
    }


@router.post(
    "/signatures",
    status_code=status.HTTP_201_CREATED,
    summary="Sign the latest version as the member the token acts for.",
)
def sign(
    body: SignBody,
    state: StateDep,
    caller: Annotated[Principal, Depends(allowed(Permission.SIGN_AGREEMENT))],
) -> dict[str, Any]:
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
    return {
        "version": _version_json(signed.version),
        "email": signed.signatory.email,
        "name": signed.signatory.name,
        "signed_at": from_us(signed.signed_us).isoformat(),
        "in_force": signed.in_force,
    }
