"""Month close over HTTP: every month's state, and closing or reopening one.

Closing and reopening need the ``close_months`` grant (admin and executive tokens) and act as
the token's member, who must be a signatory allowed to close (a team leader or an executive of
the agreement in force): a token that acts for nobody, or for someone else, gets 403. The
moment is the server's clock; the rules are :mod:`revpact.services.month_close`'s.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, status
from pydantic import BaseModel, ConfigDict, Field

from revpact.domain.clock.calendar import to_us
from revpact.domain.roles import Permission
from revpact.server.api.reads import AsOf
from revpact.server.deps import AgreementDep, StateDep, allowed, as_of_or_now
from revpact.services.month_close import (
    MonthClose,
    close_month,
    may_close,
    month_close_to_json,
    reopen_month,
)
from revpact.services.month_states import month_states, month_status_to_json
from revpact.services.tokens import Principal

__all__ = ["router"]

router = APIRouter(tags=["months"])

Reader = Annotated[Principal, Depends(allowed(Permission.READ))]
Month = Annotated[str, Path(max_length=7, description="The month, YYYY-MM (e.g. 2020-09).")]
_ANSWERS: dict[int | str, dict[str, Any]] = {
    403: {"description": "The token's role, or its member, may not close months."},
    409: {"description": "Refused by the rules of month close; `detail` says why and what to do."},
    422: {"description": "Not a month (YYYY-MM), or no reason given."},
}


def _closer(
    caller: Annotated[Principal, Depends(allowed(Permission.CLOSE_MONTHS))],
) -> Principal:
    if caller.member is None:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            detail="this token acts for nobody; a team leader or executive closes months with "
            "their own token (revpact token create --member EMAIL)",
        )
    return caller


Closer = Annotated[Principal, Depends(_closer)]


class ReopenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000, description="Why the month is reopened.")


class MonthCloseOut(BaseModel):
    """A close or reopen as recorded."""

    month: str
    action: str
    at: str
    by: str
    version: str | None = Field(description="The agreement version the month is measured under.")
    facts_hash: str | None = Field(description="SHA-256 of the canonical JSON of its facts.")
    reason: str | None
    figures: dict[str, Any] | None = Field(description="The month's scoreboard when closed.")


def _out(record: MonthClose) -> MonthCloseOut:
    return MonthCloseOut.model_validate(month_close_to_json(record))


def _check_member(state: StateDep, agreement: AgreementDep, caller: Principal) -> None:
    problem = may_close(state.engine, agreement, caller.member, at=state.now())
    if problem is not None:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=problem)


@router.get("/months", summary="Every month of the period: its close state and restatements.")
def months(
    state: StateDep, agreement: AgreementDep, _caller: Reader, as_of: AsOf = None
) -> dict[str, Any]:
    at = as_of_or_now(as_of, agreement, state.now())
    found = month_states(state.engine, agreement, as_of_us=to_us(at))
    return {"as_of": at.isoformat(), "months": [month_status_to_json(s) for s in found]}


@router.post(
    "/months/{month}/close",
    status_code=status.HTTP_201_CREATED,
    summary="Close an ended month as the token's member: its figures are frozen.",
    responses=_ANSWERS,
)
def close(month: Month, state: StateDep, agreement: AgreementDep, caller: Closer) -> MonthCloseOut:
    _check_member(state, agreement, caller)
    closed = close_month(
        state.engine,
        agreement,
        month,
        by=str(caller.member),
        now=state.now(),
        via=f"token:{caller.token_id}",
    )
    return _out(closed)


@router.post(
    "/months/{month}/reopen",
    status_code=status.HTTP_201_CREATED,
    summary="Reopen a closed month as the token's member, saying why.",
    responses=_ANSWERS,
)
def reopen(
    month: Month, body: ReopenIn, state: StateDep, agreement: AgreementDep, caller: Closer
) -> MonthCloseOut:
    _check_member(state, agreement, caller)
    opened = reopen_month(
        state.engine,
        agreement,
        month,
        by=str(caller.member),
        reason=body.reason,
        now=state.now(),
        via=f"token:{caller.token_id}",
    )
    return _out(opened)
