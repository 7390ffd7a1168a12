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
from revpact.server.api.responses import SIGNED_IN, WRITE, problems
from revpact.server.deps import AgreementDep, AsOf, StateDep, allowed, as_of_or_now
from revpact.services.month_close import close_month, may_close, reopen_month
from revpact.services.month_states import month_states
from revpact.services.public.months import MonthClosePublic, MonthStatesPublic
from revpact.services.tokens import Principal

__all__ = ["router"]

router = APIRouter(tags=["months"])

Reader = Annotated[Principal, Depends(allowed(Permission.READ))]
Month = Annotated[
    str,
    Path(
        max_length=7,
        description="The month, YYYY-MM (e.g. 2020-09).",
        json_schema_extra={"pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$"},
    ),
]
_ANSWERS: dict[int | str, dict[str, Any]] = problems(
    *WRITE,
    notes={
        403: "The token's role, or its member, may not close months.",
        409: "Refused by the rules of month close; `detail` says why and what to do.",
        422: "Not a month (YYYY-MM), or no reason given.",
    },
)


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


def _check_member(state: StateDep, agreement: AgreementDep, caller: Principal) -> None:
    problem = may_close(state.engine, agreement, caller.member, at=state.now())
    if problem is not None:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=problem)


@router.get(
    "/months",
    summary="Every month of the period: its close state and restatements.",
    response_model=MonthStatesPublic,
    responses=problems(*SIGNED_IN),
)
def months(
    state: StateDep, agreement: AgreementDep, _caller: Reader, as_of: AsOf = None
) -> MonthStatesPublic:
    at = as_of_or_now(as_of, agreement, state.now())
    return MonthStatesPublic.of(at, month_states(state.engine, agreement, as_of_us=to_us(at)))


@router.post(
    "/months/{month}/close",
    status_code=status.HTTP_201_CREATED,
    summary="Close an ended month as the token's member: its figures are frozen.",
    response_model=MonthClosePublic,
    responses=_ANSWERS,
)
def close(
    month: Month, state: StateDep, agreement: AgreementDep, caller: Closer
) -> MonthClosePublic:
    _check_member(state, agreement, caller)
    closed = close_month(
        state.engine,
        agreement,
        month,
        by=str(caller.member),
        now=state.now(),
        via=f"token:{caller.token_id}",
    )
    return MonthClosePublic.of(closed)


@router.post(
    "/months/{month}/reopen",
    status_code=status.HTTP_201_CREATED,
    summary="Reopen a closed month as the token's member, saying why.",
    response_model=MonthClosePublic,
    responses=_ANSWERS,
)
def reopen(
    month: Month, body: ReopenIn, state: StateDep, agreement: AgreementDep, caller: Closer
) -> MonthClosePublic:
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
    return MonthClosePublic.of(opened)
