"""The business calendar: which instants are business time, and how much of it lies between two.

Definition (the one the slow reference implementation in the tests also uses): an instant is
business time when its local wall-clock reading in the calendar's zone falls inside one of the
spans of that local date's weekday, and that local date is not closed. Business time is counted
in real elapsed seconds, so a 00:00-03:00 span is 2 h long on a spring-forward night and 4 h on
a fall-back night (2.5 h / 3.5 h in a zone whose clocks move by half an hour).

:class:`BusinessCalendar` is a value: a frozen dataclass equal (and hashed) by its definition,
the zone, the weekly spans and the closed-dates function. It holds no cache. What it computes
with is an :class:`_IntervalTable`, an immutable table of the business intervals of a window of
local dates: sorted disjoint UTC intervals ``[start, end)`` in integer epoch microseconds, with
the business time that lies before each interval (``cum``), padded with a zero-length sentinel
at each end. Windows are whole blocks of ``_BLOCK_DAYS`` local dates; a module-level
:func:`functools.lru_cache` keyed by ``(calendar, first block, last block)`` builds each table
once. The business *position* of an instant is then one binary search away, and every question
is arithmetic on positions:

* business time between ``a`` and ``b`` = ``pos(b) - pos(a)``;
* the instant ``d`` business seconds after ``a`` = the point where ``pos`` reaches
  ``pos(a) + d`` (a due time that lands exactly on closing stays at closing).

The scalar methods search the table with :mod:`bisect` through zero-copy ``memoryview`` s of its
arrays; the ``*_us`` methods do the same for whole numpy columns with a bucket index. A question
whose answer lies beyond a table asks for a wider one, so callers never say which dates they
need. No loop in here advances a clock by a tick. Durations are integers: microseconds in the
``*_us`` methods, whole seconds where a method speaks of seconds.
"""

from __future__ import annotations

import bisect
import functools
import itertools
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import numpy.typing as npt

from revpact.domain.clock.moments import RANGE_PROBLEM, us_in_range
from revpact.errors import CalendarError

__all__ = ["BusinessCalendar", "Span", "from_us", "to_us"]

Span = tuple[int, int]
"""A local wall-clock span in seconds after midnight: ``0 <= start < end <= 86400``."""

Int64Array = npt.NDArray[np.int64]
ClosedDates = Callable[[date, date], Collection[date]]
"""Local dates in ``[first, last]`` on which the business is closed all day."""

_US = 1_000_000
_DAY_S = 86_400
_DAY_US = _DAY_S * _US
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_DATE = date(1970, 1, 1)
_SAMPLE_S = 3 * 3600  # offset sampling step when looking for zone transitions
_MAX_HORIZON_DAYS = 366 * 30  # give up looking for business time after this many days
_BLOCK_DAYS = 32  # tables cover whole blocks of this many local dates
_MARGIN_BEFORE_DAYS = 2  # dates covered before the UTC date of the earliest instant asked about
_MARGIN_AFTER_DAYS = 14  # and after the latest
_BUCKET_SHIFT = 30  # bucket width of the vectorised index: 2**30 µs, about 18 minutes
_FAR = 1 << 62  # sentinel instants, far beyond any real timestamp
_TABLES_KEPT = 256


