"""Column-wise ISO 8601 parsing: the fast layouts agree with fromisoformat on every value."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from revpact.domain.clock.calendar import to_us
from revpact.domain.clock.sla import NO_TIME
from revpact.ingest.timestamps import local_to_utc_us, parse_instant, parse_instants

NY = ZoneInfo("America/New_York")


def utc(*args: int) -> int:
    return to_us(datetime(*args, tzinfo=UTC))  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-03-02T10:15:00-05:00", utc(2020, 3, 2, 15, 15)),
        ("2020-03-02T15:15:00Z", utc(2020, 3, 2, 15, 15)),
        ("2020-03-02 10:15", utc(2020, 3, 2, 15, 15)),  # no offset: New York wall time
        ("2020-03-02t10:15:00", utc(2020, 3, 2, 15, 15)),
        ("2020-03-02", utc(2020, 3, 2, 5, 0)),
        ("2020-03-02T10:15:00.5+05:30", utc(2020, 3, 2, 4, 45) + 500_000),
        ("2020-03-02T10:15:00.123456Z", utc(2020, 3, 2, 10, 15) + 123_456),
        ("2020-03-02T10:15:00+0500", utc(2020, 3, 2, 5, 15)),  # rarer forms: the slow path
        ("20200302T101500Z", utc(2020, 3, 2, 10, 15)),
        # Clocks went back at 02:00 on 2020-11-01: 01:30 happened twice; the first is meant.
        ("2020-11-01T01:30:00", utc(2020, 11, 1, 5, 30)),
        ("2020-11-01T01:30:00-05:00", utc(2020, 11, 1, 6, 30)),
        # Clocks went forward at 02:00 on 2020-03-08: 02:30 never happened (read as EST).
        ("2020-03-08T02:30:00", utc(2020, 3, 8, 7, 30)),
        ("2020-03-08T03:30:00", utc(2020, 3, 8, 7, 30)),
    ],
)
def test_good_values(text: str, expected: int) -> None:
    parsed = parse_instants([text], NY)
    assert parsed.us.tolist() == [expected]
    assert not parsed.bad[0] and not parsed.empty[0]
    assert parse_instant(text, NY) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2020-13-01 10:00",
        "2020-02-30T10:00:00",
        "2020-03-02T24:00",
        "2020-03-02T10:60",
        "2020-03-02x10:00",
        "now",
        "today",
        "NaT",
        "2020-03-02T10:15:00\u221205:00",  # a minus sign that is not a hyphen
        "0000-01-01T00:00:00Z",
        "2020-03-02T10:15:00z",
        "a\0b",
        "1583162100",
    ],
)
def test_bad_values(text: str) -> None:
    parsed = parse_instants(["2020-03-02T10:00:00Z", text], NY)
    assert parsed.bad.tolist() == [False, True]
    assert parsed.us[1] == NO_TIME
    assert parse_instant(text, NY) is None


def test_empty_and_blank_values_are_empty_not_bad() -> None:
    parsed = parse_instants(["", "   ", "2020-03-02T10:00:00Z"], NY)
    assert parsed.empty.tolist() == [True, True, False]
    assert parsed.bad.tolist() == [False, False, False]
    assert parsed.us[:2].tolist() == [NO_TIME, NO_TIME]


def test_an_empty_column() -> None:
    parsed = parse_instants([], NY)
    assert parsed.us.size == parsed.empty.size == parsed.bad.size == 0


def test_non_ascii_values_take_the_slow_path() -> None:
    parsed = parse_instants(["2020-03-02T10:00:00Z", "2020-03-02T10:00:00Zé", "é"], NY)
    assert parsed.bad.tolist() == [False, True, True]


def test_local_to_utc_agrees_with_zoneinfo_fold_0() -> None:
    walls = [datetime(2020, 11, 1, h, m) for h in range(4) for m in (0, 30)]
    walls += [datetime(2020, 3, 8, h, m) for h in range(4) for m in (0, 30)]
    local = np.array([to_us(w.replace(tzinfo=UTC)) for w in walls], dtype=np.int64)
    expected = [to_us(w.replace(tzinfo=NY)) for w in walls]
    assert local_to_utc_us(local, NY).tolist() == expected


_instants = st.datetimes(
    min_value=datetime(1900, 1, 1), max_value=datetime(2100, 12, 31), timezones=st.none()
)
_offsets = st.sampled_from(["", "Z", "+00:00", "-05:00", "+05:30", "-11:45", "+14:00"])
_separators = st.sampled_from(["T", " ", "t"])
_fractions = st.sampled_from([0, 1, 2, 3, 6])


@st.composite
def _iso_texts(draw: st.DrawFn) -> str:
    moment = draw(_instants)
    sep = draw(_separators)
    digits = draw(_fractions)
    text = moment.strftime(f"%Y-%m-%d{sep}%H:%M:%S")
    if draw(st.booleans()) and digits == 0 and moment.second == 0:
        text = text[:-3]  # minutes only
    elif digits:
        text += "." + f"{moment.microsecond:06d}"[:digits]
    return text + draw(_offsets)


_mangled = st.text(alphabet="0123456789-:T Z+.", min_size=8, max_size=28)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_iso_texts(), _mangled, st.just("")), min_size=1, max_size=40))
def test_the_column_agrees_with_one_value_at_a_time(values: list[str]) -> None:
    parsed = parse_instants(values, NY)
    for i, value in enumerate(values):
        one = parse_instant(value, NY)
        if one is None:
            assert parsed.bad[i], value
        elif one == NO_TIME:
            assert parsed.empty[i], value
        else:
            assert parsed.us[i] == one, value
