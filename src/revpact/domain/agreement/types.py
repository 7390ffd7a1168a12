"""Building blocks of the agreement model: the frozen base, value types and their messages.

Every value type here parses what people write in the agreement file (``25%``, ``1h30m``,
``2020-06``, ``5000``) and fails with a ``PydanticCustomError`` whose message says what to write
instead. ``raise_problems`` lets a model report problems found across fields at the exact
path of each one (``("milestones", 1, "by")``), so the file layer can name the line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, time
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Annotated, Any, NoReturn

from pydantic import (
    BaseModel,
    ConfigDict,
    PlainSerializer,
    PlainValidator,
    ValidationError,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from revpact.domain.clock.durations import format_duration, parse_duration

__all__ = [
    "MAX_DURATION",
    "WEEKDAYS",
    "Count",
    "Duration",
    "Frozen",
    "Identifier",
    "Loc",
    "LocalTime",
    "Money",
    "Month",
    "Percent",
    "Problem",
    "Team",
    "Text",
    "Weekday",
    "describe",
    "problem",
    "raise_problems",
]

Loc = tuple[int | str, ...]
Problem = tuple[Loc, str]
"""A problem found by a model validator: where (relative to the model) and what."""

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Frozen(BaseModel):
    """Base of every agreement model: immutable, and unknown keys are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Team(StrEnum):
    """Who a person belongs to, or who owns an action."""

    MARKETING = "marketing"
    SALES = "sales"
    EXECUTIVE = "executive"


class Weekday(StrEnum):
    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"

    @property
    def number(self) -> int:
        """0 for Monday .. 6 for Sunday, as ``date.weekday()`` counts."""
        return WEEKDAYS.index(self.value)


def describe(value: object) -> str:
    """A value as a message shows it: text in quotes, anything else in plain words."""
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return str(value)


def problem(kind: str, message: str) -> PydanticCustomError:
    """A validation error whose text is ``message`` exactly (no "Value error," prefix)."""
    return PydanticCustomError(kind, "{message}", {"message": message})


def raise_problems(title: str, problems: Sequence[Problem]) -> None:
    """Raise every problem at once, each at its own path; do nothing when there are none."""
    if problems:
        raise ValidationError.from_exception_data(
            title,
            [
                InitErrorDetails(type=problem("agreement", message), loc=loc, input=None)
                for loc, message in problems
            ],
        )


def _fail(kind: str, message: str) -> NoReturn:
    raise problem(kind, message)


# --- text and identifiers ---------------------------------------------------------------------


def _text(value: Any) -> str:
    if not isinstance(value, str):
        _fail("text", f"expected text, got {describe(value)}")
    if not value.strip():
        _fail("text", "must not be empty")
    return value.strip()


Text = Annotated[str, PlainValidator(_text)]
"""Non-empty text, surrounding whitespace removed."""

_IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*")


def _identifier(value: Any) -> str:
    if not isinstance(value, str) or not _IDENTIFIER.fullmatch(value):
        _fail(
            "identifier",
            f"{describe(value)} is not a name revpact can use; write lowercase letters, "
            "digits and underscores, starting with a letter (e.g. internet_sales_ready)",
        )
    return value


Identifier = Annotated[str, PlainValidator(_identifier)]


# --- numbers ------------------------------------------------------------------------------------


def _decimal(value: Any) -> Decimal | None:
    """``value`` as a finite Decimal, or None when it is not a plain number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(str(value))
    elif isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d+(\.\d+)?\s*", value):
        number = Decimal(value.strip())
    else:
        return None
    return number if number.is_finite() else None


def _money(value: Any) -> Decimal:
    number = _decimal(value)
    if number is None:
        _fail("money", f"{describe(value)} is not an amount; write a plain number such as 5000")
    if number <= 0:
        _fail("money", f"{number} is not more than 0")
    return number


Money = Annotated[
    Decimal, PlainValidator(_money), PlainSerializer(str, return_type=str, when_used="json")
]
"""An amount of money in the agreement's currency: a Decimal above 0, never a float."""


def _percent(value: Any) -> Decimal:
    hint = "write 25% or 0.25"
    if isinstance(value, str) and value.strip().endswith("%"):
        try:
            number = Decimal(value.strip()[:-1].strip()) / 100
        except InvalidOperation:
            _fail("percent", f'"{value}" is not a percentage; {hint}')
    else:
        parsed = _decimal(value)
        if parsed is None:
            _fail("percent", f"{describe(value)} is not a percentage; {hint}")
        number = parsed
    if not number.is_finite() or not 0 <= number <= 1:
        _fail("percent", f"{describe(value)} is not a percentage between 0% and 100%; {hint}")
    return number.normalize() if number else Decimal(0)


Percent = Annotated[
    Decimal, PlainValidator(_percent), PlainSerializer(str, return_type=str, when_used="json")
]
"""A fraction 0..1 written as ``25%`` or ``0.25``; stored as a Decimal fraction."""


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        _fail("count", f"{describe(value)} is not a count; write a whole number such as 50")
    return value


Count = Annotated[int, PlainValidator(_count)]
"""A whole number, 0 or more."""


# --- time -------------------------------------------------------------------------------------


MAX_DURATION = 366 * 24 * 3600
"""The longest duration an agreement may set: 8784h (366 days). Longer ones are typing
mistakes, and would overflow the calendar arithmetic they feed."""


def _duration(value: Any) -> int:
    try:
        seconds = parse_duration(value)
    except ValueError as exc:
        raise problem("duration", str(exc)) from None
    if seconds > MAX_DURATION:
        _fail(
            "duration",
            f"{describe(value)} is longer than {format_duration(MAX_DURATION)} (366 days), the "
            "longest duration an agreement may set",
        )
    return seconds


Duration = Annotated[
    int,
    PlainValidator(_duration),
    PlainSerializer(format_duration, return_type=str, when_used="json"),
]
"""Seconds, written ``45s``, ``30m``, ``1h`` or ``1h30m`` (a bare number is seconds), at most
``MAX_DURATION``."""


def _month(value: Any) -> date:
    if isinstance(value, date):
        return value.replace(day=1)
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(\d{4})-(\d{2})\s*", value)
        if match and 1 <= int(match[2]) <= 12:
            return date(int(match[1]), int(match[2]), 1)
    _fail("month", f"{describe(value)} is not a month; write it as 2020-06")


def _format_month(value: date) -> str:
    return value.strftime("%Y-%m")


Month = Annotated[
    date,
    PlainValidator(_month),
    PlainSerializer(_format_month, return_type=str, when_used="json"),
]
"""A calendar month, written ``YYYY-MM``; stored as the date of its first day."""


def _local_time(value: Any) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", value)
        if match and int(match[1]) < 24 and int(match[2]) < 60:
            return time(int(match[1]), int(match[2]))
    _fail("time", f'{describe(value)} is not a time of day; write it in quotes as "09:30"')


def _format_time(value: time) -> str:
    return value.strftime("%H:%M")


LocalTime = Annotated[
    time,
    PlainValidator(_local_time),
    PlainSerializer(_format_time, return_type=str, when_used="json"),
]
"""A local wall-clock time ``HH:MM``."""
