"""Which meetings a question names, and when each falls: the occurrences of a meeting's rule
on local dates, closed days marked (skipped, not moved), and the next open one.

Pure: time is an argument.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from revpact.domain.agreement.model import (
    Agreement,
    Audience,
    Cadence,
    CalendarSpec,
    Meeting,
    Signatory,
)
from revpact.domain.scoreboard.facts import month_end, months_between
from revpact.errors import InputError, NotFoundError

__all__ = [
    "BYDAY",
    "Occurrence",
    "attendees_of",
    "byday",
    "is_scheduled",
    "local_day",
    "meeting_days",
    "next_occurrence",
    "occurrences",
    "select_meetings",
    "the_meeting",
]


BYDAY: Final = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
"""iCalendar's weekday codes, Monday first (as ``date.weekday()`` counts)."""


# --- which meetings -----------------------------------------------------------------------------


def _known(meetings: Sequence[Meeting]) -> str:
    return ", ".join(m.id for m in meetings) or "none"


def select_meetings(meetings: Sequence[Meeting], kind: str | None) -> tuple[Meeting, ...]:
    """The meetings ``kind`` names: a cadence (``weekly``, ``monthly``), a meeting id, or every
    meeting (None)."""
    if kind is None:
        return tuple(meetings)
    wanted = kind.strip()
    if wanted in {c.value for c in Cadence}:
        found = tuple(m for m in meetings if m.cadence.value == wanted)
        if not found:
            raise NotFoundError(
                f"the agreement has no {wanted} meeting; its meetings: {_known(meetings)}"
            )
        return found
    for meeting in meetings:
        if meeting.id == wanted:
            return (meeting,)
    raise NotFoundError(
        f'no meeting "{kind}" in the agreement; write weekly, monthly or a meeting id '
        f"({_known(meetings)})"
    )


def the_meeting(meetings: Sequence[Meeting], kind: str) -> Meeting:
    """The one meeting ``kind`` names (a cadence that several meetings share must be an id)."""
    found = select_meetings(meetings, kind)
    if len(found) > 1:
        raise InputError(
            f"the agreement has {len(found)} {kind} meetings; name one by its id ({_known(found)})"
        )
    return found[0]


def attendees_of(agreement: Agreement, meeting: Meeting) -> tuple[Signatory, ...]:
    """Who is invited: the signatories who lead (``leadership``), or every signatory (``all``)."""
    if meeting.attendees is Audience.LEADERSHIP:
        return tuple(p for p in agreement.signatories if p.leader)
    return tuple(agreement.signatories)


# --- when ---------------------------------------------------------------------------------------


def is_scheduled(meeting: Meeting) -> bool:
    """Whether the agreement says when the meeting is held (a weekday and a time)."""
    return meeting.weekday is not None and meeting.time is not None


def byday(meeting: Meeting) -> str:
    """The RRULE ``BYDAY`` of a scheduled meeting: ``MO`` weekly, ``1TU`` / ``-1TU`` monthly."""
    if meeting.weekday is None:
        raise ValueError(f"{meeting.id} has no weekday")
    code = BYDAY[meeting.weekday.number]
    if meeting.cadence is Cadence.WEEKLY:
        return code
    return f"{meeting.week_of_month or 1}{code}"


def _nth_weekday(month: date, weekday: int, n: int) -> date:
    if n > 0:
        first = month.replace(day=1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = month_end(month)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def meeting_days(meeting: Meeting, first: date, last: date) -> tuple[date, ...]:
    """The local dates in ``[first, last]`` the meeting's rule gives (closed days included)."""
    if meeting.weekday is None or first > last:
        return ()
    weekday = meeting.weekday.number
    if meeting.cadence is Cadence.WEEKLY:
        day = first + timedelta(days=(weekday - first.weekday()) % 7)
        days = []
        while day <= last:
            days.append(day)
            day += timedelta(days=7)
        return tuple(days)
    n = meeting.week_of_month or 1
    return tuple(
        day
        for month in months_between(first, last)
        for day in [_nth_weekday(month, weekday, n)]
        if first <= day <= last
    )


@dataclass(frozen=True)
class Occurrence:
    """One meeting of a series: its local date, start and end (aware, in the calendar's zone),
    and whether the day is closed (the occurrence is skipped)."""

    meeting_id: str
    day: date
    start: datetime
    end: datetime
    closed: bool


def _closed_days(calendar: CalendarSpec, first: date, last: date) -> Callable[[date], bool]:
    closed = calendar.closed_dates(first, last)
    weekly = calendar.weekly_spans()
    return lambda day: day in closed or not weekly[day.weekday()]


def occurrences(
    meeting: Meeting, calendar: CalendarSpec, first: date, last: date
) -> tuple[Occurrence, ...]:
    """The meeting's occurrences on local dates ``[first, last]`` (none when unscheduled)."""
    if not is_scheduled(meeting) or first > last:
        return ()
    assert meeting.time is not None
    zone = ZoneInfo(calendar.timezone)
    is_closed = _closed_days(calendar, first, last)
    out = []
    for day in meeting_days(meeting, first, last):
        start = datetime.combine(day, meeting.time, tzinfo=zone)
        end = (start.astimezone(UTC) + timedelta(seconds=meeting.duration)).astimezone(zone)
        out.append(Occurrence(meeting.id, day, start, end, is_closed(day)))
    return tuple(out)


def local_day(moment: datetime, zone: str) -> date:
    """``moment``'s local date in ``zone`` (``date.min`` / ``date.max`` beyond the calendar)."""
    try:
        return moment.astimezone(ZoneInfo(zone)).date()
    except OverflowError:
        return date.max if moment.year > 1 else date.min


def next_occurrence(
    meeting: Meeting, calendar: CalendarSpec, first: date, last: date, *, after: datetime
) -> Occurrence | None:
    """The first open occurrence in ``[first, last]`` that starts after ``after``."""
    day = local_day(after, calendar.timezone)
    if day > last:
        return None
    start = max(first, day)
    # Growing windows: the next one is nearly always within a few weeks.
    step = 62
    while start <= last:
        stop = min(last, start + timedelta(days=step))
        for occurrence in occurrences(meeting, calendar, start, stop):
            if not occurrence.closed and occurrence.start > after:
                return occurrence
        start = stop + timedelta(days=1)
        step *= 4
    return None
