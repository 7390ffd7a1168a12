"""Import deals and revenue, and the monthly facts, on SQLite and (when configured) PostgreSQL.

Company A's calendar is America/New_York: June 2020 runs from 2020-06-01T04:00Z to
2020-07-01T04:00Z.
"""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from revpact import services
from revpact.domain.agreement.model import Agreement
from revpact.errors import InputError
from revpact.ingest.deals import DEAL_COLUMNS
from revpact.services.deals import (
    RevenueSource,
    import_deals,
    import_revenue,
    monthly_facts,
)
from revpact.services.public.deals import DealMonthPublic
from revpact.store import open_store
from revpact.store.db import SCHEMA_HEAD

JUNE, JULY = date(2020, 6, 1), date(2020, 7, 1)

# deal_id, lead_id, created_at, proposal_at, closed_at, outcome, amount, owner
DEALS = [
    # won in June (23:30 New York time on 30 June is 03:30Z on 1 July): 29.5 days
    ("D1", "A1", "2020-06-01T09:00:00-04:00", "2020-06-10T09:00:00-04:00",
     "2020-06-30T21:00:00-04:00", "won", "1000.10", "ana"),
    ("D2", "", "2020-06-20T23:30:00-04:00", "", "2020-06-30T23:30:00-04:00", "won", "500", "ben"),
    # lost in June with a proposal; lost in June without one
    ("D3", "A2", "2020-05-01T09:00:00Z", "2020-05-02T09:00:00Z", "2020-06-15T09:00:00Z",
     "lost", "", "ana"),
    ("D4", "", "2020-05-01T09:00:00Z", "", "2020-06-15T09:00:00Z", "lost", "7", ""),
    # won on 1 July, 00:30 New York time
    ("D5", "", "2020-06-30T09:00:00Z", "2020-06-30T10:00:00Z", "2020-07-01T04:30:00Z",
     "won", "0.20", ""),
    ("D6", "", "2020-06-30T09:00:00Z", "", "", "open", "99", ""),
]  # fmt: skip


