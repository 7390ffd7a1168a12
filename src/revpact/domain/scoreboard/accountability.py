"""Shared goals, the escalation ladder when they are missed, and the rewards when they are met.

* A month **meets the shared goals** when none of ``consequences.shared_goals`` is missed. A goal
  with nothing to measure that month (no decided lead, proposal or won deal) is neutral: it
  neither meets nor misses, because the ladder demands actions and an empty measure is no
  evidence of failure (revenue and lead value always have data, so a dead month still misses).
* Each consecutive missed month counts as **30 days missed**; the level is
  ``consequences.level_after(30 * months)`` (Company A: 1 month -> 30, 2 -> 60, 3+ -> 90). A month
  that meets the shared goals resets to 0. ``since`` is the first month of the current run.
* A level's **actions** are issued in the month it is reached, due ``due_within_days`` after that
  month's last day (the day the miss is known); a level held for more months issues none again.
* While a level with a weekly-reporting SWAT team holds, **reports** are due for every ISO week
  of the following month — a week belongs to the month of its Thursday, so no week is counted in
  two months — until a month that meets the goals resets the ladder.
* A month that does not count — in progress, or ended but not closed where closing decides —
  leaves the ladder where it was and issues nothing.
* **Rewards** pay only for evidence: for a reward, a team goal with no data is *not* met.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import assert_never

from revpact.domain.agreement.accountability import (
    Consequences,
    EscalationLevel,
    Owner,
    RewardCondition,
    SharedGoal,
)
from revpact.domain.agreement.types import Team
from revpact.domain.scoreboard.facts import GoalStatus, month_end

__all__ = [
    "DAYS_PER_MISSED_MONTH",
    "ActionDue",
    "EscalationState",
    "IsoWeek",
    "RewardFlags",
    "SharedGoalsScore",
    "conditions_met",
    "escalation_states",
    "iso_weeks_of",
    "validate_split",
]

DAYS_PER_MISSED_MONTH = 30


@dataclass(frozen=True)
class SharedGoalsScore:
    """Each shared goal's status in a month; ``met`` when none is missed."""

    statuses: tuple[tuple[SharedGoal, GoalStatus], ...]

    @property
    def missed(self) -> tuple[SharedGoal, ...]:
        return tuple(goal for goal, status in self.statuses if status is GoalStatus.MISSED)

    @property
    def met(self) -> bool:
        return not self.missed


@dataclass(frozen=True, order=True)
class IsoWeek:
    year: int
    week: int

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"


def iso_weeks_of(month: date) -> tuple[IsoWeek, ...]:
    """The ISO weeks whose Thursday falls in ``month``'s month (4 or 5 of them)."""
    first = month.replace(day=1)
    thursday = first + timedelta(days=(3 - first.weekday()) % 7)
    weeks: list[IsoWeek] = []
    while thursday.month == first.month:
        iso = thursday.isocalendar()
        weeks.append(IsoWeek(iso.year, iso.week))
        thursday += timedelta(days=7)
    return tuple(weeks)


@dataclass(frozen=True)
class ActionDue:
    """An action of an escalation level, with who does it and by when."""

    text: str
    owner: Owner
    due: date


@dataclass(frozen=True)
class EscalationState:
    """The ladder after a month: level 0 (no escalation) or the ``after_days`` of the level."""

    level: int
    months_missed: int
    since: date | None  # first month of the current run of misses
    entered: bool  # the level was reached this month (its actions are issued now)
    actions: tuple[ActionDue, ...]
    swat_reports_weekly: bool
    swat_reports_to: Team | None
    swat_report_weeks: tuple[IsoWeek, ...]  # the following month's weeks while the level holds


