"""Routes through which the teams write their own records: marketing hands a lead over to
sales (the clock starts), sales records a first touch (the clock stops).

Both go through the same path as the webhooks (:func:`revpact.services.events.receive`): the
record is stored once as an event (source ``api``), so a retried request changes nothing, and
the lead is updated under the same rules. A request may carry an ``Idempotency-Key`` header; a
repeat with the same key is acknowledged and ignored. A sales token that acts for a member may
record touches only on that member's leads.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, HTTPException, status
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sqlalchemy import Engine

from revpact import services
from revpact.api.deps import AgreementDep, StateDep, allowed
from revpact.domain.agreement import Agreement
from revpact.domain.roles import Permission, Role
from revpact.errors import RevpactError
from revpact.ingest.events import EventsError, parse_events
from revpact.services.events import receive, report_to_json
from revpact.services.tokens import Principal
from revpact.store.events import EventRepository

__all__ = ["router"]

router = APIRouter(tags=["leads"])

Text = Annotated[str, Field(min_length=1, max_length=200)]
IdempotencyKey = Annotated[
    str | None,
    Header(
        max_length=200,
        description="Any text unique to this record; a repeat with the same key changes nothing.",
    ),
]
_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such lead."},
    422: {"description": "The record is not valid; `detail` names each field and value."},
}


class LeadHandOver(BaseModel):
    """A lead marketing hands over to sales; the clock starts at ``notified_at`` (now)."""

    model_config = ConfigDict(extra="forbid")

    lead_id: Text
    lead_type: Text
    stage: Text = "late"
    requested_follow_up: bool = True
    owner: Text | None = None
    created_at: AwareDatetime | None = None
    notified_at: AwareDatetime | None = None
    attributes: dict[Text, Annotated[str, Field(max_length=2000)]] = Field(default_factory=dict)


class Touch(BaseModel):
    """A first touch of a lead by a person (automated sequences are not touches)."""

    model_config = ConfigDict(extra="forbid")

    at: AwareDatetime | None = Field(default=None, description="When (default: now).")
    channel: Literal["call", "email", "meeting"]


@router.post(
    "/leads",
    status_code=status.HTTP_201_CREATED,
    summary="Marketing hands a lead over to sales: the follow-up clock starts.",
    responses=_ERRORS,
)
def hand_over(
    body: LeadHandOver,
    state: StateDep,
    agreement: AgreementDep,
    caller: Annotated[Principal, Depends(allowed(Permission.HAND_OVER_LEADS))],
    idempotency_key: IdempotencyKey = None,
) -> dict[str, Any]:
    now = state.now()
    notified = body.notified_at or now
    lead = body.model_dump(mode="json", exclude_none=True, exclude={"notified_at"})
    lead["notified_at"] = notified.isoformat()
    event = {
        "id": _key(caller, idempotency_key, "lead", body.model_dump_json()),
        "type": "lead.notified",
        "occurred_at": notified.isoformat(),
        "lead": lead,
    }
    report = _receive(state.engine, agreement, event, now)
    view = services.find_lead(state.engine, agreement, body.lead_id, as_of=max(now, notified))
    return {**report, "lead": services.lead_view_to_json(view)}


@router.post(
    "/leads/{lead_id}/touches",
    status_code=status.HTTP_201_CREATED,
    summary="Sales records a first touch of a lead: the follow-up clock stops.",
    responses={**_ERRORS, 403: {"description": "The lead belongs to another member."}},
)
def touch(
    lead_id: str,
    body: Touch,
    state: StateDep,
    agreement: AgreementDep,
    caller: Annotated[Principal, Depends(allowed(Permission.RECORD_TOUCHES))],
    idempotency_key: IdempotencyKey = None,
) -> dict[str, Any]:
    now = state.now()
    with state.engine.connect() as conn:
        stored = EventRepository(conn).lead(lead_id)
    if stored is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f'no lead "{lead_id}"')
    owner = stored.owner
    if caller.role is Role.SALES and caller.member and owner and owner != caller.member:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            detail=f'lead "{lead_id}" belongs to {owner}; {caller.member} records only '
            "touches of their own leads",
        )
    at = body.at or now
    event = {
        "id": _key(caller, idempotency_key, f"touch:{lead_id}", body.model_dump_json()),
        "type": "lead.touched",
        "occurred_at": at.isoformat(),
        "lead_id": lead_id,
        "channel": body.channel,
        "automated": False,
    }
    report = _receive(state.engine, agreement, event, now)
    view = services.find_lead(state.engine, agreement, lead_id, as_of=max(now, at))
    return {**report, "lead": services.lead_view_to_json(view)}


def _key(caller: Principal, idempotency_key: str | None, what: str, body: str) -> str:
    """The record's identity: the caller's key, else the body's hash (the same record twice
    is one record)."""
    digest = idempotency_key or hashlib.sha256(body.encode()).hexdigest()
    return f"token{caller.token_id}:{what}:{digest}"


def _receive(
    engine: Engine, agreement: Agreement, event: dict[str, Any], now: datetime
) -> dict[str, int]:
    try:
        events = parse_events(json.dumps(event).encode(), agreement)
    except EventsError as exc:
        detail = "; ".join(p.replace("event.lead.", "").replace("event.", "") for p in exc.problems)
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=detail) from None
    try:
        return report_to_json(receive(engine, agreement, "api", events, now))
    except RevpactError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(exc)) from None
