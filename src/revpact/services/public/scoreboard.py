"""The scoreboard as revpact sends it: each month against its goals (:class:`MonthScoreboard`),
the year (:class:`YearScoreboardPublic`) and the month-on-month trend (:class:`TrendPublic`);
:mod:`.scoreboard_closes` adds each month's close.

Money and ratios are strings of the exact Decimal (``"1250000"``, ``"0.35"``), so no reader
turns them into floats on the way; a figure that is unknown is null. Months are ``YYYY-MM``.
"""

from __future__ import annotations

from typing import Any, Self

from pydantic import Field

from revpact.domain.agreement.accountability import Owner
from revpact.domain.agreement.types import Team
from revpact.domain.scoreboard.facts import GoalStatus, RevenueSource
from revpact.domain.scoreboard.trend import Trend
from revpact.domain.scoreboard.year import MonthScore, MonthState, YearScoreboard
from revpact.services.public.common import Day, Exact, Public, month_key

__all__ = [
    "AgreementVersionPublic",
    "AnnualRewardPublic",
    "MonthAction",
    "MonthCloseRate",
    "MonthCompanyGoals",
    "MonthEscalation",
    "MonthFields",
    "MonthFollowUp",
    "MonthGoal2",
    "MonthGoalVerdict",
    "MonthLeadType",
    "MonthLeadValue",
    "MonthPool",
    "MonthRevenue",
    "MonthSalesCycle",
    "MonthScoreboard",
    "MonthSharedGoals",
    "TrendPublic",
    "YearScoreboardPublic",
]


class AgreementVersionPublic(Public):
    """The published agreement version a month is measured under."""

    number: int
    hash: str


class MonthRevenue(Public):
    """The month's revenue against the trajectory, and the year to date."""

    actual: Exact | None = Field(description="Null when the month's revenue is unknown.")
    target: Exact
    met: bool | None
    source: RevenueSource
    fallback: bool = Field(description="The won deals stood in for a missing revenue row.")
    months_unknown: int
    fallback_months: int
    ytd: Exact
    ytd_target: Exact
    gap_to_ytd_target: Exact
    required_per_remaining_month: Exact | None
    projected_year_end: Exact | None


class MonthGoalVerdict(Public):
    met: bool | None


class MonthGoal2(Public):
    met: bool | None
    shortfall: Exact
    surplus: Exact


class MonthCompanyGoals(Public):
    """Goals 1-3 as of the month."""

    goal1: MonthGoalVerdict
    goal2: MonthGoal2
    goal3: MonthGoalVerdict


class MonthLeadType(Public):
    count: int
    unit_value: Exact
    value: Exact


class MonthLeadValue(Public):
    actual: Exact
    target: Exact
    met: bool | None
    gap: Exact
    by_type: dict[str, MonthLeadType]
    mix_to_close_gap: dict[str, int] = Field(description="Extra leads per type to close the gap.")


class MonthFollowUp(Public):
    met: int
    breached: int
    open: int
    compliance: Exact | None
    target: Exact
    met_goal: bool | None


class MonthCloseRate(Public):
    won: int
    lost: int
    actual: Exact | None
    target: Exact
    met: bool | None


class MonthSalesCycle(Public):
    deals: int
    actual: Exact | None
    median: Exact | None
    target: Exact
    met: bool | None


class MonthSharedGoals(Public):
    met: bool | None = Field(description="Null while the month does not count yet.")
    goals: dict[str, GoalStatus]


class MonthAction(Public):
    text: str
    owner: Owner
    due: Day


class MonthEscalation(Public):
    """The escalation ladder after the month."""

    level: int
    months_missed: int
    since: str | None
    entered: bool
    actions: list[MonthAction]
    swat_reports_weekly: bool
    swat_reports_to: Team | None
    swat_report_weeks: list[str]


class MonthPool(Public):
    monthly_pool: Exact | None
    earned: bool
    amount: Exact


class MonthFields(Public):
    """What every shape of a month of the scoreboard starts with (:class:`MonthScoreboard`,
    and the shapes that add its close or its trend)."""

    month: str
    agreement_version: AgreementVersionPublic | None
    state: MonthState
    provisional: bool
    elapsed_share: Exact | None = Field(description="Set only while the month is in progress.")
    revenue: MonthRevenue
    goals: MonthCompanyGoals
    lead_value: MonthLeadValue
    follow_up: MonthFollowUp
    close_rate: MonthCloseRate
    sales_cycle_days: MonthSalesCycle
    shared_goals: MonthSharedGoals
    team_goals_met: bool
    escalation: MonthEscalation
    reward: MonthPool

    @classmethod
    def _with(cls, score: MonthScore, **more: Any) -> Self:
        """The shape of ``score``, with the fields a subclass adds (``more``)."""
        return cls(**_month_fields(score), **more)


class MonthScoreboard(MonthFields):
    """One month of the scoreboard: every goal of the agreement, its escalation and reward."""

    @classmethod
    def of(cls, score: MonthScore) -> Self:
        return cls._with(score)


