"""The agenda of the next meeting: when, who, its items, and the data each item needs — for a
weekly meeting the week before against the goals, its missed follow-up deadlines and the open
escalation actions; for a monthly one last month's goals, the coming month's targets and the
teams' 30-day plans.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from revpact.domain.agreement.model import Agreement, Cadence, Meeting, Signatory
from revpact.domain.meetings import (
    NOTES_PARTS,
    MonthTargets,
    attendees_of,
    local_day,
    month_targets,
    next_occurrence,
    the_meeting,
    unit_bounds,
)
from revpact.domain.scoreboard.facts import month_end
from revpact.errors import NotFoundError
from revpact.services.accountability import ActionItem, list_actions, sync_escalation
from revpact.services.agreement_versions import governing_timeline
from revpact.services.feedback import FeedbackState, FeedbackView, list_feedback
from revpact.services.meetings.figures import (
    Scorecard,
    WeekFollowUp,
    month_of,
    month_scorecard,
    period_follow_up,
    start_of,
)
from revpact.services.meetings.records import list_records

__all__ = [
    "Agenda",
    "MonthlyReview",
    "PlanSlot",
    "WeeklyReview",
    "next_agenda",
]

_US = timedelta(microseconds=1)


@dataclass(frozen=True)
class WeeklyReview:
    """What the weekly meeting reviews: the ISO week before it."""

    week: str
    first_day: date
    last_day: date
    complete: bool  # the week was over at as_of
    scorecard: Scorecard | None  # month to date, as of the week's end (or as_of)
    follow_up: WeekFollowUp


@dataclass(frozen=True)
class PlanSlot:
    """A team's 30-day plan, to be written at the meeting; ``previous`` is the plan the team
    gave at the meeting before (to review)."""

    team: str
    heading: str
    previous: str | None
    previous_held_at: datetime | None


@dataclass(frozen=True)
class MonthlyReview:
    """What the monthly meeting reviews: last month's KPIs and goals of both teams, and what
    the coming month is expected to bring."""

    month: date  # last month
    scorecard: Scorecard | None
    coming: MonthTargets | None  # the targets of the meeting's month
    plans: tuple[PlanSlot, ...]


@dataclass(frozen=True)
class Agenda:
    """The next meeting: when, who, its agenda items, and the data each item needs."""

    as_of: datetime
    meeting: Meeting
    version: str
    timezone: str
    starts_at: datetime
    ends_at: datetime
    attendees: tuple[Signatory, ...]
    items: tuple[str, ...]
    notes_headings: tuple[str, ...]
    weekly: WeeklyReview | None
    monthly: MonthlyReview | None
    feedback: tuple[FeedbackView, ...] | None  # None: feedback is discussed at another meeting
    actions: tuple[ActionItem, ...] | None  # open escalation actions (weekly meetings)


def _feedback_here(agreement: Agreement, meeting: Meeting) -> bool:
    """Feedback is discussed at the meeting ``discussed_at`` names, else at the weekly ones."""
    named = agreement.communication.feedback.discussed_at
    return meeting.id == named if named is not None else meeting.cadence is Cadence.WEEKLY


def _open_actions(engine: Engine, agreement: Agreement, as_of: datetime) -> tuple[ActionItem, ...]:
    today = local_day(as_of, agreement.calendar.timezone)
    if today >= agreement.period.start:
        sync_escalation(engine, agreement, as_of=as_of)
    return tuple(
        a
        for a in list_actions(engine)
        if month_end(a.month) < today and (a.done_at is None or a.done_at > as_of)
    )


def _previous_plans(
    engine: Engine, agreement: Agreement, meeting: Meeting, before: datetime, as_of: datetime
) -> tuple[PlanSlot, ...]:
    records = list_records(engine, kind=meeting.id, current_only=True, as_of=as_of)
    held = [r for r in records if r.held_at < before]
    last = held[-1] if held else None
    parts = [p for p in NOTES_PARTS[Cadence.MONTHLY] if p.key.endswith("_plan")]
    return tuple(
        PlanSlot(
            team=part.key.removesuffix("_plan"),
            heading=part.heading_pl if agreement.language == "pl" else part.heading,
            previous=None if last is None else last.minutes.get(part.key),
            previous_held_at=None if last is None else last.held_at,
        )
        for part in parts
    )


def next_agenda(engine: Engine, file_agreement: Agreement, *, kind: str, as_of: datetime) -> Agenda:
    """The agenda of the next meeting ``kind`` names after ``as_of``.

    Weekly: the results of the ISO week before the meeting against the goals (month to date),
    the follow-up deadlines missed in that week by owner, and the open escalation actions.
    Monthly: last month's KPIs and goals of both teams, the coming month's targets and the
    two 30-day plans. Open and overdue feedback goes to the meeting where it is discussed.
    """
    in_force = governing_timeline(engine, file_agreement).at(as_of)
    agreement = in_force.agreement
    meeting = the_meeting(agreement.meetings, kind)
    period = agreement.period
    occurrence = next_occurrence(meeting, agreement.calendar, period.start, period.end, after=as_of)
    if occurrence is None:
        why = (
            "it has no weekday: and time: in the agreement"
            if meeting.weekday is None or meeting.time is None
            else f"the agreement's period ends on {period.end}"
        )
        raise NotFoundError(f"no {meeting.id} meeting after {as_of.isoformat()}: {why}")
    zone = ZoneInfo(agreement.calendar.timezone)
    weekly = monthly = None
    if meeting.cadence is Cadence.WEEKLY:
        first_day, last_day = unit_bounds(Cadence.WEEKLY, occurrence.day - timedelta(days=7))
        start, end = start_of(first_day, zone), start_of(last_day + timedelta(days=1), zone)
        at = min(as_of, end - _US)
        iso = first_day.isocalendar()
        weekly = WeeklyReview(
            week=f"{iso.year}-W{iso.week:02d}",
            first_day=first_day,
            last_day=last_day,
            complete=as_of >= end,
            scorecard=month_scorecard(engine, file_agreement, month_of(at, zone), at),
            follow_up=period_follow_up(engine, file_agreement, start, end, at),
        )
    else:
        last_month = (occurrence.day.replace(day=1) - timedelta(days=1)).replace(day=1)
        monthly = MonthlyReview(
            month=last_month,
            scorecard=month_scorecard(engine, file_agreement, last_month, as_of),
            coming=month_targets(agreement, occurrence.day),
            plans=_previous_plans(engine, agreement, meeting, occurrence.start, as_of),
        )
    feedback = None
    if _feedback_here(agreement, meeting):
        states = {FeedbackState.OPEN, FeedbackState.OVERDUE}
        feedback = tuple(list_feedback(engine, as_of=as_of, states=states))
    actions = (
        _open_actions(engine, file_agreement, as_of) if meeting.cadence is Cadence.WEEKLY else None
    )
    language = agreement.language
    return Agenda(
        as_of=as_of,
        meeting=meeting,
        version=in_force.label,
        timezone=agreement.calendar.timezone,
        starts_at=occurrence.start,
        ends_at=occurrence.end,
        attendees=attendees_of(agreement, meeting),
        items=meeting.agenda,
        notes_headings=tuple(
            p.heading_pl if language == "pl" else p.heading for p in NOTES_PARTS[meeting.cadence]
        ),
        weekly=weekly,
        monthly=monthly,
        feedback=feedback,
        actions=actions,
    )
