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
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Final
from zoneinfo import ZoneInfo

from revpact.domain.agreement.model import (
    Agreement,
    Audience,
    Cadence,
    CalendarSpec,
    Meeting,
    Side,
    Signatory,
)
from revpact.domain.scoreboard.facts import month_end, month_index, months_between
from revpact.domain.scoreboard.revenue import trajectory_target
from revpact.errors import InputError, NotFoundError

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


# --- notes --------------------------------------------------------------------------------------


def _normal(heading: str) -> str:
    """A heading as compared: casefolded, punctuation and extra spaces removed."""
    return " ".join(re.sub(r"[\W_]+", " ", heading.casefold()).split())


@dataclass(frozen=True)
class NotesPart:
    """A part the notes of a meeting must hold: its key in the stored minutes and the headings
    that introduce it (the English and Polish ones shown in messages, then other spellings)."""

    key: str
    heading: str
    heading_pl: str
    aliases: tuple[str, ...] = ()

    def shown(self, language: str = "en") -> str:
        first, other = (
            (self.heading_pl, self.heading) if language == "pl" else (self.heading, self.heading_pl)
        )
        return f'"## {first}" (or "## {other}")'

    def matches(self, heading: str) -> bool:
        return _normal(heading) in {
            _normal(h) for h in (self.heading, self.heading_pl, *self.aliases)
        }


NOTES_PARTS: Final[Mapping[Cadence, tuple[NotesPart, ...]]] = {
    Cadence.WEEKLY: (
        NotesPart(
            "what_worked",
            "What worked",
            "Co zadziałało",
            ("What worked well", "Co działało dobrze", "Co zadziałało dobrze"),
        ),
        NotesPart(
            "what_did_not_work",
            "What did not work",
            "Co nie zadziałało",
            (
                "What didn't work",
                "What did not work so well",
                "What did not work well",
                "Co nie działało",
                "Co nie działało tak dobrze",
            ),
        ),
        NotesPart(
            "improvements",
            "Improvements for next week",
            "Usprawnienia na przyszły tydzień",
            (
                "Improvements",
                "Improvements for the coming week",
                "Usprawnienia",
                "Ulepszenia na nadchodzący tydzień",
                "Usprawnienia na nadchodzący tydzień",
            ),
        ),
    ),
    Cadence.MONTHLY: (
        NotesPart(
            "marketing_plan",
            "Marketing 30-day plan",
            "Plan marketingu na 30 dni",
            ("Marketing's 30-day plan", "30-day marketing plan", "30-dniowy plan marketingu"),
        ),
        NotesPart(
            "sales_plan",
            "Sales 30-day plan",
            "Plan sprzedaży na 30 dni",
            ("Sales' 30-day plan", "30-day sales plan", "30-dniowy plan sprzedaży"),
        ),
        NotesPart(
            "kpis",
            "KPIs",
            "Wskaźniki KPI",
            ("KPI", "KPIs and goals", "KPI i cele", "Wskaźniki"),
        ),
    ),
}
"""What the notes of each cadence must hold: for the weekly meeting what worked, what did not
and the improvements for the coming week; for the monthly one each team's 30-day plan and the
KPIs."""

_HEADING = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")


def _headings(lines: Sequence[str]) -> list[tuple[int, int, str]]:
    """(line index, level, text) of every ATX heading outside fenced code blocks."""
    found: list[tuple[int, int, str]] = []
    fence: str | None = None
    for index, line in enumerate(lines):
        opened = _FENCE.match(line)
        if fence is not None:
            if opened and opened[1][0] == fence[0] and len(opened[1]) >= len(fence):
                fence = None
            continue
        if opened:
            fence = opened[1]
            continue
        match = _HEADING.match(line)
        if match:
            text = re.sub(r"[ \t]+#+$", "", match[2] or "").strip()
            found.append((index, len(match[1]), text))
    return found


def _problems_error(source: str, cadence: Cadence, problems: list[str]) -> InputError:
    return InputError(
        f"{source} does not hold the {cadence.value} meeting's notes "
        f"({len(problems)} problem{'s' if len(problems) != 1 else ''})",
        problems,
    )


def parse_notes(
    text: str, cadence: Cadence, *, source: str, language: str = "en"
) -> dict[str, str]:
    """The parts of a meeting's markdown notes, by key; :class:`InputError` naming ``source``
    and each heading expected when a part is missing, empty or given twice."""
    lines = text.splitlines()
    headings = _headings(lines)
    parts = NOTES_PARTS[cadence]
    found: dict[str, str] = {}
    problems: list[str] = []
    for position, (index, level, heading) in enumerate(headings):
        part = next((p for p in parts if p.matches(heading)), None)
        if part is None:
            continue
        end = next((i for i, lv, _ in headings[position + 1 :] if lv <= level), len(lines))
        body = "\n".join(lines[index + 1 : end]).strip()
        if part.key in found:
            problems.append(f"line {index + 1}: {part.shown(language)} appears twice; merge them")
            continue
        if not body:
            problems.append(f"line {index + 1}: the section {part.shown(language)} is empty")
        found[part.key] = body
    for part in parts:
        if part.key not in found:
            problems.append(f"no heading {part.shown(language)}; add that section")
    if problems:
        raise _problems_error(source, cadence, problems)
    return {part.key: found[part.key] for part in parts}


