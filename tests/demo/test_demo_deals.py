from __future__ import annotations

import csv
import io
import time
from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from revpact import services
from revpact.demo.data import DEMO_AS_OF, DemoLead, generate_leads, write_leads_csv
from revpact.demo.deals import (
    DemoDeal,
    demo_revenue,
    generate_deals,
    write_deals_csv,
    write_revenue_csv,
)
from revpact.demo.history import close_demo_months
from revpact.domain.scoreboard.year import YearScoreboard
from revpact.ingest.agreement_file import company_a_template, parse_agreement
from revpact.store.db import open_store

TRAJECTORY = (902_500, 972_000, 1_041_500, 1_111_000, 1_180_500)


@pytest.fixture(scope="module")
def leads() -> list[DemoLead]:
    return generate_leads()


@pytest.fixture(scope="module")
def deals(leads: list[DemoLead]) -> list[DemoDeal]:
    return generate_deals(leads)


def deals_text(deals: list[DemoDeal]) -> str:
    buf = io.StringIO()
    write_deals_csv(deals, buf)
    return buf.getvalue()


def covered(lead: DemoLead) -> bool:
    return lead.requested_follow_up and lead.lead_type != "webinar" and lead.stage == "late"


# --- the deals -----------------------------------------------------------------------------


def test_same_leads_and_seed_give_identical_deals(
    leads: list[DemoLead], deals: list[DemoDeal]
) -> None:
    assert deals_text(generate_deals(leads)) == deals_text(deals)
    assert deals_text(generate_deals(leads, seed=7)) != deals_text(deals)


def test_deal_csv_has_the_deal_file_columns(deals: list[DemoDeal]) -> None:
    rows = list(csv.DictReader(io.StringIO(deals_text(deals))))
    assert list(rows[0]) == [
        "deal_id", "lead_id", "created_at", "proposal_at", "closed_at", "outcome", "amount",
        "owner",
    ]  # fmt: skip
    assert len(rows) == len(deals)
    assert len({row["deal_id"] for row in rows}) == len(rows)
    assert {row["outcome"] for row in rows} == {"won", "lost", "open"}
    assert all(row["amount"] and row["owner"] for row in rows)


def test_deals_come_from_touched_sales_ready_leads(
    leads: list[DemoLead], deals: list[DemoDeal]
) -> None:
    by_id = {lead.lead_id: lead for lead in leads}
    from_leads = [deal for deal in deals if deal.lead_id is not None]
    carried = [deal for deal in deals if deal.lead_id is None]
    assert carried and all(deal.created_at.year == 2019 for deal in carried)
    assert all(deal.created_at.year == 2020 for deal in from_leads)
    for deal in from_leads:
        assert deal.lead_id is not None
        lead = by_id[deal.lead_id]
        assert covered(lead) and lead.first_touch_at is not None
        assert lead.first_touch_at <= deal.created_at
        assert deal.owner == lead.owner
    sales_ready = sum(1 for lead in leads if covered(lead) and lead.first_touch_at is not None)
    assert 0.3 < len(from_leads) / sales_ready < 0.7
    assert len({deal.lead_id for deal in from_leads}) == len(from_leads)


def test_deal_timeline_is_consistent(deals: list[DemoDeal]) -> None:
    for deal in deals:
        assert deal.created_at <= DEMO_AS_OF
        if deal.proposal_at is not None:
            assert deal.created_at <= deal.proposal_at <= DEMO_AS_OF
        if deal.outcome == "open":
            assert deal.closed_at is None
            continue
        assert deal.closed_at is not None
        assert deal.created_at <= deal.closed_at <= DEMO_AS_OF
        assert 20 <= (deal.closed_at - deal.created_at).days <= 62
        if deal.outcome == "won":
            assert deal.proposal_at is not None
    assert sum(deal.proposal_at is not None for deal in deals) / len(deals) > 0.75


def test_close_rate_and_cycle_improve_through_the_year(deals: list[DemoDeal]) -> None:
    won, decided = Counter[int](), Counter[int]()
    cycle: dict[int, list[float]] = {}
    for deal in deals:
        if deal.closed_at is None or deal.proposal_at is None:
            continue
        month = deal.closed_at.month
        decided[month] += 1
        if deal.outcome == "won":
            won[month] += 1
            days = (deal.closed_at - deal.created_at).total_seconds() / 86_400
            cycle.setdefault(month, []).append(days)
    assert all(decided[m] >= 15 for m in range(1, 13)), decided

    def rate(months: range) -> float:
        return sum(won[m] for m in months) / sum(decided[m] for m in months)

    def mean_cycle(months: range) -> float:
        days = [d for m in months for d in cycle[m]]
        return sum(days) / len(days)

    assert rate(range(1, 4)) < 0.25 < 0.45 < rate(range(9, 13))
    assert mean_cycle(range(1, 4)) > 45 > 35 > mean_cycle(range(9, 13))


