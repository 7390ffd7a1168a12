"""Compliance: whether a meeting was held as often as the agreement says, week by week (ISO
weeks) or month by month — held, excused, pending or missed.

Pure: ``today`` is an argument.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from revpact.domain.agreement.model import (
    Cadence,
    CalendarSpec,
    Meeting,
)
from revpact.domain.meetings.schedule import is_scheduled, occurrences
from revpact.domain.scoreboard.facts import month_end, months_between

__all__ = ["Compliance", "UnitState", "UnitStatus", "compliance", "unit_bounds", "unit_of"]


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
