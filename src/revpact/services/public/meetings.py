"""The public shapes of the meeting rhythm: the schedule, the records of meetings held, the
compliance report and the next agenda (exact Decimal strings, ISO 8601 times). What an agenda
reviews is in :mod:`.reviews`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Self

from pydantic import Field

from revpact.domain.agreement.model import (
    Audience,
    Cadence,
    Meeting,
    Signatory,
    Team,
    Weekday,
)
from revpact.domain.meetings import Occurrence
from revpact.domain.meetings.frequency import Compliance, UnitState, UnitStatus
from revpact.services.meetings import (
    Agenda,
    ComplianceReport,
    MeetingRecord,
    Schedule,
    ScheduledMeeting,
)
from revpact.services.public.common import Day, Exact, Moment, Public
from revpact.services.public.reviews import (
    ActionPublic,
    AgendaFeedbackPublic,
    MonthlyReviewPublic,
    WeeklyReviewPublic,
)

__all__ = [
    "AgendaPublic",
    "CompliancePublic",
    "ComplianceReportPublic",
    "MeetingPublic",
    "MeetingRecordPublic",
    "MeetingRecordsPublic",
    "MeetingsPublic",
    "OccurrencePublic",
    "PeriodPublic",
    "PersonPublic",
    "RecordedMeetingPublic",
    "SchedulePublic",
    "ScheduledMeetingPublic",
    "UnitPublic",
]


# --- the schedule ---------------------------------------------------------------------------


class PersonPublic(Public):
    name: str
    email: str
    team: Team

    @classmethod
    def of(cls, person: Signatory) -> Self:
        return cls(name=person.name, email=person.email, team=person.team)


class _MeetingFields(Public):
    id: str
    name: str
    cadence: Cadence
    duration_seconds: int
    attendees: Audience
    weekday: Weekday | None
    time: str | None = Field(description="Local time of day, HH:MM (null: not scheduled).")
    week_of_month: int | None
    agenda: tuple[str, ...]


def _meeting_fields(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.id,
        "name": meeting.name,
        "cadence": meeting.cadence,
        "duration_seconds": meeting.duration,
        "attendees": meeting.attendees,
        "weekday": meeting.weekday,
        "time": None if meeting.time is None else meeting.time.strftime("%H:%M"),
        "week_of_month": meeting.week_of_month,
        "agenda": meeting.agenda,
    }


class MeetingPublic(_MeetingFields):
    """A meeting of the agreement's rhythm, as the agreement states it."""

    @classmethod
    def of(cls, meeting: Meeting) -> Self:
        return cls(**_meeting_fields(meeting))


class OccurrencePublic(Public):
    meeting_id: str
    date: Day
    start: Moment
    end: Moment
    skipped: bool = Field(description="It falls on a closed day.")

    @classmethod
    def of(cls, occurrence: Occurrence) -> Self:
        return cls(
            meeting_id=occurrence.meeting_id,
            date=occurrence.day,
            start=occurrence.start,
            end=occurrence.end,
            skipped=occurrence.closed,
        )


class ScheduledMeetingPublic(_MeetingFields):
    """A meeting with its recurrence rule, who is invited and its next occurrences."""

    rrule: str | None = Field(description="null: the agreement gives no weekday or time.")
    invited: tuple[PersonPublic, ...]
    upcoming: tuple[OccurrencePublic, ...]

    @classmethod
    def of(cls, found: ScheduledMeeting) -> Self:
        return cls(
            **_meeting_fields(found.meeting),
            rrule=found.rrule,
            invited=tuple(PersonPublic.of(p) for p in found.attendees),
            upcoming=tuple(OccurrencePublic.of(o) for o in found.upcoming),
        )


class PeriodPublic(Public):
    start: Day
    end: Day


class _ScheduleFields(Public):
    as_of: Moment
    timezone: str
    version: str = Field(description="The label of the version in force at as_of.")
    period: PeriodPublic
    meetings: tuple[ScheduledMeetingPublic, ...]


def _schedule_fields(found: Schedule) -> dict[str, Any]:
    return {
        "as_of": found.as_of,
        "timezone": found.timezone,
        "version": found.version,
        "period": PeriodPublic(start=found.period[0], end=found.period[1]),
        "meetings": tuple(ScheduledMeetingPublic.of(m) for m in found.meetings),
    }


class SchedulePublic(_ScheduleFields):
    """The meetings of the version in force at ``as_of`` and their next occurrences."""

    @classmethod
    def of(cls, found: Schedule) -> Self:
        return cls(**_schedule_fields(found))


# --- records --------------------------------------------------------------------------------


class _RecordFields(Public):
    id: int
    meeting_id: str
    cadence: Cadence
    held_at: Moment
    attendees: tuple[str, ...]
    minutes: dict[str, str]
    recorded_at: Moment
    recorded_by: str | None
    version_hash: str | None
    supersedes: int | None
    superseded_by: int | None
    duration_seconds: int | None = Field(description="null: not recorded (older records).")


