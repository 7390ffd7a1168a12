"""The meeting rhythm's iCalendar file, checked by parsing it back with icalendar and expanding
its rules with dateutil — what a calendar program does when it imports the file."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar, Event

from revpact.domain.agreement.model import Agreement
from revpact.domain.meetings import occurrences
from revpact.ingest.agreement_file import company_a_template, parse_agreement
from revpact.services.meetings_ics import PRODID, meetings_calendar, rrule_text

NY = ZoneInfo("America/New_York")
STAMP = datetime(2020, 1, 2, 15, 4, 5, tzinfo=UTC)
UNTIL = datetime(2021, 1, 1, 4, 59, 59, tzinfo=UTC)  # 31 December 2020, 23:59:59 in New York


def parsed(agreement: Agreement, stamp: datetime = STAMP) -> Calendar:
    return Calendar.from_ical(meetings_calendar(agreement, agreement.meetings, stamp=stamp))


def event(calendar: Calendar, meeting_id: str) -> Event:
    found = [e for e in calendar.walk("VEVENT") if str(e["UID"]).startswith(f"{meeting_id}-")]
    assert len(found) == 1
    return found[0]


def expand(e: Event) -> list[datetime]:
    """Every start the event's RRULE gives, minus its EXDATEs."""
    start = e.decoded("DTSTART")
    rule = rrulestr(e["RRULE"].to_ical().decode(), dtstart=start)
    excluded = set(e.exdates)
    return [moment for moment in rule if moment not in excluded]


def test_the_calendar_and_its_time_zone(agreement: Agreement) -> None:
    calendar = parsed(agreement)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"] == PRODID
    zones = calendar.walk("VTIMEZONE")
    assert [str(z["TZID"]) for z in zones] == ["America/New_York"]
    assert len(calendar.walk("VEVENT")) == 2


def test_weekly_series(agreement: Agreement) -> None:
    e = event(parsed(agreement), "weekly_leadership")
    assert str(e["SUMMARY"]) == "Weekly sales & marketing leadership meeting"
    assert e["DTSTART"].params["TZID"] == "America/New_York"
    start = e.decoded("DTSTART")
    assert start == datetime(2020, 1, 6, 9, 30, tzinfo=NY)  # the first Monday of the period
    assert start.time() == time(9, 30)
    assert e.decoded("DURATION") == timedelta(minutes=30)
    assert e.decoded("DTSTAMP") == STAMP
    rule = e["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"]
    assert rule["BYDAY"] == ["MO"]
    assert rule["UNTIL"] == [UNTIL]
    attendees = sorted(str(a).removeprefix("mailto:") for a in e.get("ATTENDEE"))
    assert attendees == sorted(p.email for p in agreement.signatories if p.leader)
    assert {a.params["CN"] for a in e.get("ATTENDEE")} == {
        "Emily Carter",
        "Priya Raman",
        "Michael Brennan",
        "Sarah Whitfield",
    }
    description = str(e["DESCRIPTION"])
    assert all(item in description for item in agreement.meeting("weekly_leadership").agenda)


def test_weekly_exdates_are_the_closed_mondays(agreement: Agreement) -> None:
    e = event(parsed(agreement), "weekly_leadership")
    skipped = e.exdates
    assert [d.date() for d in skipped] == [
        date(2020, 1, 20),  # Martin Luther King Jr. Day: Company A is closed
        date(2020, 2, 17),
        date(2020, 5, 25),
        date(2020, 9, 7),
    ]
    assert all(d.time() == time(9, 30) and d.tzinfo is not None for d in skipped)
    assert date(2020, 10, 12) not in {d.date() for d in skipped}  # Columbus Day is worked


