"""The scoreboard service joins deals, revenue, lead counts and the follow-up clock by month."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from revpact import services
from revpact.agreement_file import company_a_template
from revpact.cli import app
from revpact.domain.agreement import Agreement
from revpact.errors import RevpactError

LEADS = """\
lead_id,lead_type,stage,requested_follow_up,created_at,notified_at,first_touch_at,owner
L1,referral,late,true,2020-01-06T09:59:00-05:00,2020-01-06T10:00:00-05:00,2020-01-06T10:30:00-05:00,ann
L2,internet_sales_ready,late,true,2020-01-31T16:30:00-05:00,2020-01-31T16:30:00-05:00,2020-02-03T10:00:00-05:00,bob
L3,webinar,late,false,2020-02-03T10:00:00-05:00,2020-02-03T10:00:00-05:00,,bob
"""
DEALS = """\
deal_id,lead_id,created_at,proposal_at,closed_at,outcome,amount,owner
D1,L1,2020-01-06T12:00:00-05:00,2020-01-10T12:00:00-05:00,2020-01-31T12:00:00-05:00,won,900000.50,ann
D2,L2,2020-01-07T12:00:00-05:00,2020-01-12T12:00:00-05:00,2020-01-20T12:00:00-05:00,lost,,bob
D3,,2020-01-01T12:00:00-05:00,2020-01-02T12:00:00-05:00,2020-02-10T12:00:00-05:00,won,10,bob
"""
REVENUE = "month,amount\n2020-02,1000000\n"


@pytest.fixture
def loaded(engine: Engine, agreement: Agreement, tmp_path: Path) -> Engine:
    for name, text, service in (
        ("leads.csv", LEADS, services.import_leads),
        ("deals.csv", DEALS, services.import_deals),
        ("revenue.csv", REVENUE, services.import_revenue),
    ):
        (tmp_path / name).write_text(text, encoding="utf-8")
        service(engine, agreement, tmp_path / name)
    return engine


def test_months_are_scored_from_every_source(loaded: Engine, agreement: Agreement) -> None:
    board = services.year_scoreboard(loaded, agreement, as_of=datetime(2020, 2, 15, tzinfo=UTC))
    jan, feb = board.months
    assert (jan.month, feb.month) == (date(2020, 1, 1), date(2020, 2, 1))
    assert jan.revenue.actual == Decimal("900000.50")  # no revenue row: won deals
    assert feb.revenue.actual == Decimal("1000000")  # the recognised revenue row wins
    assert jan.revenue.ytd + feb.revenue.actual == feb.revenue.ytd
    assert (jan.close_rate.won, jan.close_rate.lost) == (1, 1)
    assert jan.sales_cycle.actual == Decimal(25)  # 6 Jan 12:00 -> 31 Jan 12:00
    # L1 met in January; L2 (notified 31 Jan 16:30, touched Monday 10:00) breached in January.
    assert (jan.follow_up.met, jan.follow_up.breached) == (1, 1)
    assert (feb.follow_up.met, feb.follow_up.breached) == (0, 0)  # L3 is excluded
    counts = {t.lead_type: t.count for t in jan.lead_value.by_type}
    assert counts["referral"] == 1 and counts["internet_sales_ready"] == 1
    assert jan.lead_value.actual == Decimal(9000)
    assert jan.escalation.level == 30 and feb.escalation.level == 60


def test_before_the_period_is_refused(loaded: Engine, agreement: Agreement) -> None:
    with pytest.raises(RevpactError, match="before the agreement's period"):
        services.year_scoreboard(loaded, agreement, as_of=datetime(2019, 12, 1, tzinfo=UTC))


def test_status_month_and_year_from_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("REVPACT_DATABASE_URL", raising=False)
    monkeypatch.delenv("REVPACT_AGREEMENT", raising=False)
    (tmp_path / "revpact.yaml").write_text(company_a_template("en"), encoding="utf-8")
    runner = CliRunner()
    for kind, text in (("leads", LEADS), ("deals", DEALS), ("revenue", REVENUE)):
        (tmp_path / f"{kind}.csv").write_text(text, encoding="utf-8")
        result = runner.invoke(app, ["import", kind, f"{kind}.csv"])
        assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["status", "--month", "2020-01", "--json"])
    assert result.exit_code == 0, result.output
    month = json.loads(result.output)
    assert month["month"] == "2020-01"
    assert month["revenue"]["actual"] == "900000.50"
    assert month["follow_up"]["met"] == 1 and month["follow_up"]["breached"] == 1
    for key in ("revenue", "goals", "lead_value", "follow_up", "close_rate"):
        assert key in month
    assert {"sales_cycle_days", "escalation", "reward"} <= month.keys()
    assert month["escalation"]["level"] == 30
    assert set(month["trend"].values()) == {None}  # the period's first month: nothing before it
    result = runner.invoke(app, ["status", "--month", "2020-02", "--json"])
    february = json.loads(result.output)
    assert february["trend"]["revenue"] == "99999.50"  # 1,000,000 recognised - 900,000.50 won
    assert february["trend"]["lead_value"] == "-7000"  # a 2,000 webinar lead after 9,000
    assert Decimal(february["trend"]["close_rate"]) == Decimal("0.5")  # 1 of 1 after 1 of 2
    assert Decimal(february["trend"]["sales_cycle_days"]) == Decimal(40 - 25)  # D3: 40 days
    result = runner.invoke(app, ["status", "--year", "2020", "--json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)["months"]) == 12
    result = runner.invoke(app, ["status", "--month", "2020-01"])
    assert result.exit_code == 0 and "Scoreboard" in result.output
    result = runner.invoke(app, ["status", "--month", "2021-01"])
    assert result.exit_code == 1 and "outside the agreement's period" in result.output
    result = runner.invoke(app, ["status", "--month", "June"])
    assert result.exit_code == 1 and "2020-06" in result.output
