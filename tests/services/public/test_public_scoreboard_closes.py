"""The scoreboard with each month's close, as ``revpact status --json``, ``GET /scoreboard`` and
``revpact status --month --json`` give it: each month's figures, then its trend and its close."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from revpact.domain.agreement.model import Agreement
from revpact.domain.scoreboard.facts import CycleStats, MonthFacts
from revpact.domain.scoreboard.trend import trend
from revpact.domain.scoreboard.year import YearScoreboard, build_year
from revpact.ingest.agreement_file import company_a_template, parse_agreement
from revpact.services.public.scoreboard import MonthScoreboard, TrendPublic
from revpact.services.public.scoreboard_closes import (
    MonthDetailPublic,
    ScoreboardAt,
    ScoreboardPublic,
)

MEXICO = "A fully paid trip to Mexico for both teams, spouses included"


@pytest.fixture(scope="module")
def board() -> YearScoreboard:
    """January decided, February in progress."""
    agreement: Agreement = parse_agreement(company_a_template("en"))
    facts = [
        MonthFacts(
            month=date(2020, month, 1),
            revenue=Decimal(1_300_000),
            leads_by_type={"referral": 10},
            follow_up_met=month,
            proposals_won=6,
            proposals_lost=4,
            won_cycle=CycleStats.of([30, 32]),
        )
        for month in (1, 2)
    ]
    return build_year(agreement, facts, elapsed=Decimal("0.5"))


CLOSED = {
    "state": "closed",
    "by": "margaret.lowell@company-a.example",
    "at": "2020-02-03T12:00:00+00:00",
    "version": "f" * 64,
    "facts_hash": "e" * 64,
    "restatements": [{"figure": "proposals_won", "old": 1, "new": 2}],
}
RUNNING = {
    "state": "in_progress",
    "by": None,
    "at": None,
    "version": None,
    "facts_hash": None,
    "restatements": [],
}


def test_the_year_with_its_closes_adds_each_months_close_last(board: YearScoreboard) -> None:
    closes = {"2020-01": CLOSED, "2020-02": RUNNING}
    data = ScoreboardPublic.of(board, closes).model_dump(mode="json")
    january, february = (MonthScoreboard.of(m).model_dump(mode="json") for m in board.months)
    assert data == {
        "months": [{**january, "close": CLOSED}, {**february, "close": RUNNING}],
        "complete": False,
        "annual_reward": {
            "text": MEXICO,
            "earned": None,
            "team_goals": None,
            "financial_goals": None,
        },
    }
    assert list(data["months"][0])[-2:] == ["reward", "close"]
    # a month with no close block has a null close
    assert ScoreboardPublic.of(board, {}).model_dump(mode="json")["months"][0]["close"] is None
    moment = datetime(2020, 2, 14, 12, tzinfo=UTC)
    at = ScoreboardAt.of(moment, board, closes).model_dump(mode="json")
    assert at == {"as_of": "2020-02-14T12:00:00+00:00", **data}
    assert list(at)[:2] == ["as_of", "months"]


def test_one_month_in_detail_adds_its_trend_then_its_close(board: YearScoreboard) -> None:
    january, february = board.months
    change = trend(january, february)
    data = MonthDetailPublic.of(february, change, {"2020-02": RUNNING}).model_dump(mode="json")
    assert data == {
        **MonthScoreboard.of(february).model_dump(mode="json"),
        "trend": TrendPublic.of(change).model_dump(mode="json"),
        "close": RUNNING,
    }
    assert list(data)[-3:] == ["reward", "trend", "close"]
