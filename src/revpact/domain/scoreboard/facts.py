"""What the scoreboard is computed from: one :class:`MonthFacts` of aggregates per month.

The storage layer computes these with SQL (sums, counts and a median per month); the scoreboard
never sees a single lead or deal. Money is ``Decimal`` throughout: a float handed in is refused
rather than converted, so no binary rounding can reach a total.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from enum import StrEnum
from types import MappingProxyType

__all__ = [
    "CENT",
    "CycleStats",
    "GoalStatus",
    "MonthFacts",
    "RevenueSource",
    "cents",
    "cents_up",
    "month_end",
    "month_index",
    "months_between",
]

CENT = Decimal("0.01")
"""Computed amounts (targets, projections, requirements) are rounded to cents."""


def cents(amount: Decimal) -> Decimal:
    """``amount`` rounded half-up to cents (targets and projections)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def cents_up(amount: Decimal) -> Decimal:
    """``amount`` rounded up to cents (what must still be earned: never a cent short)."""
    return amount.quantize(CENT, rounding=ROUND_CEILING)


def month_end(month: date) -> date:
    """The last day of ``month``'s month."""
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def month_index(month: date, first: date) -> int:
    """How many months ``month`` lies after ``first`` (0 for the same month)."""
    return (month.year - first.year) * 12 + month.month - first.month


def months_between(first: date, last: date) -> tuple[date, ...]:
    """First days of every month from ``first``'s month to ``last``'s month, both included."""
    start = first.replace(day=1)
    count = month_index(last.replace(day=1), start) + 1
    return tuple(
        date(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 1)
        for i in range(max(count, 0))
    )


class RevenueSource(StrEnum):
    """Where one month's revenue figure came from."""

    RECOGNISED = "recognised"  # the month's row in the revenue file
    WON_DEALS = "won_deals"  # the amounts of the deals won in the month
    NONE = "none"  # nowhere: the agreement takes only recognised revenue and the month has none


class GoalStatus(StrEnum):
    """Where one monthly goal stands."""

    MET = "met"
    MISSED = "missed"
    NO_DATA = "no_data"  # nothing to measure this month (no decided lead, proposal or won deal)

    @classmethod
    def of(cls, met: bool | None) -> GoalStatus:
        return cls.NO_DATA if met is None else cls.MET if met else cls.MISSED


def _decimal(value: object, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        kind = type(value).__name__
        raise TypeError(f"{what} is a {kind} ({value!r}); pass a Decimal (never a float)")
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"{what} is {number}; pass a finite amount")
    return number


def _count(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{what} is {value!r}; pass a whole number, 0 or more")
    return value


@dataclass(frozen=True)
class CycleStats:
    """Days from creation to close of the deals won in a month, as SQL can aggregate them.

    ``count`` deals, ``total_days`` their summed cycle (fractional days allowed), and
    ``median_days`` their median (None when ``count`` is 0). The mean is ``total_days / count``.
    """

    count: int = 0
    total_days: Decimal = Decimal(0)
    median_days: Decimal | None = None

    def __post_init__(self) -> None:
        _count(self.count, "CycleStats.count")
        total = _decimal(self.total_days, "CycleStats.total_days")
        if total < 0:
            raise ValueError(f"CycleStats.total_days is {total}; a cycle cannot be negative")
        if (self.count == 0) != (self.median_days is None):
            raise ValueError(
                f"CycleStats has count {self.count} and median {self.median_days}; "
                "give a median exactly when count is more than 0"
            )
        if self.count == 0 and total != 0:
            raise ValueError(f"CycleStats has no deals but total_days {total}")
        if self.median_days is not None:
            _decimal(self.median_days, "CycleStats.median_days")

    @classmethod
    def of(cls, days: Iterable[Decimal | int]) -> CycleStats:
        """The statistics of individual cycle lengths (handy in tests and small imports)."""
        values = [_decimal(day, "a cycle length") for day in days]
        if not values:
            return cls()
        return cls(len(values), sum(values, Decimal(0)), statistics.median(values))

    @property
    def mean_days(self) -> Decimal | None:
        return self.total_days / self.count if self.count else None


@dataclass(frozen=True)
class MonthFacts:
    """Everything the scoreboard needs to know about one month.

    * ``month`` — the first day of the month.
    * ``revenue`` — the month's revenue, from ``revenue_source``: its recognised revenue, or the
      sum of the deals won in it. May be negative (credit notes). With source ``none`` it is
      unknown (pass 0): the revenue goal of the month has no data.
    * ``revenue_source`` — where ``revenue`` came from (:class:`RevenueSource`).
    * ``leads_by_type`` — marketing-generated leads created in the month, per lead type of
      ``marketing.lead_values`` (webinar leads included); absent types count 0.
    * ``follow_up_met`` / ``follow_up_breached`` / ``follow_up_open`` — leads notified in the month
      and covered by the follow-up promise, by their SLA status at the end of the month
      (``at_risk`` counts as open).
    * ``proposals_won`` / ``proposals_lost`` — deals with a proposal whose outcome was decided in
      the month.
    * ``won_cycle`` — cycle lengths of the deals won in the month.
    """

    month: date
    revenue: Decimal
    leads_by_type: Mapping[str, int] = field(default_factory=dict)
    follow_up_met: int = 0
    follow_up_breached: int = 0
    follow_up_open: int = 0
    proposals_won: int = 0
    proposals_lost: int = 0
    won_cycle: CycleStats = CycleStats()
    revenue_source: RevenueSource = RevenueSource.RECOGNISED

    def __post_init__(self) -> None:
        if self.month.day != 1:
            raise ValueError(f"MonthFacts.month is {self.month}; pass the first day of the month")
        _decimal(self.revenue, f"revenue of {self.month:%Y-%m}")
        source = RevenueSource(self.revenue_source)  # a stored "won_deals" reads back too
        object.__setattr__(self, "revenue_source", source)
        if source is RevenueSource.NONE and self.revenue != 0:
            raise ValueError(
                f"revenue of {self.month:%Y-%m} is {self.revenue} with no source; "
                "pass 0 for an unknown revenue"
            )
        leads = {str(kind): _count(n, f"{kind} leads") for kind, n in self.leads_by_type.items()}
        object.__setattr__(self, "leads_by_type", MappingProxyType(leads))
        for name in (
            "follow_up_met",
            "follow_up_breached",
            "follow_up_open",
            "proposals_won",
            "proposals_lost",
        ):
            _count(getattr(self, name), f"{name} of {self.month:%Y-%m}")