def _month_fields(score: MonthScore) -> dict[str, Any]:
    """The fields of :class:`MonthFields`."""
    revenue, lead, follow = score.revenue, score.lead_value, score.follow_up
    close, cycle, ladder, goals = score.close_rate, score.sales_cycle, score.escalation, score.goals
    version, decided = score.version, score.state is MonthState.DECIDED
    return {
        "month": month_key(score.month),
        "agreement_version": None
        if version is None
        else AgreementVersionPublic(number=version.number, hash=version.hash),
        "state": score.state,
        "provisional": score.provisional,
        "elapsed_share": revenue.share if score.state is MonthState.IN_PROGRESS else None,
        "revenue": MonthRevenue(
            actual=revenue.actual,
            target=revenue.target,
            met=revenue.met,
            source=revenue.source,
            fallback=revenue.fallback,
            months_unknown=revenue.months_unknown,
            fallback_months=revenue.fallback_months,
            ytd=revenue.ytd,
            ytd_target=revenue.ytd_target,
            gap_to_ytd_target=revenue.gap_to_ytd_target,
            required_per_remaining_month=revenue.required_per_remaining_month,
            projected_year_end=revenue.projected_year_end,
        ),
        "goals": MonthCompanyGoals(
            goal1=MonthGoalVerdict(met=goals.goal1.met),
            goal2=MonthGoal2(met=goals.goal2.met, shortfall=goals.shortfall, surplus=goals.surplus),
            goal3=MonthGoalVerdict(met=goals.goal3.met),
        ),
        "lead_value": MonthLeadValue(
            actual=lead.actual,
            target=lead.target,
            met=lead.met,
            gap=lead.gap,
            by_type={
                item.lead_type: MonthLeadType(
                    count=item.count, unit_value=item.unit_value, value=item.value
                )
                for item in lead.by_type
            },
            mix_to_close_gap=dict(lead.mix_to_close_gap),
        ),
        "follow_up": MonthFollowUp(
            met=follow.met,
            breached=follow.breached,
            open=follow.open,
            compliance=follow.compliance,
            target=follow.target,
            met_goal=follow.met_goal,
        ),
        "close_rate": MonthCloseRate(
            won=close.won, lost=close.lost, actual=close.actual, target=close.target, met=close.met
        ),
        "sales_cycle_days": MonthSalesCycle(
            deals=cycle.deals,
            actual=cycle.actual,
            median=cycle.median,
            target=cycle.target,
            met=cycle.met,
        ),
        "shared_goals": MonthSharedGoals(
            met=score.shared_goals.met if decided else None,
            goals={goal.value: status for goal, status in score.shared_goals.statuses},
        ),
        "team_goals_met": score.team_goals_met,
        "escalation": MonthEscalation(
            level=ladder.level,
            months_missed=ladder.months_missed,
            since=None if ladder.since is None else month_key(ladder.since),
            entered=ladder.entered,
            actions=[MonthAction(text=a.text, owner=a.owner, due=a.due) for a in ladder.actions],
            swat_reports_weekly=ladder.swat_reports_weekly,
            swat_reports_to=ladder.swat_reports_to,
            swat_report_weeks=[str(week) for week in ladder.swat_report_weeks],
        ),
        "reward": MonthPool(
            monthly_pool=score.reward.pool, earned=score.reward.earned, amount=score.reward.amount
        ),
    }


class AnnualRewardPublic(Public):
    """The annual reward: null verdicts until the period's last month counts."""

    text: str | None
    earned: bool | None
    team_goals: bool | None
    financial_goals: bool | None

    @classmethod
    def of(cls, board: YearScoreboard) -> Self:
        reward = board.annual_reward
        return cls(
            text=reward.text,
            earned=reward.earned,
            team_goals=reward.team_goals,
            financial_goals=reward.financial_goals,
        )


class YearScoreboardPublic(Public):
    """Every month scored so far, whether the period is complete, and the annual reward."""

    months: list[MonthScoreboard]
    complete: bool
    annual_reward: AnnualRewardPublic

    @classmethod
    def of(cls, board: YearScoreboard) -> Self:
        return cls(
            months=[MonthScoreboard.of(score) for score in board.months],
            complete=board.complete,
            annual_reward=AnnualRewardPublic.of(board),
        )


class TrendPublic(Public):
    """``current - previous`` of each figure; null without a previous month or a value."""

    revenue: Exact | None
    lead_value: Exact | None
    follow_up_compliance: Exact | None
    close_rate: Exact | None
    sales_cycle_days: Exact | None

    @classmethod
    def of(cls, change: Trend) -> Self:
        return cls(
            revenue=change.revenue,
            lead_value=change.lead_value,
            follow_up_compliance=change.follow_up_compliance,
            close_rate=change.close_rate,
            sales_cycle_days=change.sales_cycle_days,
        )
