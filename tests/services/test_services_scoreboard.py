"""The scoreboard service joins deals, revenue, lead counts and the follow-up clock by month."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from revpact import services
from revpact.cli import app
from revpact.domain.agreement.accountability import SharedGoal
from revpact.domain.agreement.goals import RevenueSourceRule
from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.calendar import to_us
from revpact.domain.scoreboard.facts import cents
from revpact.domain.scoreboard.year import (
    GoalStatus,
    MonthFacts,
    MonthScore,
    MonthState,
    RevenueSource,
    trajectory_target,
)
from revpact.errors import RevpactError
from revpact.ingest.agreement_file import company_a_template, parse_agreement
from revpact.services import scoreboard as scoreboard_service
from revpact.services.public.scoreboard import MonthScoreboard

CloseMonths = Callable[..., object]  # the close_months fixture (tests/conftest.py)


def shown(score: MonthScore) -> dict[str, Any]:
    """The month as revpact sends it."""
    return MonthScoreboard.of(score).model_dump(mode="json")


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


def test_months_are_scored_from_every_source(
    loaded: Engine, agreement: Agreement, close_months: CloseMonths
) -> None:
    # January's last lead is decided on Monday 3 February: it closes after that.
    close_months(loaded, agreement, "2020-01", after=timedelta(days=4))
    close_months(loaded, agreement, "2020-02")
    board = services.year_scoreboard(loaded, agreement, as_of=datetime(2020, 3, 2, tzinfo=UTC))
    jan, feb, _ = board.months
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
    assert (jan.revenue.source, jan.revenue.fallback) == (RevenueSource.WON_DEALS, True)
    assert (feb.revenue.source, feb.revenue.fallback) == (RevenueSource.RECOGNISED, False)
    assert feb.revenue.fallback_months == 1  # the year to date leans on January's won deals


def test_the_month_in_progress_is_month_to_date_and_counts_for_nothing(
    loaded: Engine, agreement: Agreement, close_months: CloseMonths
) -> None:
    close_months(loaded, agreement, "2020-01", after=timedelta(days=4))
    as_of = datetime(2020, 2, 15, 5, tzinfo=UTC)  # 15 Feb 00:00 in New York: 14 of 29 days
    board = services.year_scoreboard(loaded, agreement, as_of=as_of)
    jan, feb = board.months
    assert (jan.state, feb.state) == (MonthState.DECIDED, MonthState.IN_PROGRESS)
    share = Decimal(14) / 29
    assert feb.revenue.share == share
    # February's revenue row is not known before February ends: the deals won so far stand in.
    assert (feb.revenue.actual, feb.revenue.source) == (Decimal("10.00"), RevenueSource.WON_DEALS)
    assert feb.revenue.target == cents(trajectory_target(agreement.company_goals, 1, 5) * share)
    assert feb.lead_value.target == cents(Decimal(550000) * share)
    assert feb.revenue.met is None and feb.lead_value.met is None  # never missed while it runs
    assert feb.shared_goals.missed == ()
    assert feb.escalation == replace(jan.escalation, entered=False, actions=())
    assert feb.escalation.level == 30 and not feb.reward.earned
    assert shown(feb)["state"] == "in_progress"
    assert shown(feb)["shared_goals"]["met"] is None  # no verdict while it runs
    assert shown(jan)["shared_goals"]["met"] is False


def test_as_of_is_truncation(loaded: Engine, agreement: Agreement) -> None:
    """D3 (created 1 Jan, proposal 2 Jan, won 10 Feb) is open on 5 Feb; L3 does not exist on
    2 Feb; the February revenue row is unknown until 1 March."""
    before = services.year_scoreboard(loaded, agreement, as_of=datetime(2020, 2, 2, tzinfo=UTC))
    feb = before.months[1]
    assert feb.lead_value.actual == 0 and feb.close_rate.won == 0
    after = services.year_scoreboard(loaded, agreement, as_of=datetime(2020, 2, 12, tzinfo=UTC))
    feb = after.months[1]
    assert feb.lead_value.actual > 0 and feb.close_rate.won == 1
    assert feb.revenue.actual == Decimal("10.00")


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
    # Not closed yet: January has ended but has no verdict, never "missed".
    result = runner.invoke(app, ["status", "--month", "2020-01"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "to close" in result.output and "missed" not in result.output
    cfo = "david.okafor@company-a.example"
    result = runner.invoke(app, ["month", "close", "2020-01", "--by", cfo, "--at", "2020-02-05"])
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
    # As of 15 February: February runs, its revenue row is not known, and the tables say so.
    moment = ["--as-of", "2020-02-15T12:00"]
    result = runner.invoke(app, ["status", "--month", "2020-02", *moment, "--json"])
    february = json.loads(result.output)
    assert (february["state"], february["provisional"]) == ("in_progress", True)
    assert (
        february["revenue"] | {"actual": "10.00", "source": "won_deals", "fallback": True}
        == (february["revenue"])
    )
    result = runner.invoke(app, ["status", "--month", "2020-02", *moment])
    assert result.exit_code == 0, result.output
    assert "in progress" in result.output and "10 USD*" in result.output
    assert "the deals won in it (fallback)" in result.output
    result = runner.invoke(app, ["status", "--year", "2020", *moment], terminal_width=80)
    assert result.exit_code == 0, result.output
    assert "900*" in result.output and "so far" in result.output
    assert "so far: in progress" in result.output and "(fallback)" in result.output


def test_an_amendment_changes_only_the_months_that_start_after_it(
    loaded: Engine, agreement: Agreement, tmp_path: Path
) -> None:
    """Publish v1 and have everyone sign; score the year; publish and sign an amendment that
    raises the target run rate from October; every earlier month's JSON is unchanged."""
    from revpact.services import agreement_versions as av

    revenue = "month,amount\n" + "".join(f"2020-{m:02d},1260000\n" for m in range(1, 13))
    (tmp_path / "year.csv").write_text(revenue, encoding="utf-8")
    services.import_revenue(loaded, agreement, tmp_path / "year.csv")
    now = datetime(2021, 1, 5, tzinfo=UTC)
    as_of = datetime(2021, 1, 1, 12, tzinfo=UTC)
    source = company_a_template("en")

    def publish_and_sign(text: str, at: datetime) -> None:
        av.publish(loaded, parse_agreement(text), text, at=at, now=now)
        for minutes, person in enumerate(av.versions(loaded)[-1].agreement.signatories):
            at += timedelta(minutes=minutes + 1)
            av.sign(loaded, person.email, version=None, at=at, now=now, via="cli")

    def months() -> dict[str, dict[str, object]]:
        # every month scored as if closed, so that the verdicts are compared too
        board = services.year_scoreboard(loaded, agreement, as_of=as_of, require_close=False)
        return {f"{m.month:%Y-%m}": shown(m) for m in board.months}

    publish_and_sign(source, datetime(2019, 12, 1, tzinfo=UTC))
    before = months()
    amended = source.replace("target_monthly_run_rate: 1250000", "target_monthly_run_rate: 1300000")
    assert amended != source
    publish_and_sign(amended, datetime(2020, 9, 20, tzinfo=UTC))  # in force from 20 September
    after = months()
    assert len(before) == len(after) == 12
    for month in (f"2020-{m:02d}" for m in range(1, 10)):
        assert after[month] == before[month], month
    # ... and the amendment does govern October on (this test can tell the difference).
    assert after["2020-10"]["agreement_version"]["number"] == 2  # type: ignore[index]
    assert after["2020-10"]["revenue"]["target"] == "1300000"  # type: ignore[index]
    assert after["2020-10"]["revenue"]["met"] is False  # type: ignore[index]
    assert before["2020-10"]["revenue"]["met"] is True  # type: ignore[index]


