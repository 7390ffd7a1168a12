"""The deal file: header checks, and row problems that name file, row, column and value."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.calendar import to_us
from revpact.errors import InputError
from revpact.ingest.agreement_file import company_a_template, parse_agreement
from revpact.ingest.deals import (
    DEAL_COLUMNS,
    DealFile,
    Outcome,
    minor_units,
    parse_amount,
    read_deals,
)

HEADER = ",".join(DEAL_COLUMNS)


def read(text: str, agreement: Agreement) -> DealFile:
    return read_deals(io.BytesIO(text.encode("utf-8")), source="deals.csv", agreement=agreement)


def problems(parsed: DealFile) -> list[str]:
    return [p for row in parsed.rejected for p in row.problems]


def test_a_good_file(agreement: Agreement) -> None:
    parsed = read(
        "\ufeff" + HEADER + "\n"
        "D1,L1,2020-06-01T09:00:00-04:00,2020-06-02T09:00:00-04:00,2020-06-30 23:30,WON,"
        "1200.50,ana\n"
        "D2,,2020-06-01,,,open,,\n"
        "D3,L9,2020-06-01T09:00:00Z,,2020-06-03T09:00:00Z,lost,,ben\n",
        agreement,
    )
    assert parsed.rejected == () and parsed.rows == 3
    d1, d2, d3 = parsed.deals
    assert d1.outcome is Outcome.WON and d1.amount == Decimal("1200.50")
    # no offset: wall-clock time in New York (EDT in June)
    assert d1.closed_us == to_us(datetime(2020, 7, 1, 3, 30, tzinfo=UTC))
    assert (d2.lead_id, d2.proposal_us, d2.closed_us, d2.amount, d2.owner) == (
        None, None, None, None, None,
    )  # fmt: skip
    assert d3.outcome is Outcome.LOST and d3.amount is None


def test_every_problem_is_named(agreement: Agreement) -> None:
    parsed = read(
        HEADER + "\n"
        "D1,,2020-06-02T09:00:00Z,2020-06-01T09:00:00Z,2020-06-01T09:00:00Z,won,10,\n"
        "D2,,2020-06-02T09:00:00Z,,2020-06-03T09:00:00Z,open,10,\n"
        "D3,,2020-06-02T09:00:00Z,,,won,,\n"
        "D4,,yesterday,,,maybe,-5,\n"
        "D4,,2020-06-02T09:00:00Z,,2020-06-03T09:00:00Z,lost,1.005,\n"
        ",,,,\n",
        agreement,
    )
    assert parsed.deals == ()
    assert [r.line for r in parsed.rejected] == [2, 3, 4, 5, 6, 7]
    found = problems(parsed)
    expected = [
        'deals.csv row 2, column proposal_at: "2020-06-01T09:00:00Z" is before created_at',
        'deals.csv row 2, column closed_at: "2020-06-01T09:00:00Z" is before created_at',
        'deals.csv row 3, column closed_at: "2020-06-03T09:00:00Z" is set, but the deal is open',
        "deals.csv row 4, column closed_at: is empty, but the deal was won",
        "deals.csv row 4, column amount: is empty, but the deal was won",
        'deals.csv row 5, column created_at: "yesterday" is not an ISO 8601 timestamp',
        'deals.csv row 5, column outcome: "maybe" is not an outcome; write one of open, won, lost',
        'deals.csv row 5, column amount: "-5" is not an amount',
        'deals.csv row 6, column deal_id: "D4" is on row 5 too; list a deal once',
        'deals.csv row 6, column amount: "1.005" has more decimal places than the currency',
        "deals.csv row 7: has 5 fields, the header has 8",
    ]
    assert len(found) == len(expected)
    for text in expected:
        assert any(p.startswith(text) for p in found), text


def test_a_header_without_required_columns(agreement: Agreement) -> None:
    with pytest.raises(InputError, match="lacks the columns proposal_at, closed_at"):
        read("deal_id,lead_id,created_at,outcome,amount,owner\n", agreement)


def test_not_utf8(agreement: Agreement) -> None:
    with pytest.raises(InputError, match="not UTF-8"):
        read_deals(io.BytesIO(b"\xff\xfe"), source="deals.csv", agreement=agreement)


def test_extra_columns_are_ignored_and_text_files_work(agreement: Agreement) -> None:
    text = HEADER + ",stage\nD1,,2020-06-01T09:00:00Z,,,open,5,,negotiation\n"
    parsed = read_deals(io.StringIO(text), source="deals.csv", agreement=agreement)
    assert [d.deal_id for d in parsed.deals] == ["D1"]


def test_amount_places_follow_the_currency() -> None:
    assert (minor_units("USD"), minor_units("JPY"), minor_units("KWD")) == (2, 0, 3)
    assert parse_amount("0.10", 2) == Decimal("0.10")
    assert parse_amount(" 12 ", 0) == Decimal(12)
    assert parse_amount("1.50", 0) == "\"1.50\" has more decimal places than the currency; " \
        "write no decimal places"  # fmt: skip
    assert parse_amount("1.0", 0) == Decimal("1.0")  # trailing zeros are exact
    for bad in ("1,000", "$5", "1e3", "-1", "", "NaN", "100000000000000"):
        assert isinstance(parse_amount(bad, 2), str), bad


def test_a_yen_agreement_rejects_cents() -> None:
    yen = parse_agreement(company_a_template("en").replace("currency: USD", "currency: JPY"))
    parsed = read(HEADER + "\nD1,,2020-06-01T09:00:00Z,,2020-06-02T09:00:00Z,won,100.50,\n", yen)
    assert problems(parsed) == [
        'deals.csv row 2, column amount: "100.50" has more decimal places than the currency; '
        "write no decimal places"
    ]
