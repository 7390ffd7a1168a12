"""A month of deals as revpact sends it: amounts and days as exact strings, null when unknown."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from revpact.domain.scoreboard.facts import RevenueSource
from revpact.services.deals import DealMonth
from revpact.services.public.deals import DealMonthPublic


def test_a_month_with_won_deals_and_a_revenue_row() -> None:
    june = DealMonth(
        month=date(2020, 6, 1),
        revenue=Decimal("1500.10"),
        revenue_source=RevenueSource.RECOGNISED,
        won_amount=Decimal("1400.00"),
        deals_won=2,
        deals_lost=1,
        proposals_won=2,
        proposals_lost=1,
        cycle_seconds_total=3 * 86_400 + 43_200,
        median_cycle_seconds=Decimal("129600.5"),
        leads_by_type={"referral": 3, "content": 0},
        recognised=Decimal("1500.10"),
    )
    assert DealMonthPublic.of(june).model_dump(mode="json") == {
        "month": "2020-06",
        "revenue": "1500.10",
        "revenue_source": "recognised",
        "recognised": "1500.10",
        "won_amount": "1400.00",
        "deals_won": 2,
        "deals_lost": 1,
        "proposals_won": 2,
        "proposals_lost": 1,
        "cycle_seconds_total": 302400,
        "cycle_days_total": "3.5000",
        "median_cycle_seconds": "129600.5",
        "median_cycle_days": "1.5000",
        "leads_by_type": {"referral": 3, "content": 0},
    }


def test_a_month_without_won_deals_or_a_revenue_row() -> None:
    quiet = DealMonth(
        month=date(2020, 7, 1),
        revenue=Decimal(0),
        revenue_source=RevenueSource.NONE,
        won_amount=Decimal(0),
        deals_won=0,
        deals_lost=0,
        proposals_won=0,
        proposals_lost=0,
        cycle_seconds_total=0,
        median_cycle_seconds=None,
        leads_by_type={},
    )
    data = DealMonthPublic.of(quiet).model_dump(mode="json")
    assert (data["revenue"], data["revenue_source"], data["recognised"]) == ("0", "none", None)
    assert (data["median_cycle_seconds"], data["median_cycle_days"]) == (None, None)
    assert (data["cycle_days_total"], data["leads_by_type"]) == ("0.0000", {})
