"""The moments revpact accepts: 1970 to 2199, refused with the field and the value named."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from revpact.domain.clock.moments import (
    LATEST,
    LATEST_US,
    check_moment,
    in_zone,
    moment_problem,
    read_moment,
    us_in_range,
)
from revpact.errors import MomentError

ZONE = "America/New_York"


def test_the_range() -> None:
    assert moment_problem(datetime(1970, 1, 1, tzinfo=UTC)) is None
    assert moment_problem(datetime(2199, 12, 31, 23, 59, tzinfo=UTC)) is None
    assert moment_problem(LATEST) is not None
    assert moment_problem(datetime(1969, 12, 31, 23, 59, tzinfo=UTC)) is not None
    assert moment_problem(datetime.fromisoformat("0001-01-01T00:00:00+05:00")) is not None
    assert moment_problem(datetime.fromisoformat("9999-12-31T23:59:59-05:00")) is not None
    assert us_in_range(0) and us_in_range(LATEST_US - 1) and not us_in_range(LATEST_US)
    assert not us_in_range(-1)


@pytest.mark.parametrize("text", ["0001-01-01T00:00:00+05:00", "9999-12-31", "1900-01-01"])
def test_read_moment_names_the_field_and_value(text: str) -> None:
    with pytest.raises(MomentError, match=r'^since ".*" is outside the moments revpact') as exc:
        read_moment(text, ZONE, field="since")
    assert exc.value.field == "since"


def test_in_zone_holds_the_range_unless_the_caller_holds_a_narrower_window() -> None:
    far = datetime(9999, 12, 31)
    with pytest.raises(MomentError, match=r'^as_of "9999-12-31T00:00:00-05:00"'):
        in_zone(far, ZONE)
    assert in_zone(far, ZONE, field=None).year == 9999
    moment = datetime(2020, 6, 30, 17, tzinfo=UTC)
    assert check_moment(moment, "at") is moment
