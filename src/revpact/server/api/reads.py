"""Read-only routes: health, leads, the sales floor's queue, the status and the scoreboard."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, status

from revpact import __version__, services
from revpact.domain.clock.sla import LeadStatus
from revpact.domain.roles import Permission
from revpact.domain.scoreboard.year import year_to_json
from revpact.errors import RevpactError
from revpact.server.deps import AgreementDep, StateDep, allowed, as_of_or_now
from revpact.services.month_states import with_closes
from revpact.services.tokens import Principal

__all__ = ["router"]

router = APIRouter()

Reader = Annotated[Principal, Depends(allowed(Permission.READ))]
AsOf = Annotated[
    datetime | None,
    Query(
        description="Evaluate as of this ISO 8601 moment (no offset: the calendar's zone). "
        "Default: now."
    ),
]
Owner = Annotated[str | None, Query(max_length=320, description="Only this owner's leads.")]
Limit = Annotated[int | None, Query(ge=1, le=100_000, description="At most this many leads.")]


@router.get("/health", tags=["server"], summary="Liveness: the server is up (no token needed).")
def health() -> dict[str, str]:
    return {"status": "ok", "version": __version__}


@router.get("/leads", tags=["leads"], summary="Leads and where each stands, in notified order.")
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
) -> dict[str, Any]:
    at = as_of_or_now(as_of, agreement, state.now())
    views = services.list_leads(
        state.engine, agreement, as_of=at, status=lead_status, owner=owner, limit=limit
    )
    return {"as_of": at.isoformat(), "leads": [services.lead_view_to_json(v) for v in views]}


@router.get(
    "/leads/queue",
    tags=["leads"],
    summary="The sales floor's queue: open and at-risk leads, least time left first.",
)
def queue(
    state: StateDep,
    agreement: AgreementDep,
    _caller: Reader,
    as_of: AsOf = None,
    owner: Owner = None,
    limit: Limit = 500,
) -> dict[str, Any]:
    at = as_of_or_now(as_of, agreement, state.now())
    views = services.lead_queue(state.engine, agreement, as_of=at, owner=owner, limit=limit)
    return {"as_of": at.isoformat(), "leads": [services.lead_view_to_json(v) for v in views]}


@router.get(
    "/leads/{lead_id}",
    tags=["leads"],
    summary="One lead as of a moment.",
    responses={404: {"description": "No such lead as of that moment."}},
)
def lead(
    lead_id: str,
    state: StateDep,
    agreement: AgreementDep,
    _caller: Reader,
    as_of: AsOf = None,
) -> dict[str, Any]:
    at = as_of_or_now(as_of, agreement, state.now())
    try:
        view = services.find_lead(state.engine, agreement, lead_id, as_of=at)
    except RevpactError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(exc)) from None
    return services.lead_view_to_json(view)


@router.get(
    "/status",
    tags=["scoreboard"],
    summary="The follow-up SLA as of a moment: counts, compliance, response times, per owner.",
)
def follow_up_status(
    state: StateDep, agreement: AgreementDep, _caller: Reader, as_of: AsOf = None
) -> dict[str, object]:
    at = as_of_or_now(as_of, agreement, state.now())
    return services.summary_to_json(services.follow_up_summary(state.engine, agreement, as_of=at))


@router.get(
    "/scoreboard",
    tags=["scoreboard"],
    summary="Every goal of the agreement, month by month, up to the month of a moment.",
    responses={422: {"description": "The moment is before the agreement's period."}},
)
def scoreboard(
    state: StateDep, agreement: AgreementDep, _caller: Reader, as_of: AsOf = None
) -> dict[str, Any]:
    at = as_of_or_now(as_of, agreement, state.now())
    try:
        board = services.year_scoreboard(state.engine, agreement, as_of=at)
    except RevpactError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(exc)) from None
    data = with_closes(state.engine, agreement, year_to_json(board), as_of=at)
    return {"as_of": at.isoformat(), **data}
