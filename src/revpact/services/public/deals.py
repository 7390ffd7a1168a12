"""A month of deals, revenue and leads as revpact sends it (:class:`DealMonthPublic`): amounts
and days as exact Decimal strings, so nothing turns float."""

from __future__ import annotations

from typing import Self

from revpact.domain.scoreboard.facts import RevenueSource
from revpact.services.deals import DealMonth
from revpact.services.public.common import Exact, Public, month_key

__all__ = ["DealMonthPublic"]


class DealMonthPublic(Public):
    """One calendar month (in the agreement's time zone) of deals, revenue and leads."""

    month: str
    revenue: Exact
    revenue_source: RevenueSource
    recognised: Exact | None
    won_amount: Exact
    deals_won: int
    deals_lost: int
    proposals_won: int
    proposals_lost: int
    cycle_seconds_total: int
    cycle_days_total: Exact
    median_cycle_seconds: Exact | None
    median_cycle_days: Exact | None
    leads_by_type: dict[str, int]

    @classmethod
    def of(cls, month: DealMonth) -> Self:
        return cls(
            month=month_key(month.month),
            revenue=month.revenue,
            revenue_source=month.revenue_source,
            recognised=month.recognised,
            won_amount=month.won_amount,
            deals_won=month.deals_won,
            deals_lost=month.deals_lost,
            proposals_won=month.proposals_won,
            proposals_lost=month.proposals_lost,
            cycle_seconds_total=month.cycle_seconds_total,
            cycle_days_total=month.cycle_days_total,
            median_cycle_seconds=month.median_cycle_seconds,
            median_cycle_days=month.median_cycle_days,
            leads_by_type=dict(month.leads_by_type),
        )
