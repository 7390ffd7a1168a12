"""Lead status as of a moment: each rule, and the vectorised path against the scalar one."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from revpact.domain.clock.calendar import BusinessCalendar, to_us
from revpact.domain.clock.sla import (
    NO_TIME,
    STATUS_CODES,
    FollowUpRule,
    LeadResult,
    LeadStatus,
    due_many,
    evaluate_lead,
    evaluate_many,
)

NY = ZoneInfo("America/New_York")
HOURS = [((9 * 3600, 17 * 3600),)] * 5 + [(), ()]
RULE = FollowUpRule(within_seconds=3600, at_risk_seconds=15 * 60)


def calendar() -> BusinessCalendar:
    return BusinessCalendar(
        "America/New_York", HOURS, lambda a, b: {d for d in [date(2020, 7, 3)] if a <= d <= b}
    )


def ny(*args: int) -> datetime:
    return datetime(*args, tzinfo=NY)  # type: ignore[misc]


def both(
    *,
    applies: bool = True,
    notified: datetime | None,
    touch: datetime | None,
    as_of: datetime,
) -> LeadResult:
    """Evaluate one lead through both paths, assert they agree, return the scalar result."""
    cal = calendar()
    result = evaluate_lead(
        cal, RULE, applies=applies, notified_at=notified, first_touch_at=touch, as_of=as_of
    )
    n = np.array([NO_TIME if notified is None else to_us(notified)], dtype=np.int64)
    t = np.array([NO_TIME if touch is None else to_us(touch)], dtype=np.int64)
    a = np.array([applies])
    d = due_many(cal, RULE, n, a)
    many = evaluate_many(
        cal, RULE, applies=a, notified_us=n, due_us=d, touch_us=t, as_of_us=to_us(as_of)
    )
    assert many.statuses() == [result.status]
    assert (None if d[0] == NO_TIME else int(d[0])) == (
        None if result.due_at is None else to_us(result.due_at)
    )
    response = int(many.response_s[0])
    assert (None if response < 0 else response) == result.response_business_seconds
    left = int(many.left_s[0])
    assert (None if left < 0 else left) == result.business_seconds_left
    return result


def test_excluded_lead_has_no_due_time() -> None:
    r = both(applies=False, notified=ny(2020, 1, 6, 10), touch=None, as_of=ny(2020, 2, 1))
    assert r == LeadResult(LeadStatus.EXCLUDED, None, None, None)


def test_touch_within_the_hour_is_met() -> None:
    r = both(notified=ny(2020, 1, 6, 10), touch=ny(2020, 1, 6, 10, 59, 59), as_of=ny(2020, 2, 1))
    assert r.status is LeadStatus.MET
    assert r.response_business_seconds == 3599
    assert r.due_at == ny(2020, 1, 6, 11)


def test_touch_exactly_at_due_is_met_and_one_second_later_breached() -> None:
    assert both(
        notified=ny(2020, 1, 6, 10), touch=ny(2020, 1, 6, 11), as_of=ny(2020, 2, 1)
    ).status is (LeadStatus.MET)
    late = both(notified=ny(2020, 1, 6, 10), touch=ny(2020, 1, 6, 11, 0, 1), as_of=ny(2020, 2, 1))
    assert late.status is LeadStatus.BREACHED
    assert late.response_business_seconds == 3601


def test_touch_before_notification_counts_as_met_in_zero_time() -> None:
    r = both(notified=ny(2020, 1, 6, 10), touch=ny(2020, 1, 6, 9, 30), as_of=ny(2020, 2, 1))
    assert (r.status, r.response_business_seconds) == (LeadStatus.MET, 0)


def test_friday_evening_lead_touched_monday_9_45_is_met() -> None:
    r = both(notified=ny(2020, 1, 10, 18), touch=ny(2020, 1, 13, 9, 45), as_of=ny(2020, 2, 1))
    assert r.status is LeadStatus.MET
    assert r.response_business_seconds == 45 * 60
    assert r.due_at == ny(2020, 1, 13, 10)


def test_holiday_lead_falls_due_next_business_day() -> None:
    r = both(notified=ny(2020, 7, 2, 16, 30), touch=None, as_of=ny(2020, 7, 6, 9, 10))
    assert r.due_at == ny(2020, 7, 6, 9, 30)  # 30 min on Thursday, Friday 3 July closed
    assert (r.status, r.business_seconds_left) == (LeadStatus.OPEN, 20 * 60)


def test_untouched_lead_moves_open_at_risk_breached() -> None:
    notified = ny(2020, 1, 6, 10)
    assert both(notified=notified, touch=None, as_of=ny(2020, 1, 6, 10, 44)).status is (
        LeadStatus.OPEN
    )
    r = both(notified=notified, touch=None, as_of=ny(2020, 1, 6, 10, 45))
    assert (r.status, r.business_seconds_left) == (LeadStatus.AT_RISK, 15 * 60)
    assert both(notified=notified, touch=None, as_of=ny(2020, 1, 6, 11)).status is (
        LeadStatus.AT_RISK
    )
    assert both(notified=notified, touch=None, as_of=ny(2020, 1, 6, 11, 0, 1)).status is (
        LeadStatus.BREACHED
    )


def test_at_risk_counts_business_time_left_not_wall_time() -> None:
    # Notified 16:30 Friday: 30 min left at closing, due Monday 09:30. Saturday noon: 30 min left.
    r = both(notified=ny(2020, 1, 10, 16, 30), touch=None, as_of=ny(2020, 1, 11, 12))
    assert (r.status, r.business_seconds_left) == (LeadStatus.OPEN, 30 * 60)
    r = both(notified=ny(2020, 1, 10, 16, 30), touch=None, as_of=ny(2020, 1, 13, 9, 20))
    assert (r.status, r.business_seconds_left) == (LeadStatus.AT_RISK, 10 * 60)


def test_a_touch_after_as_of_has_not_happened_yet() -> None:
    r = both(notified=ny(2020, 1, 6, 10), touch=ny(2020, 1, 6, 10, 30), as_of=ny(2020, 1, 6, 10, 5))
    assert (r.status, r.response_business_seconds) == (LeadStatus.OPEN, None)


def test_applicable_lead_needs_a_notification() -> None:
    with pytest.raises(ValueError, match="notification"):
        evaluate_lead(
            calendar(),
            RULE,
            applies=True,
            notified_at=None,
            first_touch_at=None,
            as_of=ny(2020, 1, 1),
        )


def test_rule_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        FollowUpRule(within_seconds=0, at_risk_seconds=0)
    with pytest.raises(ValueError):
        FollowUpRule(within_seconds=60, at_risk_seconds=-1)


def test_status_codes_cover_every_status_once() -> None:
    assert sorted(STATUS_CODES) == sorted(LeadStatus)


BASE = datetime(2020, 3, 2, tzinfo=UTC)
moments = st.integers(0, 21 * 24 * 60).map(lambda m: BASE + timedelta(minutes=m, seconds=m % 7))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.booleans(), moments, st.one_of(st.none(), moments)), min_size=1, max_size=50
    ),
    moments,
)
def test_vectorised_statuses_agree_with_scalar(
    leads: list[tuple[bool, datetime, datetime | None]], as_of: datetime
) -> None:
    cal = calendar()
    applies = np.array([a for a, _, _ in leads])
    notified = np.array([to_us(n) for _, n, _ in leads], dtype=np.int64)
    touch = np.array([NO_TIME if t is None else to_us(t) for _, _, t in leads], dtype=np.int64)
    due = due_many(cal, RULE, notified, applies)
    many = evaluate_many(
        cal,
        RULE,
        applies=applies,
        notified_us=notified,
        due_us=due,
        touch_us=touch,
        as_of_us=to_us(as_of),
    )
    for k, (a, n, t) in enumerate(leads):
        one = evaluate_lead(cal, RULE, applies=a, notified_at=n, first_touch_at=t, as_of=as_of)
        assert STATUS_CODES[int(many.status[k])] is one.status
        expected_response = (
            -1 if one.response_business_seconds is None else (one.response_business_seconds)
        )
        assert int(many.response_s[k]) == expected_response
        expected_left = -1 if one.business_seconds_left is None else one.business_seconds_left
        assert int(many.left_s[k]) == expected_left
