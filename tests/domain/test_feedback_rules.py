"""Feedback rules: the due time on a wall clock (across both DST changes) and on the business
calendar (over a weekend and a holiday), the four states, and what is refused."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from revpact.domain.agreement.model import Agreement, Clock, Side
from revpact.domain.clock.calendar import from_us, to_us
from revpact.domain.feedback import (
    STATE_RULES,
    FeedbackState,
    check_answer,
    check_text,
    due_of,
    state_of,
    teams,
)
from revpact.errors import RefusedError, RevpactError
from revpact.ingest.agreement_file import company_a_template, parse_agreement

NY = ZoneInfo("America/New_York")
EN = company_a_template("en")


def business(within: str) -> Agreement:
    """Company A's agreement with feedback due within ``within`` of business time."""
    source = EN.replace("within: 24h\n    clock: wall", f"within: {within}\n    clock: business")
    assert source != EN
    return parse_agreement(source)


def due_local(agreement: Agreement, raised: str) -> datetime:
    due = due_of(agreement, to_us(datetime.fromisoformat(raised)))
    return from_us(due.due_us).astimezone(NY)


@pytest.mark.parametrize(
    ("raised", "due", "offset"),
    [
        # fall back: 24 real hours after 10:00 EDT is 09:00 EST the next day
        ("2020-10-31T10:00:00-04:00", "2020-11-01T09:00", "-05:00"),
        # spring forward: 24 real hours after 10:00 EST is 11:00 EDT the next day
        ("2020-03-07T10:00:00-05:00", "2020-03-08T11:00", "-04:00"),
        # an ordinary day, and a weekend: the wall clock never stops
        ("2020-06-05T16:30:00-04:00", "2020-06-06T16:30", "-04:00"),
    ],
)
def test_wall_clock_counts_real_hours_across_dst(
    agreement: Agreement, raised: str, due: str, offset: str
) -> None:
    assert agreement.communication.feedback.clock is Clock.WALL
    at = due_local(agreement, raised)
    assert at.isoformat(timespec="minutes") == f"{due}{offset}"
    assert at - datetime.fromisoformat(raised) == timedelta(hours=24)


def test_the_due_record_says_which_clock_and_window(agreement: Agreement) -> None:
    due = due_of(agreement, to_us(datetime(2020, 6, 1, 9, tzinfo=NY)))
    assert (due.clock, due.within_seconds) == (Clock.WALL, 24 * 3600)


@pytest.mark.parametrize(
    ("within", "raised", "due"),
    [
        # Friday 15:00 + 4 business hours: 2 on Friday, 2 on Monday
        ("4h", "2020-11-20T15:00:00-05:00", "2020-11-23T11:00:00-05:00"),
        # Wednesday before Thanksgiving: Thursday is a holiday, Friday closed (dates:), then
        # the weekend
        ("4h", "2020-11-25T15:00:00-05:00", "2020-11-30T11:00:00-05:00"),
        # 24 business hours = three 8-hour days: Wed, (holiday, closed, weekend), Mon, Tue
        ("24h", "2020-11-25T09:00:00-05:00", "2020-12-01T17:00:00-05:00"),
        # raised on a Saturday: the clock starts on Monday at 09:00
        ("1h", "2020-11-21T12:00:00-05:00", "2020-11-23T10:00:00-05:00"),
        # across the fall-back weekend: Friday 16:00 EDT + 2h = Monday 10:00 EST
        ("2h", "2020-10-30T16:00:00-04:00", "2020-11-02T10:00:00-05:00"),
    ],
)
def test_business_clock_skips_weekends_and_holidays(within: str, raised: str, due: str) -> None:
    spec = business(within)
    assert due_local(spec, raised) == datetime.fromisoformat(due)


def test_business_clock_is_the_calendar_s_own_count() -> None:
    """Not a second engine: the due time is the business calendar's answer."""
    spec = business("24h")
    raised = to_us(datetime(2020, 12, 23, 13, tzinfo=NY))
    expected = spec.business_calendar().add_business_us(raised, 24 * 3600 * 1_000_000)
    assert due_of(spec, raised).due_us == expected
    assert due_of(spec, raised).clock is Clock.BUSINESS


DUE = to_us(datetime(2020, 6, 2, 9, tzinfo=NY))
HOUR = 3_600_000_000


@pytest.mark.parametrize(
    ("answered", "as_of", "state"),
    [
        (None, DUE - HOUR, FeedbackState.OPEN),
        (None, DUE, FeedbackState.OPEN),  # due now, not past it
        (None, DUE + 1, FeedbackState.OVERDUE),
        (DUE - HOUR, DUE + HOUR, FeedbackState.ON_TIME),
        (DUE, DUE, FeedbackState.ON_TIME),  # answered exactly at the due time
        (DUE + 1, DUE + HOUR, FeedbackState.LATE),
        # an answer after as_of has not been given yet as of then
        (DUE - 1, DUE - HOUR, FeedbackState.OPEN),
        (DUE + HOUR, DUE + 1, FeedbackState.OVERDUE),
    ],
)
def test_the_four_states(answered: int | None, as_of: int, state: FeedbackState) -> None:
    assert state_of(due_us=DUE, answered_us=answered, as_of_us=as_of) is state


def test_the_state_table_covers_every_case_once() -> None:
    assert sorted(STATE_RULES.values()) == sorted(FeedbackState)


def test_teams_must_differ_and_exist() -> None:
    assert teams("Marketing", "sales") == (Side.MARKETING, Side.SALES)
    with pytest.raises(RevpactError, match='both "sales"'):
        teams("sales", "sales")
    with pytest.raises(RevpactError, match='from_team "finance" is not a team'):
        teams("finance", "sales")
    with pytest.raises(RevpactError, match='to_team "x"'):
        teams("sales", "x")


def test_text_is_checked() -> None:
    assert check_text("  fine \n", "text") == "fine"
    with pytest.raises(RevpactError, match="text is empty"):
        check_text("   ", "text")
    with pytest.raises(RevpactError, match="NUL"):
        check_text("a\x00b", "text")
    with pytest.raises(RevpactError, match="at most"):
        check_text("x" * 10_001, "text")


def test_an_answer_is_given_once_and_not_before_the_item() -> None:
    check_answer(
        feedback_id=1, raised_us=DUE, answered_us=DUE, previous_answer_us=None, previous_by=None
    )
    with pytest.raises(RefusedError, match=r"already answered by ana@a\.example"):
        check_answer(
            feedback_id=1,
            raised_us=DUE,
            answered_us=DUE + 1,
            previous_answer_us=DUE,
            previous_by="ana@a.example",
        )
    with pytest.raises(RefusedError, match="before it was raised"):
        check_answer(
            feedback_id=1,
            raised_us=DUE,
            answered_us=DUE - 1,
            previous_answer_us=None,
            previous_by=None,
        )
