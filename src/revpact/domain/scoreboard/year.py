"""The scoreboard: every month of the agreement against its goals, and what follows from them.

:func:`build_year` takes the agreement and one :class:`MonthFacts` per month so far — the
period's months in order, from its first month, with no gap (a quiet month is a MonthFacts of
zeros) — and returns a :class:`YearScoreboard`.

Each month is measured under the agreement version in force on its first day (``governing``);
a month not ended yet is *in progress* (month to date, pro-rated targets, no verdict), and only
*decided* months move the escalation ladder and earn rewards (see :func:`build_year`). A month's
revenue says where it came from and whether a fallback stood in (``revenue.source`` and
``revenue.fallback``; ``fallback_months`` counts the months so far that used one,
so every year-to-date figure and Goals 1-3 can say so too).

The rules live in small modules: revenue and company goals (:mod:`.scoreboard_revenue`), the
teams' monthly goals (:mod:`.scoreboard_teams`), shared goals, escalation and rewards
(:mod:`.scoreboard_accountability`). A period that starts or ends mid-month counts that month
whole; with ``N`` months in the period, "annual" means "the period's" and ``N`` replaces 12.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Final, assert_never

from revpact.domain.agreement.accountability import SharedGoal
from revpact.domain.agreement.goals import RevenueSourceRule
from revpact.domain.agreement.model import Agreement
from revpact.domain.scoreboard.accountability import (
    ActionDue,
    EscalationState,
    IsoWeek,
    RewardFlags,
    SharedGoalsScore,
    conditions_met,
    escalation_states,
    iso_weeks_of,
    validate_split,
)
from revpact.domain.scoreboard.facts import (
    CycleStats,
    GoalStatus,
    MonthFacts,
    RevenueSource,
    month_end,
    month_index,
    months_between,
)
from revpact.domain.scoreboard.revenue import (
    CompanyGoalsStatus,
    GoalVerdict,
    RevenueScore,
    company_goals_status,
    revenue_score,
    run_rate_of,
    trajectory_target,
)
from revpact.domain.scoreboard.teams import (
    CycleScore,
    FollowUpScore,
    LeadTypeValue,
    LeadValueScore,
    RateScore,
    close_rate_score,
    follow_up_score,
    gap_mix,
    lead_value_score,
    sales_cycle_score,
)

__all__ = [
    "ActionDue",
    "AnnualRewardScore",
    "CompanyGoalsStatus",
    "CycleScore",
    "CycleStats",
    "EscalationState",
    "FollowUpScore",
    "GoalStatus",
    "GoalVerdict",
    "IsoWeek",
    "LeadTypeValue",
    "LeadValueScore",
    "MonthFacts",
    "MonthRewardScore",
    "MonthScore",
    "MonthState",
    "MonthVersion",
    "RateScore",
    "RevenueScore",
    "RevenueSource",
    "SharedGoalsScore",
    "YearScoreboard",
    "build_year",
    "gap_mix",
    "iso_weeks_of",
    "run_rate_of",
    "trajectory_target",
    "validate_split",
]


@dataclass(frozen=True)
class MonthRewardScore:
    """The monthly pool: earned when every condition of ``rewards.monthly.requires`` holds."""

    pool: Decimal | None  # None when the agreement has no monthly reward
    earned: bool
    amount: Decimal  # the pool when earned, else 0


@dataclass(frozen=True)
class AnnualRewardScore:
    """The annual reward: None while undecidable (before the period's last month)."""

    text: str | None
    earned: bool | None
    team_goals: bool | None
    financial_goals: bool | None


class MonthState(StrEnum):
    """Whether a month counts for the escalation ladder and the rewards."""

    DECIDED = "decided"  # ended (and closed, where closing decides): it counts
    AWAITING_CLOSE = "awaiting_close"  # ended, not closed yet: no verdict, counted for nothing
    IN_PROGRESS = "in_progress"  # not ended: month to date against pro-rated targets


@dataclass(frozen=True)
class MonthScore:
    month: date
    revenue: RevenueScore
    goals: CompanyGoalsStatus
    lead_value: LeadValueScore
    follow_up: FollowUpScore
    close_rate: RateScore
    sales_cycle: CycleScore
    shared_goals: SharedGoalsScore
    team_goals_met: bool  # all four team goals met (no data counts as not met)
    escalation: EscalationState
    reward: MonthRewardScore
    version: MonthVersion | None = None  # the agreement version the month is measured under
    state: MonthState = MonthState.DECIDED

    @property
    def provisional(self) -> bool:
        """Figures that can still change and count for nothing yet."""
        return self.state is not MonthState.DECIDED


@dataclass(frozen=True)
class MonthVersion:
    """The published agreement version in force on a month's first day."""

    number: int
    hash: str


_NO_ESCALATION: Final = EscalationState(0, 0, None, False, (), False, None, ())


@dataclass(frozen=True)
class YearScoreboard:
    period_months: tuple[date, ...]  # every month of the period, whether scored yet or not
    months: tuple[MonthScore, ...]  # the months scored so far
    annual_reward: AnnualRewardScore

    @property
    def goals(self) -> CompanyGoalsStatus | None:
        """Goals 1-3 as of the latest month (None before the first)."""
        return self.months[-1].goals if self.months else None

    @property
    def complete(self) -> bool:
        return len(self.months) == len(self.period_months)


def _checked(agreement: Agreement, facts: Sequence[MonthFacts]) -> tuple[date, ...]:
    period = months_between(agreement.period.start, agreement.period.end)
    if len(facts) > len(period):
        raise ValueError(f"{len(facts)} months of facts, but the period has {len(period)}")
    for expected, given in zip(period, facts, strict=False):
        if given.month != expected:
            raise ValueError(
                f"facts for {given.month:%Y-%m} where {expected:%Y-%m} was expected; pass the "
                "period's months in order from its first, with no gap (zeros for a quiet month)"
            )
    return period


def _status(goal: SharedGoal, met: dict[SharedGoal, bool | None]) -> GoalStatus:
    match goal:
        case (
            SharedGoal.REVENUE_TRAJECTORY
            | SharedGoal.LEAD_VALUE
            | SharedGoal.FOLLOW_UP_COMPLIANCE
            | SharedGoal.CLOSE_RATE
            | SharedGoal.SALES_CYCLE
        ):
            return GoalStatus.of(met[goal])
        case _:
            assert_never(goal)


def _annual_team_goals(scores: Sequence[MonthScore]) -> bool:
    """Year's lead value >= the sum of the months' targets (each under its own version: N x the
    monthly target when nothing was amended), year's follow-up compliance >= the last month's
    target, and the last month's close rate and cycle meeting that month's (final) targets."""
    lead_total = sum((s.lead_value.actual for s in scores), Decimal(0))
    lead_target = sum((s.lead_value.target for s in scores), Decimal(0))
    met = sum(s.follow_up.met for s in scores)
    decided = met + sum(s.follow_up.breached for s in scores)
    last = scores[-1]
    return (
        lead_total >= lead_target
        and decided > 0
        and met >= last.follow_up.target * decided
        and last.close_rate.met is True
        and last.sales_cycle.met is True
    )


def _and(*values: bool | None) -> bool | None:
    if False in values:
        return False
    return None if None in values else True


def _is_fallback(source: RevenueSource, rule: RevenueSourceRule) -> bool:
    """Whether a month's revenue came from somewhere other than what the agreement asks for."""
    match source:
        case RevenueSource.WON_DEALS:
            return rule is not RevenueSourceRule.WON_DEALS
        case RevenueSource.RECOGNISED | RevenueSource.NONE:
            return False
        case _:
            assert_never(source)


def _month_state(counted: bool, running: bool) -> MonthState:
    if running:
        return MonthState.IN_PROGRESS
    return MonthState.DECIDED if counted else MonthState.AWAITING_CLOSE


def _decided(revenues: list[Decimal | None], counted: list[bool]) -> list[Decimal | None]:
    """The revenues Goals 1-3 are judged on: those of the months that count (a month not
    counted reads as unknown), up to the last month that counts."""
    known = [r if c else None for r, c in zip(revenues, counted, strict=True)]
    while known and not counted[len(known) - 1]:
        known.pop()
    return known


def _without_verdicts(
    follow: FollowUpScore, close: RateScore, cycle: CycleScore
) -> tuple[FollowUpScore, RateScore, CycleScore]:
    return replace(follow, met_goal=None), replace(close, met=None), replace(cycle, met=None)


def build_year(
    agreement: Agreement,
    facts: Sequence[MonthFacts],
    governing: Callable[[date], tuple[Agreement, MonthVersion | None]] | None = None,
    *,
    elapsed: Decimal | None = None,
    decided: Callable[[date], bool] | None = None,
) -> YearScoreboard:
    """Score every month of ``facts`` (see the module docstring for what they must be).

    ``governing`` names the agreement version in force on each month's first day, and the month
    is measured under it, all of it: revenue target and trajectory, Goals 1-3, lead value,
    follow-up, close-rate and cycle targets, the shared goals, the escalation ladder and its
    actions, and the monthly reward. So an amendment changes only the months that start after
    it comes into force; the annual reward is decided under the last month's version. Without
    ``governing`` every month is under ``agreement`` (whose period is the scoreboard's).

    ``elapsed`` is the share of the last month of ``facts`` that has elapsed when that month has
    not ended yet (0 <= share < 1; how the caller measures it is its business — the services
    use calendar time): that month is *in progress*, scored month to date against pro-rated
    targets, with no verdict, and it counts towards neither escalation nor rewards.

    ``decided`` says which ended months count for the escalation ladder and the rewards (a
    closed month, say); an ended month it rejects is *awaiting close*: its figures stand beside
    the full targets with no verdict (never missed), counted for nothing, and Goals 1-3 are
    judged on the months that count. None counts every ended month.
    """
    period = _checked(agreement, facts)
    n = len(period)
    if elapsed is not None and not (facts and 0 <= elapsed < 1):
        raise ValueError(f"elapsed is {elapsed}; pass the share of a running month, 0 <= s < 1")

    revenues: list[Decimal | None] = []
    counted_so_far: list[bool] = []
    fallbacks = 0
    scores: list[MonthScore] = []
    ladders: list[tuple[Agreement, bool | None]] = []
    for index, fact in enumerate(facts):
        month_agreement, version = (agreement, None) if governing is None else governing(fact.month)
        running = elapsed is not None and index == len(facts) - 1
        share = elapsed if running and elapsed is not None else Decimal(1)
        counted = not running and (decided is None or decided(fact.month))
        goals = month_agreement.company_goals
        run_rate_index = month_index(goals.target_run_rate_by, period[0])
        source = fact.revenue_source
        fallback = _is_fallback(source, goals.revenue_source)
        fallbacks += fallback
        revenues.append(None if source is RevenueSource.NONE else fact.revenue)
        revenue = revenue_score(
            goals,
            revenues,
            run_rate_index,
            n,
            share=share,
            source=source,
            fallback=fallback,
            fallback_months=fallbacks,
        )
        counted_so_far.append(counted)
        status = company_goals_status(goals, _decided(revenues, counted_so_far), run_rate_index, n)
        start = month_agreement.period.start
        end = min(month_end(fact.month), month_agreement.period.end)
        sales = month_agreement.sales
        lead = lead_value_score(month_agreement.marketing, fact, share=share)
        follow = follow_up_score(sales, fact)
        close = close_rate_score(sales, fact, start=start, end=end)
        cycle = sales_cycle_score(sales, fact.won_cycle, start=start, end=end)
        if not counted:  # in progress, or awaiting its close: no verdict, never "missed"
            follow, close, cycle = _without_verdicts(follow, close, cycle)
            revenue, lead = replace(revenue, met=None), replace(lead, met=None)
        met: dict[SharedGoal, bool | None] = {
            SharedGoal.REVENUE_TRAJECTORY: revenue.met,
            SharedGoal.LEAD_VALUE: lead.met,
            SharedGoal.FOLLOW_UP_COMPLIANCE: follow.met_goal,
            SharedGoal.CLOSE_RATE: close.met,
            SharedGoal.SALES_CYCLE: cycle.met,
        }
        shared = SharedGoalsScore(
            tuple((g, _status(g, met)) for g in month_agreement.consequences.shared_goals)
        )
        ladders.append((month_agreement, shared.met if counted else None))
        team_met = (
            lead.met is True and follow.met_goal is True and close.met is True and cycle.met is True
        )
        scores.append(
            MonthScore(
                month=fact.month,
                revenue=revenue,
                goals=status,
                lead_value=lead,
                follow_up=follow,
                close_rate=close,
                sales_cycle=cycle,
                shared_goals=shared,
                team_goals_met=team_met,
                escalation=_NO_ESCALATION,
                reward=MonthRewardScore(pool=None, earned=False, amount=Decimal(0)),
                version=version,
                state=_month_state(counted, running),
            )
        )

    ladder = escalation_states(
        [a.consequences for a, _ in ladders],
        [(score.month, met) for score, (_, met) in zip(scores, ladders, strict=True)],
    )
    counted_scores = [s for s in scores if s.state is MonthState.DECIDED]
    all_counted = len(counted_scores) == n
    team_year = _annual_team_goals(scores) if all_counted else None
    final = counted_scores[-1].goals if counted_scores else None
    financial = _and(final.goal1.met, final.goal3.met) if final else None
    for index, (score, state) in enumerate(zip(scores, ladder, strict=True)):
        flags = RewardFlags(
            monthly_team_goals=score.team_goals_met,
            company_revenue_goal=score.revenue.met is True,
            annual_team_goals=team_year,
            company_financial_goals=financial,
        )
        monthly = ladders[index][0].rewards.monthly
        earned = (
            score.state is MonthState.DECIDED
            and monthly is not None
            and conditions_met(monthly.requires, flags) is True
        )
        pool = monthly.pool if monthly is not None else None
        reward = MonthRewardScore(pool, earned, pool if earned and pool else Decimal(0))
        scores[index] = replace(score, escalation=state, reward=reward)

    annual = (ladders[-1][0] if ladders else agreement).rewards.annual
    year_flags = RewardFlags(False, False, team_year, financial)
    return YearScoreboard(
        period_months=period,
        months=tuple(scores),
        annual_reward=AnnualRewardScore(
            text=annual.text if annual else None,
            earned=conditions_met(annual.requires, year_flags) if annual else None,
            team_goals=team_year,
            financial_goals=financial,
        ),
    )
