"""Moments people write: an ISO 8601 ``as_of`` read the one way every face reads it.

The rule, written once: a moment without a UTC offset is the agreement calendar's wall-clock
time (``2020-06-30T17:00`` in ``America/New_York`` is 21:00 UTC); with an offset it is that
instant. ``Z`` is UTC. In a URL's query string a ``+`` arrives as a space, so
``2020-06-30T12:00 05:00`` is read as ``+05:00``.

The forms, written once too (:data:`MOMENT_SHAPE`): a date ``YYYY-MM-DD``, or a date, ``T``
and a time ``HH:MM``, ``HH:MM:SS`` or ``HH:MM:SS.ffffff``, then optionally ``Z`` or an offset
``+HH:MM`` / ``-HH:MM`` (``+HHMM``). Nothing else — not a number of seconds, not a date with
a space for the ``T``, not surrounding blanks — is a moment.

The range, also written once: revpact accepts moments from :data:`EARLIEST` (1970-01-01
00:00 UTC) up to, not including, :data:`LATEST` (2200-01-01 00:00 UTC). Every record of a
sales floor lies inside it; the business calendar, the epoch-microsecond columns and the
zone tables are exact inside it; and a year-1 or year-9999 typo is refused with the field
and the value named (:func:`check_moment`, :func:`moment_problem`), never carried on until
a computation overflows. The import and the webhooks hold times to the narrower window of
the agreement's period as well.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Final
from zoneinfo import ZoneInfo

from revpact.errors import MomentError

__all__ = [
    "EARLIEST",
    "EARLIEST_US",
    "LATEST",
    "LATEST_US",
    "MOMENT_SHAPE",
    "RANGE_PROBLEM",
    "check_moment",
    "in_zone",
    "moment_problem",
    "read_moment",
    "us_in_range",
]

EARLIEST: Final = datetime(1970, 1, 1, tzinfo=UTC)
"""The earliest moment revpact accepts."""
LATEST: Final = datetime(2200, 1, 1, tzinfo=UTC)
"""The first moment revpact no longer accepts."""
EARLIEST_US: Final = 0
""":data:`EARLIEST` in epoch microseconds."""
LATEST_US: Final = (LATEST - EARLIEST).days * 86_400 * 1_000_000
""":data:`LATEST` in epoch microseconds."""
MOMENT_SHAPE: Final = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"(?:T(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{1,6})?)?"
    r"(?:Z|[+ -](?:[01][0-9]|2[0-3]):?[0-5][0-9])?)?"
)
"""The forms of an ISO 8601 moment revpact reads (``fullmatch``; a space stands for ``+``)."""
RANGE_PROBLEM: Final = "is outside the moments revpact accepts; write a time from 1970 to 2199"


def us_in_range(us: int) -> bool:
    """Whether epoch microseconds ``us`` lie in revpact's range."""
    return EARLIEST_US <= us < LATEST_US


def moment_problem(moment: datetime) -> str | None:
    """What is wrong with an aware ``moment`` (None: it lies in revpact's range)."""
    try:
        utc = moment.astimezone(UTC)
    except (OverflowError, ValueError):  # year 1 east of UTC, year 9999 west of it
        return RANGE_PROBLEM
    return None if EARLIEST <= utc < LATEST else RANGE_PROBLEM


def check_moment(moment: datetime, field: str) -> datetime:
    """``moment`` (aware) when it lies in revpact's range; :class:`MomentError` naming
    ``field`` and the value when not."""
    problem = moment_problem(moment)
    if problem is not None:
        raise MomentError(field, moment.isoformat(), problem)
    return moment


def in_zone(moment: datetime, zone: str, *, field: str | None = "as_of") -> datetime:
    """``moment`` made aware (without an offset it is ``zone``'s wall-clock time) and held
    to revpact's range (:class:`MomentError` naming ``field`` when outside); ``field=None``
    when the caller holds it to a narrower window (the agreement's period) with its own
    message."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment if field is None else check_moment(moment, field)


def read_moment(text: str, zone: str, *, field: str = "as_of") -> datetime:
    """``text`` (ISO 8601) as an aware moment in revpact's range; :class:`MomentError`
    naming ``field`` and the value when it is not one."""
    if MOMENT_SHAPE.fullmatch(text) is None:
        raise MomentError(field, text)
    try:
        moment = datetime.fromisoformat(text.replace(" ", "+"))
    except ValueError:  # a day the month does not have, e.g. 2021-02-29
        raise MomentError(field, text) from None
    return check_moment(in_zone(moment, zone, field=None), field)
