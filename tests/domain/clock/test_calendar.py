"""The business calendar against an independent slow implementation that steps minute by minute.

The reference knows nothing of intervals, offsets or transitions: it asks zoneinfo for the local
wall-clock reading of each UTC minute and checks it against the weekly spans and closed dates.
Every input is minute-aligned and every modern zone offset is a whole number of minutes, so
stepping minutes is exact.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from revpact.domain.clock.calendar import BusinessCalendar, Span, from_us, to_us
from revpact.errors import CalendarError

MINUTE = timedelta(minutes=1)

ZONES = [
    "America/New_York",
    "Europe/Warsaw",
    "Europe/London",
    "Australia/Lord_Howe",  # half-hour daylight-saving shift
    "Australia/Adelaide",  # +9:30 / +10:30
    "America/St_Johns",  # -3:30 / -2:30
    "Asia/Kolkata",  # +5:30, no DST
    "Asia/Kathmandu",  # +5:45
    "Pacific/Chatham",  # +12:45 / +13:45
    "America/Sao_Paulo",
    "Pacific/Apia",  # skipped 2011-12-30 entirely
    "UTC",
]

# Days around daylight-saving changes (and Samoa's skipped day), to make hypothesis visit them.
HOT_DATES = [
    date(2020, 3, 8),  # US spring forward
    date(2020, 11, 1),  # US fall back
    date(2020, 3, 29),  # EU spring forward
    date(2020, 10, 25),  # EU fall back
    date(2020, 4, 5),  # Lord Howe / Adelaide fall back
    date(2020, 10, 4),  # Lord Howe / Adelaide spring forward
    date(2020, 9, 27),  # Chatham spring forward
    date(2011, 12, 29),  # Apia jumps over the 30th
    date(2018, 11, 4),  # Sao Paulo spring forward
]


def weekly_of(spans_by_day: dict[int, list[tuple[str, str]]]) -> list[tuple[Span, ...]]:
    def sec(hhmm: str) -> int:
        h, m = hhmm.split(":")
        return int(h) * 3600 + int(m) * 60

    return [tuple((sec(a), sec(b)) for a, b in spans_by_day.get(d, [])) for d in range(7)]


def closed_fn(dates: Collection[date]):  # type: ignore[no-untyped-def]
    fixed = frozenset(dates)
    return lambda first, last: {d for d in fixed if first <= d <= last}


class Reference:
    """Business time by stepping UTC minutes: slow, obvious, independent."""

    def __init__(self, tz: str, weekly: Sequence[Sequence[Span]], closed: Collection[date]):
        self.tz = ZoneInfo(tz)
        self.weekly = weekly
        self.closed = set(closed)

    def is_open(self, t: datetime) -> bool:
        local = t.astimezone(self.tz)
        if local.date() in self.closed:
            return False
        sod = local.hour * 3600 + local.minute * 60 + local.second
        return any(s <= sod < e for s, e in self.weekly[local.weekday()])

    def due(self, start: datetime, minutes: int) -> datetime:
        t, count = start, 0
        while True:
            if self.is_open(t):
                count += 1
                if count == minutes:
                    return t + MINUTE
            t += MINUTE

    def minutes_between(self, a: datetime, b: datetime) -> int:
        lo, hi, sign = (a, b, 1) if a <= b else (b, a, -1)
        count, t = 0, lo
        while t < hi:
            count += self.is_open(t)
            t += MINUTE
        return sign * count


WEEKDAYS_9_17_EARLY = weekly_of({d: [("09:00", "17:00")] for d in range(5)})

# ---------------------------------------------------------------- strategies


@st.composite
def day_spans(draw: st.DrawFn) -> tuple[Span, ...]:
    points = sorted(
        draw(st.sets(st.integers(0, 1440 // 15).map(lambda q: q * 15 * 60), max_size=6))
    )
    spans = []
    for i in range(0, len(points) - 1, 2):
        spans.append((points[i], points[i + 1]))
    return tuple(spans)


@st.composite
def calendars(draw: st.DrawFn) -> tuple[str, list[tuple[Span, ...]], set[date]]:
    tz = draw(st.sampled_from(ZONES))
    weekly = [draw(day_spans()) for _ in range(7)]
    if not any(weekly):
        weekly[draw(st.integers(0, 6))] = ((9 * 3600, 17 * 3600),)
    anchor = draw(st.sampled_from(HOT_DATES))
    closed = set(draw(st.lists(st.integers(-3, 10), max_size=3)))
    return tz, weekly, {anchor + timedelta(days=k) for k in closed}


@st.composite
def instants(draw: st.DrawFn) -> datetime:
    anchor = draw(st.sampled_from(HOT_DATES))
    minutes = draw(st.integers(-3 * 1440, 3 * 1440))
    base = datetime(anchor.year, anchor.month, anchor.day, tzinfo=UTC)
    return base + timedelta(minutes=minutes)


# ---------------------------------------------------------------- property tests


@settings(max_examples=150, deadline=None)
@given(calendars(), instants(), st.integers(1, 8 * 60))
@example(
    ("America/New_York", weekly_of({6: [("00:00", "04:00")]}), set()),
    datetime(2020, 3, 8, 5, 0, tzinfo=UTC),
    150,
)
@example(
    ("America/New_York", WEEKDAYS_9_17_EARLY, set()),
    datetime(2020, 1, 6, 21, 0, tzinfo=UTC),  # 16:00 local: due lands exactly on closing
    60,
)
@example(
    ("Australia/Lord_Howe", weekly_of({6: [("00:00", "03:00")]}), set()),
    datetime(2020, 4, 4, 13, 0, tzinfo=UTC),
    200,
)
def test_due_matches_minute_stepping(
    cal_spec: tuple[str, list[tuple[Span, ...]], set[date]], start: datetime, minutes: int
) -> None:
    tz, weekly, closed = cal_spec
    cal = BusinessCalendar(tz, weekly, closed_fn(closed))
    ref = Reference(tz, weekly, closed)
    expected = ref.due(start, minutes)
    scalar = cal.add_business_seconds(start, minutes * 60)
    assert scalar == expected
    vector = cal.due_us(np.array([to_us(start)], dtype=np.int64), minutes * 60)
    assert from_us(int(vector[0])) == expected


@settings(max_examples=150, deadline=None)
@given(calendars(), instants(), st.integers(-2 * 1440, 2 * 1440))
def test_business_time_between_matches_minute_stepping(
    cal_spec: tuple[str, list[tuple[Span, ...]], set[date]], start: datetime, span_minutes: int
) -> None:
    tz, weekly, closed = cal_spec
    cal = BusinessCalendar(tz, weekly, closed_fn(closed))
    ref = Reference(tz, weekly, closed)
    end = start + timedelta(minutes=span_minutes)
    expected = ref.minutes_between(start, end) * 60
    assert cal.business_seconds_between(start, end) == expected
    got = cal.business_us_between(
        np.array([to_us(start)], dtype=np.int64), np.array([to_us(end)], dtype=np.int64)
    )
    assert int(got[0]) == expected * 1_000_000
    assert cal.is_business_time(start) == ref.is_open(start)


@settings(max_examples=60, deadline=None)
@given(calendars(), st.lists(instants(), min_size=1, max_size=40), st.integers(1, 3 * 3600))
def test_vectorised_and_scalar_paths_agree(
    cal_spec: tuple[str, list[tuple[Span, ...]], set[date]],
    starts: list[datetime],
    seconds: int,
) -> None:
    """Also with seconds that are not whole minutes, and with the window grown mid-way."""
    tz, weekly, closed = cal_spec
    cal = BusinessCalendar(tz, weekly, closed_fn(closed))
    column = np.array([to_us(s) + 123_457 for s in starts], dtype=np.int64)
    vector = cal.due_us(column, seconds)
    for t_us, due_us in zip(column.tolist(), vector.tolist(), strict=True):
        assert cal.add_business_us(t_us, seconds * 1_000_000) == due_us


# ---------------------------------------------------------------- the cases that matter most

NY = ZoneInfo("America/New_York")
WEEKDAYS_9_17 = weekly_of({d: [("09:00", "17:00")] for d in range(5)})


def ny(*args: int) -> datetime:
    return datetime(*args, tzinfo=NY)  # type: ignore[misc]


def due(cal: BusinessCalendar, start: datetime, seconds: int) -> datetime:
    """Both paths, which must agree."""
    scalar = cal.add_business_seconds(start, seconds)
    vector = cal.due_us(np.array([to_us(start)], dtype=np.int64), seconds)
    assert from_us(int(vector[0])) == scalar
    return scalar


def test_weekend_arrival_falls_due_in_first_hour_of_monday() -> None:
    """frappe/crm keeps the time of day: Saturday 12:00 + 1 h -> Monday 13:00. It is 10:00."""
    cal = BusinessCalendar("America/New_York", WEEKDAYS_9_17, closed_fn(()))
    assert due(cal, ny(2020, 1, 4, 12, 0), 3600) == ny(2020, 1, 6, 10, 0)


def test_after_hours_arrival_falls_due_one_hour_after_next_opening() -> None:
    cal = BusinessCalendar("America/New_York", WEEKDAYS_9_17, closed_fn(()))
    assert due(cal, ny(2020, 1, 6, 18, 30), 3600) == ny(2020, 1, 7, 10, 0)
    assert due(cal, ny(2020, 1, 7, 7, 0), 3600) == ny(2020, 1, 7, 10, 0)


def test_lunch_break_does_not_overwrite_the_morning() -> None:
    weekly = weekly_of({d: [("08:00", "12:00"), ("12:30", "16:30")] for d in range(5)})
    cal = BusinessCalendar("America/New_York", weekly, closed_fn(()))
    assert due(cal, ny(2020, 1, 6, 8, 0), 3600) == ny(2020, 1, 6, 9, 0)
    assert due(cal, ny(2020, 1, 6, 11, 30), 3600) == ny(2020, 1, 6, 13, 0)
    assert cal.business_seconds_between(ny(2020, 1, 6, 0, 0), ny(2020, 1, 7, 0, 0)) == 8 * 3600


def test_due_landing_on_closing_stays_at_closing() -> None:
    cal = BusinessCalendar("America/New_York", WEEKDAYS_9_17, closed_fn(()))
    assert due(cal, ny(2020, 1, 6, 16, 0), 3600) == ny(2020, 1, 6, 17, 0)


def test_due_landing_on_a_later_closing_stays_at_that_closing() -> None:
    weekly = weekly_of({d: [("08:00", "12:00"), ("12:30", "13:30")] for d in range(5)})
    cal = BusinessCalendar("America/New_York", weekly, closed_fn(()))
    assert due(cal, ny(2020, 1, 6, 12, 0), 3600) == ny(2020, 1, 6, 13, 30)
    assert due(cal, ny(2020, 1, 3, 13, 0), 5 * 3600 + 1800) == ny(2020, 1, 6, 13, 30)


def test_holiday_is_skipped() -> None:
    cal = BusinessCalendar("America/New_York", WEEKDAYS_9_17, closed_fn({date(2020, 1, 20)}))
    assert due(cal, ny(2020, 1, 17, 16, 30), 3600) == ny(2020, 1, 21, 9, 30)


@pytest.mark.parametrize(
    ("tz", "day", "hours"),
    [
        ("America/New_York", date(2020, 3, 8), 2.0),  # spring forward: 00:00-03:00 is 2 h
        ("America/New_York", date(2020, 11, 1), 4.0),  # fall back: 4 h
        ("Australia/Lord_Howe", date(2020, 10, 4), 2.5),  # half-hour shift
        ("Australia/Lord_Howe", date(2020, 4, 5), 3.5),
    ],
)
def test_span_across_a_daylight_saving_change_counts_real_seconds(
    tz: str, day: date, hours: float
) -> None:
    weekly = weekly_of({d: [("00:00", "03:00")] for d in range(7)})
    cal = BusinessCalendar(tz, weekly, closed_fn(()))
    zone = ZoneInfo(tz)
    start = datetime(day.year, day.month, day.day, tzinfo=zone)
    end = start + timedelta(days=1)  # wall-clock arithmetic: next local midnight
    assert cal.business_seconds_between(start, end) == hours * 3600


def test_full_day_spans_ending_at_24_00_join_up() -> None:
    weekly = weekly_of({d: [("00:00", "24:00")] for d in range(7)})
    cal = BusinessCalendar("Europe/Warsaw", weekly, closed_fn(()))
    start = datetime(2020, 3, 28, 23, 30, tzinfo=ZoneInfo("Europe/Warsaw"))
    arrives = due(cal, start, 4 * 3600)
    assert arrives - start == timedelta(
        hours=4
    )  # real elapsed time, across midnight and the DST jump


def test_calendar_without_hours_is_refused() -> None:
    with pytest.raises(CalendarError, match="no business hours"):
        BusinessCalendar("UTC", [()] * 7, closed_fn(()))


def test_unknown_zone_is_refused() -> None:
    with pytest.raises(CalendarError, match="Mars/Olympus"):
        BusinessCalendar("Mars/Olympus", WEEKDAYS_9_17, closed_fn(()))


def test_everything_closed_for_years_is_reported_not_looped() -> None:
    every_day = closed_fn({date(2020, 1, 1) + timedelta(days=k) for k in range(366 * 40)})
    cal = BusinessCalendar("UTC", WEEKDAYS_9_17, every_day)
    with pytest.raises(CalendarError, match="no business time"):
        due(cal, datetime(2020, 1, 1, tzinfo=UTC), 60)


def test_naive_datetime_is_refused() -> None:
    cal = BusinessCalendar("UTC", WEEKDAYS_9_17, closed_fn(()))
    with pytest.raises(CalendarError, match="no UTC offset"):
        due(cal, datetime(2020, 1, 1, 10, 0), 60)


def test_window_grows_both_ways() -> None:
    cal = BusinessCalendar("America/New_York", WEEKDAYS_9_17, closed_fn(()))
    assert due(cal, ny(2020, 6, 1, 9, 0), 3600) == ny(2020, 6, 1, 10, 0)
    assert due(cal, ny(2015, 6, 1, 9, 0), 3600) == ny(2015, 6, 1, 10, 0)
    far = due(cal, ny(2020, 6, 1, 9, 0), 8 * 3600 * 600)  # 600 business days
    assert far > ny(2022, 6, 1, 0, 0)


# ---------------------------------------------------------------- a value, not a cache


def test_calendar_is_an_immutable_value() -> None:
    closed = closed_fn({date(2020, 1, 20)})
    one = BusinessCalendar("America/New_York", WEEKDAYS_9_17, closed)
    two = BusinessCalendar("America/New_York", [list(day) for day in WEEKDAYS_9_17], closed)
    assert one == two and hash(one) == hash(two)
    assert one != BusinessCalendar("Europe/Warsaw", WEEKDAYS_9_17, closed)
    assert one != BusinessCalendar("America/New_York", WEEKDAYS_9_17, closed_fn(()))
    assert one.weekly == tuple(WEEKDAYS_9_17) and one.timezone == "America/New_York"
    with pytest.raises(dataclasses.FrozenInstanceError):
        one.timezone = "UTC"  # type: ignore[misc]


def test_answering_questions_does_not_change_the_calendar() -> None:
    cal = BusinessCalendar("America/New_York", WEEKDAYS_9_17, closed_fn(()))
    before = (vars(cal).copy(), hash(cal))
    due(cal, ny(2020, 6, 1, 9, 0), 8 * 3600 * 600)  # grows past its first window
    cal.business_us_between(
        np.array([to_us(ny(2015, 1, 1))], dtype=np.int64),
        np.array([to_us(ny(2025, 1, 1))], dtype=np.int64),
    )
    assert (vars(cal), hash(cal)) == before


def test_business_seconds_are_integers() -> None:
    cal = BusinessCalendar("America/New_York", WEEKDAYS_9_17, closed_fn(()))
    whole = cal.business_seconds_between(ny(2020, 1, 6, 9, 0), ny(2020, 1, 6, 10, 0))
    assert whole == 3600 and isinstance(whole, int)
    tick = timedelta(microseconds=500_000)
    start, end = ny(2020, 1, 6, 9, 0), ny(2020, 1, 6, 9, 0, 1) + tick
    assert cal.business_us(to_us(start), to_us(end)) == 1_500_000
    assert cal.business_seconds_between(start, end) == 1
    assert cal.business_seconds_between(end, start) == -1


@dataclasses.dataclass(frozen=True)
class _Holidays:
    dates: frozenset[date]

    def closed(self, first: date, last: date) -> set[date]:
        return {d for d in self.dates if first <= d <= last}


def test_closed_dates_of_equal_values_make_equal_calendars() -> None:
    one = _Holidays(frozenset({date(2020, 1, 20)}))
    two = _Holidays(frozenset({date(2020, 1, 20)}))
    a = BusinessCalendar("America/New_York", WEEKDAYS_9_17, one.closed)
    b = BusinessCalendar("America/New_York", WEEKDAYS_9_17, two.closed)
    assert a == b and hash(a) == hash(b)
    other = _Holidays(frozenset({date(2020, 1, 21)}))
    assert a != BusinessCalendar("America/New_York", WEEKDAYS_9_17, other.closed)
    assert due(b, ny(2020, 1, 17, 16, 30), 3600) == ny(2020, 1, 21, 9, 30)