def test_weekly_expansion_keeps_0930_across_daylight_saving(agreement: Agreement) -> None:
    starts = expand(event(parsed(agreement), "weekly_leadership"))
    assert len(starts) == 52 - 4
    assert all(s.weekday() == 0 and s.time() == time(9, 30) for s in starts)
    utc = {s.date(): s.astimezone(UTC).time() for s in starts}
    assert utc[date(2020, 3, 2)] == time(14, 30)  # EST
    assert utc[date(2020, 3, 9)] == time(13, 30)  # EDT, the day after clocks went forward
    assert utc[date(2020, 11, 2)] == time(14, 30)  # EST again
    assert starts[-1].date() == date(2020, 12, 28)
    expected = [
        o.start
        for o in occurrences(
            agreement.meeting("weekly_leadership"),
            agreement.calendar,
            agreement.period.start,
            agreement.period.end,
        )
        if not o.closed
    ]
    assert starts == expected


def test_monthly_series_is_the_first_tuesdays_of_2020(agreement: Agreement) -> None:
    e = event(parsed(agreement), "monthly_teams")
    rule = e["RRULE"]
    assert (rule["FREQ"], rule["BYDAY"], rule["UNTIL"]) == (["MONTHLY"], ["1TU"], [UNTIL])
    assert e.decoded("DURATION") == timedelta(hours=1)
    assert "EXDATE" not in e  # Election Day (3 November) is worked
    starts = expand(e)
    assert [s.date() for s in starts] == [
        date(2020, 1, 7),
        date(2020, 2, 4),
        date(2020, 3, 3),
        date(2020, 4, 7),
        date(2020, 5, 5),
        date(2020, 6, 2),
        date(2020, 7, 7),
        date(2020, 8, 4),
        date(2020, 9, 1),
        date(2020, 10, 6),
        date(2020, 11, 3),
        date(2020, 12, 1),
    ]
    assert all(s.time() == time(10, 0) for s in starts)
    attendees = {str(a).removeprefix("mailto:") for a in e.get("ATTENDEE")}
    assert attendees == {p.email for p in agreement.signatories}


def test_last_tuesday_rule_expands_to_last_tuesdays() -> None:
    text = company_a_template("en").replace("week_of_month: 1", "week_of_month: -1")
    agreement = parse_agreement(text)
    e = event(parsed(agreement), "monthly_teams")
    assert e["RRULE"]["BYDAY"] == ["-1TU"]
    starts = expand(e)
    assert len(starts) == 12
    assert all(s.weekday() == 1 and (s + timedelta(days=7)).month != s.month for s in starts)
    assert rrule_text(agreement, agreement.meeting("monthly_teams")) == (
        "FREQ=MONTHLY;UNTIL=20210101T045959Z;BYDAY=-1TU"
    )


def test_uids_are_stable_and_the_stamp_is_the_writing_time(agreement: Agreement) -> None:
    first, later = parsed(agreement), parsed(agreement, STAMP + timedelta(days=30))
    uids = [str(e["UID"]) for e in first.walk("VEVENT")]
    assert uids == [str(e["UID"]) for e in later.walk("VEVENT")]
    assert uids == [
        "weekly_leadership-20200101@company-a.revpact",
        "monthly_teams-20200101@company-a.revpact",
    ]
    assert event(later, "monthly_teams").decoded("DTSTAMP") == STAMP + timedelta(days=30)


@pytest.mark.parametrize("kind", ["weekly_leadership", "monthly_teams"])
def test_one_meeting_alone(agreement: Agreement, kind: str) -> None:
    data = meetings_calendar(agreement, (agreement.meeting(kind),), stamp=STAMP)
    calendar = Calendar.from_ical(data)
    assert [str(e["UID"]).split("-")[0] for e in calendar.walk("VEVENT")] == [kind]


def test_unscheduled_meetings_are_left_out(agreement: Agreement) -> None:
    free = agreement.meeting("weekly_leadership").model_copy(update={"time": None})
    data = meetings_calendar(agreement, (free, agreement.meeting("monthly_teams")), stamp=STAMP)
    assert [str(e["UID"]).split("-")[0] for e in Calendar.from_ical(data).walk("VEVENT")] == [
        "monthly_teams"
    ]
    assert rrule_text(agreement, free) is None
