"""Deterministic demo deals and revenue: Company A's 2020 pipeline behind the demo leads.

A share of the sales-ready leads (those the follow-up rule covers, once touched) becomes a
deal a few days after the first touch; most deals get a proposal, and each is decided 20 to
60 days after it was created. A pipeline carried over from late 2019 (deals without a lead)
decides in the first weeks of the year, so January measures a real cycle.

The year tells a story the scoreboard can see. In the spring deals drag (cycles near 50 days)
and about a fifth of the proposals win, while revenue starts at the article's 833,000 USD a
month and stays below its trajectory: every month misses its shared goals and the escalation
climbs to the 90-day step. From summer the teams recover: cycles shorten, the close rate
climbs past its target, follow-up is perfect from September (see :mod:`revpact.demo.data`)
and revenue passes 1,250,000 USD, so the autumn months meet every shared goal, reset the
escalation and earn the monthly reward.

The close rate is the story's rate of the month the proposals are decided in (rounded to whole
deals, winners drawn at random); revenue is a recognised-revenue row for every month (renewals
and services included, so it is more than the month's won deals). Same leads and seed, same
deals.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TextIO

import numpy as np

from revpact.demo.data import DEMO_AS_OF, DemoLead
from revpact.domain import csv_safe
from revpact.ingest.deals import DEAL_COLUMNS

__all__ = [
    "DEAL_CSV_COLUMNS",
    "REVENUE_CSV_COLUMNS",
    "DemoDeal",
    "DemoRevenue",
    "demo_revenue",
    "generate_deals",
    "write_deals_csv",
    "write_revenue_csv",
]

DEAL_CSV_COLUMNS: tuple[str, ...] = tuple(DEAL_COLUMNS)
REVENUE_CSV_COLUMNS: tuple[str, ...] = ("month", "amount")


@dataclass(frozen=True)
class DemoDeal:
    """One generated deal, in the shape of the deal file."""

    deal_id: str
    lead_id: str | None  # None for the pipeline carried over from 2019
    created_at: datetime
    proposal_at: datetime | None
    closed_at: datetime | None  # None while open
    outcome: str  # won, lost or open
    amount: Decimal
    owner: str


@dataclass(frozen=True)
class DemoRevenue:
    month: date  # its first day
    amount: Decimal


# --- the story, month by month (January .. December) ----------------------------------------

# Share of proposals decided in the month that are won (targets: 26.7% in January .. 50%).
_CLOSE_RATE = (0.20, 0.21, 0.23, 0.25, 0.28, 0.31, 0.35, 0.38, 0.46, 0.50, 0.53, 0.56)
# Mean days from creation to decision of the deals created in the month (target 45 -> 35).
_CYCLE_DAYS = (52, 51, 49, 47, 44, 40, 36, 32, 30, 29, 28, 28)
# Decided on the 21st to the 60th day after creation (a weekend moves it to Monday): a cycle
# of 20 to 62 full days.
_CYCLE_SPREAD_DAYS, _CYCLE_MIN_DAYS, _CYCLE_MAX_DAYS = 6.0, 21, 60
# Recognised revenue of the month (trajectory: 902,500 .. 1,180,500, then 1,250,000).
_REVENUE = (
    833_000,
    861_400,
    918_700,
    987_300,
    1_062_900,
    1_148_600,
    1_231_800,
    1_276_500,
    1_318_200,
    1_352_700,
    1_391_400,
    1_436_900,
)

_P_DEAL = 0.5  # a touched sales-ready lead becomes a deal
_P_PROPOSAL = 0.85
_DEAL_AFTER_DAYS = (1, 6)  # a deal is opened this many days after the first touch
_PROPOSAL_AFTER_DAYS = (3, 12)
_MEDIAN_AMOUNT = {"referral": 45_000.0, "internet_sales_ready": 30_000.0, "content": 20_000.0}
_AMOUNT_SIGMA = 0.45
_CARRIED_OVER = 70  # open deals at the start of the year
_CARRIED_OVER_SINCE_DAYS = 75  # ... created within this many days before January 1


def _workday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _at_office(rng: np.random.Generator, day: date, like: datetime) -> datetime:
    """A moment of office hours (09:00-17:00) on ``day``, in ``like``'s time zone."""
    minute = int(rng.integers(0, 8 * 60))
    return datetime.combine(day, time(9), like.tzinfo) + timedelta(minutes=minute)


def _decision(rng: np.random.Generator, created: datetime, cycle_days: float) -> datetime:
    """The deal is decided in office hours about ``cycle_days`` (clipped) after ``created``."""
    days = round(float(np.clip(cycle_days, _CYCLE_MIN_DAYS, _CYCLE_MAX_DAYS)))
    return _at_office(rng, _workday(created.date() + timedelta(days=days)), created)


def _covered(lead: DemoLead) -> bool:
    return lead.requested_follow_up and lead.lead_type != "webinar" and lead.stage == "late"


@dataclass
class _Draft:
    lead: DemoLead | None
    created_at: datetime
    proposal_at: datetime | None
    decided_at: datetime
    amount: Decimal
    owner: str
    won: bool = False


