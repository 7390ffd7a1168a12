"""The public shape of a meeting pack: money and ratios as exact Decimal strings, times ISO
8601. The documents (:mod:`revpact.render.pack`) are rendered from its JSON."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Self

from pydantic import Field

from revpact.domain.scoreboard.year import LeadTypeValue, MonthScore, MonthVersion
from revpact.services.month_states import MonthStatus, close_block
from revpact.services.public.common import Day, Exact, Moment, Public, month_key
from revpact.services.public.feedback import FeedbackPublic
from revpact.services.public.months import CloseBlock, RestatementPublic
from revpact.services.public.reviews import ActionPublic, FollowUpPublic
from revpact.services.public.scoreboard import AgreementVersionPublic, MonthFields
from revpact.services.report.model import (
    AgendaPart,
    EscalationPart,
    FeedbackPart,
    GoalResult,
    MeetingPack,
    Move,
    MovesPart,
    Period,
    ResultsPart,
)

__all__ = [
    "ClosedUnderPublic",
    "CompanyGoalsPublic",
    "GoalResultPublic",
    "LeadTypeValuePublic",
    "MovePublic",
    "MovesPublic",
    "PackAgendaPublic",
    "PackEscalationPublic",
    "PackFeedbackPublic",
    "PackMonthScore",
    "PackPeriodPublic",
    "PackPublic",
    "ResultsPublic",
    "RevenueMonthPublic",
]


def _version(version: MonthVersion | None) -> AgreementVersionPublic | None:
    if version is None:
        return None
    return AgreementVersionPublic(number=version.number, hash=version.hash)


class PackPeriodPublic(Public):
    """The week or month the pack is for; ``end`` is the next period's first moment."""

    label: str
    first_day: Day
    last_day: Day
    start: Moment
    end: Moment
    as_of: Moment
    complete: bool

    @classmethod
    def of(cls, period: Period) -> Self:
        return cls(
            label=period.label,
            first_day=period.first_day,
            last_day=period.last_day,
            start=period.start,
            end=period.end,
            as_of=period.as_of,
            complete=period.complete,
        )


class GoalResultPublic(Public):
    key: str
    unit: str
    actual: Exact | None
    target: Exact
    met: bool | None = Field(description="null: nothing to measure yet.")

    @classmethod
    def of(cls, goal: GoalResult) -> Self:
        return cls(
            key=goal.key, unit=goal.unit, actual=goal.actual, target=goal.target, met=goal.met
        )


class CompanyGoalsPublic(Public):
    goal1: bool | None
    goal2: bool | None
    goal3: bool | None
    shortfall: Exact
    surplus: Exact


class LeadTypeValuePublic(Public):
    lead_type: str
    count: int
    unit_value: Exact
    value: Exact

    @classmethod
    def of(cls, item: LeadTypeValue) -> Self:
        return cls(
            lead_type=item.lead_type, count=item.count, unit_value=item.unit_value, value=item.value
        )


def _by_type(items: Iterable[LeadTypeValue]) -> tuple[LeadTypeValuePublic, ...]:
    return tuple(LeadTypeValuePublic.of(i) for i in items)


class RevenueMonthPublic(Public):
    month: str
    actual: Exact | None
    target: Exact

    @classmethod
    def of(cls, month: date, actual: Decimal | None, target: Decimal) -> Self:
        return cls(month=month_key(month), actual=actual, target=target)


class PackMonthScore(MonthFields):
    """The results' month as the scoreboard shows it, with its close."""

    close: CloseBlock

    @classmethod
    def of(cls, score: MonthScore, close: CloseBlock) -> Self:
        return cls._with(score, close=close)


class ClosedUnderPublic(Public):
    """The agreement version a month was closed under: its hash, and its number (null: the
    hash names no published version)."""

    number: int | None
    hash: str


class ResultsPublic(Public):
    """The month's results as of the pack's moment, its close and its pending restatement."""

    month: str
    as_of: Moment
    complete: bool
    agreement_version: AgreementVersionPublic | None
    goals: tuple[GoalResultPublic, ...]
    company_goals: CompanyGoalsPublic
    lead_value_by_type: tuple[LeadTypeValuePublic, ...]
    revenue_by_month: tuple[RevenueMonthPublic, ...]
    month_score: PackMonthScore
    closed_under: ClosedUnderPublic | None = Field(
        description="The agreement version the month was closed under (null: not closed, or "
        "closed under the unpublished agreement file)."
    )
    restatement: RestatementPublic | None

    @classmethod
    def of(cls, results: ResultsPart, status: MonthStatus, closed_number: int | None) -> Self:
        goals = results.company_goals
        close = CloseBlock.model_validate(close_block(status))
        return cls(
            month=month_key(results.month),
            as_of=results.as_of,
            complete=results.complete,
            agreement_version=_version(results.version),
            goals=tuple(GoalResultPublic.of(g) for g in results.goals),
            company_goals=CompanyGoalsPublic(
                goal1=goals.goal1.met,
                goal2=goals.goal2.met,
                goal3=goals.goal3.met,
                shortfall=goals.shortfall,
                surplus=goals.surplus,
            ),
            lead_value_by_type=_by_type(results.lead_value_by_type),
            revenue_by_month=tuple(RevenueMonthPublic.of(*m) for m in results.revenue_by_month),
            month_score=PackMonthScore.of(results.score, close),
            closed_under=None
            if close.version is None
            else ClosedUnderPublic(number=closed_number, hash=close.version),
            restatement=None
            if status.restatement is None
            else RestatementPublic.of(status.restatement),
        )