def to_us(moment: datetime) -> int:
    """Exact integer epoch microseconds of an aware datetime."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise CalendarError(f"{moment.isoformat()} has no UTC offset; pass an aware datetime")
    try:
        return (moment - _EPOCH) // timedelta(microseconds=1)
    except OverflowError:  # year 1 east of UTC
        raise CalendarError(f"{moment.isoformat()} {RANGE_PROBLEM}") from None


def from_us(us: int) -> datetime:
    """The aware UTC datetime of integer epoch microseconds."""
    return _EPOCH + timedelta(microseconds=int(us))


def _whole_seconds(us: int) -> int:
    """Microseconds as whole seconds, truncated toward zero (so ``f(-x) == -f(x)``)."""
    return us // _US if us >= 0 else -(-us // _US)


@dataclass(frozen=True, init=False)
class BusinessCalendar:
    """Weekly local hours minus closed dates, in one IANA time zone: an immutable value.

    Equal (and hashed) by ``timezone``, ``weekly`` (seven tuples of sorted spans, Monday first)
    and ``closed_dates``: a function, so two calendars are equal when they share it, or when it
    is a method of two equal hashable values (e.g. two equal holiday specs).
    """

    timezone: str
    weekly: tuple[tuple[Span, ...], ...]
    closed_dates: ClosedDates = field(compare=False)
    _closed_key: object = field(repr=False)
    _zone: ZoneInfo = field(repr=False, compare=False)
    _hash: int = field(repr=False, compare=False)

    def __init__(
        self, timezone: str, weekly: Sequence[Sequence[Span]], closed_dates: ClosedDates
    ) -> None:
        try:
            zone = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise CalendarError(f'"{timezone}" is not an IANA time zone') from exc
        days = _checked_week(weekly)
        object.__setattr__(self, "timezone", timezone)
        object.__setattr__(self, "weekly", days)
        closed_key = _closed_key(closed_dates)
        object.__setattr__(self, "closed_dates", closed_dates)
        object.__setattr__(self, "_closed_key", closed_key)
        object.__setattr__(self, "_zone", zone)
        object.__setattr__(self, "_hash", hash((timezone, days, closed_key)))

    def __hash__(self) -> int:
        return self._hash

    # ------------------------------------------------------------------ scalar API

    def is_business_time(self, moment: datetime) -> bool:
        """Whether ``moment`` lies inside business hours."""
        t = to_us(moment)
        table = _table(self, *_blocks(t, t))
        return t < table.ends_v[table.index_of(t)]

    def add_business_seconds(self, start: datetime, seconds: int) -> datetime:
        """The instant at which ``seconds`` of business time have elapsed since ``start``."""
        amount = seconds * _US if isinstance(seconds, int) else round(seconds * _US)
        return from_us(self.add_business_us(to_us(start), amount))

    def business_seconds_between(self, start: datetime, end: datetime) -> int:
        """Whole business seconds in ``[start, end)`` (truncated toward zero; negative when
        ``end`` is before ``start``). :meth:`business_us` keeps the microseconds."""
        return _whole_seconds(self.business_us(to_us(start), to_us(end)))

    def add_business_us(self, start_us: int, amount_us: int) -> int:
        """Integer form of :meth:`add_business_seconds`: epoch µs in, epoch µs out."""
        t, amount = int(start_us), int(amount_us)
        if amount < 0:
            raise CalendarError("cannot add a negative amount of business time")
        first, last = _blocks(t, t)
        while (found := _table(self, first, last).add_scalar(t, amount)) is None:
            last = _wider(first, last)
        return found

    def business_us(self, start_us: int, end_us: int) -> int:
        """Integer form of :meth:`business_seconds_between`, in microseconds."""
        a, b = int(start_us), int(end_us)
        table = _table(self, *_blocks(min(a, b), max(a, b)))
        return table.pos_scalar(b) - table.pos_scalar(a)

    def next_opening(self, moment: datetime) -> datetime:
        """``moment`` itself when inside business hours, else the next opening."""
        t = to_us(moment)
        first, last = _blocks(t, t)
        while (found := _table(self, first, last).next_start(t)) is None:
            last = _wider(first, last)
        return moment.astimezone(UTC) if found == t else from_us(found)

    # ------------------------------------------------------------------ vectorised API

    def due_us(self, start_us: Int64Array, seconds: int) -> Int64Array:
        """For each start (epoch µs), the instant ``seconds`` of business time later."""
        starts = np.asarray(start_us, dtype=np.int64)
        if starts.size == 0:
            return np.empty(0, dtype=np.int64)
        amount = int(seconds) * _US
        if amount < 0:
            raise CalendarError("cannot add a negative amount of business time")
        first, last = _blocks(int(starts.min()), int(starts.max()))
        while True:
            table = _table(self, first, last)
            i = table.index(starts)
            target = table.pos_at(starts, i) + amount
            if int(target.max()) <= table.total:
                return table.reaching(i, target)
            last = _wider(first, last)

    def business_us_between(self, start_us: Int64Array, end_us: Int64Array) -> Int64Array:
        """Business microseconds in ``[start, end)`` for each pair (negative when reversed)."""
        a = np.asarray(start_us, dtype=np.int64)
        b = np.asarray(end_us, dtype=np.int64)
        if a.size == 0:
            return np.empty(0, dtype=np.int64)
        table = _table(self, *_blocks(int(min(a.min(), b.min())), int(max(a.max(), b.max()))))
        return table.pos(b) - table.pos(a)

    def position_us(self, t_us: Int64Array) -> Int64Array:
        """Business microseconds since the start of the window covering this column (so only
        differences within one call's answer mean anything)."""
        t = np.asarray(t_us, dtype=np.int64)
        if not t.size:
            return np.empty(0, dtype=np.int64)
        return _table(self, *_blocks(int(t.min()), int(t.max()))).pos(t)


def _closed_key(closed_dates: ClosedDates) -> object:
    """What ``closed_dates`` is compared by: the function itself, or for a method of a hashable
    value, the method's function and that value (so equal specs make equal calendars)."""
    owner = getattr(closed_dates, "__self__", None)
    function = getattr(closed_dates, "__func__", None)
    if owner is None or function is None:
        return closed_dates
    try:
        hash(owner)
    except TypeError:
        return closed_dates
    return (function, owner)


def _checked_week(weekly: Sequence[Sequence[Span]]) -> tuple[tuple[Span, ...], ...]:
    """Seven days of sorted, disjoint, in-day spans (or :class:`CalendarError`)."""
    if len(weekly) != 7:
        raise CalendarError(f"weekly hours need 7 days (Monday..Sunday), got {len(weekly)}")
    days: list[tuple[Span, ...]] = []
    for spans in weekly:
        ordered = sorted((int(s), int(e)) for s, e in spans)
        for s, e in ordered:
            if not 0 <= s < e <= _DAY_S:
                raise CalendarError(f"span {s}-{e} s is not within one day")
        for (_, e1), (s2, _) in itertools.pairwise(ordered):
            if s2 < e1:
                raise CalendarError("spans of one day overlap")
        days.append(tuple(ordered))
    if not any(days):
        raise CalendarError("the calendar has no business hours in the week")
    return tuple(days)


# ---------------------------------------------------------------------- windows of local dates


def _blocks(first_us: int, last_us: int) -> tuple[int, int]:
    """The blocks of local dates a table needs to answer about instants in the range (with a
    margin of dates on both sides); :class:`CalendarError` for an instant outside revpact's
    range (:mod:`revpact.domain.clock.moments`), where local dates would overflow."""
    for t in (first_us, last_us):
        if not us_in_range(t):
            raise CalendarError(f"{t} µs after 1970-01-01 UTC {RANGE_PROBLEM}")
    first_day = first_us // _DAY_US - _MARGIN_BEFORE_DAYS
    last_day = last_us // _DAY_US + _MARGIN_AFTER_DAYS
    return first_day // _BLOCK_DAYS, last_day // _BLOCK_DAYS


def _block_date(block: int) -> date:
    return _EPOCH_DATE + timedelta(days=block * _BLOCK_DAYS)


def _wider(first: int, last: int) -> int:
    """The last block of a window twice as long (but no longer than the search horizon)."""
    if (last - first + 1) * _BLOCK_DAYS > _MAX_HORIZON_DAYS:
        last_date = _block_date(last + 1) - timedelta(days=1)
        raise CalendarError(
            f"no business time found up to {last_date.isoformat()}; "
            "check the calendar's hours and holidays"
        )
    return min(2 * last - first + 1, first + _MAX_HORIZON_DAYS // _BLOCK_DAYS + 1)


@functools.lru_cache(maxsize=_TABLES_KEPT)
def _table(calendar: BusinessCalendar, first: int, last: int) -> _IntervalTable:
    """The interval table of ``calendar`` for blocks ``first..last``, built once."""
    return _IntervalTable.build(
        calendar, _block_date(first), _block_date(last + 1) - timedelta(days=1)
    )


# ---------------------------------------------------------------------- the interval table


@dataclass(frozen=True, eq=False)
class _IntervalTable:
    """The business intervals of the local dates ``first..last``: the one table every method
    reads. Three read-only int64 arrays, padded with a zero-length sentinel interval at each end
    (at ``-_FAR`` and ``_FAR``), so that every instant has an interval starting at or before it:

    * ``starts``, ``ends``: the UTC interval ``[start, end)`` in epoch µs, sorted and disjoint;
    * ``cum``: business µs before each interval (so ``cum[k + 1]`` is the business µs at the
      end of interval ``k``, and ``cum[-1]`` the window's total).

    ``*_v`` are zero-copy ``memoryview`` s of the same arrays, for fast scalar reads;
    ``buckets`` and ``fixups`` index ``starts`` for whole columns (see :meth:`index`).
    """

    starts: Int64Array
    ends: Int64Array
    cum: Int64Array
    base: int
    buckets: npt.NDArray[np.intp]
    fixups: int
    starts_v: memoryview = field(init=False, repr=False)
    ends_v: memoryview = field(init=False, repr=False)
    cum_v: memoryview = field(init=False, repr=False)

    def __post_init__(self) -> None:
        for name in ("starts", "ends", "cum", "buckets"):
            getattr(self, name).flags.writeable = False
        object.__setattr__(self, "starts_v", self.starts.data)
        object.__setattr__(self, "ends_v", self.ends.data)
        object.__setattr__(self, "cum_v", self.cum.data)

    @classmethod
    def build(cls, calendar: BusinessCalendar, first: date, last: date) -> _IntervalTable:
        """The table of ``calendar``'s business intervals on local dates ``first..last``."""
        merged = _merged(_day_intervals(calendar, first, last))
        starts = np.array([-_FAR, *(s for s, _ in merged), _FAR], dtype=np.int64)
        ends = np.array([-_FAR, *(e for _, e in merged), _FAR], dtype=np.int64)
        starts[1:-1] *= _US
        ends[1:-1] *= _US
        lengths = ends[1:-1] - starts[1:-1]
        cum = np.concatenate(([0, 0], np.cumsum(lengths, dtype=np.int64))).astype(np.int64)
        base = ((first - _EPOCH_DATE).days - 1) * _DAY_US
        end = ((last - _EPOCH_DATE).days + 2) * _DAY_US
        count = ((end - base) >> _BUCKET_SHIFT) + 2
        edges = base + (np.arange(count + 1, dtype=np.int64) << _BUCKET_SHIFT)
        index = np.searchsorted(starts, edges, side="right") - 1
        fixups = int(np.diff(index).max())
        return cls(starts, ends, cum, base, index[:-1].astype(np.intp), fixups)

    @property
    def total(self) -> int:
        """Business µs in the whole window."""
        return int(self.cum[-1])

    # ------------------------------------------------------------------ one instant

    def index_of(self, t: int) -> int:
        """Index of the last interval starting at or before ``t``."""
        return bisect.bisect_right(self.starts_v, t) - 1

    def pos_scalar(self, t: int) -> int:
        """Business µs in the window before ``t``."""
        i = self.index_of(t)
        pos: int = self.cum_v[i] + min(t, self.ends_v[i]) - self.starts_v[i]
        return pos

    def add_scalar(self, t: int, amount: int) -> int | None:
        """The instant ``amount`` business µs after ``t``; ``None`` when beyond the window."""
        i = self.index_of(t)
        if t < self.ends_v[i]:
            pos, first = self.cum_v[i] + t - self.starts_v[i], i
        else:  # in a gap: count from the next opening
            pos, first = self.cum_v[i + 1], i + 1
        last = len(self.cum_v) - 1  # the end sentinel
        target = pos + amount
        if first >= last or target > self.cum_v[last]:
            return None
        # The first interval from ``first`` on whose end (cum[j + 1]) reaches the target.
        j = bisect.bisect_left(self.cum_v, target, first + 1, last + 1) - 1
        due: int = self.starts_v[j] + target - self.cum_v[j]
        return due

    def next_start(self, t: int) -> int | None:
        """``t`` inside business time, else the next opening; ``None`` when beyond the window."""
        i = self.index_of(t)
        if t < self.ends_v[i]:
            return t
        if i + 1 >= len(self.starts_v) - 1:
            return None
        found: int = self.starts_v[i + 1]
        return found

    # ------------------------------------------------------------------ whole columns

    def index(self, t: Int64Array) -> npt.NDArray[np.intp]:
        """:meth:`index_of` for a column.

        ``buckets`` answers for the start of each 2**30 µs (~18 min) bucket; at most ``fixups``
        interval starts fall inside one bucket, so that many compare-and-step passes finish the
        job. Cheaper than a binary search over random instants.
        """
        i: npt.NDArray[np.intp] = self.buckets[(t - self.base) >> _BUCKET_SHIFT]
        for _ in range(self.fixups):
            i = i + (self.starts[i + 1] <= t)
        return i

    def pos(self, t: Int64Array) -> Int64Array:
        """:meth:`pos_scalar` for a column."""
        return self.pos_at(t, self.index(t))

    def pos_at(self, t: Int64Array, i: npt.NDArray[np.intp]) -> Int64Array:
        """Positions of ``t`` given its :meth:`index` ``i``."""
        pos: Int64Array = self.cum[i] + np.minimum(t, self.ends[i]) - self.starts[i]
        return pos

    def reaching(self, i: npt.NDArray[np.intp], target: Int64Array) -> Int64Array:
        """The instants where the position reaches ``target`` (each at most :attr:`total`),
        searching from interval ``i`` on."""
        cum_end = self.cum[1:]  # a view: business µs at the end of each interval
        j = i.copy()
        todo = np.flatnonzero(cum_end[j] < target)
        for _ in range(4):  # a due time is nearly always within a few intervals
            if todo.size == 0:
                break
            j[todo] += 1
            todo = todo[cum_end[j[todo]] < target[todo]]
        if todo.size:
            j[todo] = np.searchsorted(cum_end, target[todo], side="left")
        due: Int64Array = self.starts[j] + (target - self.cum[j])
        return due


def _day_intervals(calendar: BusinessCalendar, first: date, last: date) -> list[tuple[int, int]]:
    """UTC intervals (epoch seconds) of every open local date in ``first..last``."""
    closed = set(calendar.closed_dates(first, last))
    pieces = _offset_pieces(calendar._zone, first, last)
    piece_starts = [p[0] for p in pieces]
    intervals: list[tuple[int, int]] = []
    day = first
    while day <= last:
        spans = calendar.weekly[day.weekday()]
        if spans and day not in closed:
            wall0 = (day - _EPOCH_DATE).days * _DAY_S
            for s, e in spans:
                intervals.extend(_wall_to_instants(wall0 + s, wall0 + e, pieces, piece_starts))
        day += timedelta(days=1)
    return intervals


def _merged(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted intervals with overlapping or touching ones joined."""
    merged: list[tuple[int, int]] = []
    for s, e in sorted(intervals):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def _offset_pieces(tz: ZoneInfo, first: date, last: date) -> list[tuple[int, int, int]]:
    """Runs of constant UTC offset, as ``(start_s, end_s, offset_s)`` in epoch seconds.

    The runs cover every instant whose local date lies in ``[first, last]``. Transitions are
    found by sampling the offset every few hours and bisecting to the second where it changes.
    """
    lo = (first - _EPOCH_DATE).days * _DAY_S - 2 * _DAY_S
    hi = (last - _EPOCH_DATE).days * _DAY_S + 3 * _DAY_S

    def offset(t: int) -> int:
        delta = datetime.fromtimestamp(t, tz).utcoffset()
        assert delta is not None
        return int(delta.total_seconds())

    pieces: list[tuple[int, int, int]] = []
    start, current = lo, offset(lo)
    t = lo
    while t < hi:
        nxt = min(t + _SAMPLE_S, hi)
        o = offset(nxt)
        if o != current:
            a, b = t, nxt  # offset(a) == current, offset(b) != current
            while b - a > 1:
                mid = (a + b) // 2
                if offset(mid) == current:
                    a = mid
                else:
                    b = mid
            pieces.append((start, b, current))
            start, current = b, offset(b)
        t = nxt
    pieces.append((start, hi, current))
    return pieces


def _wall_to_instants(
    wall_start: int,
    wall_end: int,
    pieces: list[tuple[int, int, int]],
    piece_starts: list[int],
) -> list[tuple[int, int]]:
    """The instants whose wall-clock reading lies in ``[wall_start, wall_end)``.

    Within a run of constant offset ``o`` the wall clock reads ``t + o``, so the run contributes
    ``[wall_start - o, wall_end - o)`` clipped to the run. A skipped hour contributes nothing; a
    repeated hour contributes twice.
    """
    out: list[tuple[int, int]] = []
    k = max(bisect.bisect_right(piece_starts, wall_start - 15 * 3600) - 1, 0)
    while k < len(pieces):
        p0, p1, o = pieces[k]
        if p0 >= wall_end + 15 * 3600:
            break
        s = max(p0, wall_start - o)
        e = min(p1, wall_end - o)
        if s < e:
            out.append((s, e))
        k += 1
    return out