def generate_deals(
    leads: Sequence[DemoLead], *, seed: int = 2020, as_of: datetime = DEMO_AS_OF
) -> list[DemoDeal]:
    """The deals behind ``leads`` (from :func:`revpact.demo.data.generate_leads`), by creation.

    Nothing is created after ``as_of``; a deal not decided by then is open.
    """
    rng = np.random.default_rng(seed)
    zone = as_of.tzinfo
    year = as_of.year
    owners = sorted({lead.owner for lead in leads})
    drafts: list[_Draft] = []

    start = datetime(year, 1, 1, tzinfo=zone)
    for _ in range(_CARRIED_OVER):
        day = _workday(
            (start - timedelta(days=int(rng.integers(1, _CARRIED_OVER_SINCE_DAYS)))).date()
        )
        created = _at_office(rng, day, start)
        cycle = _CYCLE_DAYS[0] + _CYCLE_SPREAD_DAYS * float(rng.standard_normal())
        decided = _decision(rng, created, cycle)
        kind = ("referral", "internet_sales_ready", "content")[int(rng.integers(3))]
        amount = _amount(rng, kind)
        owner = owners[int(rng.integers(len(owners)))] if owners else ""
        if decided < start:
            continue  # decided last year: not in the demo
        sent = created + timedelta(days=int(rng.integers(*_PROPOSAL_AFTER_DAYS)))
        drafts.append(_Draft(None, created, min(sent, decided), decided, amount, owner))

    for lead in leads:
        if lead.first_touch_at is None or not _covered(lead):
            continue
        u = rng.random(3)
        normal = float(rng.standard_normal())
        if u[0] >= _P_DEAL:
            continue
        after = int(_DEAL_AFTER_DAYS[0] + u[1] * (_DEAL_AFTER_DAYS[1] - _DEAL_AFTER_DAYS[0]))
        created = _at_office(
            rng, _workday(lead.first_touch_at.date() + timedelta(days=after)), lead.created_at
        )
        created = max(created, lead.first_touch_at)
        if created > as_of:
            continue
        cycle = _CYCLE_DAYS[created.month - 1] + _CYCLE_SPREAD_DAYS * normal
        decided = _decision(rng, created, cycle)
        proposal: datetime | None = None
        if u[2] < _P_PROPOSAL:
            proposal = created + timedelta(days=int(rng.integers(*_PROPOSAL_AFTER_DAYS)))
            proposal = min(proposal, decided)
        drafts.append(
            _Draft(lead, created, proposal, decided, _amount(rng, lead.lead_type), lead.owner)
        )

    _pick_winners(rng, drafts, as_of)
    drafts.sort(key=lambda d: d.created_at)
    deals: list[DemoDeal] = []
    for number, d in enumerate(drafts, start=1):
        done = d.decided_at <= as_of
        proposed = d.proposal_at if d.proposal_at is not None and d.proposal_at <= as_of else None
        deals.append(
            DemoDeal(
                deal_id=f"D{year}-{number:05d}",
                lead_id=d.lead.lead_id if d.lead is not None else None,
                created_at=d.created_at,
                proposal_at=proposed,
                closed_at=d.decided_at if done else None,
                outcome=("won" if d.won else "lost") if done else "open",
                amount=d.amount,
                owner=d.owner,
            )
        )
    return deals


def _amount(rng: np.random.Generator, lead_type: str) -> Decimal:
    median = _MEDIAN_AMOUNT.get(lead_type, 25_000.0)
    value = median * float(np.exp(_AMOUNT_SIGMA * rng.standard_normal()))
    return Decimal(round(value / 100) * 100)


def _pick_winners(rng: np.random.Generator, drafts: list[_Draft], as_of: datetime) -> None:
    """In each month, the story's share of the decided proposals wins (no proposal: lost)."""
    by_month: dict[tuple[int, int], list[_Draft]] = defaultdict(list)
    for d in drafts:
        if d.proposal_at is not None and d.decided_at <= as_of:
            by_month[(d.decided_at.year, d.decided_at.month)].append(d)
    for (_, month), decided in sorted(by_month.items()):
        wins = round(_CLOSE_RATE[month - 1] * len(decided))
        for k in rng.permutation(len(decided))[:wins]:
            decided[int(k)].won = True


def demo_revenue(year: int = 2020) -> list[DemoRevenue]:
    """The recognised revenue of every month of ``year``."""
    return [DemoRevenue(date(year, m, 1), Decimal(a)) for m, a in enumerate(_REVENUE, start=1)]


# --- CSV ----------------------------------------------------------------------------------


def _iso(value: datetime | None) -> str:
    return "" if value is None else value.isoformat(timespec="seconds")


def write_deals_csv(deals: Sequence[DemoDeal], fp: TextIO) -> None:
    """Write deals in the deal file's columns (:mod:`revpact.ingest.deals`)."""
    writer = csv_safe.writer(fp, lineterminator="\n")
    writer.writerow(DEAL_CSV_COLUMNS)
    for deal in deals:
        writer.writerow(
            (
                deal.deal_id,
                deal.lead_id or "",
                _iso(deal.created_at),
                _iso(deal.proposal_at),
                _iso(deal.closed_at),
                deal.outcome,
                str(deal.amount),
                deal.owner,
            )
        )


def write_revenue_csv(months: Sequence[DemoRevenue], fp: TextIO) -> None:
    """Write the revenue file: ``month,amount`` with months as ``YYYY-MM``."""
    writer = csv_safe.writer(fp, lineterminator="\n")
    writer.writerow(REVENUE_CSV_COLUMNS)
    for row in months:
        writer.writerow((f"{row.month:%Y-%m}", str(row.amount)))
