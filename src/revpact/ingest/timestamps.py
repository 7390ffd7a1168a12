"""ISO 8601 timestamps, a whole column at a time, into epoch microseconds (UTC).

A CRM export holds hundreds of thousands of timestamps written the same few ways, so parsing one
value at a time would dominate an import. :func:`parse_instants` instead lays the column's
characters out as a numpy byte matrix per string length and reads the digits of every value at
once for the common layouts::

    2020-03-02              2020-03-02T10:15       2020-03-02 10:15:00
    2020-03-02T10:15:00.25  2020-03-02T10:15:00Z   2020-03-02T10:15:00-05:00

(``T``, ``t`` or a space between date and time; 1-6 fraction digits; no offset, ``Z`` or
``±HH:MM``). Anything else, and any value the fast path finds out of range, is parsed on its
own with :meth:`datetime.fromisoformat`, which both accepts the rarer ISO forms and decides
what is not a timestamp — so both paths agree on every value.

A value without an offset is wall-clock time in the given zone; an ambiguous reading (the
repeated hour when clocks go back) means its first occurrence and a skipped one is read with
the offset before the change — :mod:`zoneinfo`'s ``fold=0``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from revpact.domain.clock.calendar import to_us
from revpact.domain.clock.sla import NO_TIME

if TYPE_CHECKING:
    from revpact.domain.agreement.model import Agreement

__all__ = [
    "ParsedInstants",
    "TimeWindow",
    "local_to_utc_us",
    "parse_instant",
    "parse_instants",
]

Int64Array = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

_US = 1_000_000
_DAY_US = 86_400 * _US
_NAIVE_EPOCH = datetime(1970, 1, 1)
_ZERO = ord("0")


@dataclass(frozen=True)
class TimeWindow:
    """The moments a claimed time may take: the agreement's period widened by a year on each
    side (in its calendar's zone). Anything outside is refused as a typo (the year 514, or
    1999), which also keeps the business calendar from walking centuries."""

    start_us: int
    end_us: int  # exclusive
    first_day: date
    last_day: date

    @classmethod
    def of(cls, agreement: Agreement) -> TimeWindow:
        zone = ZoneInfo(agreement.calendar.timezone)
        first = _years_later(agreement.period.start, -1)
        last = _years_later(agreement.period.end, 1)
        start = datetime(first.year, first.month, first.day, tzinfo=zone)
        end = datetime(last.year, last.month, last.day, tzinfo=zone) + timedelta(days=1)
        return cls(to_us(start), to_us(end), first, last)

    def outside(self, us: Int64Array) -> BoolArray:
        """Which of ``us`` (:data:`NO_TIME`: no time, never outside) fall outside."""
        out: BoolArray = (us != NO_TIME) & ((us < self.start_us) | (us >= self.end_us))
        return out

    def holds(self, us: int) -> bool:
        return self.start_us <= us < self.end_us

    def problem(self, shown: str) -> str:
        """What to tell about a value outside (``shown`` as the user wrote it)."""
        return (
            f"{shown} is more than a year outside the agreement's period; write a time "
            f"between {self.first_day} and {self.last_day}"
        )


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class ParsedInstants:
    """A parsed column: ``us`` holds :data:`NO_TIME` where the value is empty or bad."""

    us: Int64Array
    empty: BoolArray
    bad: BoolArray


def parse_instants(values: Sequence[str], zone: ZoneInfo) -> ParsedInstants:
    """Parse a column of ISO 8601 strings; empty strings are empty, not bad."""
    n = len(values)
    us = np.full(n, NO_TIME, dtype=np.int64)
    empty = np.zeros(n, dtype=bool)
    bad = np.zeros(n, dtype=bool)
    if n == 0:
        return ParsedInstants(us, empty, bad)
    # One buffer of every value's UTF-8 bytes, each followed by NUL: lengths fall out of it.
    joined = "\0".join(values) + "\0"
    raw = joined.encode("utf-8")
    buf = np.frombuffer(raw, dtype=np.uint8)
    ends = np.flatnonzero(buf == 0)
    slow = np.zeros(n, dtype=bool)
    if ends.size != n:  # a value holds a NUL: none can be laid out, read each on its own
        slow[:] = True
        ends = np.cumsum(np.fromiter(map(len, values), dtype=np.int64, count=n) + 1) - 1
    starts = np.empty(n, dtype=np.int64)
    starts[0] = 0
    starts[1:] = ends[:-1] + 1
    lengths = ends - starts
    if len(raw) != len(joined):  # some non-ASCII value: those go the slow way
        slow |= lengths != np.fromiter(map(len, values), dtype=np.int64, count=n)
    empty[lengths == 0] = True
    naive = np.zeros(n, dtype=bool)

    for length in np.unique(lengths[~slow & ~empty]).tolist():
        idx = np.flatnonzero((lengths == length) & ~slow)
        layouts = _layouts(length)
        if not layouts:
            slow[idx] = True
            continue
        if idx.size == n:  # every value has this length: a plain reshape, no copy
            chars = buf.reshape(n, length + 1)[:, :length]
        else:
            chars = buf[starts[idx][:, None] + np.arange(length)]
        left = np.ones(idx.size, dtype=bool)
        for layout in layouts:
            if not left.any():
                break
            pick = np.flatnonzero(left)
            got, ok = _parse_layout(chars[pick], layout)
            hit = pick[ok]
            us[idx[hit]] = got[ok]
            naive[idx[hit]] = layout.tz == ""
            left[hit] = False
        slow[idx[left]] = True

    if naive.any():
        us[naive] = local_to_utc_us(us[naive], zone)
    for i in np.flatnonzero(slow).tolist():
        value = parse_instant(values[i], zone)
        if value is None:
            bad[i] = True
        elif value == NO_TIME:
            empty[i] = True
        else:
            us[i] = value
    return ParsedInstants(us, empty, bad)


def parse_instant(value: str, zone: ZoneInfo) -> int | None:
    """One value: epoch µs, :data:`NO_TIME` when blank, ``None`` when not an ISO 8601 timestamp."""
    text = value.strip()
    if not text:
        return NO_TIME
    if len(text) > 10 and text[4:5] == "-" and text[10] not in "Tt ":
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    try:
        return to_us(moment)
    except OverflowError:  # pragma: no cover - year 1 with a positive offset
        return None


def local_to_utc_us(local_us: Int64Array, zone: ZoneInfo) -> Int64Array:
    """Wall-clock readings in ``zone`` (as if UTC epoch µs) to true epoch µs, ``fold=0``.

    The offset is looked up once per local date; only the readings on a date whose offset at
    midnight differs from its offset at the end of the day (a clock change) are looked up one by
    one.
    """
    local = np.asarray(local_us, dtype=np.int64)
    if local.size == 0:
        return local.copy()
    days, inverse = np.unique(local // _DAY_US, return_inverse=True)
    first = np.array([_offset_us(zone, d * _DAY_US) for d in days.tolist()], dtype=np.int64)
    last = np.array([_offset_us(zone, (d + 1) * _DAY_US - 1) for d in days.tolist()], np.int64)
    offsets = first[inverse]
    for i in np.flatnonzero((first != last)[inverse]).tolist():
        offsets[i] = _offset_us(zone, int(local[i]))
    result: Int64Array = local - offsets
    return result


def _offset_us(zone: ZoneInfo, wall_us: int) -> int:
    wall = (_NAIVE_EPOCH + timedelta(microseconds=wall_us)).replace(tzinfo=zone)
    offset = wall.utcoffset()
    assert offset is not None
    return offset // timedelta(microseconds=1)


# ---------------------------------------------------------------------------- fast layouts


@dataclass(frozen=True)
class _Layout:
    """A fixed-width layout: ``time`` is "", "HH:MM", "HH:MM:SS" or "HH:MM:SS.f..."."""

    time: str
    tz: str  # "" (naive), "Z" or "+HH:MM"

    @property
    def template(self) -> str:
        return "DDDD-DD-DD" + ("T" + self.time if self.time else "") + self.tz


_TIMES = ("", "DD:DD", "DD:DD:DD", *(f"DD:DD:DD.{'D' * k}" for k in range(1, 7)))
_TZS = ("", "Z", "+DD:DD")


@cache
def _layouts(length: int) -> tuple[_Layout, ...]:
    found = []
    for time in _TIMES:
        for tz in _TZS if time else ("",):
            layout = _Layout(time, tz)
            if len(layout.template) == length:
                found.append(layout)
    return tuple(found)


def _parse_layout(chars: npt.NDArray[np.uint8], layout: _Layout) -> tuple[Int64Array, BoolArray]:
    """Epoch µs (local for naive layouts) of each row, and which rows really match."""
    template = layout.template
    ok = np.ones(chars.shape[0], dtype=bool)
    digit_pos = [i for i, c in enumerate(template) if c == "D"]
    ok &= ((chars[:, digit_pos] - _ZERO) <= 9).all(axis=1)  # uint8 wraps below "0"
    for i, c in enumerate(template):
        col = chars[:, i]
        if c in "-:.Z":
            ok &= col == ord(c)
        elif c == "T":
            ok &= (col == ord("T")) | (col == ord("t")) | (col == ord(" "))
        elif c == "+":
            ok &= (col == ord("+")) | (col == ord("-"))

    def num(start: int, width: int) -> Int64Array:
        out = chars[:, start].astype(np.int64) - _ZERO
        for k in range(start + 1, start + width):
            out *= 10
            out += chars[:, k]
            out -= _ZERO
        return out

    year, month, day = num(0, 4), num(5, 2), num(8, 2)
    hour = minute = second = fraction = np.zeros(chars.shape[0], dtype=np.int64)
    if layout.time:
        hour, minute = num(11, 2), num(14, 2)
    if len(layout.time) >= 8:
        second = num(17, 2)
    if len(layout.time) > 9:
        width = len(layout.time) - 9
        fraction = num(20, width) * 10 ** (6 - width)
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    month_days = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)
    dim = month_days[np.clip(month, 1, 12) - 1] + ((month == 2) & leap)
    ok &= (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= dim)
    ok &= (hour <= 23) & (minute <= 59) & (second <= 59)

    seconds = _days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second
    result = seconds * _US + fraction
    if layout.tz == "+DD:DD":
        at = len(template) - 6
        sign = np.where(chars[:, at] == ord("-"), -1, 1)
        off_h, off_m = num(at + 1, 2), num(at + 4, 2)
        ok &= (off_h <= 23) & (off_m <= 59)
        result = result - sign * (off_h * 3600 + off_m * 60) * _US
    return result, ok


def _days_from_civil(year: Int64Array, month: Int64Array, day: Int64Array) -> Int64Array:
    """Days since 1970-01-01 of proleptic Gregorian dates (H. Hinnant's algorithm)."""
    y = year - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    mp = (month + 9) % 12
    doy = (153 * mp + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    days: Int64Array = era * 146_097 + doe - 719_468
    return days
