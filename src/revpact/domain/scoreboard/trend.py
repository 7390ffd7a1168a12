"""How a month moved against the month before it: the change in each measured goal."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from revpact.domain.scoreboard.year import MonthScore, MonthState

__all__ = ["Trend", "trend", "trend_to_json"]


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
        return Trend(None, None, None, None, None)
    partial = current.state is MonthState.IN_PROGRESS
    return Trend(
        revenue=None if partial else _delta(current.revenue.actual, previous.revenue.actual),
        lead_value=None if partial else current.lead_value.actual - previous.lead_value.actual,
        follow_up_compliance=_delta(current.follow_up.compliance, previous.follow_up.compliance),
        close_rate=_delta(current.close_rate.actual, previous.close_rate.actual),
        sales_cycle_days=_delta(current.sales_cycle.actual, previous.sales_cycle.actual),
    )


def trend_to_json(change: Trend) -> dict[str, Any]:
    """Exact Decimal strings, null where there is nothing to compare."""
    return {
        name: None if value is None else str(value)
        for name, value in (
            ("revenue", change.revenue),
            ("lead_value", change.lead_value),
            ("follow_up_compliance", change.follow_up_compliance),
            ("close_rate", change.close_rate),
            ("sales_cycle_days", change.sales_cycle_days),
        )
    }
