"""What a month is scored from: its facts as the store holds them as of a moment (*live*), or as
frozen when the month was closed (:mod:`revpact.services.month_close`).

One function assembles the live facts of a month — the scoreboard, a close and the
restatements all read them here, so a close freezes exactly what the scoreboard showed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.calendar import to_us
from revpact.domain.scoreboard.facts import CycleStats, MonthFacts
from revpact.domain.versions import AgreementTimeline
from revpact.services.agreement_versions import governing_timeline
from revpact.services.cache import deal_facts, follow_up_facts
from revpact.services.deadlines import recompute_deadlines
from revpact.services.deals import revenue_of
from revpact.services.month_facts_json import facts_from_json
from revpact.store.month_closes import CloseAction, CloseRow, MonthCloseRepository

__all__ = ["closed_facts", "frozen_facts", "governing_agreement", "live_month_facts"]


def governing_agreement(
    timeline: AgreementTimeline, agreement: Agreement, month: date
) -> Agreement:
    """The agreement ``month`` (its first day) is measured under: the version in force at its
    first midnight, or ``agreement`` while no version is published."""
    if not timeline.published:
        return agreement
    zone = ZoneInfo(agreement.calendar.timezone)
    return timeline.at(datetime.combine(month, time(0), zone)).agreement


def live_month_facts(
    engine: Engine,
    agreement: Agreement,
    months: Sequence[date],
    *,
    as_of: datetime,
    timeline: AgreementTimeline | None = None,
) -> list[MonthFacts]:
    """The facts of ``months`` (first days, in order) from what had happened by ``as_of``,
    closes ignored: deals, revenue and leads by type (:mod:`revpact.services.deals`, cached) and
    the follow-up of the leads notified in each month as they stand at ``as_of`` (a lead
    notified on the month's last evening may be decided the next morning). Each month's
    revenue follows the ``revenue_source`` of the version it is measured under."""
    if timeline is None:
        timeline = governing_timeline(engine, agreement)
    recompute_deadlines(engine, agreement, timeline)  # before the cache reads the revision
    as_of_us = to_us(as_of)
    deals = deal_facts(engine, agreement, months, as_of_us=as_of_us)
    counts = follow_up_facts(engine, agreement, months, as_of_us=as_of_us)
    facts = []
    for d, c in zip(deals, counts, strict=True):
        rule = governing_agreement(timeline, agreement, d.month).company_goals.revenue_source
        revenue, source = revenue_of(d, rule)
        facts.append(
            MonthFacts(
                month=d.month,
                revenue=revenue,
                revenue_source=source,
                leads_by_type=d.leads_by_type,
                follow_up_met=c.met,
                follow_up_breached=c.breached,
                follow_up_open=c.waiting,
                proposals_won=d.proposals_won,
                proposals_lost=d.proposals_lost,
                won_cycle=CycleStats(
                    count=d.deals_won,
                    total_days=d.cycle_days_total,
                    median_days=d.median_cycle_days,
                ),
            )
        )
    return facts


def closed_facts(
    engine: Engine, months: Sequence[date], *, as_of_us: int
) -> dict[date, MonthFacts]:
    """The frozen facts of those of ``months`` that were closed at ``as_of_us`` (by the latest
    close or reopen recorded at or before it), keyed by the month's first day."""
    wanted = {f"{m:%Y-%m}": m.replace(day=1) for m in months}
    with engine.connect() as conn:
        latest = MonthCloseRepository(conn).latest(as_of_us=as_of_us)
    return {
        wanted[key]: frozen_facts(row)
        for key, row in latest.items()
        if key in wanted and row.action is CloseAction.CLOSE
    }


def frozen_facts(row: CloseRow) -> MonthFacts:
    """The facts a close row keeps."""
    assert row.facts is not None, f"the close of {row.month} keeps no facts"
    return facts_from_json(json.loads(row.facts))
