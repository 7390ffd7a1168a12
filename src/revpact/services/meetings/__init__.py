"""The meeting rhythm: the schedule, records of meetings held, the next agenda, compliance.

The rules are the domain's (:mod:`revpact.domain.meetings`); this module picks the version of
the agreement that governs each question (:func:`governing_timeline`), reads and appends the
records, and gathers the data an agenda shows from the other services.

* The schedule, the agenda and the compliance count follow the version in force at ``as_of``;
  a record is checked against — and bound to (``version_hash``) — the version in force when the
  meeting was held. While no version is in force, the agreement file governs everything.
* Records are append-only. A correction is a new record that names the record it supersedes;
  the superseded one stays on record but no longer counts. A record says how long the meeting
  lasted and who attended; it counts as held only when both meet the agreement in force when
  it was held (:func:`revpact.domain.meetings.why_not_held`), and compliance says why one did
  not. Every record is also a row of the audit trail (``meeting.record``).
* Read as of ``T``, only meetings held by ``T`` (and corrections of them held by ``T``) count.
* Lead, scoreboard and escalation figures come from the same services as ``revpact status``,
  under the agreement file, so an agenda shows what the scoreboard shows.

The package holds one module per question: :mod:`.timetable` (the schedule), :mod:`.records`,
:mod:`.compliance`, :mod:`.figures` (the goals and follow-up a meeting reviews),
:mod:`.agenda`; this module re-exports their public names. Their public shapes are in
:mod:`revpact.services.public.meetings`.
"""

from __future__ import annotations

from revpact.services.meetings.agenda import (
    Agenda,
    MonthlyReview,
    PlanSlot,
    WeeklyReview,
    next_agenda,
)
from revpact.services.meetings.compliance import ComplianceReport, compliance_report
from revpact.services.meetings.figures import (
    GoalLine,
    OwnerBreaches,
    Scorecard,
    WeekFollowUp,
    period_follow_up,
)
from revpact.services.meetings.records import MeetingRecord, list_records, record_meeting
from revpact.services.meetings.timetable import Schedule, ScheduledMeeting, schedule, schedule_ics

__all__ = [
    "Agenda",
    "ComplianceReport",
    "GoalLine",
    "MeetingRecord",
    "MonthlyReview",
    "OwnerBreaches",
    "PlanSlot",
    "Schedule",
    "ScheduledMeeting",
    "Scorecard",
    "WeekFollowUp",
    "WeeklyReview",
    "compliance_report",
    "list_records",
    "next_agenda",
    "period_follow_up",
    "record_meeting",
    "schedule",
    "schedule_ics",
]
