"""The teams' monthly goals: marketing's lead value, and sales' follow-up, close rate and cycle.

* **Lead value** = sum of count x ``lead_values[type]``; met when it reaches
  ``monthly_lead_value_target``. The **mix that closes the gap** scales this month's counts by
  ``gap / lead value`` and rounds each type up to whole leads (more of the same mix, so it is
  worth at least the gap). A month without leads uses ``sample_month`` instead; with no sample
  either, the mix is empty.
* **Follow-up compliance** = met / (met + breached); open leads are not decided yet.
* **Close rate** = won / (won + lost); **sales cycle** = mean days of deals won (median shown).
  Their target is the agreement's trajectory on the month's last day.

A month in progress is measured month to date: the lead value target is pro-rated by the
elapsed share of the month (the ratios' targets are ratios and stay as they are), and no measure
has a verdict (``met`` None) until the month has ended.

A measure with nothing decided (no decided lead, proposal or won deal) has ``actual`` None and
``met`` None. "Met" is decided exactly (by cross-multiplication), never on a rounded ratio.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal

from revpact.domain.agreement.goals import MarketingSpec
from revpact.domain.agreement.sales import SalesSpec
from revpact.domain.scoreboard.facts import CycleStats, MonthFacts, cents

__all__ = [
    "CycleScore",
    "FollowUpScore",
    "LeadTypeValue",
    "LeadValueScore",
    "RateScore",
    "close_rate_score",
    "follow_up_score",
    "gap_mix",
    "lead_value_score",
    "sales_cycle_score",
]


@dataclass(frozen=True)
class LeadTypeValue:
    """Leads of one type in a month and what they are worth."""

    lead_type: str
    count: int
    unit_value: Decimal
    value: Decimal


@dataclass(frozen=True)
class LeadValueScore:
    """Marketing's month: lead value by type against the target, and the mix to close the gap."""

    by_type: tuple[LeadTypeValue, ...]  # every type of marketing.lead_values, in its order
    actual: Decimal
    target: Decimal  # pro-rated while the month runs
    met: bool | None  # None while the month runs: it is never missed before it ends
    gap: Decimal  # max(0, target - actual)
    mix_to_close_gap: tuple[tuple[str, int], ...]  # extra leads per type; () when met


def gap_mix(
    marketing: MarketingSpec, counts: Mapping[str, int], gap: Decimal
) -> tuple[tuple[str, int], ...]:
    """Extra leads per type, in the proportions of ``counts``, worth at least ``gap``."""
    if gap <= 0:
        return ()
    base = counts if _value(marketing, counts) > 0 else marketing.sample_month
    total = _value(marketing, base)
    if total <= 0:
        return ()
    return tuple(
        (kind, int((Decimal(base[kind]) * gap / total).to_integral_value(ROUND_CEILING)))
        for kind in marketing.lead_values
        if base.get(kind, 0) > 0
    )


def _value(marketing: MarketingSpec, counts: Mapping[str, int]) -> Decimal:
    return sum((marketing.lead_values[k] * n for k, n in counts.items()), Decimal(0))


def lead_value_score(
    marketing: MarketingSpec, facts: MonthFacts, *, share: Decimal = Decimal(1)
) -> LeadValueScore:
    """The month's lead value; while it runs (``share`` of it elapsed, < 1) against the target
    x ``share``, with no verdict."""
    unknown = sorted(set(facts.leads_by_type) - set(marketing.lead_values))
    if unknown:
        raise ValueError(f"{facts.month:%Y-%m}: {marketing.unknown_type(unknown[0])}")
    by_type = tuple(
        LeadTypeValue(kind, n, value, value * n)
        for kind, value in marketing.lead_values.items()
        for n in [facts.leads_by_type.get(kind, 0)]
    )
    actual = sum((item.value for item in by_type), Decimal(0))
    full = marketing.monthly_lead_value_target
    target = full if share == 1 else cents(full * share)
    gap = max(target - actual, Decimal(0))
    return LeadValueScore(
        by_type=by_type,
        actual=actual,
        target=target,
        met=actual >= target if share == 1 else None,
        gap=gap,
        mix_to_close_gap=gap_mix(marketing, facts.leads_by_type, gap),
    )


@dataclass(frozen=True)
class FollowUpScore:
    """Sales' follow-up of the month's covered leads against the compliance target."""

    met: int
    breached: int
    open: int
    compliance: Decimal | None  # met / (met + breached); None when nothing is decided
    target: Decimal
    met_goal: bool | None


def follow_up_score(sales: SalesSpec, facts: MonthFacts) -> FollowUpScore:
    met, breached = facts.follow_up_met, facts.follow_up_breached
    decided = met + breached
    target = sales.follow_up.compliance_target
    return FollowUpScore(
        met=met,
        breached=breached,
        open=facts.follow_up_open,
        compliance=Decimal(met) / decided if decided else None,
        target=target,
        met_goal=met >= target * decided if decided else None,
    )


@dataclass(frozen=True)
class RateScore:
    """The close rate of proposals decided in the month against the month-end target."""

    won: int
    lost: int
    actual: Decimal | None
    target: Decimal
    met: bool | None  # actual >= target; None when no proposal was decided


def close_rate_score(sales: SalesSpec, facts: MonthFacts, *, start: date, end: date) -> RateScore:
    won, lost = facts.proposals_won, facts.proposals_lost
    decided = won + lost
    target = sales.close_rate.target_on(end, start=start)
    return RateScore(
        won=won,
        lost=lost,
        actual=Decimal(won) / decided if decided else None,
        target=target,
        met=won >= target * decided if decided else None,
    )


@dataclass(frozen=True)
class CycleScore:
    """The mean sales cycle of deals won in the month against the month-end target (days)."""

    deals: int
    actual: Decimal | None  # mean days
    median: Decimal | None
    target: Decimal
    met: bool | None  # actual <= target; None when no deal was won


def sales_cycle_score(sales: SalesSpec, cycle: CycleStats, *, start: date, end: date) -> CycleScore:
    target = sales.sales_cycle_days.target_on(end, start=start)
    return CycleScore(
        deals=cycle.count,
        actual=cycle.mean_days,
        median=cycle.median_days,
        target=target,
        met=cycle.total_days <= target * cycle.count if cycle.count else None,
    )