def test_recognised_only_leaves_a_month_without_a_row_unknown(
    loaded: Engine, agreement: Agreement
) -> None:
    strict = agreement.model_copy(
        update={
            "company_goals": agreement.company_goals.model_copy(
                update={"revenue_source": RevenueSourceRule.RECOGNISED}
            )
        }
    )
    board = services.year_scoreboard(loaded, strict, as_of=datetime(2020, 3, 2, tzinfo=UTC))
    jan, feb, _ = board.months
    assert (jan.revenue.actual, jan.revenue.met, jan.revenue.source) == (
        None,
        None,
        RevenueSource.NONE,
    )
    assert not jan.revenue.fallback and jan.revenue.months_unknown == 1
    assert dict(jan.shared_goals.statuses)[SharedGoal.REVENUE_TRAJECTORY] is GoalStatus.NO_DATA
    assert feb.revenue.actual == Decimal(1000000) and feb.revenue.ytd == Decimal(1000000)
    assert shown(jan)["revenue"]["actual"] is None


def test_with_close_required_only_closed_months_count_and_keep_their_frozen_facts(
    loaded: Engine, agreement: Agreement, monkeypatch: pytest.MonkeyPatch
) -> None:
    """January is closed with facts frozen at the close (revenue 1,300,000 where the store now
    says 900,000.50); February has ended but is not closed; March runs."""
    frozen = {date(2020, 1, 1): MonthFacts(date(2020, 1, 1), Decimal(1_300_000))}
    calls: list[int] = []

    def closed_facts(engine: Engine, months: object, *, as_of_us: int) -> dict[date, MonthFacts]:
        calls.append(as_of_us)
        return frozen

    monkeypatch.setattr(scoreboard_service, "closed_facts", closed_facts)
    as_of = datetime(2020, 3, 2, tzinfo=UTC)
    board = services.year_scoreboard(loaded, agreement, as_of=as_of, require_close=True)
    jan, feb, _ = board.months
    assert calls == [to_us(as_of)]
    assert jan.revenue.actual == Decimal(1_300_000)  # the frozen figure, not today's
    assert [m.state for m in board.months] == [
        MonthState.DECIDED,
        MonthState.AWAITING_CLOSE,
        MonthState.IN_PROGRESS,
    ]
    assert jan.escalation.level == 30  # January's lead value and follow-up missed
    assert (feb.escalation.level, feb.escalation.entered) == (30, False)  # not counted yet
    assert services.year_scoreboard(loaded, agreement, as_of=as_of) == board  # the default
    # Scored as if every ended month were closed (what a close freezes):
    relaxed = services.year_scoreboard(loaded, agreement, as_of=as_of, require_close=False)
    assert (
        relaxed.months[1].state is MonthState.DECIDED and relaxed.months[1].escalation.level == 60
    )
    assert relaxed.months[0].revenue.actual == Decimal(1_300_000)  # frozen facts either way
