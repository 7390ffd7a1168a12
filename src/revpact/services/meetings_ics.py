"""The meeting rhythm as an iCalendar file (RFC 5545) that calendar programs import.

One VEVENT per scheduled meeting: a recurring series from the first occurrence in the
agreement's period (``DTSTART`` with the calendar's ``TZID``, so 09:30 stays 09:30 across
daylight-saving changes) until the period's last day (``RRULE`` ``UNTIL``, in UTC as the RFC
requires), ``DURATION``, the agenda as ``DESCRIPTION``, one ``ATTENDEE`` per invited signatory,
and an ``EXDATE`` for every occurrence that falls on a closed day (skipped, not moved). The
``UID`` of each series is stable — the meeting's id, the period's start and the company — so
importing a newer file updates the series instead of adding a second one. The calendar carries
the ``VTIMEZONE`` of its zone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from revpact import __version__
from revpact.domain.agreement.model import Agreement, Meeting
from revpact.domain.meetings import attendees_of, byday, is_scheduled, occurrences

if TYPE_CHECKING:  # icalendar is loaded by the functions that write a calendar
    from icalendar import Event, vRecur

__all__ = ["PRODID", "meetings_calendar", "rrule_text", "series_uid"]

PRODID = f"-//revpact//revpact {__version__}//EN"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "company"


def series_uid(agreement: Agreement, meeting: Meeting) -> str:
    """The stable UID of a meeting's series."""
    return f"{meeting.id}-{agreement.period.start:%Y%m%d}@{_slug(agreement.company)}.revpact"


def _until(agreement: Agreement) -> datetime:
    """The last instant of the period's last day, in UTC."""
    zone = ZoneInfo(agreement.calendar.timezone)
    following = datetime.combine(agreement.period.end + timedelta(days=1), time(), tzinfo=zone)
    return (following.astimezone(UTC) - timedelta(seconds=1)).replace(microsecond=0)


def _rrule(agreement: Agreement, meeting: Meeting) -> vRecur:
    from icalendar import vRecur

    return vRecur(
        {"FREQ": meeting.cadence.value.upper(), "BYDAY": byday(meeting), "UNTIL": _until(agreement)}
    )


def rrule_text(agreement: Agreement, meeting: Meeting) -> str | None:
    """The RRULE of a scheduled meeting, as the calendar file writes it (None: unscheduled)."""
    if not is_scheduled(meeting):
        return None
    text: bytes = _rrule(agreement, meeting).to_ical()  # type: ignore[no-untyped-call]
    return text.decode("ascii")


def _description(meeting: Meeting) -> str:
    items = "\n".join(f"- {item}" for item in meeting.agenda)
    return f"Agenda:\n{items}" if items else meeting.name


def _event(agreement: Agreement, meeting: Meeting, stamp: datetime) -> Event | None:
    period = agreement.period
    series = occurrences(meeting, agreement.calendar, period.start, period.end)
    if not series:
        return None
    from icalendar import Event, vCalAddress

    event = Event()
    event.add("uid", series_uid(agreement, meeting))
    event.add("dtstamp", stamp.astimezone(UTC).replace(microsecond=0))
    event.add("dtstart", series[0].start)
    event.add("duration", timedelta(seconds=meeting.duration))
    event.add("summary", meeting.name)
    event.add("description", _description(meeting))
    event.add("rrule", _rrule(agreement, meeting))
    skipped = [o.start for o in series if o.closed]
    if skipped:
        event.add("exdate", skipped)
    for person in attendees_of(agreement, meeting):
        address = vCalAddress(f"mailto:{person.email}")
        address.params["CN"] = person.name
        address.params["CUTYPE"] = "INDIVIDUAL"
        address.params["ROLE"] = "REQ-PARTICIPANT"
        address.params["PARTSTAT"] = "NEEDS-ACTION"
        event.add("attendee", address)
    event.add("categories", [meeting.cadence.value])
    return event


def meetings_calendar(
    agreement: Agreement, meetings: Sequence[Meeting], *, stamp: datetime
) -> bytes:
    """The iCalendar file of ``meetings`` (unscheduled ones are left out); ``stamp`` is the
    DTSTAMP, the moment the file is written."""
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{agreement.company}: {agreement.title}")
    calendar.add("x-wr-timezone", agreement.calendar.timezone)
    for meeting in meetings:
        event = _event(agreement, meeting, stamp)
        if event is not None:
            calendar.add_component(event)
    period = agreement.period
    calendar.add_missing_timezones(
        first_date=period.start - timedelta(days=366), last_date=period.end + timedelta(days=366)
    )
    data: bytes = calendar.to_ical()
    return data
