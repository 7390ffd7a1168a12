"""Read-only routes: health, leads, the sales floor's queue, the status and the scoreboard."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, status

from revpact import __version__, services
from revpact.domain.clock.sla import LeadStatus
from revpact.domain.roles import Permission
from revpact.errors import RevpactError
from revpact.server.api.responses import SIGNED_IN, problems
from revpact.server.deps import AgreementDep, AsOf, StateDep, allowed, as_of_or_now
from revpact.services.month_states import close_blocks
from revpact.services.public.leads import FollowUpSummaryPublic, LeadPublic, LeadsAsOf
from revpact.services.public.scoreboard_closes import ScoreboardAt
from revpact.services.tokens import Principal

__all__ = ["router"]

router = APIRouter()

Reader = Annotated[Principal, Depends(allowed(Permission.READ))]
Owner = Annotated[str | None, Query(max_length=320, description="Only this owner's leads.")]
Limit = Annotated[int | None, Query(ge=1, le=100_000, description="At most this many leads.")]


@router.get("/health", tags=["server"], summary="Liveness: the server is up (no token needed).")
def health() -> dict[str, str]:
    return {"status": "ok", "version": __version__}


@router.get(
    "/leads",
    tags=["leads"],
    summary="Leads and where each stands, in notified order.",
    response_model=LeadsAsOf,
    responses=problems(*SIGNED_IN),
)
def leads(
    state: StateDep,
    agreement: AgreementDep,
    _caller: Reader,
    as_of: AsOf = None,
    lead_status: Annotated[
        LeadStatus | None, Query(alias="status", description="Only leads with this status.")
    ] = None,
    owner: Owner = None,
    limit: Limit = 1000,
) -> LeadsAsOf:
    at = as_of_or_now(as_of, agreement, state.now())
    views = services.list_leads(
        state.engine, agreement, as_of=at, status=lead_status, owner=owner, limit=limit
    )
    return LeadsAsOf.of(at, views)


@router.get(
    "/leads/queue",
    tags=["leads"],
    summary="The sales floor's queue: open and at-risk leads, least time left first.",
    response_model=LeadsAsOf,
    responses=problems(*SIGNED_IN),
)
def queue(
    state: StateDep,
    agreement: AgreementDep,
    _caller: Reader,
    as_of: AsOf = None,
    owner: Owner = None,
    limit: Limit = 500,
) -> LeadsAsOf:
    at = as_of_or_now(as_of, agreement, state.now())
    views = services.lead_queue(state.engine, agreement, as_of=at, owner=owner, limit=limit)
    return LeadsAsOf.of(at, views)


@router.get(
    "/leads/{lead_id}",
    tags=["leads"],
    summary="One lead as of a moment.",
    response_model=LeadPublic,
    responses=problems(*SIGNED_IN, notes={404: "No such lead as of that moment."}),
)
def lead(
    lead_id: str,
    state: StateDep,
    agreement: AgreementDep,
    _caller: Reader,
    as_of: AsOf = None,
) -> LeadPublic:
    at = as_of_or_now(as_of, agreement, state.now())
    try:
        view = services.find_lead(state.engine, agreement, lead_id, as_of=at)
    except RevpactError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(exc)) from None
    return LeadPublic.of(view)


@router.get(
    "/status",
    tags=["scoreboard"],
    summary="The follow-up SLA as of a moment: counts, compliance, response times, per owner.",
    response_model=FollowUpSummaryPublic,
    responses=problems(*SIGNED_IN),
)
def follow_up_status(
    state: StateDep, agreement: AgreementDep, _caller: Reader, as_of: AsOf = None
) -> FollowUpSummaryPublic:
    at = as_of_or_now(as_of, agreement, state.now())
    return FollowUpSummaryPublic.of(services.follow_up_summary(state.engine, agreement, as_of=at))


@router.get(
    "/scoreboard",
    tags=["scoreboard"],
    summary="Every goal of the agreement, month by month, up to the month of a moment.",
    response_model=ScoreboardAt,
    responses=problems(
        401, 403, notes={422: "Not a moment, or one before the agreement's period."}
    ),
)
def scoreboard(
    state: StateDep, agreement: AgreementDep, _caller: Reader, as_of: AsOf = None
) -> ScoreboardAt:
    at = as_of_or_now(as_of, agreement, state.now())
    try:
        board = services.year_scoreboard(state.engine, agreement, as_of=at)
    except RevpactError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(exc)) from None
    return ScoreboardAt.of(at, board, close_blocks(state.engine, agreement, as_of=at))
