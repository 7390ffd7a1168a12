from __future__ import annotations

import csv
import io
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import FrozenInstanceError
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest

from revpact.demo.data import DEMO_AS_OF, REPS, DemoLead, generate_leads, write_leads_csv

NEW_YORK = ZoneInfo("America/New_York")
US_HOLIDAYS_2020 = holidays.country_holidays("US", years=2020)
LEAD_VALUE = {"referral": 5000, "content": 1000, "webinar": 2000, "internet_sales_ready": 4000}
SAMPLE_MONTH = {"referral": 10, "content": 200, "webinar": 50, "internet_sales_ready": 50}
HEADER = (
    "lead_id,lead_type,stage,requested_follow_up,created_at,notified_at,first_touch_at,owner,"
    "source,campaign"
)


@pytest.fixture(scope="module")
def leads() -> list[DemoLead]:
    return generate_leads()


def csv_text(leads: list[DemoLead]) -> str:
    buf = io.StringIO()
    write_leads_csv(leads, buf)
    return buf.getvalue()


def office_hours(t: datetime) -> bool:
    """Mon–Fri 09:00–17:00 New York time, closed on US federal holidays."""
    local = t.astimezone(NEW_YORK)
    return local.weekday() < 5 and local.date() not in US_HOLIDAYS_2020 and 9 <= local.hour < 17


def covered(lead: DemoLead) -> bool:
    """The article's follow-up rule: asked for follow-up, not webinar, not early."""
    return lead.requested_follow_up and lead.lead_type != "webinar" and lead.stage == "late"


def touched_leads(leads: list[DemoLead]) -> list[tuple[DemoLead, datetime]]:
    return [(lead, lead.first_touch_at) for lead in leads if lead.first_touch_at is not None]


# --- determinism and shape -----------------------------------------------------------------


def test_same_seed_gives_identical_csv(leads: list[DemoLead]) -> None:
    assert csv_text(generate_leads()) == csv_text(leads)


def test_different_seed_gives_different_csv(leads: list[DemoLead]) -> None:
    assert csv_text(generate_leads(seed=7)) != csv_text(leads)


