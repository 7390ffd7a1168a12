"""The goals' one declaration against the month's score and its JSON: every place that loops
over :data:`MONTHLY_GOALS` reads the same figures the scoreboard computed."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from revpact.domain.agreement.model import Agreement
from revpact.domain.scoreboard.goals import MONTHLY_GOALS, GoalUnit, goal
from revpact.domain.scoreboard.trend import Trend, trend
from revpact.domain.scoreboard.year import (
    CycleStats,
    MonthFacts,
    MonthState,
    build_year,
)
from revpact.ingest.agreement_file import company_a_template, parse_agreement
from revpact.services.public.scoreboard import MonthScoreboard

COMPANY_A: Agreement = parse_agreement(company_a_template("en"))
TYPES = ("referral", "content", "webinar", "internet_sales_ready")


def _verdict_field(fields: tuple[tuple[str, str], ...]) -> str:
    (name,) = [name for name, kind in fields if kind == "verdict"]
    return name


def test_the_declaration_is_complete_and_unambiguous() -> None:
    assert len({g.key for g in MONTHLY_GOALS}) == len(MONTHLY_GOALS)
    assert len({g.section for g in MONTHLY_GOALS}) == len(MONTHLY_GOALS)
    assert [g.trend for g in MONTHLY_GOALS] == [f.name for f in dataclasses.fields(Trend)]
    for g in MONTHLY_GOALS:
        assert g.reached in dict(g.month_fields)
        assert "target" in dict(g.month_fields)
        _verdict_field(g.month_fields)
        _verdict_field(g.year_fields)
    assert [g.key for g in MONTHLY_GOALS if g.lower_is_better] == ["sales_cycle"]
    with pytest.raises(KeyError, match="the goals are revenue, lead_value"):
        goal("nps")


def test_better_follows_the_goal_direction() -> None:
    assert goal("revenue").better(Decimal(1)) is True
    assert goal("revenue").better(Decimal(-1)) is False
    assert goal("sales_cycle").better(Decimal(-1)) is True
    assert goal("sales_cycle").better(Decimal(1)) is False
    assert goal("close_rate").better(Decimal(0)) is None


months = st.integers(min_value=1, max_value=12)
counts = st.integers(min_value=0, max_value=400)


@st.composite
def month_facts(draw: st.DrawFn, month: int) -> MonthFacts:
    cycles = draw(st.lists(st.integers(min_value=0, max_value=400), max_size=6))
    return MonthFacts(
        month=date(2020, month, 1),
        revenue=draw(st.decimals(min_value=0, max_value=3_000_000, places=2, allow_nan=False)),
        leads_by_type={t: draw(counts) for t in TYPES},
        follow_up_met=draw(counts),
        follow_up_breached=draw(counts),
        follow_up_open=draw(counts),
        proposals_won=draw(st.integers(min_value=0, max_value=40)),
        proposals_lost=draw(st.integers(min_value=0, max_value=40)),
        won_cycle=CycleStats.of(cycles),
    )


@st.composite
def years(draw: st.DrawFn) -> list[MonthFacts]:
    last = draw(months)
    return [draw(month_facts(m)) for m in range(1, last + 1)]


@settings(max_examples=60, deadline=None)
@given(years())
def test_each_goal_reads_what_its_json_section_shows(facts: list[MonthFacts]) -> None:
    board = build_year(COMPANY_A, facts)
    previous = None
    for score in board.months:
        shown = MonthScoreboard.of(score).model_dump(mode="json")
        change = trend(previous, score)
        for g in MONTHLY_GOALS:
            reached, target, met = g.figures(score)
            section = shown[g.section]
            for name, _kind in g.month_fields:
                assert name in section, (g.key, name)
            assert section[g.reached] == (None if reached is None else str(reached))
            assert Decimal(section["target"]) == target
            assert section[_verdict_field(g.month_fields)] == met
            before: Decimal | None = None if previous is None else g.figures(previous)[0]
            partial = g.unit is GoalUnit.MONEY and score.state is MonthState.IN_PROGRESS
            expected: Decimal | None = None
            if before is not None and reached is not None and not partial:
                expected = reached - before
            assert getattr(change, g.trend) == expected
        previous = score
