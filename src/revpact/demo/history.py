"""The demo's record: months closed as they end, and a deal that arrives after its month closed.

Company A's CFO closes each month on the second business day after it ends, at 10:00, once
every lead of the month is decided — so escalation and rewards are decided on closed months.
Then a deal won in September is entered late, in October after September was closed: the
closed month does not move, and the deal is listed as a restatement that waits for a reopen
and a new close.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from revpact import services
from revpact.domain import csv_safe
from revpact.domain.agreement.model import Agreement
from revpact.domain.scoreboard.facts import months_between
from revpact.services.month_close import MonthClose, close_month

__all__ = ["CLOSER", "LATE_DEAL", "close_demo_months", "enter_late_deal"]

CLOSER = "david.okafor@company-a.example"
"""Who closes the demo's months: the CFO."""

LATE_DEAL = "D-LATE-0930"
"""The deal won on 30 September and entered in October, after September was closed."""


def _second_business_day(first: date, agreement: Agreement, zone: ZoneInfo) -> datetime:
    """10:00 on the second business day of the month starting ``first``."""
    calendar = agreement.business_calendar()
    day, found = first, 0
    while True:
        moment = datetime.combine(day, time(10), zone)
        if calendar.is_business_time(moment):
            found += 1
            if found == 2:
                return moment
        day += timedelta(days=1)


def close_demo_months(
    engine: Engine, agreement: Agreement, *, until: datetime, now: datetime
) -> tuple[MonthClose, ...]:
    """Close every month of the period that ended by ``until``, each on the second business
    day after it, in order."""
    zone = ZoneInfo(agreement.calendar.timezone)
    months = months_between(agreement.period.start, agreement.period.end)
    done = []
    for first in months:
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        at = _second_business_day(following, agreement, zone)
        if at > until:
            break
        done.append(close_month(engine, agreement, first, by=CLOSER, now=now, via="demo", at=at))
    return tuple(done)


def enter_late_deal(
    engine: Engine, agreement: Agreement, directory: Path, *, now: datetime
) -> Path:
    """A deal won on 30 September, entered after September was closed (``deals-late.csv``)."""
    zone = ZoneInfo(agreement.calendar.timezone)
    path = directory / "deals-late.csv"
    with path.open("w", encoding="utf-8", newline="") as fp:
        writer = csv_safe.writer(fp)
        writer.writerow(
            [
                "deal_id",
                "lead_id",
                "created_at",
                "proposal_at",
                "closed_at",
                "outcome",
                "amount",
                "owner",
            ]
        )
        writer.writerow(
            [
                LATE_DEAL,
                "",
                datetime(2020, 8, 24, 11, tzinfo=zone).isoformat(),
                datetime(2020, 9, 14, 15, tzinfo=zone).isoformat(),
                datetime(2020, 9, 30, 16, tzinfo=zone).isoformat(),
                "won",
                "18500",
                "sarah.whitfield@company-a.example",
            ]
        )
    services.import_deals(engine, agreement, path, by=CLOSER, now=now)
    return path
