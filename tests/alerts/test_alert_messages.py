"""Alert texts and the retry schedule: pure functions, no store."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from revpact.alerts import AlertKind, AlertSubject, RetryPolicy, alert_text, local_time
from revpact.domain.clock.calendar import to_us

NY = ZoneInfo("America/New_York")
DUE = to_us(datetime(2020, 3, 9, 9, 40, tzinfo=NY))


def test_at_risk_text() -> None:
    subject = AlertSubject("A8", "referral", "ben", DUE)
    assert alert_text(AlertKind.AT_RISK, subject, seconds=600, timezone="America/New_York") == (
        "At risk: lead A8 (referral), owner ben, 10m of business time left\n"
        "Follow up by Mon 9 Mar 2020 09:40 EDT (America/New_York)."
    )


def test_breach_text_in_another_zone() -> None:
    subject = AlertSubject("A8", "referral", None, DUE)
    assert alert_text(AlertKind.BREACH, subject, seconds=5430, timezone="Europe/Warsaw") == (
        "Breached: lead A8 (referral), no owner, 1h30m of business time overdue\n"
        "It was due Mon 9 Mar 2020 14:40 CET (Europe/Warsaw); follow up now."
    )


@pytest.mark.parametrize(
    ("seconds", "shown"), [(0, "less than 1m"), (59, "less than 1m"), (60, "1m"), (899, "14m"),
                           (3600, "1h"), (3661, "1h1m")],
)  # fmt: skip
def test_durations_are_shown_to_the_minute(seconds: int, shown: str) -> None:
    text = alert_text(AlertKind.AT_RISK, AlertSubject("X", "content", "a", DUE), seconds=seconds,
                      timezone="UTC")  # fmt: skip
    assert f"owner a, {shown} of business time left" in text


def test_local_time_crosses_daylight_saving() -> None:
    winter = to_us(datetime(2020, 3, 6, 16, 30, tzinfo=NY))
    assert local_time(winter, "America/New_York") == "Fri 6 Mar 2020 16:30 EST"
    assert local_time(DUE, "America/New_York") == "Mon 9 Mar 2020 09:40 EDT"


def test_default_backoff_doubles_from_30_seconds_to_a_30_minute_cap() -> None:
    policy = RetryPolicy()
    assert policy.schedule() == (30, 60, 120, 240, 480, 960, 1800)
    assert policy.delay_after(8) is None
    assert sum(policy.schedule()) == 3690  # eight attempts over about an hour


def test_backoff_is_capped_and_bounded() -> None:
    policy = RetryPolicy(first_delay_seconds=10, max_delay_seconds=45, max_attempts=100)
    assert [policy.delay_after(n) for n in (1, 2, 3, 4, 99)] == [10, 20, 40, 45, 45]
    assert policy.delay_after(100) is None


@pytest.mark.parametrize(
    "kwargs",
    [{"first_delay_seconds": 0}, {"max_delay_seconds": 10}, {"max_attempts": 0}],
)
def test_a_policy_that_makes_no_sense_is_refused(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        RetryPolicy(**kwargs)
