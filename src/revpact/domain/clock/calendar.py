"""The business calendar: which instants are business time, and how much of it lies between two.

Definition (the one the slow reference implementation in the tests also uses): an instant is
business time when its local wall-clock reading in the calendar's zone falls inside one of the
spans of that local date's weekday, and that local date is not closed. Business time is counted
in real elapsed seconds, so a 00:00-03:00 span is 2 h long on a spring-forward night and 4 h on
a fall-back night (2.5 h / 3.5 h in a zone whose clocks move by half an hour).

How it is computed: the calendar turns a window of local dates into a sorted table of disjoint
UTC intervals ``[start, end)`` in integer epoch microseconds, with the business time that lies
before each interval (``cum``). The business *position* of an instant is then one binary search
away, and every question is arithmetic on positions:

* business time between ``a`` and ``b`` = ``pos(b) - pos(a)``;
* the instant ``d`` business seconds after ``a`` = the point where ``pos`` reaches
  ``pos(a) + d`` (a due time that lands exactly on closing stays at closing).

The scalar methods walk the table with :mod:`bisect`; the ``*_us`` methods do the same for whole
numpy columns with :func:`numpy.searchsorted`. The window grows on demand, so callers never say
which dates they need. No loop in here advances a clock by a tick.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Collection, Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import numpy.typing as npt

from revpact.errors import CalendarError

__all__ = ["BusinessCalendar", "Span", "from_us", "to_us"]

Span = tuple[int, int]
"""A local wall-clock span in seconds after midnight: ``0 <= start < end <= 86400``."""

Int64Array = npt.NDArray[np.int64]

_US = 1_000_000
_DAY_S = 86_400
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_DATE = date(1970, 1, 1)
_SAMPLE_S = 3 * 3600  # offset sampling step when looking for zone transitions
_MAX_HORIZON_DAYS = 366 * 30  # give up looking for business time after this many days
_GROW_DAYS = 400
_BUCKET_SHIFT = 30  # bucket width of the vectorised index: 2**30 µs, about 18 minutes
_FAR = 1 << 62  # sentinel instants, far beyond any real timestamp


def to_us(moment: datetime) -> int:
    """Exact integer epoch microseconds of an aware datetime."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise CalendarError(f"{moment.isoformat()} has no UTC offset; pass an aware datetime")
    return (moment - _EPOCH) // timedelta(microseconds=1)


def from_us(us: int) -> datetime:
    """The aware UTC datetime of integer epoch microseconds."""
    return _EPOCH + timedelta(microseconds=int(us))


