"""``calendar:`` — when the follow-up clock runs: a time zone, weekly hours and closed days.

Hours are local wall-clock spans per weekday (``mon-fri: ["09:00-17:00"]``); a day that is not
listed is closed. Closed days are the public holidays python-holidays knows for a country
(and subdivision), minus the ones the company works (``except``), plus extra ``dates``.
"""

from __future__ import annotations

import difflib
import functools
import itertools
import re
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from pydantic import Field, PlainSerializer, PlainValidator, field_validator, model_validator

from revpact.domain.agreement.types import (
    WEEKDAYS,
    Frozen,
    Problem,
    describe,
    problem,
    raise_problems,
)

if TYPE_CHECKING:
    from revpact.domain.clock.calendar import BusinessCalendar

__all__ = [
    "CalendarSpec",
    "DaySpans",
    "HolidayRef",
    "HolidaysSpec",
    "Span",
    "day_key_days",
    "format_span",
]

Span = tuple[int, int]
"""Seconds after local midnight: ``0 <= start < end <= 86400``."""

_DAY_S = 86_400
# Years searched for the holiday names ``except`` may use: the recent ones first (fast), then all.
_RECENT_YEARS = range(2000, 2041)
_ALL_YEARS = range(1950, 2101)

# --- weekly hours -------------------------------------------------------------------------------


def day_key_days(key: str) -> tuple[int, ...]:
    """Weekday indexes (Monday = 0) an ``hours`` key covers: ``"mon-fri" -> (0, 1, 2, 3, 4)``."""
    first, _, last = key.partition("-")
    start, end = WEEKDAYS.index(first), WEEKDAYS.index(last or first)
    return tuple(range(start, end + 1))


def _day_key(value: Any) -> str:
    hint = "write mon, tue, wed, thu, fri, sat or sun, or a range such as mon-fri"
    if isinstance(value, str):
        first, dash, last = value.partition("-")
        if first in WEEKDAYS and (not dash or last in WEEKDAYS):
            if dash and WEEKDAYS.index(last) <= WEEKDAYS.index(first):
                raise problem("day", f'"{value}" runs backwards; write days in week order ({hint})')
            return value
    raise problem("day", f"{describe(value)} is not a day; {hint}")


def _clock(text: str, *, end: bool) -> int | None:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text.strip())
    if not match:
        return None
    hours, minutes = int(match[1]), int(match[2])
    if minutes >= 60 or hours > 24 or (hours == 24 and (minutes or not end)):
        return None
    return hours * 3600 + minutes * 60


def _span(value: Any) -> Span:
    if isinstance(value, tuple | list) and len(value) == 2 and all(type(v) is int for v in value):
        start, end = int(value[0]), int(value[1])
    elif isinstance(value, str) and value.count("-") == 1:
        left, right = value.split("-")
        parsed_start, parsed_end = _clock(left, end=False), _clock(right, end=True)
        if parsed_start is None or parsed_end is None:
            raise problem("span", f'"{value}" is not a span of hours; write it as "09:00-17:00"')
        start, end = parsed_start, parsed_end
    else:
        raise problem(
            "span", f'{describe(value)} is not a span of hours; write it as "09:00-17:00"'
        )
    if not 0 <= start < end <= _DAY_S:
        raise problem(
            "span",
            f"{describe(value)} does not start before it ends within one day; "
            'a span cannot cross midnight, so split it (e.g. "22:00-24:00" and "00:00-06:00")',
        )
    return start, end


def format_span(span: Span) -> str:
    """``(32400, 61200) -> "09:00-17:00"``."""
    return "-".join(f"{s // 3600:02d}:{s % 3600 // 60:02d}" for s in span)


