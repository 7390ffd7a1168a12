"""The meeting rhythm over HTTP: the schedule with each meeting's compliance, the next agenda,
the records of meetings held (read and append — never change), and the calendar file.

Errors: a meeting, record or occurrence that does not exist is 404, what the agreement's rules
forbid (a meeting held in the future, correcting a corrected record) 409, any other problem
with the request 422; ``detail`` says what is wrong.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from revpact.domain.roles import Permission
from revpact.server.api.responses import SIGNED_IN, WRITE, problems
from revpact.server.deps import AgreementDep, AsOf, StateDep, allowed, as_of_or_now
from revpact.server.safe_types import AwareMoment
from revpact.services import meetings as service
from revpact.services.public.meetings import (
    AgendaPublic,
    MeetingRecordsPublic,
    MeetingsPublic,
    RecordedMeetingPublic,
)
from revpact.services.tokens import Principal

__all__ = ["router"]

router = APIRouter(tags=["meetings"])

Reader = Annotated[Principal, Depends(allowed(Permission.READ))]
Recorder = Annotated[Principal, Depends(allowed(Permission.RECORD_MEETINGS))]
Kind = Annotated[
    str | None,
    Query(max_length=100, description="weekly, monthly or a meeting id (default: every meeting)."),
]
_ERRORS: dict[int | str, dict[str, Any]] = problems(
    *WRITE, 409, notes={404: "No such meeting, record or next occurrence."}
)
_YEARS = range(1900, 9000)


def _in_range(at: datetime, what: str) -> datetime:
    if at.year not in _YEARS:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            detail=f"{what} {at.isoformat()} is out of range (years {_YEARS[0]}..{_YEARS[-1]})",
        )
    return at


@router.get(
    "/meetings",
    summary="The meetings of the agreement: rule, invitees, next occurrences and compliance.",
    responses=_ERRORS,
)
def meetings(
    state: StateDep,
    agreement: AgreementDep,
    _caller: Reader,
    as_of: AsOf = None,
    kind: Kind = None,
    count: Annotated[
        int, Query(ge=1, le=500, description="Upcoming occurrences per meeting.")
    ] = 10,
) -> MeetingsPublic:
    at = _in_range(as_of_or_now(as_of, agreement, state.now()), "as_of")
    found = service.schedule(state.engine, agreement, as_of=at, kind=kind, count=count)
    report = service.compliance_report(state.engine, agreement, as_of=at, kind=kind)
    return MeetingsPublic.of(found, report)


@router.get(
    "/meetings.ics",
    summary="The meeting series as an iCalendar file (text/calendar) to import or subscribe to.",
    response_class=Response,
    responses={
        200: {"content": {"text/calendar": {}}, "description": "The calendar file."},
        **_ERRORS,
    },
)
def meetings_ics(
    state: StateDep,
    agreement: AgreementDep,
    _caller: Reader,
    as_of: AsOf = None,
    kind: Kind = None,
) -> Response:
    at = _in_range(as_of_or_now(as_of, agreement, state.now()), "as_of")
    data = service.schedule_ics(state.engine, agreement, as_of=at, now=state.now(), kind=kind)
    return Response(
        content=data,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="meetings.ics"'},
    )


@router.get(
    "/meetings/agenda",
    summary="The next meeting's agenda with the data each item needs.",
    responses=_ERRORS,
)
def agenda(
    state: StateDep,
    agreement: AgreementDep,
    _caller: Reader,
    kind: Annotated[
        str, Query(min_length=1, max_length=100, description="weekly, monthly or a meeting id.")
    ],
    as_of: AsOf = None,
) -> AgendaPublic:
    at = _in_range(as_of_or_now(as_of, agreement, state.now()), "as_of")
    found = service.next_agenda(state.engine, agreement, kind=kind, as_of=at)
    return AgendaPublic.of(found)


@router.get(
    "/meetings/records",
    summary="The meetings held, as recorded, oldest first.",
    responses=problems(*SIGNED_IN),
)
def records(
    state: StateDep,
    _caller: Reader,
    kind: Kind = None,
    include_superseded: Annotated[
        bool, Query(alias="all", description="Include records a correction superseded.")
    ] = False,
) -> MeetingRecordsPublic:
    found = service.list_records(state.engine, kind=kind, current_only=not include_superseded)
    return MeetingRecordsPublic.of(found)


class MeetingHeld(BaseModel):
    """A meeting that was held, with the parts of its notes (``minutes``): for a weekly
    meeting ``what_worked``, ``what_did_not_work`` and ``improvements``; for a monthly one
    ``marketing_plan``, ``sales_plan`` and ``kpis``."""

    model_config = ConfigDict(extra="forbid")

    kind: str = Field(min_length=1, max_length=100, description="weekly, monthly or an id.")
    held_at: AwareMoment
    attendees: list[Annotated[str, Field(min_length=1, max_length=320)]] = Field(
        min_length=1, max_length=500, description="Signatories' e-mails."
    )
    duration_minutes: int = Field(
        ge=1,
        le=24 * 60,
        description="How long it lasted. It counts as held when it lasted the agreed length "
        "with the roles the agreement lists.",
    )
    minutes: dict[
        Annotated[str, Field(max_length=100)], Annotated[str, Field(max_length=100_000)]
    ] = Field(max_length=20)
    supersedes: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="The id of the record this corrects."
    )


@router.post(
    "/meetings/records",
    status_code=status.HTTP_201_CREATED,
    summary="Record a meeting held (a correction is a new record that supersedes one).",
    responses=_ERRORS,
)
def record(
    body: MeetingHeld,
    state: StateDep,
    agreement: AgreementDep,
    caller: Recorder,
) -> RecordedMeetingPublic:
    held_at = _in_range(body.held_at, "held_at")
    saved = service.record_meeting(
        state.engine,
        agreement,
        kind=body.kind,
        held_at=held_at,
        attendees=body.attendees,
        minutes=body.minutes,
        duration=body.duration_minutes * 60,
        by=caller.member,
        supersedes=body.supersedes,
        now=state.now(),
        via=f"token:{caller.token_id}",
    )
    return RecordedMeetingPublic.of(saved)