def _record_fields(record: MeetingRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "meeting_id": record.meeting_id,
        "cadence": record.cadence,
        "held_at": record.held_at,
        "attendees": record.attendees,
        "minutes": dict(record.minutes),
        "recorded_at": record.recorded_at,
        "recorded_by": record.recorded_by,
        "version_hash": record.version_hash,
        "supersedes": record.supersedes,
        "superseded_by": record.superseded_by,
        "duration_seconds": record.duration,
    }


class MeetingRecordPublic(_RecordFields):
    """A meeting held, as recorded; ``superseded_by`` names the record that corrects it."""

    @classmethod
    def of(cls, record: MeetingRecord) -> Self:
        return cls(**_record_fields(record))


class RecordedMeetingPublic(_RecordFields):
    """A record just made, with why it does not count as held (empty: it counts)."""

    not_counted: tuple[str, ...]

    @classmethod
    def of(cls, record: MeetingRecord) -> Self:
        return cls(**_record_fields(record), not_counted=record.not_counted)


class MeetingRecordsPublic(Public):
    records: tuple[MeetingRecordPublic, ...]

    @classmethod
    def of(cls, records: Iterable[MeetingRecord]) -> Self:
        return cls(records=tuple(MeetingRecordPublic.of(r) for r in records))


# --- compliance -----------------------------------------------------------------------------


class UnitPublic(Public):
    """One week (month) in which the meeting was due."""

    unit: str
    first_day: Day
    last_day: Day
    scheduled: Day | None
    state: UnitState
    held_on: tuple[Day, ...]
    not_counted: tuple[str, ...]

    @classmethod
    def of(cls, unit: UnitStatus) -> Self:
        return cls(
            unit=unit.unit,
            first_day=unit.first_day,
            last_day=unit.last_day,
            scheduled=unit.scheduled,
            state=unit.state,
            held_on=unit.held_on,
            not_counted=unit.not_counted,
        )


class CompliancePublic(Public):
    """How often one meeting was held, week by week (month by month)."""

    meeting_id: str
    name: str
    cadence: Cadence
    since: Day
    until: Day
    due: int
    held: int
    missed: tuple[str, ...]
    excused: tuple[str, ...]
    pending: tuple[str, ...]
    rate: Exact | None
    units: tuple[UnitPublic, ...]

    @classmethod
    def of(cls, found: Compliance) -> Self:
        return cls(
            meeting_id=found.meeting_id,
            name=found.name,
            cadence=found.cadence,
            since=found.since,
            until=found.until,
            due=found.due,
            held=len(found.held),
            missed=found.missed,
            excused=found.excused,
            pending=found.pending,
            rate=found.rate,
            units=tuple(UnitPublic.of(u) for u in found.units),
        )


class ComplianceReportPublic(Public):
    as_of: Moment
    timezone: str
    version: str
    meetings: tuple[CompliancePublic, ...]

    @classmethod
    def of(cls, report: ComplianceReport) -> Self:
        return cls(
            as_of=report.as_of,
            timezone=report.timezone,
            version=report.version,
            meetings=tuple(CompliancePublic.of(c) for c in report.meetings),
        )


class MeetingsPublic(_ScheduleFields):
    """The schedule with each meeting's compliance (``GET /meetings``)."""

    compliance: tuple[CompliancePublic, ...]

    @classmethod
    def of(cls, found: Schedule, report: ComplianceReport) -> Self:
        return cls(
            **_schedule_fields(found),
            compliance=tuple(CompliancePublic.of(c) for c in report.meetings),
        )


# --- the agenda -----------------------------------------------------------------------------


class AgendaPublic(Public):
    """The next meeting: when, who, its items, and the data each item needs."""

    as_of: Moment
    meeting: MeetingPublic
    version: str
    timezone: str
    starts_at: Moment
    ends_at: Moment
    attendees: tuple[PersonPublic, ...]
    items: tuple[str, ...]
    notes_headings: tuple[str, ...]
    weekly: WeeklyReviewPublic | None
    monthly: MonthlyReviewPublic | None
    feedback: tuple[AgendaFeedbackPublic, ...] | None = Field(
        description="null: feedback is discussed at another meeting."
    )
    escalation_actions: tuple[ActionPublic, ...] | None = Field(
        description="The open escalation actions (weekly meetings; null otherwise)."
    )

    @classmethod
    def of(cls, agenda: Agenda) -> Self:
        return cls(
            as_of=agenda.as_of,
            meeting=MeetingPublic.of(agenda.meeting),
            version=agenda.version,
            timezone=agenda.timezone,
            starts_at=agenda.starts_at,
            ends_at=agenda.ends_at,
            attendees=tuple(PersonPublic.of(p) for p in agenda.attendees),
            items=agenda.items,
            notes_headings=agenda.notes_headings,
            weekly=None if agenda.weekly is None else WeeklyReviewPublic.of(agenda.weekly),
            monthly=None if agenda.monthly is None else MonthlyReviewPublic.of(agenda.monthly),
            feedback=None
            if agenda.feedback is None
            else tuple(AgendaFeedbackPublic.of(f) for f in agenda.feedback),
            escalation_actions=None
            if agenda.actions is None
            else tuple(ActionPublic.of(a) for a in agenda.actions),
        )
