"""The revenue file: months, amounts, and problems naming file, row, column and value."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest

from revpact.domain.agreement.model import Agreement
from revpact.errors import InputError
from revpact.ingest.revenue import RevenueFile, RevenueMonth, parse_month, read_revenue


def read(text: str, agreement: Agreement) -> RevenueFile:
    return read_revenue(io.BytesIO(text.encode("utf-8")), source="rev.csv", agreement=agreement)


def test_a_good_file(agreement: Agreement) -> None:
    parsed = read("amount,month,note\n1000.10,2020-06,x\n0,2020-07,\n", agreement)
    assert parsed.rejected == () and parsed.rows == 2
    assert parsed.months == (
        RevenueMonth(date(2020, 6, 1), Decimal("1000.10")),
        RevenueMonth(date(2020, 7, 1), Decimal(0)),
    )


def test_every_problem_is_named(agreement: Agreement) -> None:
    parsed = read("month,amount\n2020-13,5\n2020-06,abc\n2020-06,1\n,\n2020-6,1.234\n", agreement)
    assert parsed.months == ()
    found = [p for row in parsed.rejected for p in row.problems]
    assert found == [
        'rev.csv row 2, column month: "2020-13" is not a month; write it as e.g. 2020-06',
        'rev.csv row 3, column amount: "abc" is not an amount; write a plain number such as '
        "5000 or 1234.55",
        'rev.csv row 4, column month: "2020-06" is on row 3 too; list a month once',
        "rev.csv row 5, column month: is empty; write the month as e.g. 2020-06",
        "rev.csv row 5, column amount: is empty; write the amount, e.g. 5000 or 1234.55",
        'rev.csv row 6, column month: "2020-6" is not a month; write it as e.g. 2020-06',
        'rev.csv row 6, column amount: "1.234" has more decimal places than the currency; '
        "write at most 2 decimal places",
    ]


def test_a_header_without_the_amount(agreement: Agreement) -> None:
    with pytest.raises(InputError, match="lacks the column amount; it needs month,amount"):
        read("month\n2020-06\n", agreement)
    with pytest.raises(InputError, match="has no header"):
        read("", agreement)


def test_parse_month() -> None:
    assert parse_month(" 2020-06 ") == date(2020, 6, 1)
    assert parse_month("2020-00") is None and parse_month("June 2020") is None
