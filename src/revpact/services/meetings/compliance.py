"""Compliance: for each meeting, every week (month) it was due, held, missed, excused or
pending; a record counts as held only when it meets the version in force when it was held.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from revpact.domain.agreement.model import Agreement, Meeting
from revpact.domain.meetings import (
    Compliance,
    compliance,
    local_day,
    select_meetings,
    unit_bounds,
    why_not_held,
)
from revpact.domain.versions import AgreementTimeline
from revpact.services.agreement_versions import governing_timeline
from revpact.services.meetings.records import MeetingRecord, list_records

__all__ = [
    "ComplianceReport",
    "compliance_report",
]


@dataclass(frozen=True)
class ComplianceReport:
    as_of: datetime
    timezone: str
    version: str
    meetings: tuple[Compliance, ...]

    @property
    def missed(self) -> int:
        return sum(len(c.missed) for c in self.meetings)


def compliance_report(
    engine: Engine,
    file_agreement: Agreement,
    *,
    as_of: datetime,
    kind: str | None = None,
    from_first_record: bool = False,
) -> ComplianceReport:
    """For each meeting, every week (month) it was due from the period's start — or, with
    ``from_first_record``, from the week (month) of its first record — up to ``as_of``: held,
    missed, excused (a closed day) or pending (not over yet)."""
    timeline = governing_timeline(engine, file_agreement)
    in_force = timeline.at(as_of)
    agreement = in_force.agreement
    zone = agreement.calendar.timezone
    today = local_day(as_of, zone)
    held: dict[str, list[date]] = {}
    not_held: dict[str, list[tuple[date, tuple[str, ...]]]] = {}
    for record in list_records(engine, current_only=True, as_of=as_of):
        day = local_day(record.held_at, zone)
        reasons = _why_not(timeline, record)
        if reasons:
            not_held.setdefault(record.meeting_id, []).append((day, reasons))
        else:
            held.setdefault(record.meeting_id, []).append(day)
    period = agreement.period
    found = []
    for meeting in select_meetings(agreement.meetings, kind):
        days = held.get(meeting.id, [])
        short = not_held.get(meeting.id, [])
        since = period.start
        recorded = days + [d for d, _ in short]
        if from_first_record and recorded:
            since = max(since, unit_bounds(meeting.cadence, min(recorded))[0])
        found.append(
            compliance(
                meeting,
                agreement.calendar,
                since=since,
                until=period.end,
                today=today,
                held_days=days,
                applies=_applies(timeline, meeting, ZoneInfo(zone)),
                not_held=short,
            )
        )
    return ComplianceReport(as_of, zone, in_force.label, tuple(found))


def _why_not(timeline: AgreementTimeline, record: MeetingRecord) -> tuple[str, ...]:
    """Why ``record`` does not count, under the version in force when it was held."""
    then = timeline.at(record.held_at).agreement
    meeting = next((m for m in then.meetings if m.id == record.meeting_id), None)
    if meeting is None:
        return ()
    return why_not_held(
        meeting, then.signatories, attendees=record.attendees, duration=record.duration
    )


def _applies(timeline: AgreementTimeline, meeting: Meeting, zone: ZoneInfo) -> _InForceOn | None:
    if len(timeline.spans) < 2:
        return None
    return _InForceOn(timeline, meeting, zone)


@dataclass(frozen=True)
class _InForceOn:
    """Whether the meeting was part of the version in force on a day (at its time)."""

    timeline: AgreementTimeline
    meeting: Meeting
    zone: ZoneInfo

    def __call__(self, day: date) -> bool:
        moment = datetime.combine(day, self.meeting.time or time(12), tzinfo=self.zone)
        return any(m.id == self.meeting.id for m in self.timeline.at(moment).agreement.meetings)
