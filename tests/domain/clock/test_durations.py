from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from revpact.domain.clock.durations import format_duration, parse_duration


@pytest.mark.parametrize(
    ("written", "seconds"),
    [
        ("1h", 3600),
        ("90m", 5400),
        ("1h30m", 5400),
        ("45s", 45),
        ("24h", 86400),
        ("1h30m15s", 5415),
        ("2m5s", 125),
        ("0s", 0),
        (" 15m ", 900),
        ("1h 30m", 5400),
        (3600, 3600),
        (0, 0),
    ],
)
def test_parse(written: str | int, seconds: int) -> None:
    assert parse_duration(written) == seconds


@pytest.mark.parametrize(
    ("seconds", "written"),
    [(3600, "1h"), (5400, "1h30m"), (45, "45s"), (0, "0s"), (86400, "24h"), (3661, "1h1m1s")],
)
def test_format(seconds: int, written: str) -> None:
    assert format_duration(seconds) == written


def test_the_message_says_what_to_write() -> None:
    with pytest.raises(ValueError) as caught:
        parse_duration("1 hour")
    assert str(caught.value) == '"1 hour" is not a duration; write 60m or 1h'


@pytest.mark.parametrize(
    "bad", ["1 hour", "", "  ", "h", "1x", "-1h", "1.5h", "30m1h", "1h1h", "1d", "60", "1H"]
)
def test_bad_text(bad: str) -> None:
    with pytest.raises(ValueError, match=r"is not a duration; write 60m or 1h$"):
        parse_duration(bad)


@pytest.mark.parametrize("bad", [-5, True, None, 1.5])
def test_bad_values(bad: object) -> None:
    with pytest.raises(ValueError, match="is not a duration"):
        parse_duration(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [-1, True, 1.5])
def test_format_rejects_non_seconds(bad: object) -> None:
    with pytest.raises(ValueError):
        format_duration(bad)  # type: ignore[arg-type]


@given(st.integers(min_value=0, max_value=10**9))
def test_round_trip(seconds: int) -> None:
    written = format_duration(seconds)
    assert parse_duration(written) == seconds
    assert format_duration(parse_duration(written)) == written


@given(
    st.integers(min_value=0, max_value=999),
    st.integers(min_value=0, max_value=999),
    st.integers(min_value=0, max_value=999),
)
def test_any_written_combination(hours: int, minutes: int, seconds: int) -> None:
    written = f"{hours}h{minutes}m{seconds}s"
    total = hours * 3600 + minutes * 60 + seconds
    assert parse_duration(written) == total
    assert parse_duration(format_duration(total)) == total
