"""How a month moved against the month before it: the change in each measured goal."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from revpact.domain.scoreboard.goals import MONTHLY_GOALS, GoalUnit
from revpact.domain.scoreboard.year import MonthScore, MonthState

__all__ = ["Trend", "trend"]


@dataclass(frozen=True)
class Trend:
    """``current - previous`` of each figure; None without a previous month or a value.

    Up is better for every figure but the sales cycle, where down is better.
    """

    revenue: Decimal | None
    lead_value: Decimal | None
    follow_up_compliance: Decimal | None
    close_rate: Decimal | None
    sales_cycle_days: Decimal | None


def _delta(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    return None if current is None or previous is None else current - previous


def trend(previous: MonthScore | None, current: MonthScore) -> Trend:
    """The change of every figure from ``previous`` (None for the period's first month).

    A month in progress has only its month to date: its amounts (revenue, lead value) are not
    compared with a whole month (None); its ratios are."""
    if previous is None:
        return Trend(**{g.trend: None for g in MONTHLY_GOALS})
    partial = current.state is MonthState.IN_PROGRESS
    return Trend(
        **{
            g.trend: None
            if partial and g.unit is GoalUnit.MONEY
            else _delta(g.figures(current)[0], g.figures(previous)[0])
            for g in MONTHLY_GOALS
        }
    )