def _spans(value: Any) -> tuple[Span, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        raise problem(
            "spans", f'expected a list of spans such as ["09:00-17:00"], got {describe(value)}'
        )
    spans = sorted(_span(item) for item in items)
    for before, after in itertools.pairwise(spans):
        if after[0] < before[1]:
            raise problem("spans", f'"{format_span(before)}" and "{format_span(after)}" overlap')
    return tuple(spans)


def _format_spans(spans: tuple[Span, ...]) -> list[str]:
    return [format_span(span) for span in spans]


DayKey = Annotated[str, PlainValidator(_day_key)]
DaySpans = Annotated[
    tuple[Span, ...],
    PlainValidator(_spans),
    PlainSerializer(_format_spans, return_type=list[str]),
]
"""A day's spans, sorted and non-overlapping (adjacent is fine)."""


# --- holidays -----------------------------------------------------------------------------------


def _holiday_ref(value: Any) -> date | str:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return value.strip()
    raise problem("holiday", f"{describe(value)} is neither a holiday name nor a date (2020-11-11)")


HolidayRef = Annotated[date | str, PlainValidator(_holiday_ref)]
"""A holiday the company works: its name as python-holidays spells it, or its date."""


@functools.lru_cache(maxsize=512)
def _holidays_of_year(
    country: str, subdivision: str | None, year: int
) -> dict[date, tuple[str, ...]]:
    found = holidays.country_holidays(country, subdiv=subdivision, years=year)
    return {day: tuple(found.get_list(day)) for day in sorted(found)}


@functools.lru_cache(maxsize=64)
def _holiday_names(country: str, subdivision: str | None, years: range) -> dict[str, str]:
    """Every holiday name the country uses in ``years``: casefolded -> as spelled."""
    found = holidays.country_holidays(country, subdiv=subdivision, years=years)
    return {name.casefold(): name for day in found for name in found.get_list(day)}


def _known_name(country: str, subdivision: str | None, name: str) -> bool:
    return any(
        name.casefold() in _holiday_names(country, subdivision, years)
        for years in (_RECENT_YEARS, _ALL_YEARS)
    )


@functools.lru_cache(maxsize=64)
def _observed_labels(country: str, subdivision: str | None) -> tuple[str, ...]:
    found = holidays.country_holidays(country, subdiv=subdivision, years=[])
    labels = (
        getattr(found, "observed_label", None),
        getattr(found, "observed_estimated_label", None),
    )
    return tuple(label for label in labels if isinstance(label, str) and "%s" in label)


def _country_problem(country: str, subdivision: str | None) -> Problem | None:
    try:
        calendar = holidays.country_holidays(country, years=[])
    except NotImplementedError:
        return ("country",), (
            f'"{country}" is not a country code python-holidays knows '
            "(ISO 3166 alpha-2, e.g. US, PL, GB)"
        )
    if subdivision is None:
        return None
    try:
        holidays.country_holidays(country, subdiv=subdivision, years=[])
    except NotImplementedError:
        known = [str(code) for code in getattr(calendar, "subdivisions", ())]
        listed = ", ".join(known[:40]) + (", ..." if len(known) > 40 else "")
        return ("subdivision",), (
            f'"{subdivision}" is not a subdivision of {country}'
            + (f"; write one of: {listed}" if known else f"; {country} has none, so remove it")
        )
    return None


class HolidaysSpec(Frozen):
    """Public holidays of a country (optional), days worked anyway, extra closed days."""

    country: str | None = None
    subdivision: str | None = None
    dates: tuple[date, ...] = ()
    except_: tuple[HolidayRef, ...] = Field(default=(), alias="except")

    @field_validator("country")
    @classmethod
    def _upper_country(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise problem("country", "must not be empty; write a code such as US or remove it")
        return None if value is None else value.strip().upper()

    @model_validator(mode="after")
    def _known(self) -> HolidaysSpec:
        raise_problems("HolidaysSpec", self._problems())
        return self

    def _problems(self) -> list[Problem]:
        if self.country is None:
            if self.subdivision is not None:
                return [(("subdivision",), "a subdivision needs a country; add country: (e.g. US)")]
            if self.except_:
                return [
                    (("except",), "lists holidays to work, but no country gives any; remove it")
                ]
            return []
        found = _country_problem(self.country, self.subdivision)
        if found is not None:
            return [found]
        where = "/".join(filter(None, (self.country, self.subdivision)))
        problems: list[Problem] = []
        for index, ref in enumerate(self.except_):
            if isinstance(ref, date):
                if ref not in _holidays_of_year(self.country, self.subdivision, ref.year):
                    problems.append((("except", index), f"{ref} is not a {where} holiday"))
                elif ref in self.dates:
                    problems.append((("except", index), f"{ref} is also listed in dates"))
            elif not _known_name(self.country, self.subdivision, ref):
                names = _holiday_names(self.country, self.subdivision, _ALL_YEARS).values()
                close = difflib.get_close_matches(ref, sorted(names), n=1, cutoff=0.5)
                hint = f'; did you mean "{close[0]}"?' if close else ""
                problems.append((("except", index), f'"{ref}" is not a {where} holiday name{hint}'))
        return problems

    def closed_dates(self, first: date, last: date) -> frozenset[date]:
        """Dates in ``[first, last]`` that are closed: holidays minus ``except``, plus ``dates``."""
        closed = {day for day in self.dates if first <= day <= last}
        if self.country is None or first > last:
            return frozenset(closed)
        worked_dates = {ref for ref in self.except_ if isinstance(ref, date)}
        worked_names = self._worked_names()
        for year in range(first.year, last.year + 1):
            for day, names in _holidays_of_year(self.country, self.subdivision, year).items():
                if not first <= day <= last or day in worked_dates:
                    continue
                if not all(name.casefold() in worked_names for name in names):
                    closed.add(day)
        return frozenset(closed)

    def _worked_names(self) -> frozenset[str]:
        """Casefolded names of worked holidays, with their observed-day variants."""
        assert self.country is not None
        labels = _observed_labels(self.country, self.subdivision)
        named = [ref for ref in self.except_ if isinstance(ref, str)]
        variants = [name for ref in named for name in (ref, *(label % ref for label in labels))]
        return frozenset(name.casefold() for name in variants)

    def canonical(self) -> dict[str, object]:
        """What decides the closed days, in a stable order (for fingerprints)."""
        return {
            "country": self.country,
            "subdivision": self.subdivision,
            "dates": sorted(day.isoformat() for day in set(self.dates)),
            "except": sorted(
                {
                    ref.isoformat() if isinstance(ref, date) else ref.casefold()
                    for ref in self.except_
                }
            ),
        }


# --- the calendar -------------------------------------------------------------------------------


class CalendarSpec(Frozen):
    """The business calendar the follow-up clock runs on."""

    timezone: str
    hours: dict[DayKey, DaySpans]
    holidays: HolidaysSpec = HolidaysSpec()

    @field_validator("timezone")
    @classmethod
    def _iana(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            close = difflib.get_close_matches(value, _zone_names(), n=1)
            hint = (
                f'did you mean "{close[0]}"?'
                if close
                else "write an IANA name such as America/New_York"
            )
            raise problem("timezone", f'"{value}" is not an IANA time zone; {hint}') from None
        return value

    @model_validator(mode="after")
    def _one_entry_per_day(self) -> CalendarSpec:
        problems: list[Problem] = []
        seen: dict[int, str] = {}
        for key in self.hours:
            for day in day_key_days(key):
                if day in seen:
                    problems.append(
                        (
                            ("hours", key),
                            f'{WEEKDAYS[day]} is already listed under "{seen[day]}"; '
                            "list each day once",
                        )
                    )
                else:
                    seen[day] = key
        if not any(self.hours.values()):
            problems.append(
                (
                    ("hours",),
                    'no business hours at all; list at least one, e.g. mon-fri: ["09:00-17:00"]',
                )
            )
        raise_problems("CalendarSpec", problems)
        return self

    def weekly_spans(self) -> tuple[tuple[Span, ...], ...]:
        """Seven entries, Monday..Sunday, each the day's sorted spans with adjacent ones merged."""
        week: list[list[Span]] = [[] for _ in WEEKDAYS]
        for key, spans in self.hours.items():
            for day in day_key_days(key):
                week[day].extend(spans)
        return tuple(_merged(sorted(day)) for day in week)

    def closed_dates(self, first: date, last: date) -> frozenset[date]:
        """Local dates in ``[first, last]`` on which the business is closed all day."""
        return self.holidays.closed_dates(first, last)

    def business_calendar(self) -> BusinessCalendar:
        """The calendar that computes due times and business time for these hours."""
        from revpact.domain.clock.calendar import BusinessCalendar

        return BusinessCalendar(self.timezone, self.weekly_spans(), self.closed_dates)

    def canonical(self) -> dict[str, object]:
        """What decides business time, in a stable form (for fingerprints)."""
        return {
            "timezone": self.timezone,
            "weekly": [[list(span) for span in day] for day in self.weekly_spans()],
            "holidays": self.holidays.canonical(),
        }


def _merged(spans: Iterable[Span]) -> tuple[Span, ...]:
    merged: list[Span] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


@functools.cache
def _zone_names() -> tuple[str, ...]:
    import zoneinfo

    return tuple(sorted(zoneinfo.available_timezones()))
