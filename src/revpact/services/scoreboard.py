"""The month-by-month scoreboard: deal, revenue, lead and follow-up facts from SQL aggregates,
scored by :func:`revpact.domain.scoreboard.build_year`.

The facts come through :mod:`revpact.services.cache`, keyed on the store's revision: a second
call answers without a pass over the leads until a write changes something.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from revpact.domain.agreement import Agreement
from revpact.domain.calendar import to_us
from revpact.domain.scoreboard import (
    CycleStats,
    MonthFacts,
    MonthVersion,
    YearScoreboard,
    build_year,
)
from revpact.domain.scoreboard_facts import months_between
from revpact.errors import RevpactError
from revpact.services.agreement_versions import governing_timeline
from revpact.services.cache import deal_facts, follow_up_facts
from revpact.services.deadlines import recompute_deadlines
from revpact.services.deals import DealMonth

__all__ = ["year_scoreboard"]

_SECONDS_PER_DAY = 86_400


def year_scoreboard(engine: Engine, agreement: Agreement, *, as_of: datetime) -> YearScoreboard:
    """Every month of the agreement's period up to the month of ``as_of``, scored.

    The follow-up figures of a month are those of the leads notified in it, each as it stands
    at ``as_of`` (a lead notified on the month's last evening may be decided the next morning).
    """
    zone = ZoneInfo(agreement.calendar.timezone)
    local = as_of.astimezone(zone).date()
    start, end = agreement.period.start, agreement.period.end
    if local < start:
        raise RevpactError(
            f"{local} is before the agreement's period, which starts on {start}; "
            "pass a later --as-of"
        )
    months = list(months_between(start, min(local, end)))
    timeline = governing_timeline(engine, agreement)
    recompute_deadlines(engine, agreement, timeline)  # before the cache reads the revision
    deals = deal_facts(engine, agreement, months)
    follow_up = _follow_up_by_month(engine, agreement, months, as_of)
    facts = [_facts(d, *counts) for d, counts in zip(deals, follow_up, strict=True)]
    if not timeline.published:
        return build_year(agreement, facts)

    def governing(month: date) -> tuple[Agreement, MonthVersion | None]:
        span = timeline.at(datetime.combine(month, time(0), zone))
        version = span.version
        return span.agreement, (
            None if version is None else MonthVersion(version.number, version.hash)
        )

    latest = governing(months[-1])[0] if months else timeline.current.agreement
    return build_year(latest, facts, governing)


def _facts(d: DealMonth, met: int, breached: int, waiting: int) -> MonthFacts:
    return MonthFacts(
        month=d.month,
        revenue=d.revenue,
        leads_by_type=d.leads_by_type,
        follow_up_met=met,
        follow_up_breached=breached,
        follow_up_open=waiting,
        proposals_won=d.proposals_won,
        proposals_lost=d.proposals_lost,
        won_cycle=CycleStats(
            count=d.deals_won,
            total_days=d.cycle_days_total,
            median_days=d.median_cycle_days,
        ),
    )


def _follow_up_by_month(
    engine: Engine, agreement: Agreement, months: list[date], as_of: datetime
) -> list[tuple[int, int, int]]:
    """(met, breached, open or at risk) of the leads notified in each month, as of ``as_of``:
    SQL aggregates over the stored deadlines (which the caller has brought up to date), cached.
    """
    counts = follow_up_facts(engine, agreement, months, as_of_us=to_us(as_of))
    return [(c.met, c.breached, c.waiting) for c in counts]
