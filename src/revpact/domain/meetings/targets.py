"""What the monthly meeting expects of the coming month: the agreement's targets for one month
of its period (:func:`month_targets`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from revpact.domain.agreement.model import (
    Agreement,
)
from revpact.domain.scoreboard.facts import month_end, month_index
from revpact.domain.scoreboard.revenue import trajectory_target

__all__ = ["MonthTargets", "month_targets"]


# --- what the monthly meeting expects of the coming month ---------------------------------------


@dataclass(frozen=True)
class MonthTargets:
    """The agreement's targets for one month of its period."""

    month: date
    revenue: Decimal
    lead_value: Decimal
    follow_up_compliance: Decimal
    close_rate: Decimal
    sales_cycle_days: Decimal


def month_targets(agreement: Agreement, month: date) -> MonthTargets | None:
    """The targets of ``month``'s month (None outside the agreement's period): the revenue
    trajectory, the lead value, the follow-up compliance, and the close rate and sales cycle
    on the month's last day."""
    first = month.replace(day=1)
    period = agreement.period
    if not period.start.replace(day=1) <= first <= period.end:
        return None
    start_month = period.start.replace(day=1)
    goals = agreement.company_goals
    run_rate_index = month_index(goals.target_run_rate_by, start_month)
    end = min(month_end(first), period.end)
    sales = agreement.sales
    return MonthTargets(
        month=first,
        revenue=trajectory_target(goals, month_index(first, start_month), run_rate_index),
        lead_value=agreement.marketing.monthly_lead_value_target,
        follow_up_compliance=sales.follow_up.compliance_target,
        close_rate=sales.close_rate.target_on(end, start=period.start),
        sales_cycle_days=sales.sales_cycle_days.target_on(end, start=period.start),
    )
