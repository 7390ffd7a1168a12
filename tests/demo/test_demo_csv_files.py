"""The demo's CSV files: written through the formula-safe writer, read back unchanged."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import pytest

from revpact.demo.data import generate_leads, write_leads_csv
from revpact.demo.deals import (
    DemoDeal,
    DemoRevenue,
    demo_revenue,
    generate_deals,
    write_deals_csv,
    write_revenue_csv,
)
from revpact.domain.agreement.model import Agreement
from revpact.ingest.agreement_file import company_a_template, parse_agreement
from revpact.ingest.deals import read_deals
from revpact.ingest.revenue import read_revenue


@pytest.fixture(scope="module")
def agreement() -> Agreement:
    return parse_agreement(company_a_template("en"))


@pytest.fixture(scope="module")
def deals() -> list[DemoDeal]:
    return generate_deals(generate_leads())


def written(write: object, rows: object) -> str:
    buffer = io.StringIO()
    write(rows, buffer)  # type: ignore[operator]
    return buffer.getvalue()


def plain(text: str) -> str:
    """``text`` rewritten by the standard csv writer: what it would be without neutralising."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(csv.reader(io.StringIO(text)))
    return buffer.getvalue()


def test_demo_data_needs_no_neutralising(deals: list[DemoDeal]) -> None:
    for text in (
        written(write_leads_csv, generate_leads()),
        written(write_deals_csv, deals),
        written(write_revenue_csv, demo_revenue()),
    ):
        assert text == plain(text)
        assert "'" not in text


def test_deals_and_revenue_round_trip_through_the_readers(
    deals: list[DemoDeal], agreement: Agreement
) -> None:
    read = read_deals(
        io.StringIO(written(write_deals_csv, deals)), source="deals.csv", agreement=agreement
    )
    assert read.rejected == ()
    assert [(d.deal_id, d.amount, d.owner) for d in read.deals] == [
        (d.deal_id, d.amount, d.owner) for d in deals
    ]
    months = demo_revenue()
    revenue = read_revenue(
        io.StringIO(written(write_revenue_csv, months)), source="revenue.csv", agreement=agreement
    )
    assert revenue.rejected == ()
    assert [(m.month, m.amount) for m in revenue.months] == [(m.month, m.amount) for m in months]


def test_a_formula_in_demo_data_would_be_written_as_text(deals: list[DemoDeal]) -> None:
    hostile = replace(deals[0], owner="=cmd|' /C calc'!A0", deal_id="@SUM(1)")
    row = list(csv.reader(io.StringIO(written(write_deals_csv, [hostile]))))[1]
    assert row[0] == "'@SUM(1)" and row[-1] == "'=cmd|' /C calc'!A0"
    first = demo_revenue()[0]
    refund = DemoRevenue(first.month, -first.amount)
    assert (
        written(write_revenue_csv, [refund]).splitlines()[1]
        == f"{first.month:%Y-%m},-{first.amount}"
    )
