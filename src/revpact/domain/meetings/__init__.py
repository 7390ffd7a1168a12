"""The meeting rhythm's rules: when each meeting falls, what its notes hold, and whether it was
held as often as the agreement says.

* **When.** A weekly meeting falls on its ``weekday`` every week; a monthly one on the
  ``week_of_month``-th (1..4, or -1: the last) ``weekday`` of every month (the first when no
  week is given), at its local ``time`` in the calendar's zone — 09:30 stays 09:30 across a
  daylight-saving change. Occurrences run from the agreement period's first day to its last.
  A meeting without a weekday or a time is *unscheduled*: it has no occurrences, and its
  cadence alone is checked.
* **Closed days.** An occurrence on a day the business calendar closes (a holiday, or a weekday
  without business hours) is *skipped*, not moved: the calendar file lists it as an EXDATE,
  the next meeting is the next open occurrence, and the week or month it belonged to is
  *excused* unless the meeting was held in it anyway (on another day).
* **Notes.** The notes of a held meeting are markdown; each part the agreement's meeting needs
  is a ``#`` heading (any level) whose section is not empty: :data:`NOTES_PARTS`, in English or
  Polish. Headings match whatever their case and punctuation.
* **Held as agreed.** A record counts only when the meeting lasted its agreed ``duration`` (the
  article: the leadership meets weekly *for 30 minutes*, the teams monthly *for an hour*) and
  the roles the agreement's audience needs attended (:data:`ROLES_NEEDED`: for ``leadership``
  and ``all`` alike, a leader of marketing and a leader of sales — the leaders review the week
  and present their team's 30-day plan). A role the roster has nobody for is not needed. A
  record that does not count says why (:func:`why_not_held`): "too short: 20 of 30 min",
  "missing role: marketing leader", "length not recorded" (records kept before revpact asked).
* **Compliance.** A weekly meeting is due once per ISO week (Monday..Sunday), a monthly one once
  per calendar month, for every week or month whose occurrence lies in the counted window. A
  record held as agreed on any day of the week (month) counts for it. A week (month) is *held*
  when a record counts for it, *excused* when its occurrence fell on a closed day, *pending*
  while it has not ended, and *missed* otherwise — with the reasons the records of it that did
  not count gave.

Pure: time is an argument; nothing here reads a clock, a file or a database.

The package holds one module per part: :mod:`.schedule` (which meetings, and when each
falls), :mod:`.records` (what the notes hold, and whether a record counts as held as agreed),
:mod:`.frequency` (compliance, week by week or month by month) and :mod:`.targets` (what the
monthly meeting expects of the coming month); this module re-exports their public names.
"""

from __future__ import annotations

from revpact.domain.meetings.frequency import (
    Compliance,
    UnitState,
    UnitStatus,
    compliance,
    unit_bounds,
    unit_of,
)
from revpact.domain.meetings.records import (
    NOTES_PARTS,
    ROLES_NEEDED,
    NotesPart,
    RoleNeeded,
    check_minutes,
    notes_template,
    parse_notes,
    why_not_held,
)
from revpact.domain.meetings.schedule import (
    BYDAY,
    Occurrence,
    attendees_of,
    byday,
    is_scheduled,
    local_day,
    meeting_days,
    next_occurrence,
    occurrences,
    select_meetings,
    the_meeting,
)
from revpact.domain.meetings.targets import MonthTargets, month_targets

__all__ = [
    "BYDAY",
    "NOTES_PARTS",
    "ROLES_NEEDED",
    "Compliance",
    "MonthTargets",
    "NotesPart",
    "Occurrence",
    "RoleNeeded",
    "UnitState",
    "UnitStatus",
    "attendees_of",
    "byday",
    "check_minutes",
    "compliance",
    "is_scheduled",
    "local_day",
    "meeting_days",
    "month_targets",
    "next_occurrence",
    "notes_template",
    "occurrences",
    "parse_notes",
    "select_meetings",
    "the_meeting",
    "unit_bounds",
    "unit_of",
    "why_not_held",
]