def _state(
    consequences: Consequences, month: date, run: int, since: date | None, previous: int
) -> EscalationState:
    reached: EscalationLevel | None = consequences.level_after(DAYS_PER_MISSED_MONTH * run)
    level = reached.after_days if reached else 0
    entered = reached is not None and level != previous
    end = month_end(month)
    actions = (
        tuple(
            ActionDue(a.text, a.owner, end + timedelta(days=a.due_within_days))
            for a in reached.actions
        )
        if reached is not None and entered
        else ()
    )
    swat = reached.swat_team if reached else None
    weekly = swat is not None and swat.reports_weekly
    return EscalationState(
        level=level,
        months_missed=run,
        since=since,
        entered=entered,
        actions=actions,
        swat_reports_weekly=weekly,
        swat_reports_to=swat.reports_to if swat is not None and weekly else None,
        swat_report_weeks=iso_weeks_of(end + timedelta(days=1)) if weekly else (),
    )


def escalation_states(
    consequences: Consequences | Sequence[Consequences],
    months: Sequence[tuple[date, bool | None]],
) -> tuple[EscalationState, ...]:
    """The ladder after each of ``months`` (first day, shared goals met), in order.

    ``consequences`` is the ladder, or one ladder per month (the version in force when each
    month started: a month's level and actions follow its own ladder, the run of misses goes
    on across versions). A month whose ``met`` is None is not counted (in progress, or not
    closed yet): the ladder stays where it was, and it issues no actions and no reports.
    """
    ladders = (
        [consequences] * len(months) if isinstance(consequences, Consequences) else consequences
    )
    if len(ladders) != len(months):
        raise ValueError(f"{len(ladders)} ladders for {len(months)} months")
    states: list[EscalationState] = []
    run, since, previous = 0, None, 0
    last: EscalationState | None = None
    for (month, met), ladder in zip(months, ladders, strict=True):
        if met is None:
            states.append(_held(last))
            continue
        run, since = (0, None) if met else (run + 1, since or month)
        last = _state(ladder, month, run, since, previous)
        states.append(last)
        previous = last.level
    return tuple(states)


def _held(last: EscalationState | None) -> EscalationState:
    """The ladder through a month that does not count: as it was, with nothing new issued."""
    if last is None:
        return EscalationState(0, 0, None, False, (), False, None, ())
    return replace(last, entered=False, actions=(), swat_report_weeks=())


# --- rewards ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RewardFlags:
    """What the reward conditions are checked against (None: not decidable yet)."""

    monthly_team_goals: bool
    company_revenue_goal: bool
    annual_team_goals: bool | None
    company_financial_goals: bool | None


def _flag(condition: RewardCondition, flags: RewardFlags) -> bool | None:
    match condition:
        case RewardCondition.MONTHLY_TEAM_GOALS:
            return flags.monthly_team_goals
        case RewardCondition.COMPANY_REVENUE_GOAL:
            return flags.company_revenue_goal
        case RewardCondition.ANNUAL_TEAM_GOALS:
            return flags.annual_team_goals
        case RewardCondition.COMPANY_FINANCIAL_GOALS:
            return flags.company_financial_goals
        case _:
            assert_never(condition)


def conditions_met(requires: Sequence[RewardCondition], flags: RewardFlags) -> bool | None:
    """False when a required condition failed, None when one is undecided, else True."""
    values = [_flag(condition, flags) for condition in requires]
    if False in values:
        return False
    return None if None in values else True


def validate_split(split: Mapping[str, Decimal], pool: Decimal) -> dict[str, Decimal]:
    """``split`` (person or team -> share) when it hands out exactly ``pool``.

    Every share must be a Decimal of 0 or more, and the shares must add up to the pool to the
    last digit; otherwise a ``ValueError`` says what is wrong.
    """
    problems: list[str] = []
    shares: dict[str, Decimal] = {}
    for who, share in split.items():
        if isinstance(share, bool) or not isinstance(share, Decimal | int):
            problems.append(f"the share of {who!r} is {share!r}; write it as a Decimal amount")
        elif not Decimal(share).is_finite() or share < 0:
            problems.append(f"the share of {who!r} is {share}; shares must be 0 or more")
        else:
            shares[who] = Decimal(share)
    if problems:
        raise ValueError("; ".join(problems))
    total = sum(shares.values(), Decimal(0))
    if total != pool:
        off = f"short by {pool - total}" if total < pool else f"over by {total - pool}"
        raise ValueError(f"the shares add up to {total}, not the pool of {pool} ({off})")
    return shares
