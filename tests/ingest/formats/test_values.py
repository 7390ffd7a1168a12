"""Dates and amounts as CRMs write them."""

from __future__ import annotations

import pytest

from revpact.ingest.formats.values import ValueProblem, plain_amount, to_iso


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12500", "12500"),
        ("12500.5", "12500.5"),
        ("12,500.00", "12500.00"),  # en-US
        ("12.500,00", "12500.00"),  # de-DE
        ("12 500,00", "12500.00"),  # pl-PL, a plain space
        ("12\u00a0500,00", "12500.00"),  # pl-PL as Excel writes it: a no-break space
        ("12\u202f500,00", "12500.00"),  # a narrow no-break space
        ("12'500.00", "12500.00"),  # de-CH
        ("1,234,567", "1234567"),
        ("1 234 567,5", "1234567.5"),
        ("USD 12,500.00", "12500.00"),  # Salesforce report, multi-currency org
        ("$12,500.00", "12500.00"),
        ("12 500,00 USD", "12500.00"),
        ("0.500", "0.500"),
        ("12,50", "12.50"),
    ],
)
def test_amounts_in_several_locales(text: str, expected: str) -> None:
    assert plain_amount(text, "USD") == expected


@pytest.mark.parametrize(
    ("text", "currency", "problem"),
    [
        ("12,500", "USD", "ambiguous"),
        ("12.500", "USD", "ambiguous"),
        ("EUR 12,500.00", "USD", "is not in USD"),
        ("12 500,00 zł", "USD", "is not in USD"),
        ("-5", "USD", "negative"),
        ("1,23,456", "USD", "groups"),
        ("twelve", "USD", "is not an amount"),
    ],
)
def test_bad_or_ambiguous_amounts_are_refused(text: str, currency: str, problem: str) -> None:
    with pytest.raises(ValueProblem, match=problem):
        plain_amount(text, currency)


def test_a_decimal_separator_settles_ambiguous_amounts() -> None:
    assert plain_amount("12,500", "USD", ",") == "12.500"
    assert plain_amount("12,500", "USD", ".") == "12500"
    assert plain_amount("12.500", "USD", ",") == "12500"
    assert plain_amount("12 500,00 zł", "PLN") == "12500.00"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-03-02 10:15", "2020-03-02 10:15"),  # HubSpot, portal time zone
        ("2020-03-02T15:15:00.000Z", "2020-03-02T15:15:00.000Z"),  # Salesforce API
        ("2020-03-02T15:15:00.000+0000", "2020-03-02T15:15:00.000+00:00"),
        ("3/2/2020 10:15 AM", "2020-03-02T10:15:00"),  # Salesforce report, en-US
        ("3/2/2020 12:05 AM", "2020-03-02T00:05:00"),
        ("3/2/2020 12:05 PM", "2020-03-02T12:05:00"),
        ("3/2/2020 1:05 PM", "2020-03-02T13:05:00"),
        ("3/2/2020", "2020-03-02"),
        ("02.03.2020 10:15", "2020-03-02T10:15:00"),  # pl-PL / de-DE
        ("02.03.2020", "2020-03-02"),
        ("1583162100000", "2020-03-02T15:15:00Z"),  # epoch milliseconds
    ],
)
def test_dates_as_crms_write_them(text: str, expected: str) -> None:
    assert to_iso(text) == expected


def test_day_first_slashes() -> None:
    assert to_iso("02/03/2020 10:15", day_first=True) == "2020-03-02T10:15:00"
    with pytest.raises(ValueProblem, match="day_first: true"):
        to_iso("13/02/2020 10:15")


@pytest.mark.parametrize("text", ["yesterday", "3/2/2020 13:05 PM", "31.02.2020", "2020/03/02"])
def test_what_is_no_date(text: str) -> None:
    with pytest.raises(ValueProblem):
        to_iso(text)