def check_minutes(
    minutes: Mapping[str, str], cadence: Cadence, *, source: str = "the minutes"
) -> dict[str, str]:
    """Minutes given as parts (key → text) instead of a file: every part, each non-empty, and no
    other key."""
    parts = NOTES_PARTS[cadence]
    keys = {p.key for p in parts}
    problems = [
        f'"{key}" is not a part of the {cadence.value} meeting\'s minutes; '
        f"the parts are {', '.join(sorted(keys))}"
        for key in minutes
        if key not in keys
    ]
    for part in parts:
        value = minutes.get(part.key)
        if value is None:
            problems.append(f'no "{part.key}" ({part.heading}); add it')
        elif not value.strip():
            problems.append(f'"{part.key}" ({part.heading}) is empty')
    if problems:
        raise _problems_error(source, cadence, problems)
    return {p.key: minutes[p.key].strip() for p in parts}


def notes_template(cadence: Cadence, language: str = "en") -> str:
    """An empty notes file with the headings the cadence needs."""
    parts = NOTES_PARTS[cadence]
    headings = [p.heading_pl if language == "pl" else p.heading for p in parts]
    return "".join(f"## {h}\n\n" for h in headings)


# --- held as agreed -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RoleNeeded:
    """A role a meeting needs in the room: a signatory of ``team`` who leads it."""

    team: Side
    label: str

    def filled_by(self, person: Signatory) -> bool:
        return person.leader and person.team.value == self.team.value


_LEADERS: Final = (
    RoleNeeded(Side.MARKETING, "marketing leader"),
    RoleNeeded(Side.SALES, "sales leader"),
)
ROLES_NEEDED: Final[Mapping[Audience, tuple[RoleNeeded, ...]]] = {
    Audience.LEADERSHIP: _LEADERS,
    Audience.ALL: _LEADERS,
}
"""The roles each audience needs for a meeting to count: the leadership of both teams meets
weekly; at the whole teams' monthly meeting each team's leader presents its 30-day plan."""


def _minutes(seconds: int) -> str:
    return f"{seconds // 60}" if seconds % 60 == 0 else f"{seconds / 60:.1f}"


def why_not_held(
    meeting: Meeting,
    roster: Sequence[Signatory],
    *,
    attendees: Iterable[str],
    duration: int | None,
) -> tuple[str, ...]:
    """Why a record of ``meeting`` does not count as held as agreed (empty: it counts).
    ``roster``: the signatories of the version in force when it was held; ``duration``: how
    long it lasted, in seconds (None: not recorded)."""
    reasons: list[str] = []
    if duration is None:
        reasons.append("length not recorded")
    elif duration < meeting.duration:
        reasons.append(f"too short: {_minutes(duration)} of {_minutes(meeting.duration)} min")
    present = {a.strip().casefold() for a in attendees}
    for role in ROLES_NEEDED[meeting.attendees]:
        holders = [p for p in roster if role.filled_by(p)]
        if holders and not any(p.email.casefold() in present for p in holders):
            reasons.append(f"missing role: {role.label}")
    return tuple(reasons)


# --- compliance ---------------------------------------------------------------------------------


def unit_of(cadence: Cadence, day: date) -> str:
    """The week (``2020-W53``, ISO) or month (``2020-12``) a day belongs to."""
    if cadence is Cadence.WEEKLY:
        iso = day.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    return f"{day:%Y-%m}"


def unit_bounds(cadence: Cadence, day: date) -> tuple[date, date]:
    """First and last day of the week (Monday..Sunday) or month ``day`` belongs to."""
    if cadence is Cadence.WEEKLY:
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6)
    return day.replace(day=1), month_end(day)


class UnitState(StrEnum):
    HELD = "held"  # a record counts for the week (month)
    MISSED = "missed"  # over, due, and no record
    EXCUSED = "excused"  # its occurrence fell on a closed day, and no record
    PENDING = "pending"  # not over yet, no record so far


@dataclass(frozen=True)
class UnitStatus:
    """One week (month) in which the meeting is due."""

    unit: str
    first_day: date
    last_day: date
    scheduled: date | None  # the occurrence's date (None for an unscheduled meeting)
    state: UnitState
    held_on: tuple[date, ...]
    not_counted: tuple[str, ...] = ()  # records of the unit that did not count, and why


