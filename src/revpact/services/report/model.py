"""The meeting pack as a value: its period, and each of its parts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from revpact.domain.scoreboard.year import (
    CompanyGoalsStatus,
    LeadTypeValue,
    MonthScore,
    MonthVersion,
)
from revpact.services.accountability import ActionItem, WeekReport
from revpact.services.feedback import FeedbackView
from revpact.services.meetings import WeekFollowUp
from revpact.services.month_states import MonthStatus

__all__ = [
    "AgendaPart",
    "ClosePart",
    "EscalationPart",
    "FeedbackPart",
    "FollowUpPart",
    "GoalResult",
    "MeetingPack",
    "Move",
    "MovesPart",
    "Period",
    "ResultsPart",
]


# --- the value ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """The week or month a pack is for; ``end`` is exclusive (the next period's first moment)."""

    kind: str  # weekly or monthly
    label: str  # 2020-W52 or 2020-12
    first_day: date
    last_day: date
    start: datetime
    end: datetime
    as_of: datetime  # the last moment of the period, or now while it runs
    complete: bool


@dataclass(frozen=True)
class GoalResult:
    """One goal of the month: ``met`` None when there is nothing to measure yet."""

    key: str
    unit: str
    actual: Decimal | None
    target: Decimal
    met: bool | None


@dataclass(frozen=True)
class ResultsPart:
    """The month's results as of the pack's moment (the month to date while it runs)."""

    month: date
    as_of: datetime
    complete: bool  # the month was over by then
    version: MonthVersion | None
    goals: tuple[GoalResult, ...]
    company_goals: CompanyGoalsStatus
    lead_value_by_type: tuple[LeadTypeValue, ...]
    score: MonthScore
    revenue_by_month: tuple[tuple[date, Decimal | None, Decimal], ...]  # the year: actual, target


@dataclass(frozen=True)
class Move:
    """A figure then and now; ``better`` None when either is unknown or nothing changed."""

    key: str
    unit: str
    previous: Decimal | None
    current: Decimal | None
    change: Decimal | None
    better: bool | None


@dataclass(frozen=True)
class MovesPart:
    """This period's figures against the period before's.

    ``basis`` ``month``: the month's scoreboard figures against the previous month's.
    ``week``: what each week did on its own, as of its end — the amount of the deals won in
    it (revenue is recognised by month), the value of the leads created in it, the follow-up
    compliance of the leads notified in it, the close rate of the proposals decided in it and
    the mean cycle of the deals won in it.
    """

    basis: str  # week or month
    previous_label: str
    previous_as_of: datetime
    items: tuple[Move, ...]
    previous_by_type: tuple[LeadTypeValue, ...]
    current_by_type: tuple[LeadTypeValue, ...]


@dataclass(frozen=True)
class ClosePart:
    """Where the results' month stands in its close as of the pack's moment, with its pending
    restatement; ``version_number`` is the number of the agreement version it was closed under
    (None: not closed, or closed under the unpublished agreement file)."""

    status: MonthStatus
    version_number: int | None


FollowUpPart = WeekFollowUp
"""The leads notified in the period by status, and the deadlines missed in it by owner."""


@dataclass(frozen=True)
class FeedbackPart:
    """Lead-quality feedback: raised in the period, and every item still open or overdue."""

    raised: tuple[FeedbackView, ...]
    waiting: tuple[FeedbackView, ...]


@dataclass(frozen=True)
class EscalationPart:
    """The escalation ladder after the last finished month, its open actions and the SWAT
    report weeks due and not filed."""

    level: int
    since: date | None
    months_missed: int
    actions: tuple[ActionItem, ...]
    reports_due: tuple[WeekReport, ...]


@dataclass(frozen=True)
class AgendaPart:
    """The meeting the pack is for; ``starts_at`` None when none is scheduled after it."""

    meeting_id: str
    name: str
    starts_at: datetime | None
    ends_at: datetime | None
    attendees: tuple[str, ...]
    items: tuple[str, ...]
    version: str | None


@dataclass(frozen=True)
class MeetingPack:
    kind: str
    company: str
    title: str
    language: str
    currency: str
    timezone: str
    lead_types: tuple[tuple[str, str], ...]  # each lead type and how the agreement names it
    period: Period
    results: ResultsPart
    close: ClosePart
    moves: MovesPart | None  # None when the period is the agreement's first
    follow_up: FollowUpPart
    feedback: FeedbackPart
    escalation: EscalationPart
    agenda: AgendaPart | None  # None when the agreement has no such meeting
