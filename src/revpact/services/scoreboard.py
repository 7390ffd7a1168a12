"""The month-by-month scoreboard: deal, revenue and lead facts from SQL, the follow-up SLA from
the clock, scored by :func:`revpact.domain.scoreboard.build_year`."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import Engine

from revpact.domain.agreement import Agreement
from revpact.domain.calendar import to_us
from revpact.domain.scoreboard import CycleStats, MonthFacts, YearScoreboard, build_year
from revpact.domain.scoreboard_facts import months_between
from revpact.domain.sla import STATUS_CODES, LeadStatus, evaluate_many
from revpact.errors import RevpactError
from revpact.services.deadlines import recompute_deadlines
from revpact.services.deals import DealMonth, month_ranges, monthly_facts
from revpact.store.leads import LeadRepository

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
    deals = monthly_facts(engine, agreement, months)
    follow_up = _follow_up_by_month(engine, agreement, months, as_of)
    facts = [_facts(d, *counts) for d, counts in zip(deals, follow_up, strict=True)]
    return build_year(agreement, facts)


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
    """(met, breached, open or at risk) of the leads notified in each month, as of ``as_of``."""
    recompute_deadlines(engine, agreement)
    as_of_us = to_us(as_of)
    with engine.connect() as conn:
        leads = LeadRepository(conn).load_sla(as_of_us=as_of_us)
    results = evaluate_many(
        agreement.business_calendar(),
        agreement.follow_up_rule(),
        applies=leads.applies,
        notified_us=leads.notified_us,
        due_us=leads.due_us,
        touch_us=leads.first_touch_us,
        as_of_us=as_of_us,
    )
    ranges = month_ranges(agreement, months)
    edges = np.array([lo for lo, _ in ranges] + [ranges[-1][1]], dtype=np.int64)
    bucket = np.searchsorted(edges, leads.notified_us, side="right") - 1
    inside = (bucket >= 0) & (bucket < len(ranges))
    code = {status: STATUS_CODES.index(status) for status in LeadStatus}
    out = []
    for k in range(len(ranges)):
        status = results.status[inside & (bucket == k)]
        out.append(
            (
                int(np.count_nonzero(status == code[LeadStatus.MET])),
                int(np.count_nonzero(status == code[LeadStatus.BREACHED])),
                int(
                    np.count_nonzero(
                        (status == code[LeadStatus.OPEN]) | (status == code[LeadStatus.AT_RISK])
                    )
                ),
            )
        )
    return out
