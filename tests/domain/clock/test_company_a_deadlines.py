"""Company A's follow-up deadlines around the days that matter, as a table to read and review.

Company A works Mon-Fri 09:00-17:00 in New York, closed on the US and New York holidays except
the ones its agreement says it works (Lincoln's Birthday, Susan B. Anthony Day, Columbus Day,
Election Day, Veterans Day), and also closed on 27 November and 24 December 2020.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from revpact.domain.clock.calendar import BusinessCalendar, from_us, to_us
from revpact.ingest.agreement_file import company_a_template, parse_agreement

NY = ZoneInfo("America/New_York")

# notified (local)          due (local), with the reason
TABLE = [
    ("2020-06-01 09:00", "2020-06-01 10:00", "inside hours: one hour later"),
    ("2020-06-01 08:59:59", "2020-06-01 10:00", "before opening: first hour of the day"),
    ("2020-06-01 16:00", "2020-06-01 17:00", "due exactly at closing stays at closing"),
    ("2020-06-01 16:30", "2020-06-02 09:30", "half an hour today, half tomorrow"),
    ("2020-06-05 18:00", "2020-06-08 10:00", "Friday evening: first hour of Monday"),
    ("2020-06-06 12:00", "2020-06-08 10:00", "Saturday noon: Monday 10:00, not 13:00"),
    ("2019-12-31 16:30", "2020-01-02 09:30", "New Year's Day closed"),
    ("2020-01-17 16:45", "2020-01-21 09:45", "Martin Luther King Jr. Day closed"),
    ("2020-02-11 16:30", "2020-02-12 09:30", "Lincoln's Birthday worked"),
    ("2020-03-07 12:00", "2020-03-09 10:00", "weekend of the spring-forward change"),
    ("2020-07-02 16:30", "2020-07-06 09:30", "Independence Day observed on Friday 3 July"),
    ("2020-10-09 16:30", "2020-10-12 09:30", "Columbus Day worked"),
    ("2020-10-30 17:00", "2020-11-02 10:00", "weekend of the fall-back change"),
    ("2020-11-02 16:30", "2020-11-03 09:30", "Election Day worked"),
    ("2020-11-10 16:30", "2020-11-11 09:30", "Veterans Day worked"),
    ("2020-11-25 16:30", "2020-11-30 09:30", "Thanksgiving and the day after closed"),
    ("2020-12-23 16:30", "2020-12-28 09:30", "Christmas Eve and Christmas closed"),
]


@pytest.fixture(scope="module")
def calendar() -> BusinessCalendar:
    return parse_agreement(company_a_template("en")).business_calendar()


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=NY)


@pytest.mark.parametrize(("notified", "due", "why"), TABLE, ids=[row[2] for row in TABLE])
def test_company_a_deadline(calendar: BusinessCalendar, notified: str, due: str, why: str) -> None:
    expected = local(due)
    assert calendar.add_business_seconds(local(notified), 3600) == expected, why
    vector = calendar.due_us(np.array([to_us(local(notified))], dtype=np.int64), 3600)
    assert from_us(int(vector[0])) == expected, why
