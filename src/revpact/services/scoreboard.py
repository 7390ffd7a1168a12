"""The month-by-month scoreboard: deal, revenue, lead and follow-up facts from SQL aggregates,
scored by :func:`revpact.domain.scoreboard.year.build_year`.

Time travel is truncation: the scoreboard as of ``T`` is computed from what had happened by
``T`` only (leads created by ``T``; deals created, proposed and closed by ``T``; revenue of months
ended by ``T``; follow-up as of ``T``), so it equals the scoreboard of a store cut at ``T``.

The facts come through :mod:`revpact.services.cache`, keyed on the store's revision and valid
only for the moments where they are the same: a second call answers without a pass over the
leads until a write (or the next event in the months) changes something.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Final
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.calendar import to_us
from revpact.domain.scoreboard.facts import months_between
from revpact.domain.scoreboard.year import (
    MonthVersion,
    YearScoreboard,
    build_year,
)
from revpact.errors import RevpactError
from revpact.services.agreement_versions import governing_timeline
from revpact.services.deals import month_over, month_ranges
from revpact.services.month_facts import closed_facts, live_month_facts

__all__ = ["REQUIRE_CLOSE", "elapsed_share", "year_scoreboard"]

REQUIRE_CLOSE: Final = True
"""Only closed months count for escalation and rewards: a month that has ended but is not
closed yet is *awaiting close* (its figures are provisional). ``require_close=False`` scores
every ended month as if closed — what a close freezes (:mod:`revpact.services.month_close`)."""


def year_scoreboard(
    engine: Engine, agreement: Agreement, *, as_of: datetime, require_close: bool = REQUIRE_CLOSE
) -> YearScoreboard:
    """Every month of the agreement's period up to the month of ``as_of``, scored, from what had
    happened by ``as_of`` only (:func:`revpact.services.month_facts.live_month_facts`).

    Each month is measured under the agreement version in force on its first day. The month
    of ``as_of``, while it runs, is *in progress*: month to date against targets pro-rated by
    the elapsed share of the month in calendar time (:func:`elapsed_share`). A closed month is
    scored from the facts frozen when it was closed
    (:func:`revpact.services.month_facts.closed_facts`). With ``require_close`` only closed
    months count for escalation and rewards (an ended month not closed is *awaiting close*);
    without it every ended month counts.
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
    as_of_us = to_us(as_of)
    timeline = governing_timeline(engine, agreement)

    def governing(month: date) -> tuple[Agreement, MonthVersion | None]:
        span = timeline.at(datetime.combine(month, time(0), zone))
        version = span.version
        return span.agreement, (
            None if version is None else MonthVersion(version.number, version.hash)
        )

    published = timeline.published
    latest = (
        agreement
        if not published
        else governing(months[-1])[0]
        if months
        else timeline.current.agreement
    )
    live = live_month_facts(engine, agreement, months, as_of=as_of, timeline=timeline)
    frozen = closed_facts(engine, months, as_of_us=as_of_us)
    facts = [frozen.get(f.month, f) for f in live]
    share = elapsed_share(agreement, months[-1], as_of) if months else None
    return build_year(
        latest,
        facts,
        governing if published else None,
        elapsed=share if share is not None and months[-1] not in frozen else None,
        decided=(lambda month: month in frozen) if require_close else None,
    )


def elapsed_share(agreement: Agreement, month: date, as_of: datetime) -> Decimal | None:
    """The share of ``month`` (its first day) elapsed at ``as_of``, in calendar time — seconds
    of the month in the agreement's time zone, so a month with a DST change is measured in the
    seconds it really has — or None once the month is over
    (:func:`revpact.services.deals.month_over`).

    Calendar time, not business time: revenue and leads arrive on any day, and the pro-rated
    target of a month in progress is its target x this share.
    """
    (lo, hi), now = month_ranges(agreement, [month])[0], to_us(as_of)
    if month_over(hi, now):
        return None
    return Decimal(max(now - lo, 0)) / Decimal(hi - lo)