class BusinessCalendar:
    """Weekly local hours minus closed dates, in one IANA time zone."""

    def __init__(
        self,
        timezone: str,
        weekly: Sequence[Sequence[Span]],
        closed_dates: Callable[[date, date], Collection[date]],
    ) -> None:
        try:
            self._tz = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise CalendarError(f'"{timezone}" is not an IANA time zone') from exc
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
        self.timezone = timezone
        self._weekly = tuple(days)
        self._closed_dates = closed_dates
        self._first: date | None = None
        self._last: date | None = None
        self._starts: Int64Array = np.empty(0, dtype=np.int64)
        self._ends: Int64Array = np.empty(0, dtype=np.int64)
        self._cum: Int64Array = np.empty(0, dtype=np.int64)
        self._cum_end: Int64Array = np.empty(0, dtype=np.int64)
        self._starts_l: list[int] = []
        self._ends_l: list[int] = []
        self._cum_l: list[int] = []
        self._vs = self._vlen = self._vcum = self._vcum_end = np.empty(0, dtype=np.int64)
        self._table: npt.NDArray[np.intp] = np.empty(0, dtype=np.intp)
        self._base = 0
        self._fixups = 0

    # ------------------------------------------------------------------ scalar API

    def is_business_time(self, moment: datetime) -> bool:
        """Whether ``moment`` lies inside business hours."""
        t = to_us(moment)
        self._cover(t, t)
        i = bisect.bisect_right(self._starts_l, t) - 1
        return i >= 0 and t < self._ends_l[i]

    def add_business_seconds(self, start: datetime, seconds: float) -> datetime:
        """The instant at which ``seconds`` of business time have elapsed since ``start``."""
        return from_us(self._add_us(to_us(start), round(seconds * _US)))

    def business_seconds_between(self, start: datetime, end: datetime) -> float:
        """Business seconds in ``[start, end)``; negative when ``end`` is before ``start``."""
        return self.business_us(to_us(start), to_us(end)) / _US

    def add_business_us(self, start_us: int, amount_us: int) -> int:
        """Integer form of :meth:`add_business_seconds`: epoch µs in, epoch µs out."""
        return self._add_us(int(start_us), int(amount_us))

    def business_us(self, start_us: int, end_us: int) -> int:
        """Integer form of :meth:`business_seconds_between`, in microseconds."""
        a, b = int(start_us), int(end_us)
        self._cover(min(a, b), max(a, b))
        return self._pos_scalar(b) - self._pos_scalar(a)

    def next_opening(self, moment: datetime) -> datetime:
        """``moment`` itself when inside business hours, else the next opening."""
        if self.is_business_time(moment):
            return moment.astimezone(UTC)
        return from_us(self._next_start(to_us(moment)))

    def _add_us(self, t: int, amount: int) -> int:
        if amount < 0:
            raise CalendarError("cannot add a negative amount of business time")
        self._cover(t, t)
        i = bisect.bisect_right(self._starts_l, t) - 1
        if i >= 0 and t < self._ends_l[i]:
            cur = t
        else:
            i += 1
            cur = -1
        remaining = amount
        while True:
            while i >= len(self._starts_l):
                self._grow_forward()
            if cur < self._starts_l[i]:
                cur = self._starts_l[i]
            available = self._ends_l[i] - cur
            if remaining <= available:
                return cur + remaining
            remaining -= available
            i += 1

    def _next_start(self, t: int) -> int:
        self._cover(t, t)
        i = bisect.bisect_right(self._starts_l, t)
        while i >= len(self._starts_l):
            self._grow_forward()
        return self._starts_l[i]

    def _pos_scalar(self, t: int) -> int:
        i = bisect.bisect_right(self._starts_l, t) - 1
        if i < 0:
            return 0
        return self._cum_l[i] + min(
            max(t - self._starts_l[i], 0), self._ends_l[i] - self._starts_l[i]
        )

    # ------------------------------------------------------------------ vectorised API

    def due_us(self, start_us: Int64Array, seconds: int) -> Int64Array:
        """For each start (epoch µs), the instant ``seconds`` of business time later."""
        starts = np.asarray(start_us, dtype=np.int64)
        if starts.size == 0:
            return np.empty(0, dtype=np.int64)
        amount = int(seconds) * _US
        if amount < 0:
            raise CalendarError("cannot add a negative amount of business time")
        self._cover(int(starts.min()), int(starts.max()))
        i = self._index(starts)
        target = self._pos_at(starts, i) + amount
        while int(target.max()) > int(self._cum_end[-1]):
            self._grow_forward()
            i = self._index(starts)
            target = self._pos_at(starts, i) + amount
        j = self._interval_reaching(i, target)
        return self._vs[j] + (target - self._vcum[j])

    def business_us_between(self, start_us: Int64Array, end_us: Int64Array) -> Int64Array:
        """Business microseconds in ``[start, end)`` for each pair (negative when reversed)."""
        a = np.asarray(start_us, dtype=np.int64)
        b = np.asarray(end_us, dtype=np.int64)
        if a.size == 0:
            return np.empty(0, dtype=np.int64)
        self._cover(int(min(a.min(), b.min())), int(max(a.max(), b.max())))
        return self._pos(b) - self._pos(a)

    def position_us(self, t_us: Int64Array) -> Int64Array:
        """Business microseconds since the start of the current window (for differences only)."""
        t = np.asarray(t_us, dtype=np.int64)
        if t.size:
            self._cover(int(t.min()), int(t.max()))
        return self._pos(t)

    def _pos(self, t: Int64Array) -> Int64Array:
        return self._pos_at(t, self._index(t))

    def _pos_at(self, t: Int64Array, i: npt.NDArray[np.intp]) -> Int64Array:
        # t >= start of interval i by construction, so only the upper clip is needed.
        pos: Int64Array = self._vcum[i] + np.minimum(t - self._vs[i], self._vlen[i])
        return pos

    def _index(self, t: Int64Array) -> npt.NDArray[np.intp]:
        """Index (in the padded arrays) of the last interval starting at or before each ``t``.

        A bucket table answers for the start of each 2**30 µs (~18 min) bucket; at most
        ``_fixups`` interval starts fall inside one bucket, so that many compare-and-step
        passes finish the job. Cheaper than a binary search over random instants.
        """
        i: npt.NDArray[np.intp] = self._table[(t - self._base) >> _BUCKET_SHIFT]
        for _ in range(self._fixups):
            i = i + (self._vs[i + 1] <= t)
        return i

    def _interval_reaching(
        self, i: npt.NDArray[np.intp], target: Int64Array
    ) -> npt.NDArray[np.intp]:
        """First interval at or after ``i`` whose cumulative end reaches ``target``."""
        j = i.copy()
        todo = np.flatnonzero(self._vcum_end[j] < target)
        for _ in range(4):  # a due time is nearly always within a few intervals
            if todo.size == 0:
                return j
            j[todo] += 1
            todo = todo[self._vcum_end[j[todo]] < target[todo]]
        if todo.size:
            j[todo] = np.searchsorted(self._vcum_end, target[todo], side="left")
        return j

    # ------------------------------------------------------------------ the interval table

    def _cover(self, first_us: int, last_us: int) -> None:
        """Make sure the table covers the local dates of both instants (with a margin)."""
        first = (_EPOCH + timedelta(microseconds=first_us)).date() - timedelta(days=2)
        last = (_EPOCH + timedelta(microseconds=last_us)).date() + timedelta(days=14)
        if self._first is not None and self._last is not None:
            if first >= self._first and last <= self._last:
                return
            # Grow by a generous step, so a caller walking forward in time rebuilds rarely.
            if first < self._first:
                first = min(first, self._first - timedelta(days=_GROW_DAYS))
            if last > self._last:
                last = max(last, self._last + timedelta(days=_GROW_DAYS))
            first = min(first, self._first)
            last = max(last, self._last)
        self._build(first, last)

    def _grow_forward(self) -> None:
        assert self._first is not None and self._last is not None
        if (self._last - self._first).days > _MAX_HORIZON_DAYS:
            raise CalendarError(
                f"no business time found up to {self._last.isoformat()}; "
                "check the calendar's hours and holidays"
            )
        self._build(self._first, self._last + timedelta(days=_GROW_DAYS))

    def _build(self, first: date, last: date) -> None:
        closed = set(self._closed_dates(first, last))
        pieces = _offset_pieces(self._tz, first, last)
        piece_starts = [p[0] for p in pieces]
        intervals: list[tuple[int, int]] = []
        day = first
        while day <= last:
            spans = self._weekly[day.weekday()]
            if spans and day not in closed:
                wall0 = (day - _EPOCH_DATE).days * _DAY_S
                for s, e in spans:
                    intervals.extend(_wall_to_instants(wall0 + s, wall0 + e, pieces, piece_starts))
            day += timedelta(days=1)
        intervals.sort()
        merged: list[list[int]] = []
        for s, e in intervals:
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        starts = np.array([m[0] for m in merged], dtype=np.int64) * _US
        ends = np.array([m[1] for m in merged], dtype=np.int64) * _US
        lengths = ends - starts
        cum_end = np.cumsum(lengths, dtype=np.int64)
        self._starts, self._ends = starts, ends
        self._cum_end = cum_end
        self._cum = cum_end - lengths
        self._build_vector_tables(first, last)
        self._starts_l = starts.tolist()
        self._ends_l = ends.tolist()
        self._cum_l = self._cum.tolist()
        self._first, self._last = first, last

    def _build_vector_tables(self, first: date, last: date) -> None:
        """Padded copies of the table (a zero-length sentinel at each end) and the bucket index."""
        total = int(self._cum_end[-1]) if self._cum_end.size else 0
        self._vs = np.concatenate(([-_FAR], self._starts, [_FAR])).astype(np.int64)
        self._vlen = np.concatenate(([0], self._ends - self._starts, [0])).astype(np.int64)
        self._vcum = np.concatenate(([0], self._cum, [total])).astype(np.int64)
        self._vcum_end = np.concatenate(([0], self._cum_end, [total])).astype(np.int64)
        self._base = ((first - _EPOCH_DATE).days - 1) * _DAY_S * _US
        end = ((last - _EPOCH_DATE).days + 2) * _DAY_S * _US
        buckets = ((end - self._base) >> _BUCKET_SHIFT) + 2
        edges = self._base + (np.arange(buckets + 1, dtype=np.int64) << _BUCKET_SHIFT)
        index = np.searchsorted(self._vs, edges, side="right") - 1
        self._table = index[:-1].astype(np.intp)
        self._fixups = int(np.diff(index).max()) if buckets else 0


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