def test_generating_deals_is_fast(leads: list[DemoLead]) -> None:
    started = time.perf_counter()
    generate_deals(leads, seed=3)
    assert time.perf_counter() - started < 0.5


# --- revenue --------------------------------------------------------------------------------


def test_revenue_starts_at_the_article_run_rate_and_recovers() -> None:
    months = demo_revenue()
    assert [row.month for row in months] == [date(2020, m, 1) for m in range(1, 13)]
    assert months[0].amount == Decimal(833_000)
    amounts = [row.amount for row in months]
    assert amounts == sorted(amounts)
    assert all(a < t for a, t in zip(amounts[:5], TRAJECTORY, strict=True))
    assert all(a >= 1_250_000 for a in amounts[7:])
    buf = io.StringIO()
    write_revenue_csv(months, buf)
    lines = buf.getvalue().splitlines()
    assert lines[:2] == ["month,amount", "2020-01,833000"] and len(lines) == 13


# --- the story on the real scoreboard -------------------------------------------------------


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory) -> tuple[YearScoreboard, float]:
    started = time.perf_counter()
    workdir: Path = tmp_path_factory.mktemp("demo")
    agreement = parse_agreement(company_a_template("en"), "revpact.yaml")
    engine = open_store(f"sqlite:///{workdir / 'revpact.db'}")
    calendar = agreement.business_calendar()
    leads = generate_leads(
        timezone=agreement.calendar.timezone, is_business_time=calendar.is_business_time
    )
    files = {name: workdir / f"{name}.csv" for name in ("leads", "deals", "revenue")}
    with files["leads"].open("w", encoding="utf-8", newline="") as fp:
        write_leads_csv(leads, fp)
    with files["deals"].open("w", encoding="utf-8", newline="") as fp:
        write_deals_csv(generate_deals(leads), fp)
    with files["revenue"].open("w", encoding="utf-8", newline="") as fp:
        write_revenue_csv(demo_revenue(), fp)
    services.import_leads(engine, agreement, files["leads"])
    services.import_deals(engine, agreement, files["deals"])
    services.import_revenue(engine, agreement, files["revenue"])
    built = time.perf_counter() - started
    # The months are closed as they end (as the demo does): escalation and rewards count them.
    close_demo_months(engine, agreement, until=DEMO_AS_OF, now=datetime.now(UTC))
    scored = services.year_scoreboard(engine, agreement, as_of=DEMO_AS_OF)
    return scored, built


def test_spring_escalates_to_the_90_day_step(board: tuple[YearScoreboard, float]) -> None:
    scored, _ = board
    assert scored.complete
    levels = [month.escalation.level for month in scored.months]
    assert levels[:3] == [30, 60, 90]
    assert max(levels) >= 60
    for month in scored.months[:5]:
        assert not month.shared_goals.met
        assert month.revenue.met is False and month.close_rate.met is False
        assert month.sales_cycle.met is False and month.follow_up.met_goal is False
    assert scored.months[0].revenue.actual == Decimal(833_000)


def test_autumn_recovers_and_earns_the_reward(board: tuple[YearScoreboard, float]) -> None:
    scored, _ = board
    months = scored.months
    recovered = [
        k for k in range(1, len(months))
        if months[k].escalation.level == 0 and months[k - 1].escalation.level >= 60
    ]  # fmt: skip
    assert recovered, [m.escalation.level for m in months]
    october = months[9]
    assert october.month == date(2020, 10, 1)
    assert october.shared_goals.met and october.team_goals_met
    assert october.follow_up.compliance == 1 and october.follow_up.breached == 0
    assert october.escalation.level == 0
    assert october.reward.earned and october.reward.amount == Decimal(5000)
    assert all(not month.reward.earned for month in months[:8])
    december = months[11]
    assert december.follow_up.open >= 1  # the year-end leads still waiting are not decided


def test_the_demo_data_builds_in_a_few_seconds(board: tuple[YearScoreboard, float]) -> None:
    _, seconds = board
    assert seconds < 5.0


def test_deals_are_dated_in_the_leads_time_zone(deals: list[DemoDeal]) -> None:
    offsets = {deal.created_at.utcoffset() for deal in deals if deal.created_at.month == 7}
    assert offsets == {datetime(2020, 7, 1, tzinfo=DEMO_AS_OF.tzinfo).utcoffset()}
