"""Feedback between the teams over HTTP: read it, raise it, answer it.

A marketing token raises feedback from marketing and a sales token from sales; an admin token
says which team (``from_team``). Only the team an item was raised for answers it (an admin
token says ``team``). The records are dated by the server's clock and carry the token's
member as ``raised_by`` / ``answered_by``. Items and answers are never edited: there is no
PUT, PATCH or DELETE.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, status
from pydantic import BaseModel, ConfigDict, Field

from revpact.domain.agreement.model import FeedbackTopic, Side
from revpact.domain.clock.moments import in_zone
from revpact.domain.feedback import MAX_TEXT
from revpact.domain.roles import Permission, Role
from revpact.server.api.responses import SIGNED_IN, WRITE, problems
from revpact.server.deps import AgreementDep, AsOf, StateDep, allowed, as_of_or_now
from revpact.server.safe_types import IsoMoment
from revpact.services.feedback import (
    FeedbackState,
    add_feedback,
    answer_feedback,
    get_feedback,
    list_feedback,
    recipient_of,
)
from revpact.services.public.feedback import FeedbackListPublic, FeedbackPublic
from revpact.services.tokens import Principal

__all__ = ["ERRORS", "RecordId", "caller_side", "router"]

router = APIRouter(tags=["feedback"])

Reader = Annotated[Principal, Depends(allowed(Permission.READ))]
Giver = Annotated[Principal, Depends(allowed(Permission.GIVE_FEEDBACK))]
RecordId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The record's id.")]
FeedbackText = Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]

ERRORS: dict[int | str, dict[str, Any]] = problems(*WRITE, 404, 409)
"""What a write about a feedback item or a dispute can answer besides its success."""
_READ_ONE: dict[int | str, dict[str, Any]] = problems(*SIGNED_IN, 404)
_SIDE = {Role.MARKETING: Side.MARKETING, Role.SALES: Side.SALES}


def caller_side(caller: Principal, named: Side | None, field: str, what: str) -> Side:
    """The team a caller acts for: its role's team (naming another is 403), else — an admin
    or executive token — the team it names in ``field`` (required)."""
    own = _SIDE.get(caller.role)
    if own is not None:
        if named is not None and named is not own:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                detail=f"a {caller.role.value} token {what} for {own.value} only, not "
                f"{field} {named.value}",
            )
        return own
    if named is None:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            detail=f"a {caller.role.value} token acts for no team; say which in {field} "
            "(marketing or sales)",
        )
    return named


class FeedbackIn(BaseModel):
    """Feedback one team raises for the other; due within the agreement's window after the
    event it is about."""

    model_config = ConfigDict(extra="forbid")

    topic: FeedbackTopic
    text: FeedbackText
    event_at: IsoMoment | None = Field(
        default=None,
        description="When the event the feedback is about happened (ISO 8601; no offset: the "
        "calendar's zone); it is due within the agreement's window after it. Not later than "
        "now. Default: now.",
    )
    from_team: Side | None = Field(
        default=None, description="The token's team; an admin token must say it."
    )
    to_team: Side | None = Field(default=None, description="Default: the other team.")


class AnswerIn(BaseModel):
    """The answer to a feedback item, given once by the team it was raised for."""

    model_config = ConfigDict(extra="forbid")

    text: FeedbackText
    team: Side | None = Field(
        default=None, description="The answering team: the token's; an admin token must say it."
    )


@router.get(
    "/feedback",
    summary="Feedback raised by as_of, oldest first, with its state.",
    responses=problems(*SIGNED_IN),
)
def feedback_list(
    state: StateDep,
    agreement: AgreementDep,
    _caller: Reader,
    as_of: AsOf = None,
    states: Annotated[
        list[FeedbackState] | None,
        Query(alias="state", description="Only items in these states (repeatable)."),
    ] = None,
) -> FeedbackListPublic:
    at = as_of_or_now(as_of, agreement, state.now())
    views = list_feedback(state.engine, as_of=at, states=states or None)
    return FeedbackListPublic.of(at, views)


@router.get(
    "/feedback/{feedback_id}", summary="One feedback item as of as_of.", responses=_READ_ONE
)
def feedback_one(
    feedback_id: RecordId,
    state: StateDep,
    agreement: AgreementDep,
    _caller: Reader,
    as_of: AsOf = None,
) -> FeedbackPublic:
    at = as_of_or_now(as_of, agreement, state.now())
    view = get_feedback(state.engine, feedback_id, as_of=at)
    return FeedbackPublic.of(view)


@router.post(
    "/feedback",
    status_code=status.HTTP_201_CREATED,
    summary="Raise feedback for the other team: due within the agreement's window.",
    responses={**ERRORS, 403: {"description": "The token raises for another team."}},
)
def feedback_raise(
    body: FeedbackIn, state: StateDep, agreement: AgreementDep, caller: Giver
) -> FeedbackPublic:
    source = caller_side(caller, body.from_team, "from_team", "raises feedback")
    target = body.to_team or (Side.SALES if source is Side.MARKETING else Side.MARKETING)
    now, zone = state.now(), agreement.calendar.timezone
    view = add_feedback(
        state.engine,
        agreement,
        from_team=source.value,
        to_team=target.value,
        topic=body.topic.value,
        text=body.text,
        by=caller.member,
        at=now,
        event_at=None if body.event_at is None else in_zone(body.event_at, zone, field=None),
        via=f"token:{caller.token_id}",
        now=now,
    )
    return FeedbackPublic.of(view)


@router.post(
    "/feedback/{feedback_id}/answer",
    status_code=status.HTTP_201_CREATED,
    summary="Answer a feedback item (once), as the team it was raised for.",
    responses={**ERRORS, 403: {"description": "The item was raised for the other team."}},
)
def feedback_answer(
    feedback_id: RecordId, body: AnswerIn, state: StateDep, caller: Giver
) -> FeedbackPublic:
    team = caller_side(caller, body.team, "team", "answers feedback")
    recipient = recipient_of(state.engine, feedback_id)
    if recipient != team.value:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            detail=f"feedback {feedback_id} was raised for {recipient}; only {recipient} "
            f"answers it, not {team.value}",
        )
    now = state.now()
    view = answer_feedback(
        state.engine,
        feedback_id,
        text=body.text,
        by=caller.member,
        at=now,
        via=f"token:{caller.token_id}",
        now=now,
    )
    return FeedbackPublic.of(view)
