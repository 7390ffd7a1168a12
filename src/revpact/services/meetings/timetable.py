"""The schedule: each meeting of the rhythm with its rule, who is invited and its next
occurrences, and the iCalendar file of them, under the version in force at ``as_of``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine

from revpact.domain.agreement.model import Agreement, Meeting, Signatory
from revpact.domain.meetings import (
    Occurrence,
    attendees_of,
    is_scheduled,
    local_day,
    occurrences,
    select_meetings,
)
from revpact.errors import NotFoundError
from revpact.services.agreement_versions import governing_timeline
from revpact.services.meetings_ics import meetings_calendar, rrule_text

__all__ = [
    "Schedule",
    "ScheduledMeeting",
    "schedule",
    "schedule_ics",
]


@dataclass(frozen=True)
class ScheduledMeeting:
    """A meeting of the rhythm with its rule, who is invited and its next occurrences (skipped
    ones included, ``closed``)."""

    meeting: Meeting
    rrule: str | None  # None: the agreement gives no weekday or time
    attendees: tuple[Signatory, ...]
    upcoming: tuple[Occurrence, ...]


@dataclass(frozen=True)
class Schedule:
    as_of: datetime
    timezone: str
    version: str  # the label of the version in force at as_of
    period: tuple[date, date]
    meetings: tuple[ScheduledMeeting, ...]

    def upcoming(self, count: int | None = None) -> list[tuple[ScheduledMeeting, Occurrence]]:
        """Every meeting's upcoming occurrences, in time order (the first ``count``)."""
        merged = sorted(
            ((m, o) for m in self.meetings for o in m.upcoming),
            key=lambda pair: (pair[1].start, pair[0].meeting.id),
        )
        return merged[:count]


def schedule(
    engine: Engine,
    file_agreement: Agreement,
    *,
    as_of: datetime,
    kind: str | None = None,
    count: int = 10,
) -> Schedule:
    """The meetings ``kind`` names (every meeting: None), each with its next ``count``
    occurrences after ``as_of`` within the agreement's period."""
    in_force = governing_timeline(engine, file_agreement).at(as_of)
    agreement = in_force.agreement
    period = agreement.period
    first = max(period.start, local_day(as_of, agreement.calendar.timezone))
    found = []
    for meeting in select_meetings(agreement.meetings, kind):
        series = occurrences(meeting, agreement.calendar, first, period.end)
        upcoming = tuple(o for o in series if o.start > as_of)[: max(count, 0)]
        found.append(
            ScheduledMeeting(
                meeting, rrule_text(agreement, meeting), attendees_of(agreement, meeting), upcoming
            )
        )
    return Schedule(
        as_of,
        agreement.calendar.timezone,
        in_force.label,
        (period.start, period.end),
        tuple(found),
    )


def schedule_ics(
    engine: Engine,
    file_agreement: Agreement,
    *,
    as_of: datetime,
    now: datetime,
    kind: str | None = None,
) -> bytes:
    """The iCalendar file of the meetings ``kind`` names, under the version in force at
    ``as_of``; ``now`` is its DTSTAMP. Refused when none of them is scheduled."""
    agreement = governing_timeline(engine, file_agreement).at(as_of).agreement
    chosen = select_meetings(agreement.meetings, kind)
    if not any(is_scheduled(m) for m in chosen):
        names = ", ".join(m.id for m in chosen) or "none"
        raise NotFoundError(
            f"no meeting to put in a calendar ({names}): give a meeting weekday: and time: "
            "in the agreement"
        )
    return meetings_calendar(agreement, chosen, stamp=now)
