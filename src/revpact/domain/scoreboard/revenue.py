"""Revenue against the company goals: the monthly trajectory, year to date, and Goals 1-3.

Definitions (months are the calendar months of the agreement period, ``N`` of them — 12 for a
calendar year — and ``R`` is ``company_goals.target_run_rate_by``; ``T`` the target run rate):

* **trajectory target** of a month before ``R``: the value at that month's end of a straight line
  from ``current_monthly_run_rate`` (at the period start) to ``T`` (at the end of ``R``), in
  whole months: ``current + (T - current) * (i + 1) / (r + 1)`` for month index ``i`` and ``R``'s
  index ``r``. From ``R`` on it is ``T``. Revenue is *on trajectory* when it is at least that.
* **YTD target** after ``k`` months: ``annual_revenue_target * k / N`` (the straight line to the
  annual target, i.e. the target run rate each month — not the sum of trajectory targets).
* **required per remaining month**: ``max(0, annual target - YTD) / (N - k)``, rounded up to
  the cent; None once no month remains.
* **projected year end**: ``YTD / k * N`` (the pace so far, continued), rounded half-up.
* **Goal 1**: every month from ``R`` to the period's last month has revenue >= ``T``. False as
  soon as one misses; True once all are in and none missed; None before.
* **Goal 2**: the *net* surplus from ``R`` on, ``sum(revenue - T)`` over those months, covers the
  shortfall of the months before ``R``, ``sum(max(0, T - revenue))``. Decided with the last month
  (a later month below ``T`` still eats the surplus).
* **Goal 3**: the period's revenue >= ``annual_revenue_target``; decided with the last month.
* A month whose revenue is **unknown** (``company_goals.revenue_source: recognised`` and no
  row yet) has no verdict of its own and leaves Goals 1-3 undecided until it is known (a known
  month that misses still decides Goal 1).
* A month **in progress** is measured month to date against its target x the elapsed share of
  the month (see :func:`revenue_score`); it never counts as missed, and Goals 1-3 are decided on
  ended months only.

When ``annual_revenue_target == N * T`` and no month before ``R`` exceeds ``T``, Goals 2 and 3
are the same inequality; a month before ``R`` above ``T`` helps Goal 3 but not Goal 2.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from revpact.domain.agreement.goals import CompanyGoals
from revpact.domain.scoreboard.facts import RevenueSource, cents, cents_up

__all__ = [
    "CompanyGoalsStatus",
    "GoalVerdict",
    "RevenueScore",
    "company_goals_status",
    "revenue_score",
    "run_rate_of",
    "trajectory_target",
]


def run_rate_of(annual: Decimal, months: int = 12) -> Decimal:
    """The monthly run rate of an annual amount, rounded half-up to cents."""
    return cents(annual / months)


def trajectory_target(goals: CompanyGoals, index: int, run_rate_index: int) -> Decimal:
    """The revenue a month must reach to be on trajectory (see the module docstring)."""
    target = goals.target_monthly_run_rate
    if index >= run_rate_index:
        return target
    current = goals.current_monthly_run_rate
    return cents(current + (target - current) * (index + 1) / (run_rate_index + 1))


@dataclass(frozen=True)
class RevenueScore:
    """One month's revenue, its trajectory target, and where the year stands after it.

    ``actual`` is None when the month's revenue is unknown (see :class:`RevenueSource`); then
    ``met`` is None too, and the year-to-date figures sum the months that are known
    (``months_unknown`` says how many are not). While the month runs (``share`` < 1) the
    target is pro-rated and ``met`` is None: a month in progress is never missed.
    """

    actual: Decimal | None
    target: Decimal  # pro-rated by ``share`` while the month runs
    met: bool | None
    ytd: Decimal
    ytd_target: Decimal
    gap_to_ytd_target: Decimal  # ytd_target - ytd: above 0 means behind
    required_per_remaining_month: Decimal | None
    projected_year_end: Decimal | None  # None when no known revenue has had time to accrue
    source: RevenueSource = RevenueSource.RECOGNISED
    fallback: bool = False  # the won deals stood in for a missing revenue row
    months_unknown: int = 0  # months so far whose revenue is unknown
    fallback_months: int = 0  # months so far (this one too) whose revenue is a fallback
    share: Decimal = Decimal(1)  # elapsed share of the month (1 once it has ended)


def revenue_score(
    goals: CompanyGoals,
    revenues: Sequence[Decimal | None],
    run_rate_index: int,
    months: int,
    *,
    share: Decimal = Decimal(1),
    source: RevenueSource = RevenueSource.RECOGNISED,
    fallback: bool = False,
    fallback_months: int = 0,
) -> RevenueScore:
    """The score of the last of ``revenues`` (the period's months so far, in order; None for
    a month whose revenue is unknown), ``share`` of which has elapsed.

    Pro-rating: the month's target is its trajectory target x ``share``; the year-to-date target
    counts the month as ``share`` of a month, and "per remaining month" counts what is left of
    it as remaining. ``share`` is 1 for a month that has ended (then nothing is pro-rated).
    """
    elapsed = len(revenues) - 1 + share
    actual = revenues[-1]
    full = trajectory_target(goals, len(revenues) - 1, run_rate_index)
    target = full if share == 1 else cents(full * share)
    known = [r for r in revenues if r is not None]
    unknown = len(revenues) - len(known)
    known_elapsed = elapsed - unknown if actual is not None else elapsed - share - (unknown - 1)
    ytd = sum(known, Decimal(0))
    annual = goals.annual_revenue_target
    ytd_target = cents(annual * elapsed / months)
    remaining = months - elapsed
    required = cents_up(max(annual - ytd, Decimal(0)) / remaining) if remaining > 0 else None
    return RevenueScore(
        actual=actual,
        target=target,
        met=None if actual is None or share < 1 else actual >= target,
        ytd=ytd,
        ytd_target=ytd_target,
        gap_to_ytd_target=ytd_target - ytd,
        required_per_remaining_month=required,
        projected_year_end=cents(ytd / known_elapsed * months) if known_elapsed > 0 else None,
        source=source,
        fallback=fallback,
        months_unknown=unknown,
        fallback_months=fallback_months,
        share=share,
    )


@dataclass(frozen=True)
class GoalVerdict:
    """A company goal as of a month: ``met`` is None while it cannot be decided yet."""

    met: bool | None


@dataclass(frozen=True)
class CompanyGoalsStatus:
    """Goals 1-3 as of a month, with Goal 2's running sums.

    ``shortfall`` sums ``T - revenue`` over the months before ``R`` that fell short; ``surplus``
    sums ``revenue - T`` over the months from ``R`` so far (negative when they fall short).
    """

    goal1: GoalVerdict
    goal2: GoalVerdict
    goal3: GoalVerdict
    shortfall: Decimal
    surplus: Decimal


def company_goals_status(
    goals: CompanyGoals, revenues: Sequence[Decimal | None], run_rate_index: int, months: int
) -> CompanyGoalsStatus:
    """Goals 1-3 after the months of ``revenues`` (the period's ended months so far, in order;
    None for a month whose revenue is unknown).

    An unknown month leaves a goal undecided (None) unless a known month has already missed
    it; the running sums count the known months.
    """
    rate = goals.target_monthly_run_rate
    before, after = revenues[:run_rate_index], revenues[run_rate_index:]
    known_before = [r for r in before if r is not None]
    known_after = [r for r in after if r is not None]
    complete = len(revenues) == months and None not in revenues
    shortfall = sum((rate - r for r in known_before if r < rate), Decimal(0))
    surplus = sum((r - rate for r in known_after), Decimal(0))
    if any(r < rate for r in known_after):
        goal1: bool | None = False
    else:
        goal1 = True if complete else None
    goal2 = surplus >= shortfall if complete else None
    total = sum(known_before + known_after, Decimal(0))
    goal3 = total >= goals.annual_revenue_target if complete else None
    return CompanyGoalsStatus(
        goal1=GoalVerdict(goal1),
        goal2=GoalVerdict(goal2),
        goal3=GoalVerdict(goal3),
        shortfall=shortfall,
        surplus=surplus,
    )
