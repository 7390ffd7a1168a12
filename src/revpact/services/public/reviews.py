"""The public shapes of what a meeting reviews: a month's goals (the scorecard), the follow-up
of a period, the coming month's targets, the teams' plans, the feedback to discuss and the
open escalation actions (exact Decimal strings, ISO 8601 times). The agenda
(:mod:`.meetings`) and the meeting packs (:mod:`.packs`) show them."""

from __future__ import annotations

from typing import Self

from pydantic import Field

from revpact.domain.agreement.model import FeedbackTopic, Side
from revpact.domain.feedback import FeedbackState
from revpact.domain.meetings import MonthTargets
from revpact.services.accountability import ActionItem
from revpact.services.feedback import FeedbackView
from revpact.services.meetings import (
    GoalLine,
    MonthlyReview,
    OwnerBreaches,
    PlanSlot,
    Scorecard,
    WeekFollowUp,
    WeeklyReview,
)
from revpact.services.public.common import Day, Exact, Moment, Public, month_key

__all__ = [
    "ActionPublic",
    "AgendaFeedbackPublic",
    "BreachesPublic",
    "FollowUpPublic",
    "GoalLinePublic",
    "MonthlyReviewPublic",
    "PlanSlotPublic",
    "ScorecardPublic",
    "TargetsPublic",
    "WeeklyReviewPublic",
]

Month = str
"""A calendar month as ``YYYY-MM``."""


class GoalLinePublic(Public):
    key: str
    label: str
    team: str
    unit: str
    actual: Exact | None
    target: Exact
    met: bool | None

    @classmethod
    def of(cls, goal: GoalLine) -> Self:
        return cls(
            key=goal.key,
            label=goal.label,
            team=goal.team,
            unit=goal.unit,
            actual=goal.actual,
            target=goal.target,
            met=goal.met,
        )


class ScorecardPublic(Public):
    month: Month
    as_of: Moment
    complete: bool
    goals: tuple[GoalLinePublic, ...]

    @classmethod
    def of(cls, card: Scorecard) -> Self:
        return cls(
            month=month_key(card.month),
            as_of=card.as_of,
            complete=card.complete,
            goals=tuple(GoalLinePublic.of(g) for g in card.goals),
        )


class BreachesPublic(Public):
    owner: str | None = Field(description="null: nobody's lead.")
    count: int
    lead_ids: tuple[str, ...]

    @classmethod
    def of(cls, found: OwnerBreaches) -> Self:
        return cls(owner=found.owner, count=len(found.lead_ids), lead_ids=found.lead_ids)


class FollowUpPublic(Public):
    """The leads notified in the period by status, and the deadlines missed, by owner."""

    notified: int
    counts: dict[str, int]
    compliance: Exact | None
    target: Exact
    breaches: tuple[BreachesPublic, ...]

    @classmethod
    def of(cls, follow: WeekFollowUp) -> Self:
        return cls(
            notified=follow.notified,
            counts={s.value: n for s, n in follow.counts.items()},
            compliance=follow.compliance,
            target=follow.target,
            breaches=tuple(BreachesPublic.of(b) for b in follow.breaches),
        )


class WeeklyReviewPublic(Public):
    week: str
    first_day: Day
    last_day: Day
    complete: bool
    scorecard: ScorecardPublic | None
    follow_up: FollowUpPublic

    @classmethod
    def of(cls, review: WeeklyReview) -> Self:
        return cls(
            week=review.week,
            first_day=review.first_day,
            last_day=review.last_day,
            complete=review.complete,
            scorecard=None if review.scorecard is None else ScorecardPublic.of(review.scorecard),
            follow_up=FollowUpPublic.of(review.follow_up),
        )


class TargetsPublic(Public):
    month: Month
    revenue: Exact
    lead_value: Exact
    follow_up_compliance: Exact
    close_rate: Exact
    sales_cycle_days: Exact

    @classmethod
    def of(cls, targets: MonthTargets) -> Self:
        return cls(
            month=month_key(targets.month),
            revenue=targets.revenue,
            lead_value=targets.lead_value,
            follow_up_compliance=targets.follow_up_compliance,
            close_rate=targets.close_rate,
            sales_cycle_days=targets.sales_cycle_days,
        )


class PlanSlotPublic(Public):
    team: str
    heading: str
    previous: str | None
    previous_held_at: Moment | None

    @classmethod
    def of(cls, slot: PlanSlot) -> Self:
        return cls(
            team=slot.team,
            heading=slot.heading,
            previous=slot.previous,
            previous_held_at=slot.previous_held_at,
        )


class MonthlyReviewPublic(Public):
    month: Month
    scorecard: ScorecardPublic | None
    coming: TargetsPublic | None
    plans: tuple[PlanSlotPublic, ...]

    @classmethod
    def of(cls, review: MonthlyReview) -> Self:
        return cls(
            month=month_key(review.month),
            scorecard=None if review.scorecard is None else ScorecardPublic.of(review.scorecard),
            coming=None if review.coming is None else TargetsPublic.of(review.coming),
            plans=tuple(PlanSlotPublic.of(p) for p in review.plans),
        )


class AgendaFeedbackPublic(Public):
    """A feedback item the meeting discusses: what it is and where it stands."""

    id: int
    from_team: Side
    to_team: Side
    topic: FeedbackTopic
    text: str
    raised_by: str | None
    raised_at: Moment
    event_at: Moment
    due_at: Moment
    state: FeedbackState

    @classmethod
    def of(cls, item: FeedbackView) -> Self:
        return cls(
            id=item.id,
            from_team=Side(item.from_team),
            to_team=Side(item.to_team),
            topic=FeedbackTopic(item.topic),
            text=item.text,
            raised_by=item.raised_by,
            raised_at=item.raised_at,
            event_at=item.event_at,
            due_at=item.due_at,
            state=item.state,
        )


class ActionPublic(Public):
    """An open action of an escalation level; ``month`` the level was entered in."""

    month: Month
    level: int
    seq: int
    text: str
    owner: str
    due: Day

    @classmethod
    def of(cls, action: ActionItem) -> Self:
        return cls(
            month=month_key(action.month),
            level=action.level,
            seq=action.seq,
            text=action.text,
            owner=action.owner.value,
            due=action.due,
        )