def test_csv_header_and_row_format(leads: list[DemoLead]) -> None:
    text = csv_text(leads)
    assert text.splitlines()[0] == HEADER
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(leads)
    stamp = re.compile(r"^2020-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
    for row in rows:
        assert row["requested_follow_up"] in {"true", "false"}
        assert stamp.match(row["created_at"])
        assert stamp.match(row["notified_at"])
        assert row["first_touch_at"] == "" or stamp.match(row["first_touch_at"])
        assert row["owner"] in REPS
        assert row["source"] and row["campaign"]
    assert any(row["first_touch_at"] == "" for row in rows)


def test_timestamps_are_local_time_with_offset(leads: list[DemoLead]) -> None:
    offsets = {lead.created_at.month: lead.created_at.isoformat()[-6:] for lead in leads}
    assert offsets[1] == "-05:00"
    assert offsets[7] == "-04:00"


def test_lead_ids_follow_creation_order(leads: list[DemoLead]) -> None:
    assert [lead.lead_id for lead in leads] == [f"L2020-{n:06d}" for n in range(1, len(leads) + 1)]
    created = [lead.created_at for lead in leads]
    assert created == sorted(created)


def test_leads_are_frozen_and_reps_are_emails(leads: list[DemoLead]) -> None:
    with pytest.raises(FrozenInstanceError):
        leads[0].owner = "someone@company-a.example"  # type: ignore[misc]
    assert 5 <= len(REPS) <= 8
    assert all(re.fullmatch(r"[a-z]+\.[a-z]+@company-a\.example", rep) for rep in REPS)
    assert set(Counter(lead.owner for lead in leads)) == set(REPS)


def test_whole_year_is_fast() -> None:
    started = time.perf_counter()
    generate_leads(seed=11)
    assert time.perf_counter() - started < 1.0


# --- the article's mix ---------------------------------------------------------------------


def test_monthly_counts_follow_the_article_mix(leads: list[DemoLead]) -> None:
    per_month = Counter((lead.created_at.month, lead.lead_type) for lead in leads)
    for lead_type, sample in SAMPLE_MONTH.items():
        counts = [per_month[(month, lead_type)] for month in range(1, 13)]
        assert 0.8 * sample <= statistics.mean(counts) <= 1.3 * sample, (lead_type, counts)
        assert all(0.2 * sample <= n <= 2.0 * sample for n in counts), (lead_type, counts)
    assert 3300 <= len(leads) <= 4200


def test_lead_value_target_missed_early_and_met_late(leads: list[DemoLead]) -> None:
    value = Counter[int]()
    for lead in leads:
        value[lead.created_at.month] += LEAD_VALUE[lead.lead_type]
    assert sum(value[m] for m in (1, 2, 3)) < 3 * 550_000
    assert sum(value[m] for m in (10, 11, 12)) >= 3 * 550_000
    assert value[1] < 550_000


def test_stage_and_follow_up_request_depend_on_type(leads: list[DemoLead]) -> None:
    def share(lead_type: str, test: Callable[[DemoLead], bool]) -> float:
        of_type = [lead for lead in leads if lead.lead_type == lead_type]
        return sum(map(test, of_type)) / len(of_type)

    assert share("content", lambda lead: lead.stage == "early") > 0.7
    assert share("referral", lambda lead: lead.stage == "late") > 0.7
    assert share("internet_sales_ready", lambda lead: lead.stage == "late") > 0.7
    assert share("referral", lambda lead: lead.requested_follow_up) > 0.8
    assert share("internet_sales_ready", lambda lead: lead.requested_follow_up) > 0.8
    assert 0.05 < share("content", lambda lead: lead.requested_follow_up) < 0.4
    assert 0.2 < share("webinar", lambda lead: lead.requested_follow_up) < 0.8


# --- arrival and notification --------------------------------------------------------------


def test_a_real_share_of_notifications_arrive_after_hours(leads: list[DemoLead]) -> None:
    notified = [lead.notified_at for lead in leads if lead.notified_at is not None]
    assert len(notified) == len(leads)
    after_hours = [t for t in notified if not office_hours(t)]
    assert 0.15 <= len(after_hours) / len(notified) <= 0.45
    assert any(t.weekday() >= 5 for t in after_hours)
    assert any(t.date() in US_HOLIDAYS_2020 for t in after_hours)
    assert any(t.hour < 6 for t in after_hours)


def test_platform_notifies_seconds_to_minutes_after_creation(leads: list[DemoLead]) -> None:
    delays = [
        (lead.notified_at - lead.created_at).total_seconds()
        for lead in leads
        if lead.notified_at is not None
    ]
    assert min(delays) >= 0
    assert max(delays) <= 1800
    assert statistics.median(delays) < 120


# --- first touches -------------------------------------------------------------------------


def test_no_touch_after_as_of_or_before_creation(leads: list[DemoLead]) -> None:
    for lead, touch in touched_leads(leads):
        assert lead.created_at <= touch <= DEMO_AS_OF, lead
    assert all(lead.notified_at is not None and lead.notified_at <= DEMO_AS_OF for lead in leads)


def test_some_covered_leads_are_never_touched(leads: list[DemoLead]) -> None:
    rule = [lead for lead in leads if covered(lead)]
    untouched = [lead for lead in rule if lead.first_touch_at is None]
    assert 0.02 <= len(untouched) / len(rule) <= 0.10


def test_excluded_leads_are_notified_and_sometimes_touched(leads: list[DemoLead]) -> None:
    excluded = [lead for lead in leads if not covered(lead)]
    touched = [lead for lead in excluded if lead.first_touch_at is not None]
    assert {lead.lead_type for lead in touched} >= {"webinar", "content"}
    assert 0.1 < len(touched) / len(excluded) < 0.9


def test_most_covered_leads_answered_within_the_hour_in_office(leads: list[DemoLead]) -> None:
    same_day = [
        (touch - lead.notified_at).total_seconds()
        for lead, touch in touched_leads(leads)
        if covered(lead)
        and lead.notified_at is not None
        and office_hours(lead.notified_at)
        and touch.date() == lead.notified_at.date()
    ]
    within_hour = sum(1 for seconds in same_day if seconds <= 3600)
    assert within_hour / len(same_day) > 0.6


def test_answers_get_faster_through_the_year(leads: list[DemoLead]) -> None:
    def median_response(months: range) -> float:
        return statistics.median(
            (touch - lead.notified_at).total_seconds()
            for lead, touch in touched_leads(leads)
            if covered(lead)
            and lead.notified_at is not None
            and lead.notified_at.month in months
            and office_hours(lead.notified_at)
            and touch.date() == lead.notified_at.date()
        )

    assert median_response(range(10, 13)) < 0.8 * median_response(range(1, 4))


def test_one_rep_is_notably_slower(leads: list[DemoLead]) -> None:
    medians = {
        rep: statistics.median(
            (touch - lead.notified_at).total_seconds()
            for lead, touch in touched_leads(leads)
            if lead.owner == rep
            and covered(lead)
            and lead.notified_at is not None
            and office_hours(lead.notified_at)
            and touch.date() == lead.notified_at.date()
        )
        for rep in REPS
    }
    slowest, *others = sorted(medians.values(), reverse=True)
    assert slowest > 1.5 * max(others), medians


def test_touches_fall_in_business_time_except_quick_night_answers(leads: list[DemoLead]) -> None:
    assert_touches_respect(leads, office_hours)
    night = [
        lead
        for lead, touch in touched_leads(leads)
        if lead.notified_at is not None and touch > lead.notified_at and not office_hours(touch)
    ]
    assert night, "some reps answer after-hours leads at once"


def assert_touches_respect(leads: list[DemoLead], is_open: Callable[[datetime], bool]) -> None:
    for lead, touch in touched_leads(leads):
        assert lead.notified_at is not None
        if is_open(touch) or touch <= lead.notified_at:
            continue
        assert not is_open(lead.notified_at), lead
        assert touch - lead.notified_at <= timedelta(hours=1), lead


def test_business_time_predicate_moves_touches() -> None:
    def early_shift(t: datetime) -> bool:
        local = t.astimezone(NEW_YORK)
        return local.weekday() < 5 and 7 <= local.hour < 15 and local.hour != 11

    leads = generate_leads(is_business_time=early_shift)
    assert_touches_respect(leads, early_shift)
    assert any(touch.astimezone(NEW_YORK).hour == 7 for _, touch in touched_leads(leads))


def test_default_calendar_equals_office_hours_predicate(leads: list[DemoLead]) -> None:
    assert csv_text(generate_leads(is_business_time=office_hours)) == csv_text(leads)


# --- the year's end ------------------------------------------------------------------------


def test_year_end_has_open_and_at_risk_leads(leads: list[DemoLead]) -> None:
    last_day = date(2020, 12, 31)
    assert datetime(2020, 12, 31, 16, tzinfo=NEW_YORK) == DEMO_AS_OF
    opening = datetime(2020, 12, 31, 9, tzinfo=NEW_YORK)
    seconds_left = [
        3600 - (DEMO_AS_OF - lead.notified_at).total_seconds()
        for lead in leads
        if covered(lead)
        and lead.first_touch_at is None
        and lead.notified_at is not None
        and lead.notified_at.date() == last_day
        and lead.notified_at >= opening
    ]
    assert any(left > 15 * 60 for left in seconds_left), "open"
    assert any(0 < left <= 15 * 60 for left in seconds_left), "at risk"


# --- the follow-up story -------------------------------------------------------------------


def office_seconds_between(start: datetime, end: datetime) -> float:
    """Office seconds (Mon–Fri 09:00–17:00 New York, not on holidays) in ``[start, end]``."""
    start, end = start.astimezone(NEW_YORK), end.astimezone(NEW_YORK)
    total, day = 0.0, start.date()
    while day <= end.date():
        if day.weekday() < 5 and day not in US_HOLIDAYS_2020:
            opens = datetime(day.year, day.month, day.day, 9, tzinfo=NEW_YORK)
            closes = datetime(day.year, day.month, day.day, 17, tzinfo=NEW_YORK)
            total += max(0.0, (min(end, closes) - max(start, opens)).total_seconds())
        day += timedelta(days=1)
    return total


def test_follow_up_is_missed_until_august_and_perfect_from_september(
    leads: list[DemoLead],
) -> None:
    late = Counter[int]()
    for lead in leads:
        if not covered(lead) or lead.notified_at is None:
            continue
        month = lead.notified_at.month
        if lead.first_touch_at is None:
            waiting = lead.notified_at.date() == date(2020, 12, 31)
            late[month] += not waiting
        elif lead.first_touch_at > lead.notified_at:
            late[month] += office_seconds_between(lead.notified_at, lead.first_touch_at) > 3600
    assert all(late[month] > 0 for month in range(1, 9)), late
    assert all(late[month] == 0 for month in range(9, 13)), late
