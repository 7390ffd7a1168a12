"""Disputes over HTTP: open one, name representatives, record presentations, decide; hear a
decided dispute again.

Marketing and sales tokens act for their own team (naming a representative, recording a
presentation); executive and admin tokens say which team. Only a token acting for one of the
dispute's deciders (its member is on the panel, or is the sole arbiter) records a decision;
anyone else gets 403 naming who can. A decision is the whole panel's: the body lists every
decider who made it (``deciders``, the token's member among them); the token's member is
recorded as who entered it, and the audit trail names the token. A decision is superseded only
after a new hearing (``POST /disputes/{id}/hearings``). Records are dated by the server's clock
and never edited: there is no PUT, PATCH or DELETE, and no route for a single decision at all.
Reads take ``as_of``: a dispute as it stood then.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, ConfigDict, Field

from revpact.domain.agreement.model import Side
from revpact.domain.disputes import MAX_PRESENTATION_MINUTES
from revpact.domain.feedback import MAX_TEXT
from revpact.domain.roles import Permission
from revpact.server.api.feedback import ERRORS, RecordId, caller_side
from revpact.server.api.responses import SIGNED_IN, problems
from revpact.server.deps import AgreementDep, AsOf, StateDep, allowed, as_of_or_now
from revpact.services.disputes import (
    decide,
    get_dispute,
    list_disputes,
    name_representative,
    open_dispute,
    record_presentation,
    rehear,
)
from revpact.services.public.disputes import DisputeListPublic, DisputePublic
from revpact.services.tokens import Principal

__all__ = ["router"]

router = APIRouter(tags=["disputes"])

Reader = Annotated[Principal, Depends(allowed(Permission.READ))]
Opener = Annotated[Principal, Depends(allowed(Permission.OPEN_DISPUTES))]
Decider = Annotated[Principal, Depends(allowed(Permission.DECIDE_DISPUTES))]
LongText = Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
Email = Annotated[str, Field(min_length=3, max_length=320)]
_TEAM = "The team: the token's own; an executive or admin token must say it."


class DisputeIn(BaseModel):
    """A conflict taken to the panel (or the sole arbiter)."""

    model_config = ConfigDict(extra="forbid")

    topic: LongText
    raised_by: Email | None = Field(
        default=None, description="Who raises it: the token's member; else required."
    )


class RepresentativeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    member: Email = Field(description="The representative: a signatory of the team (e-mail).")
    team: Side | None = Field(default=None, description=_TEAM)


class PresentationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    minutes: int = Field(
        ge=1, le=MAX_PRESENTATION_MINUTES, description="How long it took (time-boxed)."
    )
    team: Side | None = Field(default=None, description=_TEAM)


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: LongText
    deciders: list[Email] = Field(
        default_factory=list,
        max_length=50,
        description="Every decider who made the decision — the whole panel, or the sole "
        "arbiter — the token's member among them (default: the token's member alone, which "
        "only a sole arbiter's decision is).",
    )
    supersedes: int | None = Field(
        default=None,
        ge=1,
        le=2**31 - 1,
        description="The id of the current decision this one replaces (after a new hearing).",
    )


class HearingIn(BaseModel):
    """A new hearing of a decided dispute: who attended and why it is heard again."""

    model_config = ConfigDict(extra="forbid")

    attendees: list[Email] = Field(min_length=1, max_length=50)
    reason: LongText


@router.get(
    "/disputes",
    summary="Every dispute, oldest first, with its stage and decisions.",
    responses=problems(*SIGNED_IN),
)
def disputes_list(
    state: StateDep, agreement: AgreementDep, _caller: Reader, as_of: AsOf = None
) -> DisputeListPublic:
    at = as_of_or_now(as_of, agreement, state.now())
    return DisputeListPublic.of(list_disputes(state.engine, as_of=at))


@router.get(
    "/disputes/{dispute_id}",
    summary="One dispute: terms, hearing and the chain of decisions.",
    responses=problems(*SIGNED_IN, 404),
)
def disputes_one(
    dispute_id: RecordId,
    state: StateDep,
    agreement: AgreementDep,
    _caller: Reader,
    as_of: AsOf = None,
) -> DisputePublic:
    at = as_of_or_now(as_of, agreement, state.now())
    return DisputePublic.of(get_dispute(state.engine, dispute_id, as_of=at))


@router.post(
    "/disputes",
    status_code=status.HTTP_201_CREATED,
    summary="Open a dispute; its deciders are the agreement's in force now.",
    responses={**ERRORS, 403: {"description": "raised_by is not the token's member."}},
)
def disputes_open(
    body: DisputeIn, state: StateDep, agreement: AgreementDep, caller: Opener
) -> DisputePublic:
    raised_by = caller.member or body.raised_by
    if caller.member and body.raised_by and body.raised_by.strip() != caller.member:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            detail=f"this token acts for {caller.member}; it cannot raise a dispute as "
            f"{body.raised_by}",
        )
    if raised_by is None:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            detail="this token acts for no member; say who raises it in raised_by",
        )
    now = state.now()
    dispute = open_dispute(
        state.engine,
        agreement,
        topic=body.topic,
        raised_by=raised_by,
        at=now,
        via=f"token:{caller.token_id}",
        now=now,
    )
    return DisputePublic.of(dispute)


@router.post(
    "/disputes/{dispute_id}/representatives",
    status_code=status.HTTP_201_CREATED,
    summary="A team names its representative (once).",
    responses={**ERRORS, 403: {"description": "The token names another team's."}},
)
def disputes_represent(
    dispute_id: RecordId,
    body: RepresentativeIn,
    state: StateDep,
    agreement: AgreementDep,
    caller: Opener,
) -> DisputePublic:
    team = caller_side(caller, body.team, "team", "names a representative")
    dispute = name_representative(
        state.engine,
        agreement,
        dispute_id,
        team=team.value,
        member=body.member,
        at=state.now(),
        via=f"token:{caller.token_id}",
        now=state.now(),
    )
    return DisputePublic.of(dispute)


@router.post(
    "/disputes/{dispute_id}/presentations",
    status_code=status.HTTP_201_CREATED,
    summary="Record a team's presentation and its length (an overrun is flagged).",
    responses={**ERRORS, 403: {"description": "The token records another team's."}},
)
def disputes_present(
    dispute_id: RecordId, body: PresentationIn, state: StateDep, caller: Opener
) -> DisputePublic:
    team = caller_side(caller, body.team, "team", "records a presentation")
    now = state.now()
    dispute = record_presentation(
        state.engine,
        dispute_id,
        team=team.value,
        minutes=body.minutes,
        at=now,
        via=f"token:{caller.token_id}",
        now=now,
    )
    return DisputePublic.of(dispute)


@router.post(
    "/disputes/{dispute_id}/hearings",
    status_code=status.HTTP_201_CREATED,
    summary="Record a new hearing of a decided dispute (the way to supersede its decision).",
    responses={**ERRORS, 403: {"description": "The token's member is not a decider."}},
)
def disputes_rehear(
    dispute_id: RecordId, body: HearingIn, state: StateDep, caller: Decider
) -> DisputePublic:
    now = state.now()
    dispute = rehear(
        state.engine,
        dispute_id,
        attendees=body.attendees,
        reason=body.reason,
        at=now,
        by=caller.member,
        via=f"token:{caller.token_id}",
        now=now,
    )
    return DisputePublic.of(dispute)


@router.post(
    "/disputes/{dispute_id}/decisions",
    status_code=status.HTTP_201_CREATED,
    summary="A decider records the binding decision; a later one supersedes the current.",
    responses={**ERRORS, 403: {"description": "The token's member is not a decider."}},
)
def disputes_decide(
    dispute_id: RecordId,
    body: DecisionIn,
    state: StateDep,
    agreement: AgreementDep,
    caller: Decider,
) -> DisputePublic:
    # A token acting for nobody names no decider: refused (403) whoever the body lists.
    member = caller.member
    deciders = (
        []
        if member is None
        else [member, *(d for d in body.deciders if d.strip().casefold() != member.casefold())]
    )
    now = state.now()
    dispute = decide(
        state.engine,
        agreement,
        dispute_id,
        decision=body.decision,
        by=deciders,
        supersedes=body.supersedes,
        at=now,
        via=f"token:{caller.token_id}",
        now=now,
    )
    return DisputePublic.of(dispute)
