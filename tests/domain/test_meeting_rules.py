"""The meeting rhythm's rules: occurrences, closed days, notes, compliance and targets.

Company A: the leadership meets on Mondays at 09:30 (30 minutes), both teams on the first
Tuesday of each month at 10:00 (an hour), in America/New_York; the US/NY holidays close the
office except the ones it works (Columbus Day, Election Day, Veterans Day, ...).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from revpact.domain.agreement.model import Agreement, Audience, Cadence, Meeting, Weekday
from revpact.domain.meetings import (
    NOTES_PARTS,
    ROLES_NEEDED,
    UnitState,
    attendees_of,
    byday,
    check_minutes,
    compliance,
    local_day,
    meeting_days,
    month_targets,
    next_occurrence,
    notes_template,
    occurrences,
    parse_notes,
    select_meetings,
    the_meeting,
    unit_bounds,
    unit_of,
    why_not_held,
)
from revpact.errors import InputError, NotFoundError
from revpact.ingest.agreement_file import company_a_template, parse_agreement

NY = ZoneInfo("America/New_York")


def weekly(agreement: Agreement) -> Meeting:
    return agreement.meeting("weekly_leadership")


def monthly(agreement: Agreement) -> Meeting:
    return agreement.meeting("monthly_teams")


def with_monthly(agreement: Agreement, **changes: object) -> Meeting:
    return monthly(agreement).model_copy(update=changes)


# --- which meetings -----------------------------------------------------------------------------


def test_a_kind_is_a_cadence_or_an_id(agreement: Agreement) -> None:
    assert select_meetings(agreement.meetings, None) == agreement.meetings
    assert select_meetings(agreement.meetings, "weekly") == (weekly(agreement),)
    assert the_meeting(agreement.meetings, "monthly_teams") == monthly(agreement)
    with pytest.raises(
        NotFoundError, match=r'no meeting "daily".*weekly_leadership, monthly_teams'
    ):
        select_meetings(agreement.meetings, "daily")
    with pytest.raises(NotFoundError, match="no weekly meeting"):
        select_meetings(agreement.meetings[1:], "weekly")
    two = (weekly(agreement), weekly(agreement).model_copy(update={"id": "weekly_two"}))
    with pytest.raises(InputError, match="2 weekly meetings; name one by its id"):
        the_meeting(two, "weekly")


def test_leadership_is_the_leaders_and_all_is_everyone(agreement: Agreement) -> None:
    leaders = [p.email.split("@")[0] for p in attendees_of(agreement, weekly(agreement))]
    assert leaders == ["emily.carter", "priya.raman", "michael.brennan", "sarah.whitfield"]
    assert attendees_of(agreement, monthly(agreement)) == agreement.signatories


# --- when ---------------------------------------------------------------------------------------


def test_byday_codes(agreement: Agreement) -> None:
    assert byday(weekly(agreement)) == "MO"
    assert byday(monthly(agreement)) == "1TU"
    assert byday(with_monthly(agreement, week_of_month=-1)) == "-1TU"
    assert byday(with_monthly(agreement, week_of_month=None)) == "1TU"


def test_first_tuesdays_of_2020(agreement: Agreement) -> None:
    days = meeting_days(monthly(agreement), date(2020, 1, 1), date(2020, 12, 31))
    assert [d.day for d in days] == [7, 4, 3, 7, 5, 2, 7, 4, 1, 6, 3, 1]
    assert all(d.weekday() == 1 and d.day <= 7 for d in days)


def test_last_and_fourth_tuesdays(agreement: Agreement) -> None:
    last = meeting_days(
        with_monthly(agreement, week_of_month=-1), date(2020, 1, 1), date(2020, 6, 30)
    )
    assert last == (
        date(2020, 1, 28),
        date(2020, 2, 25),
        date(2020, 3, 31),
        date(2020, 4, 28),
        date(2020, 5, 26),
        date(2020, 6, 30),
    )
    fourth = meeting_days(
        with_monthly(agreement, week_of_month=4), date(2020, 3, 1), date(2020, 3, 31)
    )
    assert fourth == (date(2020, 3, 24),)


def test_mondays_stay_at_0930_local_across_daylight_saving(agreement: Agreement) -> None:
    series = occurrences(weekly(agreement), agreement.calendar, date(2020, 3, 1), date(2020, 11, 9))
    by_day = {o.day: o for o in series}
    before, after = by_day[date(2020, 3, 2)], by_day[date(2020, 3, 9)]
    assert before.start.time() == after.start.time() == time(9, 30)
    assert before.start.utcoffset() == timedelta(hours=-5)
    assert after.start.utcoffset() == timedelta(hours=-4)
    autumn = by_day[date(2020, 11, 2)]
    assert autumn.start.time() == time(9, 30) and autumn.start.utcoffset() == timedelta(hours=-5)
    assert all(o.end - o.start == timedelta(minutes=30) for o in series)
    assert len(series) == 37 and series[0].day == date(2020, 3, 2)


def test_holidays_close_their_occurrences(agreement: Agreement) -> None:
    series = occurrences(
        weekly(agreement), agreement.calendar, date(2020, 1, 1), date(2020, 12, 31)
    )
    closed = [o.day for o in series if o.closed]
    # MLK Day, Washington's Birthday, Memorial Day, Labor Day; Columbus Day (12 Oct) is worked.
    assert closed == [date(2020, 1, 20), date(2020, 2, 17), date(2020, 5, 25), date(2020, 9, 7)]
    assert len(series) == 52
    # Election Day (3 Nov, the first Tuesday) is worked too: no monthly occurrence is closed.
    months = occurrences(
        monthly(agreement), agreement.calendar, date(2020, 1, 1), date(2020, 12, 31)
    )
    assert not any(o.closed for o in months)


def test_a_weekday_without_hours_is_closed(agreement: Agreement) -> None:
    saturday = weekly(agreement).model_copy(update={"weekday": Weekday.SAT})
    series = occurrences(saturday, agreement.calendar, date(2020, 1, 1), date(2020, 1, 31))
    assert series and all(o.closed for o in series)


def test_next_occurrence_skips_closed_days(agreement: Agreement) -> None:
    meeting, cal = weekly(agreement), agreement.calendar
    start, end = agreement.period.start, agreement.period.end
    after_mlk_weekend = datetime(2020, 1, 17, 18, 0, tzinfo=NY)
    found = next_occurrence(meeting, cal, start, end, after=after_mlk_weekend)
    assert found is not None and found.day == date(2020, 1, 27)
    at_the_meeting = datetime(2020, 1, 27, 9, 30, tzinfo=NY)
    found = next_occurrence(meeting, cal, start, end, after=at_the_meeting)
    assert found is not None and found.day == date(2020, 2, 3)
    assert (
        next_occurrence(meeting, cal, start, end, after=datetime(2020, 12, 28, 10, tzinfo=NY))
        is None
    )
    early = next_occurrence(meeting, cal, start, end, after=datetime(2019, 6, 1, tzinfo=NY))
    assert early is not None and early.day == date(2020, 1, 6)


def test_unscheduled_meetings_have_no_occurrences(agreement: Agreement) -> None:
    free = weekly(agreement).model_copy(update={"weekday": None, "time": None})
    assert occurrences(free, agreement.calendar, date(2020, 1, 1), date(2020, 12, 31)) == ()


def test_local_day_survives_the_ends_of_time() -> None:
    assert local_day(datetime(2020, 1, 1, 3, tzinfo=ZoneInfo("UTC")), "America/New_York") == date(
        2019, 12, 31
    )
    assert local_day(datetime.min.replace(tzinfo=ZoneInfo("UTC")), "America/New_York") == date.min
    assert local_day(datetime.max.replace(tzinfo=ZoneInfo("UTC")), "Asia/Tokyo") == date.max


# --- notes --------------------------------------------------------------------------------------

WEEKLY_NOTES = """\
# Weekly leadership meeting, 9 March 2020

