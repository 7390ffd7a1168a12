"""Deal exports from HubSpot and Salesforce, imported end to end into the store."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from export_samples import (
    HUBSPOT_DEALS,
    HUBSPOT_DEALS_HEADER,
    SALESFORCE_FOOTER,
    SALESFORCE_OPPORTUNITIES,
    SALESFORCE_OPPORTUNITIES_API,
    SALESFORCE_OPPORTUNITIES_API_HEADER,
    SALESFORCE_OPPORTUNITIES_HEADER,
    export_text,
    write_export,
)
from sqlalchemy import Engine

from revpact import services
from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.calendar import to_us
from revpact.errors import InputError

Stored = Callable[[], dict[str, dict[str, Any]]]


def us(*args: int) -> int:
    return to_us(datetime(*args, tzinfo=UTC))


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1250"])
def test_hubspot_deal_export(
    engine: Engine, agreement: Agreement, tmp_path: Path, stored_deals: Stored, encoding: str
) -> None:
    path = write_export(tmp_path / "deals.csv", HUBSPOT_DEALS_HEADER, HUBSPOT_DEALS, encoding)
    report = services.import_deals(engine, agreement, path, source_format="hubspot")
    assert (report.rows, report.inserted, report.rejected) == (3, 3, 0)
    assert report.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    deals = stored_deals()
    won = deals["9001"]
    assert (won["outcome"], won["amount_e4"], won["lead_id"], won["owner"]) == (
        "won",
        125_000_000,
        "101",  # the first associated contact
        "Jamal Reed",
    )
    assert won["created_us"] == us(2020, 3, 2, 15, 30)
    assert won["closed_us"] == us(2020, 3, 20, 20, 0)  # EDT from March 8
    open_deal = deals["9002"]
    assert open_deal["outcome"] == "open"
    assert open_deal["closed_us"] is None  # an open deal's close date is only expected
    assert deals["9003"]["outcome"] == "lost" and deals["9003"]["amount_e4"] is None


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1250"])
def test_salesforce_opportunity_report(
    engine: Engine, agreement: Agreement, tmp_path: Path, stored_deals: Stored, encoding: str
) -> None:
    rows = (*SALESFORCE_OPPORTUNITIES[:2], *SALESFORCE_FOOTER)
    path = write_export(tmp_path / "opps.csv", SALESFORCE_OPPORTUNITIES_HEADER, rows, encoding)
    report = services.import_deals(engine, agreement, path, source_format="salesforce")
    assert (report.rows, report.inserted) == (2, 2)
    deals = stored_deals()
    won = deals["0065e00000Opp01"]
    assert (won["outcome"], won["amount_e4"], won["owner"]) == (
        "won",
        125_000_000,
        "Sarah Whitfield",
    )
    assert won["closed_us"] == us(2020, 3, 20, 4, 0)  # a plain date: midnight in New York
    assert deals["0065e00000Opp02"]["outcome"] == "open"
    assert deals["0065e00000Opp02"]["closed_us"] is None


def test_a_close_date_on_the_day_of_creation(
    engine: Engine, agreement: Agreement, tmp_path: Path, stored_deals: Stored
) -> None:
    rows = SALESFORCE_OPPORTUNITIES[2:]
    path = write_export(tmp_path / "o.csv", SALESFORCE_OPPORTUNITIES_HEADER, rows, "cp1252")
    services.import_deals(engine, agreement, path, source_format="salesforce")
    same_day = stored_deals()["0065e00000Opp03"]
    assert same_day["outcome"] == "lost"
    assert same_day["closed_us"] == same_day["created_us"] == us(2020, 3, 6, 19, 0)


def test_salesforce_api_export(
    engine: Engine, agreement: Agreement, tmp_path: Path, stored_deals: Stored
) -> None:
    path = write_export(
        tmp_path / "o.csv",
        SALESFORCE_OPPORTUNITIES_API_HEADER,
        SALESFORCE_OPPORTUNITIES_API,
        quote_all=False,
    )
    services.import_deals(engine, agreement, path, source_format="salesforce")
    deals = stored_deals()
    assert deals["0065e00000Opp11"]["outcome"] == "won"
    assert deals["0065e00000Opp11"]["amount_e4"] == 125_000_000
    assert deals["0065e00000Opp11"]["created_us"] == us(2020, 3, 2, 15, 30)
    assert deals["0065e00000Opp12"]["outcome"] == "open"


@pytest.mark.parametrize(
    ("amount", "e4"),
    [("12500", 125_000_000), ("12,500.00", 125_000_000), ("12 500,00", 125_000_000),
     ("12.500,50 USD", 125_005_000), ("$1,250.5", 12_505_000)],
)  # fmt: skip
def test_amounts_in_several_locales(
    engine: Engine, agreement: Agreement, stored_deals: Stored, amount: str, e4: int
) -> None:
    row = [*HUBSPOT_DEALS[0][:3], amount, *HUBSPOT_DEALS[0][4:]]
    data = io.BytesIO(export_text(HUBSPOT_DEALS_HEADER, [row]).encode("cp1250"))
    services.import_deals(engine, agreement, data, source_format="hubspot")
    assert stored_deals()["9001"]["amount_e4"] == e4


def test_problems_name_the_export_row_column_and_value(
    engine: Engine, agreement: Agreement, stored_deals: Stored
) -> None:
    rows = [list(r) for r in SALESFORCE_OPPORTUNITIES]
    rows[0][1] = "Two\nlines"  # rows below shift a line
    rows[0][4] = "12,500"
    rows[1][5], rows[1][8] = "3/1/2020", "1"  # closed before it was created
    rows[2][7] = "maybe"
    data = io.BytesIO(export_text(SALESFORCE_OPPORTUNITIES_HEADER, rows).encode("cp1250"))
    with pytest.raises(InputError) as caught:
        services.import_deals(engine, agreement, data, source_format="salesforce")
    assert str(caught.value).startswith("the deal file: 3 problems in 3 rows")
    assert caught.value.problems == [
        'the deal file row 2, column Amount: "12,500" is ambiguous: is , a decimal point or a '
        "thousands separator? Write it with its decimals (12,500.00) or set "
        "amounts.decimal_separator in a mapping file",
        'the deal file row 4, column Close Date: "3/1/2020" (read as "2020-03-01") is before '
        'Created Date "3/5/2020 9:00 AM" (read as "2020-03-05T09:00:00"); a deal cannot move '
        "before it exists",
        'the deal file row 5, column Won: "maybe" is not a yes/no value; write true or false '
        "(or 1 or 0)",
    ]
    assert stored_deals() == {}


def test_reimporting_changes_nothing(
    engine: Engine, agreement: Agreement, tmp_path: Path, stored_deals: Stored
) -> None:
    path = write_export(tmp_path / "d.csv", HUBSPOT_DEALS_HEADER, HUBSPOT_DEALS, "cp1250")
    services.import_deals(engine, agreement, path, source_format="hubspot")
    before = stored_deals()
    again = services.import_deals(engine, agreement, path, source_format="hubspot")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    assert stored_deals() == before


def test_skip_invalid_keeps_the_export_columns(
    engine: Engine, agreement: Agreement, tmp_path: Path, stored_deals: Stored
) -> None:
    rows = [list(r) for r in HUBSPOT_DEALS]
    rows[2][3] = "EUR 100"
    path = write_export(tmp_path / "d.csv", HUBSPOT_DEALS_HEADER, rows, "cp1250")
    report = services.import_deals(
        engine, agreement, path, source_format="hubspot", skip_invalid=True
    )
    assert (report.inserted, report.rejected) == (2, 1)
    assert report.rejects_path is not None
    text = report.rejects_path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == ",".join([*HUBSPOT_DEALS_HEADER, "error"])
    assert "9003,Łódź pilot,closedlost,EUR 100," in text
    assert "is not in USD, the agreement's currency" in text