class MovePublic(Public):
    """A figure then and now; ``better`` null when either is unknown or nothing changed."""

    key: str
    unit: str
    previous: Exact | None
    current: Exact | None
    change: Exact | None
    better: bool | None

    @classmethod
    def of(cls, move: Move) -> Self:
        return cls(
            key=move.key,
            unit=move.unit,
            previous=move.previous,
            current=move.current,
            change=move.change,
            better=move.better,
        )


class MovesPublic(Public):
    """This period's figures against the period before's (``basis``: week or month)."""

    basis: str
    previous_label: str
    previous_as_of: Moment
    items: tuple[MovePublic, ...]
    previous_by_type: tuple[LeadTypeValuePublic, ...]
    current_by_type: tuple[LeadTypeValuePublic, ...]

    @classmethod
    def of(cls, moves: MovesPart) -> Self:
        return cls(
            basis=moves.basis,
            previous_label=moves.previous_label,
            previous_as_of=moves.previous_as_of,
            items=tuple(MovePublic.of(m) for m in moves.items),
            previous_by_type=_by_type(moves.previous_by_type),
            current_by_type=_by_type(moves.current_by_type),
        )


class PackFeedbackPublic(Public):
    """Lead-quality feedback: raised in the period, and every item still open or overdue."""

    raised: tuple[FeedbackPublic, ...]
    open: tuple[FeedbackPublic, ...]

    @classmethod
    def of(cls, part: FeedbackPart) -> Self:
        return cls(
            raised=tuple(FeedbackPublic.of(f) for f in part.raised),
            open=tuple(FeedbackPublic.of(f) for f in part.waiting),
        )


class PackEscalationPublic(Public):
    """The escalation ladder, its open actions and the SWAT report weeks due and not filed."""

    level: int
    since: str | None
    months_missed: int
    actions: tuple[ActionPublic, ...]
    swat_reports_due: tuple[str, ...]

    @classmethod
    def of(cls, part: EscalationPart) -> Self:
        return cls(
            level=part.level,
            since=None if part.since is None else month_key(part.since),
            months_missed=part.months_missed,
            actions=tuple(ActionPublic.of(a) for a in part.actions),
            swat_reports_due=tuple(w.week for w in part.reports_due),
        )


class PackAgendaPublic(Public):
    """The meeting the pack is for; ``starts_at`` null when none is scheduled after it."""

    meeting_id: str
    name: str
    starts_at: Moment | None
    ends_at: Moment | None
    attendees: tuple[str, ...]
    items: tuple[str, ...]
    version: str | None

    @classmethod
    def of(cls, part: AgendaPart) -> Self:
        return cls(
            meeting_id=part.meeting_id,
            name=part.name,
            starts_at=part.starts_at,
            ends_at=part.ends_at,
            attendees=part.attendees,
            items=part.items,
            version=part.version,
        )


class PackPublic(Public):
    """The weekly or monthly sales & marketing meeting pack."""

    kind: str
    company: str
    title: str
    language: str
    currency: str
    timezone: str
    lead_types: dict[str, str] = Field(description="Each lead type and how the agreement names it.")
    period: PackPeriodPublic
    results: ResultsPublic
    moves: MovesPublic | None = Field(description="null when the period is the agreement's first.")
    follow_up: FollowUpPublic
    feedback: PackFeedbackPublic
    escalation: PackEscalationPublic
    agenda: PackAgendaPublic | None = Field(description="null when there is no such meeting.")

    @classmethod
    def of(cls, pack: MeetingPack) -> Self:
        return cls(
            kind=pack.kind,
            company=pack.company,
            title=pack.title,
            language=pack.language,
            currency=pack.currency,
            timezone=pack.timezone,
            lead_types=dict(pack.lead_types),
            period=PackPeriodPublic.of(pack.period),
            results=ResultsPublic.of(pack.results, pack.close.status, pack.close.version_number),
            moves=None if pack.moves is None else MovesPublic.of(pack.moves),
            follow_up=FollowUpPublic.of(pack.follow_up),
            feedback=PackFeedbackPublic.of(pack.feedback),
            escalation=PackEscalationPublic.of(pack.escalation),
            agenda=None if pack.agenda is None else PackAgendaPublic.of(pack.agenda),
        )