def write(path: Path, rows: list[tuple[str, ...]], header: tuple[str, ...] = DEAL_COLUMNS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fp:
        writer = csv.writer(fp)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def deals_table(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        query = text(  # the facts (not who recorded them, or when)
            "SELECT deal_id, lead_id, created_us, proposal_us, closed_us, outcome, amount_e4, "
            "owner FROM deals ORDER BY deal_id"
        )
        return [tuple(r) for r in conn.execute(query)]


@pytest.fixture
def deals_csv(tmp_path: Path) -> Path:
    return write(tmp_path / "deals.csv", DEALS)


def test_import_is_idempotent_and_updates_changed_rows(
    engine: Engine, agreement: Agreement, deals_csv: Path, tmp_path: Path
) -> None:
    first = import_deals(engine, agreement, deals_csv)
    assert (first.rows, first.inserted, first.updated, first.unchanged, first.rejected) == (
        6, 6, 0, 0, 0,
    )  # fmt: skip
    before = deals_table(engine)
    again = import_deals(engine, agreement, deals_csv)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 6)
    assert deals_table(engine) == before
    changed = [
        *DEALS[:5],
        ("D6", "", "2020-06-30T09:00:00Z", "", "2020-07-02T09:00:00Z", "won", "99", "ana"),
        ("D7", "", "2020-07-01T09:00:00Z", "", "", "open", "", ""),
    ]
    report = import_deals(engine, agreement, write(tmp_path / "b.csv", changed))
    assert (report.inserted, report.updated, report.unchanged) == (1, 1, 5)
    [d6] = [row for row in deals_table(engine) if row[0] == "D6"]
    assert d6[5:] == ("won", 990000, "ana")


def test_a_bad_file_stores_nothing(
    engine: Engine, agreement: Agreement, deals_csv: Path, tmp_path: Path
) -> None:
    import_deals(engine, agreement, deals_csv)
    before = deals_table(engine)
    rows = [(f"{r[0]}x", *r[1:]) for r in DEALS]
    rows[2] = (*rows[2][:6], "12.345", rows[2][7])
    bad = write(tmp_path / "bad.csv", rows)
    with pytest.raises(InputError) as caught:
        import_deals(engine, agreement, bad)
    assert str(caught.value).startswith(f"{bad}: 1 problem in 1 row; nothing was imported")
    assert caught.value.problems == [
        f'{bad} row 4, column amount: "12.345" has more decimal places than the currency; '
        "write at most 2 decimal places"
    ]
    assert deals_table(engine) == before


def test_skip_invalid_writes_the_rejects(
    engine: Engine, agreement: Agreement, tmp_path: Path
) -> None:
    rows = [*DEALS[:2], ("D9", "", "2020-06-02T09:00:00Z", "", "2020-06-01T09:00:00Z", "won",
                         "1", "")]  # fmt: skip
    source = write(tmp_path / "deals.csv", rows)
    report = import_deals(engine, agreement, source, skip_invalid=True)
    assert (report.inserted, report.rejected) == (2, 1)
    assert report.rejects_path == tmp_path / "deals.rejects.csv"
    with report.rejects_path.open(newline="", encoding="utf-8") as fp:
        written = list(csv.reader(fp))
    assert written[0] == [*DEAL_COLUMNS, "error"]
    assert written[1][:8] == list(rows[2])
    assert written[1][8].startswith(f'{source} row 4, column closed_at: "2020-06-01T09:00:00Z" is')
    assert [r[0] for r in deals_table(engine)] == ["D1", "D2"]


def test_amounts_are_exact(engine: Engine, agreement: Agreement, tmp_path: Path) -> None:
    rows = [
        (f"D{i}", "", "2020-06-01T09:00:00Z", "", "2020-06-02T09:00:00Z", "won",
         "0.10" if i % 2 else "0.20", "")
        for i in range(1000)
    ]  # fmt: skip
    import_deals(engine, agreement, write(tmp_path / "d.csv", rows))
    [june] = monthly_facts(engine, agreement, [JUNE])
    assert june.revenue == Decimal("150.00") and str(june.revenue) == "150.00"
    assert june.revenue_source is RevenueSource.WON_DEALS
    assert june.deals_won == 1000 and june.median_cycle_seconds == 86_400


def test_monthly_facts_in_new_york_time(
    engine: Engine, agreement: Agreement, deals_csv: Path, tmp_path: Path
) -> None:
    leads = tmp_path / "leads.csv"
    leads.write_text(
        "lead_id,lead_type,stage,requested_follow_up,created_at,notified_at,first_touch_at,owner\n"
        "A1,content,late,false,2020-06-30T23:59:00-04:00,,,\n"
        "A2,webinar,late,false,2020-06-01T00:00:00-04:00,,,\n"
        "A3,webinar,late,false,2020-05-31T23:59:00-04:00,,,\n",
        encoding="utf-8",
    )
    services.import_leads(engine, agreement, leads)
    import_deals(engine, agreement, deals_csv)
    june, july, may = monthly_facts(engine, agreement, [JUNE, date(2020, 7, 15), date(2020, 5, 1)])
    assert june.month == JUNE and july.month == JULY
    assert (june.deals_won, june.deals_lost, june.proposals_won, june.proposals_lost) == (
        2, 2, 1, 1,
    )  # fmt: skip
    assert june.revenue == Decimal("1500.10") and june.won_amount == Decimal("1500.10")
    assert june.cycle_seconds_total == 29 * 86_400 + 12 * 3600 + 10 * 86_400
    assert june.median_cycle_seconds == (29.5 * 86_400 + 10 * 86_400) / 2
    assert june.median_cycle_days == Decimal("19.7500")
    assert june.leads_by_type == {
        "content": 1, "internet_sales_ready": 0, "referral": 0, "webinar": 1,
    }  # fmt: skip
    assert (july.deals_won, july.revenue, july.proposals_won) == (1, Decimal("0.20"), 1)
    assert july.leads == 0 and may.leads_by_type["webinar"] == 1
    assert may.median_cycle_seconds is None and may.revenue == Decimal("0.00")
    assert DealMonthPublic.of(june).model_dump(mode="json")["revenue"] == "1500.10"


def test_recognised_revenue_wins_over_won_deals(
    engine: Engine, agreement: Agreement, deals_csv: Path, tmp_path: Path
) -> None:
    import_deals(engine, agreement, deals_csv)
    revenue = write(tmp_path / "rev.csv", [("2020-06", "2000.00")], ("month", "amount"))
    first = import_revenue(engine, agreement, revenue)
    assert (first.inserted, first.updated, first.unchanged) == (1, 0, 0)
    again = import_revenue(engine, agreement, revenue)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 1)
    june, july = monthly_facts(engine, agreement, [JUNE, JULY])
    assert (june.revenue, june.revenue_source) == (Decimal("2000.00"), RevenueSource.RECOGNISED)
    assert june.won_amount == Decimal("1500.10")
    assert (july.revenue, july.revenue_source) == (Decimal("0.20"), RevenueSource.WON_DEALS)
    changed = write(tmp_path / "rev2.csv", [("2020-06", "2000.5"), ("2020-07", "1")],
                    ("month", "amount"))  # fmt: skip
    report = import_revenue(engine, agreement, changed)
    assert (report.inserted, report.updated, report.unchanged) == (1, 1, 0)
    june, july = monthly_facts(engine, agreement, [JUNE, JULY])
    assert (june.revenue, july.revenue) == (Decimal("2000.50"), Decimal("1.00"))


def test_a_bad_revenue_file_stores_nothing(
    engine: Engine, agreement: Agreement, tmp_path: Path
) -> None:
    bad = write(tmp_path / "rev.csv", [("2020-06", "1"), ("2020-6", "2")], ("month", "amount"))
    with pytest.raises(InputError, match=r'row 3, column month: "2020-6" is not a month'):
        import_revenue(engine, agreement, bad)
    assert monthly_facts(engine, agreement, [JUNE])[0].revenue_source is RevenueSource.WON_DEALS


def test_the_migration_applies_on_top_of_0001(database_url: str) -> None:
    from alembic import command

    from revpact.store.db import _alembic_config

    url = database_url
    old = create_engine(url)
    with old.begin() as conn:
        config = _alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        conn.execute(text("INSERT INTO store_state (key, value) VALUES ('probe', 'kept')"))
    old.dispose()
    store = open_store(url)
    try:
        with store.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
                SCHEMA_HEAD
            )
            assert conn.execute(text("SELECT value FROM store_state")).scalar() == "kept"
            assert conn.execute(text("SELECT COUNT(*) FROM deals")).scalar() == 0
    finally:
        store.dispose()
