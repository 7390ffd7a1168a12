"""Routes through which the teams write their own records: marketing hands a lead over to
sales (the clock starts), sales records a first touch (the clock stops).

Both go through the same path as the webhooks (:func:`revpact.services.events.receive`): the
record is stored once as an event (source ``api``), so a retried request changes nothing, and
the lead is updated under the same rules. A request may carry an ``Idempotency-Key`` header; a
repeat with the same key is acknowledged and ignored. A sales token that acts for a member may
record touches only on that member's leads.

Every write is recorded with who made it (the token's member, else ``token:<name>``) and when
(the server's clock), and audited. Marketing names a lead's owner when it hands the lead over
(or while nobody owns it); moving a lead someone owns to another owner needs the
``reassign_leads`` grant (admins), else 403. A claimed time more than a year outside the
agreement's period is refused (422, naming the field and value), and so is a touch or
notification claimed more than five minutes in the future. A touch or notification recorded
more than ``late_entry_after`` after the moment it claims is a late entry: the response says so,
and a late touch that would turn a breached lead into met counts only once approved
(``POST /leads/{lead_id}/touch/approve``, by a member with ``approve_corrections``). A first
touch before the notification is accepted and reported in ``warnings``.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Depends, Header, HTTPException, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Engine

from revpact import services
from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.calendar import from_us, to_us
from revpact.domain.roles import GRANTS, Permission, Role
from revpact.errors import RevpactError
from revpact.server.api.responses import WRITE, problems
from revpact.server.deps import AgreementDep, StateDep, allowed
from revpact.server.safe_types import AwareMoment, IdText, NameText, ValueText
from revpact.services.events import ReceiveReport
from revpact.services.late_entries import approve_touch
from revpact.services.public.events import LeadRecordedPublic
from revpact.services.public.leads import LeadApprovedPublic
from revpact.services.tokens import Principal
from revpact.services.webhook_intake import LeadRow, record_event, stored_lead

__all__ = ["router"]

router = APIRouter(tags=["leads"])

Text = NameText
IdempotencyKey = Annotated[
    str | None,
    Header(
        max_length=200,
        description="Any text unique to this record; a repeat with the same key changes nothing.",
    ),
]
FUTURE_SKEW: Final = timedelta(minutes=5)
"""How far in the future a claimed time may be (clocks of phones and laptops drift)."""
_ERRORS: dict[int | str, dict[str, Any]] = problems(
    *WRITE,
    notes={
        404: "No such lead.",
        409: "The lead was handed over already, and this would change what its clock depends on.",
    },
)


class LeadHandOver(BaseModel):
    """A lead marketing hands over to sales; the clock starts at ``notified_at`` (now)."""

    model_config = ConfigDict(extra="forbid")

    lead_id: IdText
    lead_type: Text
    stage: Text = "late"
    requested_follow_up: bool = True
    owner: Text | None = None
    created_at: AwareMoment | None = None
    notified_at: AwareMoment | None = None
    attributes: dict[Text, ValueText] = Field(default_factory=dict)


class Touch(BaseModel):
    """A first touch of a lead by a person (automated sequences are not touches)."""

    model_config = ConfigDict(extra="forbid")

    at: AwareMoment | None = Field(default=None, description="When (default: now).")
    channel: Literal["call", "email", "meeting"]


@router.post(
    "/leads",
    status_code=status.HTTP_201_CREATED,
    summary="Marketing hands a lead over to sales: the follow-up clock starts.",
    response_model=LeadRecordedPublic,
    responses=_ERRORS,
)
def hand_over(
    body: LeadHandOver,
    state: StateDep,
    agreement: AgreementDep,
    caller: Annotated[Principal, Depends(allowed(Permission.HAND_OVER_LEADS))],
    idempotency_key: IdempotencyKey = None,
) -> LeadRecordedPublic:
    now = state.now()
    notified = body.notified_at or now
    _not_future(now, notified_at=notified, created_at=body.created_at)
    stored = stored_lead(state.engine, body.lead_id)
    if (
        stored is not None
        and stored.owner
        and body.owner is not None
        and body.owner != stored.owner
        and Permission.REASSIGN_LEADS not in GRANTS[caller.role]
    ):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            detail=f'lead "{body.lead_id}" belongs to {stored.owner}; the {caller.role.value} '
            f"role names the owner only when handing a lead over (reassigning needs "
            f"{Permission.REASSIGN_LEADS.value})",
        )
    if stored is not None and stored.notified_us is not None:
        if body.notified_at is None:  # a repeat of the hand-over: it was notified back then
            notified = from_us(stored.notified_us)
        _refuse_rewriting_hand_over(stored, body, notified)
    lead = body.model_dump(mode="json", exclude_none=True, exclude={"notified_at"})
    lead["notified_at"] = notified.isoformat()
    event = {
        "id": _key(caller, idempotency_key, "lead", body.model_dump_json()),
        "type": "lead.notified",
        "occurred_at": notified.isoformat(),
        "lead": lead,
    }
    report = _receive(state.engine, agreement, event, now, caller)
    view = services.find_lead(state.engine, agreement, body.lead_id, as_of=max(now, notified))
    return _answer(report, view)


def _refuse_rewriting_hand_over(stored: LeadRow, body: LeadHandOver, notified: datetime) -> None:
    """A lead is handed over once: posting it again may repeat the hand-over (nothing changes)
    but not change what its clock depends on — when it was notified, whether it asked for
    follow-up, its type, stage or attributes — which would rewrite when things happened (a
    breached lead made excluded). Such changes come from the CRM's own records (an import),
    with their own times and in the audit trail."""
    changed = [
        name
        for name, before, after in (
            ("notified_at", stored.notified_us, to_us(notified)),
            ("requested_follow_up", stored.requested_follow_up, body.requested_follow_up),
            ("lead_type", stored.lead_type, body.lead_type),
            ("stage", stored.stage, body.stage),
            ("attributes", stored.attributes, {**stored.attributes, **body.attributes}),
        )
        if before != after
    ]
    if changed:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            detail=f'lead "{stored.lead_id}" was handed over at '
            f"{from_us(stored.notified_us or 0).isoformat()}; a hand-over is recorded once and "
            f"this one would change {', '.join(changed)} — changes come from the CRM's records "
            "(revpact import leads), with their own times",
        )


@router.post(
    "/leads/{lead_id}/touches",
    status_code=status.HTTP_201_CREATED,
    summary="Sales records a first touch of a lead: the follow-up clock stops.",
    response_model=LeadRecordedPublic,
    responses={**_ERRORS, 403: {"description": "The lead belongs to another member."}},
)
def touch(
    lead_id: str,
    body: Touch,
    state: StateDep,
    agreement: AgreementDep,
    caller: Annotated[Principal, Depends(allowed(Permission.RECORD_TOUCHES))],
    idempotency_key: IdempotencyKey = None,
) -> LeadRecordedPublic:
    now = state.now()
    stored = stored_lead(state.engine, lead_id)
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
    _not_future(now, at=at)
    event = {
        "id": _key(caller, idempotency_key, f"touch:{lead_id}", body.model_dump_json()),
        "type": "lead.touched",
        "occurred_at": at.isoformat(),
        "lead_id": lead_id,
        "channel": body.channel,
        "automated": False,
    }
    report = _receive(state.engine, agreement, event, now, caller)
    view = services.find_lead(state.engine, agreement, lead_id, as_of=max(now, at))
    return _answer(report, view)


@router.post(
    "/leads/{lead_id}/touch/approve",
    summary="A leader approves a late-entered first touch: it counts at the moment it claims.",
    response_model=LeadApprovedPublic,
    responses={
        **_ERRORS,
        403: {"description": "The token acts for nobody (an approval names who approves)."},
        409: {"description": "No touch of the lead awaits approval, or it is the approver's."},
    },
)
def approve(
    lead_id: str,
    state: StateDep,
    agreement: AgreementDep,
    caller: Annotated[Principal, Depends(allowed(Permission.APPROVE_CORRECTIONS))],
) -> LeadApprovedPublic:
    if not caller.member:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            detail=f'token "{caller.name}" acts for nobody; an approval is made by a member '
            "(create a token with --member)",
        )
    now = state.now()
    approve_touch(state.engine, lead_id, by=caller.member, via="api", now=now)
    view = services.find_lead(state.engine, agreement, lead_id, as_of=now)
    return LeadApprovedPublic.of(caller.member, view)


def _not_future(now: datetime, **claimed: datetime | None) -> None:
    """422 for a claimed time more than :data:`FUTURE_SKEW` after ``now``."""
    for name, moment in claimed.items():
        if moment is not None and moment > now + FUTURE_SKEW:
            raise HTTPException(
                status.HTTP_422_UNPROCESSABLE_CONTENT,
                detail=f"{name}: {moment.isoformat()} is in the future (now is "
                f"{now.isoformat()}); write when it happened",
            )


def _answer(report: ReceiveReport, view: services.LeadView) -> LeadRecordedPublic:
    """The counts, the late entries, warnings and the lead as it now stands."""
    warnings = []
    if (
        view.first_touch_at is not None
        and view.notified_at is not None
        and view.late_entry is None
        and view.first_touch_at < view.notified_at
    ) or (
        view.late_entry is not None
        and view.late_entry.touch_claimed_at is not None
        and view.notified_at is not None
        and view.late_entry.touch_claimed_at < view.notified_at
    ):
        warnings.append("the first touch is before the lead's notification")
    return LeadRecordedPublic.of(report, warnings, view)


def _key(caller: Principal, idempotency_key: str | None, what: str, body: str) -> str:
    """The record's identity: the caller's key, else the body's hash (the same record twice
    is one record)."""
    digest = idempotency_key or hashlib.sha256(body.encode()).hexdigest()
    return f"token{caller.token_id}:{what}:{digest}"


def _receive(
    engine: Engine,
    agreement: Agreement,
    event: dict[str, Any],
    now: datetime,
    caller: Principal,
) -> ReceiveReport:
    actor = caller.member or f"token:{caller.name}"
    try:
        return record_event(engine, agreement, event, now, actor=actor)
    except RevpactError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(exc)) from None
