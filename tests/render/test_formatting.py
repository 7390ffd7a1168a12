"""Figures as each language writes them. Babel's separators are asserted exactly: U+00A0
(no-break space) groups Polish digits and precedes the currency code; U+202F precedes AM/PM."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest

from revpact.render.formatting import (
    country_name,
    format_date,
    format_days,
    format_duration,
    format_moment,
    format_money,
    format_month,
    format_number,
    format_percent,
    format_time,
    plain,
    weekday_name,
)

NB = "\u00a0"
NNB = "\u202f"


@pytest.mark.parametrize(
    ("amount", "currency", "en", "pl"),
    [
        (1250000, "USD", "$1,250,000", f"1{NB}250{NB}000{NB}USD"),
        (Decimal("833000"), "USD", "$833,000", f"833{NB}000{NB}USD"),
        (Decimal("5000.00"), "USD", "$5,000", f"5{NB}000{NB}USD"),  # whole: no ".00"
        (Decimal("99.5"), "USD", "$99.50", f"99,50{NB}USD"),
        (Decimal("0.125"), "USD", "$0.125", f"0,125{NB}USD"),  # exact, never rounded
        (5000, "PLN", f"PLN{NB}5,000", f"5{NB}000{NB}PLN"),  # the ISO code, not "zł"
        (5000, "EUR", "€5,000", f"5{NB}000{NB}EUR"),
    ],
)
def test_money(amount: Decimal | int, currency: str, en: str, pl: str) -> None:
    assert format_money(amount, currency, "en") == en
    assert format_money(amount, currency, "pl") == pl


def test_numbers_and_percentages() -> None:
    assert format_number(550000, "en") == "550,000"
    assert format_number(550000, "pl") == f"550{NB}000"
    assert format_number(Decimal("12.50"), "pl") == "12,5"
    assert format_number(310, "pl") == "310"
    assert format_percent(Decimal("0.35"), "en") == format_percent(Decimal("0.35"), "pl") == "35%"
    assert format_percent(Decimal("1"), "pl") == "100%"
    assert format_percent(Decimal("0.335"), "en") == "33.5%"
    assert format_percent(Decimal("0.335"), "pl") == "33,5%"


def test_dates_and_times() -> None:
    assert format_date(date(2020, 6, 30), "en") == "June 30, 2020"
    assert format_date(date(2020, 6, 30), "pl") == "30 czerwca 2020"
    assert format_month(date(2020, 6, 1), "en") == "June 2020"
    assert format_month(date(2020, 6, 1), "pl") == "czerwiec 2020"
    assert format_time(time(9, 30), "en") == f"9:30{NNB}AM"
    assert format_time(time(9, 30), "pl") == "09:30"
    assert weekday_name(0, "en") == "Monday"
    assert weekday_name(1, "pl") == "wtorek"
    assert country_name("US", "pl") == "Stany Zjednoczone"
    assert country_name("us", "en") == "United States"


def test_a_moment_is_shown_in_the_zone_with_its_name_or_offset() -> None:
    moment = datetime(2020, 7, 3, 15, 15, tzinfo=UTC)
    assert format_moment(moment, "America/New_York", "en") == f"July 3, 2020, 11:15{NNB}AM EDT"
    assert format_moment(moment, "America/New_York", "pl") == "3 lipca 2020, 11:15 GMT-04:00"
    winter = datetime(2020, 1, 3, 15, 30, tzinfo=UTC)
    assert format_moment(winter, "America/New_York", "pl") == "3 stycznia 2020, 10:30 GMT-05:00"
    assert format_moment(winter, "Europe/Warsaw", "pl") == "3 stycznia 2020, 16:30 CET"
    with pytest.raises(ValueError, match="no UTC offset"):
        format_moment(datetime(2020, 1, 3, 15, 30), "Europe/Warsaw", "pl")


@pytest.mark.parametrize(
    ("seconds", "en", "pl"),
    [
        (3600, "1 hour", "1 godzina"),
        (900, "15 minutes", "15 minut"),
        (1800, "30 minutes", "30 minut"),
        (86400, "24 hours", "24 godziny"),
        (5400, "1 hour 30 minutes", "1 godzina 30 minut"),
        (3661, "1 hour 1 minute 1 second", "1 godzina 1 minuta 1 sekunda"),
        (0, "0 minutes", "0 minut"),
    ],
)
def test_durations_in_words(seconds: int, en: str, pl: str) -> None:
    assert format_duration(seconds, "en") == en
    assert format_duration(seconds, "pl") == pl


def test_days() -> None:
    assert [format_days(n, "en") for n in (1, 2, 45)] == ["1 day", "2 days", "45 days"]
    assert [format_days(n, "pl") for n in (1, 2, 5, 45)] == ["1 dzień", "2 dni", "5 dni", "45 dni"]


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="not a number of seconds"):
        format_duration(-1, "en")
    with pytest.raises(ValueError, match='"xx_YY_ZZ" is not a language'):
        format_money(1, "USD", "xx_YY_ZZ")


def test_plain_spaces() -> None:
    assert plain(format_money(1250000, "USD", "pl")) == "1 250 000 USD"
    assert plain(format_time(time(17, 0), "en")) == "5:00 PM"