## What worked
Referral leads were followed up within the hour.

## What did NOT work?
- Two content leads waited over the weekend.

### Details
```
## What worked
(a heading inside a code block is text)
```

## Improvements for next week:
Cover Friday afternoons.

## Other business
Not stored.
"""


def test_weekly_notes_parts() -> None:
    parts = parse_notes(WEEKLY_NOTES, Cadence.WEEKLY, source="w.md")
    assert list(parts) == ["what_worked", "what_did_not_work", "improvements"]
    assert parts["what_worked"] == "Referral leads were followed up within the hour."
    assert parts["what_did_not_work"].startswith("- Two content leads")
    assert "(a heading inside a code block is text)" in parts["what_did_not_work"]
    assert parts["improvements"] == "Cover Friday afternoons."


def test_polish_headings_are_accepted() -> None:
    text = (
        "# Spotkanie\n## Plan marketingu na 30 dni\nWebinar w kwietniu.\n"
        "## 30-dniowy plan sprzedaży\nNowy skrypt.\n## KPI\nLead value 500 000.\n"
    )
    parts = parse_notes(text, Cadence.MONTHLY, source="m.md", language="pl")
    assert parts == {
        "marketing_plan": "Webinar w kwietniu.",
        "sales_plan": "Nowy skrypt.",
        "kpis": "Lead value 500 000.",
    }


def test_a_missing_part_names_the_file_and_the_heading() -> None:
    text = "## What worked\nA lot.\n## Improvements for next week\n\n"
    with pytest.raises(InputError) as caught:
        parse_notes(text, Cadence.WEEKLY, source="notes/2020-03-09.md")
    message = str(caught.value)
    assert message.startswith("notes/2020-03-09.md does not hold the weekly meeting's notes")
    assert 'no heading "## What did not work" (or "## Co nie zadziałało")' in message
    assert 'line 3: the section "## Improvements for next week"' in message
    assert "is empty" in message
    assert len(caught.value.problems) == 2


def test_polish_agreement_shows_polish_headings_first() -> None:
    with pytest.raises(
        InputError, match=r'"## Plan sprzedaży na 30 dni" \(or "## Sales 30-day plan"\)'
    ):
        parse_notes(
            "## Plan marketingu na 30 dni\nx\n## KPI\ny\n",
            Cadence.MONTHLY,
            source="m.md",
            language="pl",
        )


def test_a_part_given_twice_is_an_error() -> None:
    text = (
        "## What worked\na\n## What worked well\nb\n## What did not work\nc\n## Improvements\nd\n"
    )
    with pytest.raises(InputError, match=r"line 3:.*appears twice"):
        parse_notes(text, Cadence.WEEKLY, source="w.md")


def test_minutes_as_parts() -> None:
    given = {"marketing_plan": " Webinars ", "sales_plan": "Scripts", "kpis": "All green"}
    assert check_minutes(given, Cadence.MONTHLY) == {
        "marketing_plan": "Webinars",
        "sales_plan": "Scripts",
        "kpis": "All green",
    }
    with pytest.raises(InputError) as caught:
        check_minutes({"what_worked": "x", "what_did_not_work": " ", "extra": "y"}, Cadence.WEEKLY)
    problems = caught.value.problems
    assert any('"extra" is not a part' in p for p in problems)
    assert any('"what_did_not_work" (What did not work) is empty' in p for p in problems)
    assert any('no "improvements" (Improvements for next week)' in p for p in problems)


def test_the_template_parses_once_filled() -> None:
    for cadence in Cadence:
        for language in ("en", "pl"):
            text = notes_template(cadence, language).replace("\n\n", "\nfilled\n\n")
            parts = parse_notes(text, cadence, source="t.md", language=language)
            assert list(parts) == [p.key for p in NOTES_PARTS[cadence]]


# --- compliance ---------------------------------------------------------------------------------


def test_units_are_iso_weeks_and_calendar_months() -> None:
    assert unit_of(Cadence.WEEKLY, date(2020, 12, 31)) == "2020-W53"
    assert unit_of(Cadence.WEEKLY, date(2021, 1, 3)) == "2020-W53"
    assert unit_of(Cadence.WEEKLY, date(2019, 12, 30)) == "2020-W01"
    assert unit_of(Cadence.MONTHLY, date(2020, 12, 31)) == "2020-12"
    assert unit_bounds(Cadence.WEEKLY, date(2020, 12, 31)) == (date(2020, 12, 28), date(2021, 1, 3))
    assert unit_bounds(Cadence.MONTHLY, date(2020, 2, 10)) == (date(2020, 2, 1), date(2020, 2, 29))


def test_weekly_compliance_across_the_year_end_and_iso_week_53(agreement: Agreement) -> None:
    held = [date(2020, 12, 14), date(2021, 1, 2)]  # W51; Saturday 2 January is still 2020-W53
    result = compliance(
        weekly(agreement),
        agreement.calendar,
        since=date(2020, 12, 1),  # a Tuesday: W49's Monday (30 November) is before it
        until=agreement.period.end,
        today=date(2021, 1, 4),
        held_days=held,
    )
    assert [u.unit for u in result.units] == [f"2020-W{n}" for n in range(50, 54)]
    assert result.held == ("2020-W51", "2020-W53")
    assert result.missed == ("2020-W50", "2020-W52")
    assert result.due == 4 and result.rate == Decimal("0.5")
    w53 = result.units[-1]
    assert (w53.first_day, w53.last_day, w53.scheduled) == (
        date(2020, 12, 28),
        date(2021, 1, 3),
        date(2020, 12, 28),
    )
    assert w53.held_on == (date(2021, 1, 2),)
    assert result.until == agreement.period.end


def test_the_week_before_the_period_is_not_due(agreement: Agreement) -> None:
    result = compliance(
        weekly(agreement),
        agreement.calendar,
        since=agreement.period.start,
        until=agreement.period.end,
        today=date(2020, 1, 14),
        held_days=[date(2020, 1, 2)],  # 2020-W01: its Monday is 30 December 2019
    )
    assert [(u.unit, u.state) for u in result.units] == [
        ("2020-W02", UnitState.MISSED),
        ("2020-W03", UnitState.PENDING),
    ]


def test_a_holiday_excuses_its_week_unless_held_on_another_day(agreement: Agreement) -> None:
    def states(held: list[date]) -> dict[str, UnitState]:
        result = compliance(
            weekly(agreement),
            agreement.calendar,
            since=date(2020, 1, 13),
            until=agreement.period.end,
            today=date(2020, 2, 24),
            held_days=held,
        )
        return {u.unit: u.state for u in result.units}

    nothing = states([])
    assert nothing["2020-W04"] is UnitState.EXCUSED  # MLK Day
    assert nothing["2020-W08"] is UnitState.EXCUSED  # Washington's Birthday
    assert nothing["2020-W03"] is UnitState.MISSED
    assert nothing["2020-W09"] is UnitState.PENDING  # Monday 24 February: the week is not over
    assert states([date(2020, 1, 21)])["2020-W04"] is UnitState.HELD


def test_monthly_compliance_across_month_and_year_boundaries(agreement: Agreement) -> None:
    held = [date(2020, 1, 31), date(2020, 3, 3), date(2020, 3, 4)]
    result = compliance(
        monthly(agreement),
        agreement.calendar,
        since=agreement.period.start,
        until=agreement.period.end,
        today=date(2020, 4, 1),
        held_days=held,
    )
    assert [(u.unit, u.state) for u in result.units] == [
        ("2020-01", UnitState.HELD),
        ("2020-02", UnitState.MISSED),
        ("2020-03", UnitState.HELD),
        ("2020-04", UnitState.PENDING),  # 1 April: its first Tuesday is still to come
    ]
    assert result.units[2].held_on == (date(2020, 3, 3), date(2020, 3, 4))
    after = compliance(
        monthly(agreement),
        agreement.calendar,
        since=agreement.period.start,
        until=agreement.period.end,
        today=date(2021, 3, 1),
        held_days=[],
    )
    assert len(after.missed) == 12 and after.missed[-1] == "2020-12" and not after.pending
    assert after.until == date(2020, 12, 31)


def test_only_the_days_in_force_count(agreement: Agreement) -> None:
    result = compliance(
        monthly(agreement),
        agreement.calendar,
        since=agreement.period.start,
        until=agreement.period.end,
        today=date(2020, 7, 15),
        held_days=[],
        applies=lambda day: day >= date(2020, 6, 1),
    )
    assert [u.unit for u in result.units] == ["2020-06", "2020-07"]


def test_an_unscheduled_meeting_is_due_every_week_without_excuses(agreement: Agreement) -> None:
    free = weekly(agreement).model_copy(update={"weekday": None, "time": None})
    result = compliance(
        free,
        agreement.calendar,
        since=agreement.period.start,
        until=agreement.period.end,
        today=date(2020, 1, 28),
        held_days=[date(2020, 1, 22)],
    )
    assert [(u.unit, u.state.value, u.scheduled) for u in result.units] == [
        ("2020-W02", "missed", None),
        ("2020-W03", "missed", None),
        ("2020-W04", "held", None),
        ("2020-W05", "pending", None),
    ]


# --- targets of a month -------------------------------------------------------------------------


def test_month_targets(agreement: Agreement) -> None:
    april = month_targets(agreement, date(2020, 4, 7))
    assert april is not None
    assert april.month == date(2020, 4, 1)
    assert april.revenue == Decimal("1111000.00")  # 833,000 + 417,000 x 4/6
    assert april.lead_value == Decimal(550000)
    assert april.follow_up_compliance == Decimal(1)
    june = month_targets(agreement, date(2020, 6, 2))
    assert june is not None and june.revenue == Decimal(1250000)
    assert june.close_rate == Decimal("0.35") and june.sales_cycle_days == Decimal(40)
    assert month_targets(agreement, date(2021, 1, 5)) is None
    assert month_targets(agreement, date(2019, 12, 3)) is None


def test_the_polish_agreement_has_the_same_rhythm() -> None:
    polish = parse_agreement(company_a_template("pl"))
    english = parse_agreement(company_a_template("en"))
    for a, b in zip(polish.meetings, english.meetings, strict=True):
        assert (a.id, byday(a), a.time, a.duration) == (b.id, byday(b), b.time, b.duration)


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (date(2020, 12, 31), UnitState.PENDING),
        (date(2021, 1, 3), UnitState.PENDING),  # Sunday: the last day of 2020-W53
        (date(2021, 1, 4), UnitState.MISSED),
    ],
)
def test_week_53_ends_on_sunday_3_january(
    agreement: Agreement, today: date, state: UnitState
) -> None:
    result = compliance(
        weekly(agreement),
        agreement.calendar,
        since=date(2020, 12, 28),
        until=agreement.period.end,
        today=today,
        held_days=[],
    )
    assert [(u.unit, u.state) for u in result.units] == [("2020-W53", state)]


# --- held as agreed -----------------------------------------------------------------------------

CMO = "emily.carter@company-a.example"  # marketing leader
PRIYA = "priya.raman@company-a.example"  # marketing leader
VP_SALES = "michael.brennan@company-a.example"  # sales leader
LUCAS = "lucas.moreno@company-a.example"  # marketing, not a leader
CEO = "margaret.lowell@company-a.example"  # executive


def test_a_meeting_counts_when_it_lasts_its_length_with_the_roles(agreement: Agreement) -> None:
    weekly = the_meeting(agreement.meetings, "weekly")
    monthly = the_meeting(agreement.meetings, "monthly")
    roster = agreement.signatories
    assert weekly.duration == 30 * 60 and monthly.duration == 60 * 60
    assert why_not_held(weekly, roster, attendees=[CMO, VP_SALES], duration=30 * 60) == ()
    assert why_not_held(weekly, roster, attendees=[PRIYA, VP_SALES], duration=45 * 60) == ()
    assert why_not_held(weekly, roster, attendees=[CMO, VP_SALES], duration=20 * 60) == (
        "too short: 20 of 30 min",
    )
    assert why_not_held(weekly, roster, attendees=[LUCAS, CEO, VP_SALES], duration=1800) == (
        "missing role: marketing leader",
    )
    assert why_not_held(monthly, roster, attendees=[CMO], duration=59 * 60 + 30) == (
        "too short: 59.5 of 60 min",
        "missing role: sales leader",
    )
    assert why_not_held(weekly, roster, attendees=[CMO, VP_SALES], duration=None) == (
        "length not recorded",
    )
    # A role nobody on the roster holds is not needed.
    no_sales_leaders = [p for p in roster if not (p.leader and p.team == "sales")]
    assert why_not_held(weekly, no_sales_leaders, attendees=[CMO], duration=1800) == ()
    assert set(ROLES_NEEDED) == set(Audience)


def test_a_week_whose_only_record_did_not_count_is_missed_with_its_reason(
    agreement: Agreement,
) -> None:
    weekly = the_meeting(agreement.meetings, "weekly")
    found = compliance(
        weekly,
        agreement.calendar,
        since=date(2020, 3, 2),
        until=date(2020, 3, 22),
        today=date(2020, 3, 23),
        held_days=[date(2020, 3, 2)],
        not_held=[(date(2020, 3, 9), ("too short: 20 of 30 min",))],
    )
    assert found.held == ("2020-W10",)
    assert found.missed == ("2020-W11", "2020-W12")
    units = {u.unit: u for u in found.units}
    assert units["2020-W11"].not_counted == ("2020-03-09: too short: 20 of 30 min",)
    assert units["2020-W12"].not_counted == ()