@dataclass(frozen=True)
class Compliance:
    """How often a meeting was held, week by week (month by month), ``since`` .. ``until``."""

    meeting_id: str
    name: str
    cadence: Cadence
    since: date
    until: date
    units: tuple[UnitStatus, ...]

    def _of(self, state: UnitState) -> tuple[str, ...]:
        return tuple(u.unit for u in self.units if u.state is state)

    @property
    def held(self) -> tuple[str, ...]:
        return self._of(UnitState.HELD)

    @property
    def missed(self) -> tuple[str, ...]:
        return self._of(UnitState.MISSED)

    @property
    def excused(self) -> tuple[str, ...]:
        return self._of(UnitState.EXCUSED)

    @property
    def pending(self) -> tuple[str, ...]:
        return self._of(UnitState.PENDING)

    @property
    def due(self) -> int:
        """Weeks (months) that were due so far: held or missed."""
        return len(self.held) + len(self.missed)

    @property
    def rate(self) -> Decimal | None:
        """Held / due; None while nothing was due."""
        return Decimal(len(self.held)) / self.due if self.due else None


def _unscheduled_days(cadence: Cadence, first: date, last: date) -> tuple[date, ...]:
    """First days of the weeks (months) starting in ``[first, last]``."""
    if cadence is Cadence.MONTHLY:
        return tuple(m for m in months_between(first, last) if first <= m <= last)
    day = first + timedelta(days=-first.weekday() % 7)
    days = []
    while day <= last:
        days.append(day)
        day += timedelta(days=7)
    return tuple(days)


def compliance(
    meeting: Meeting,
    calendar: CalendarSpec,
    *,
    since: date,
    until: date,
    today: date,
    held_days: Iterable[date],
    applies: Callable[[date], bool] | None = None,
    not_held: Iterable[tuple[date, tuple[str, ...]]] = (),
) -> Compliance:
    """Every week (month) from ``since`` to ``until`` whose occurrence is due, as of ``today``
    (the local date of the moment asked about). ``held_days`` are the local dates the meeting
    was held on as agreed; ``not_held`` the dates of records that did not count, with why
    (:func:`why_not_held`); ``applies`` (when given) says whether the meeting was part of the
    agreement in force on an occurrence's date."""
    cadence = meeting.cadence
    slots: list[tuple[date, date | None, bool]]
    if is_scheduled(meeting):
        slots = [(o.day, o.day, o.closed) for o in occurrences(meeting, calendar, since, until)]
    else:
        slots = [(d, None, False) for d in _unscheduled_days(cadence, since, until)]
    held: dict[str, list[date]] = {}
    for day in sorted(set(held_days)):
        held.setdefault(unit_of(cadence, day), []).append(day)
    short: dict[str, list[str]] = {}
    for day, reasons in sorted(not_held):
        short.setdefault(unit_of(cadence, day), []).append(f"{day}: {', '.join(reasons)}")
    units = []
    for day, scheduled, closed in slots:
        first, last = unit_bounds(cadence, day)
        if first > today or (applies is not None and not applies(day)):
            continue
        unit = unit_of(cadence, day)
        on = tuple(held.get(unit, ()))
        if on:
            state = UnitState.HELD
        elif closed:
            state = UnitState.EXCUSED
        elif last >= today:
            state = UnitState.PENDING
        else:
            state = UnitState.MISSED
        units.append(
            UnitStatus(unit, first, last, scheduled, state, on, tuple(short.get(unit, ())))
        )
    return Compliance(meeting.id, meeting.name, cadence, since, min(until, today), tuple(units))


# --- what the monthly meeting expects of the coming month ---------------------------------------


@dataclass(frozen=True)
class MonthTargets:
    """The agreement's targets for one month of its period."""

    month: date
    revenue: Decimal
    lead_value: Decimal
    follow_up_compliance: Decimal
    close_rate: Decimal
    sales_cycle_days: Decimal


def month_targets(agreement: Agreement, month: date) -> MonthTargets | None:
    """The targets of ``month``'s month (None outside the agreement's period): the revenue
    trajectory, the lead value, the follow-up compliance, and the close rate and sales cycle
    on the month's last day."""
    first = month.replace(day=1)
    period = agreement.period
    if not period.start.replace(day=1) <= first <= period.end:
        return None
    start_month = period.start.replace(day=1)
    goals = agreement.company_goals
    run_rate_index = month_index(goals.target_run_rate_by, start_month)
    end = min(month_end(first), period.end)
    sales = agreement.sales
    return MonthTargets(
        month=first,
        revenue=trajectory_target(goals, month_index(first, start_month), run_rate_index),
        lead_value=agreement.marketing.monthly_lead_value_target,
        follow_up_compliance=sales.follow_up.compliance_target,
        close_rate=sales.close_rate.target_on(end, start=period.start),
        sales_cycle_days=sales.sales_cycle_days.target_on(end, start=period.start),
    )
