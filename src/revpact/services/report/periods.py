"""The week or month a pack is for: the ``--week`` and ``--month`` readers, the defaults (the
last complete week or month) and the :class:`Period` of a week or month.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from revpact.domain.agreement.model import Agreement
from revpact.domain.meetings import local_day
from revpact.domain.scoreboard.facts import month_end
from revpact.errors import RevpactError
from revpact.services.report.model import Period

__all__ = [
    "default_month",
    "default_week",
    "midnight",
    "month_period",
    "parse_pack_month",
    "parse_pack_week",
    "week_period",
]

_US = timedelta(microseconds=1)


_WEEK = re.compile(r"(\d{4})-?W(\d{1,2})", re.IGNORECASE)
_MONTH = re.compile(r"(\d{4})-(\d{2})")


def parse_pack_week(value: str) -> date:
    """``--week``: an ISO week ``YYYY-Www``, as its Monday."""
    found = _WEEK.fullmatch(value.strip())
    try:
        if found is None:
            raise ValueError
        return date.fromisocalendar(int(found[1]), int(found[2]), 1)
    except ValueError:
        raise RevpactError(f'--week "{value}" is not an ISO week; write e.g. 2020-W27') from None


def parse_pack_month(value: str) -> date:
    """``--month``: ``YYYY-MM``, as its first day."""
    found = _MONTH.fullmatch(value.strip())
    try:
        if found is None:
            raise ValueError
        return date(int(found[1]), int(found[2]), 1)
    except ValueError:
        raise RevpactError(f'--month "{value}" is not a month; write e.g. 2020-06') from None


def default_week(agreement: Agreement, now: datetime) -> date:
    """The Monday of the last complete ISO week before ``now`` (in the calendar's zone)."""
    today = local_day(now, agreement.calendar.timezone)
    return today - timedelta(days=today.weekday() + 7)


def default_month(agreement: Agreement, now: datetime) -> date:
    """The first day of the last complete month before ``now``."""
    today = local_day(now, agreement.calendar.timezone)
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def _period(
    agreement: Agreement,
    kind: str,
    label: str,
    first: date,
    last: date,
    now: datetime,
    *,
    check: bool = True,
) -> Period:
    zone = ZoneInfo(agreement.calendar.timezone)
    start, end = midnight(first, zone), midnight(last + timedelta(days=1), zone)
    span = agreement.period
    if check and (last < span.start or first > span.end):
        raise RevpactError(
            f"{label} is outside the agreement's period ({span.start} to {span.end})"
        )
    if check and now < start:
        raise RevpactError(f"{label} has not begun as of {now.isoformat()}")
    return Period(kind, label, first, last, start, end, min(now, end - _US), now >= end)


def week_period(agreement: Agreement, monday: date, now: datetime, *, check: bool = True) -> Period:
    iso = monday.isocalendar()
    label = f"{iso.year}-W{iso.week:02d}"
    last = monday + timedelta(days=6)
    return _period(agreement, "weekly", label, monday, last, now, check=check)


def month_period(agreement: Agreement, first: date, now: datetime, *, check: bool = True) -> Period:
    label = f"{first:%Y-%m}"
    return _period(agreement, "monthly", label, first, month_end(first), now, check=check)
