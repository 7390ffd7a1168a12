"""Properties of the scoreboard's arithmetic, checked with hypothesis."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from revpact.domain.agreement.model import Agreement
from revpact.domain.scoreboard.accountability import escalation_states
from revpact.domain.scoreboard.year import (
    CycleStats,
    MonthFacts,
    build_year,
    validate_split,
)
from revpact.ingest.agreement_file import company_a_template, parse_agreement

COMPANY_A: Agreement = parse_agreement(company_a_template("en"))
RATE = COMPANY_A.company_goals.target_monthly_run_rate
LADDER = (0, 30, 60, 90)

cents = st.integers(min_value=0, max_value=300_000_000).map(lambda c: Decimal(c).scaleb(-2))
below_rate = st.integers(min_value=0, max_value=int(RATE * 100)).map(
    lambda c: Decimal(c).scaleb(-2)
)


def facts(revenues: list[Decimal], leads: int = 50) -> list[MonthFacts]:
    return [
        MonthFacts(
            date(2020, i + 1, 1),
            revenue,
            {"referral": leads},
            follow_up_met=3,
            follow_up_breached=1,
            proposals_won=1,
            proposals_lost=2,
            won_cycle=CycleStats.of([40]),
        )
        for i, revenue in enumerate(revenues)
    ]


def test_company_a_targets_agree() -> None:
    """The properties below rely on annual target == 12 x target run rate."""
    assert COMPANY_A.company_goals.annual_revenue_target == 12 * RATE


@settings(max_examples=200, deadline=None)
@given(
    before=st.lists(below_rate, min_size=5, max_size=5),
    after=st.lists(cents, min_size=7, max_size=7),
)
def test_goal2_and_goal3_agree_when_every_month_before_june_falls_short(
    before: list[Decimal], after: list[Decimal]
) -> None:
    """With annual target == 12 x run rate and every month before the run-rate month at or below
    the run rate, Goal 3's inequality is Goal 2's rearranged: they are decided alike."""
    goals = build_year(COMPANY_A, facts(before + after)).months[-1].goals
    assert goals.goal2.met is not None
    assert goals.goal2.met == goals.goal3.met


@settings(max_examples=200, deadline=None)
@given(revenues=st.lists(cents, min_size=12, max_size=12))
def test_goal2_implies_goal3(revenues: list[Decimal]) -> None:
    """Without the condition only one direction holds: an early surplus helps Goal 3 alone."""
    goals = build_year(COMPANY_A, facts(revenues)).months[-1].goals
    if goals.goal2.met:
        assert goals.goal3.met is True
    if goals.goal1.met and not goals.goal3.met:
        assert goals.goal2.met is False


@given(met=st.lists(st.booleans(), max_size=24))
def test_escalation_never_skips_a_level_and_resets_on_a_met_month(met: list[bool]) -> None:
    months = [(date(2020 + i // 12, i % 12 + 1, 1), ok) for i, ok in enumerate(met)]
    states = escalation_states(COMPANY_A.consequences, months)
    previous = 0
    for (_, ok), state in zip(months, states, strict=True):
        assert state.level in LADDER
        if ok:
            assert (state.level, state.since, state.actions) == (0, None, ())
        else:
            assert LADDER.index(state.level) == min(LADDER.index(previous) + 1, 3)
            assert state.entered == (state.level != previous)
            assert bool(state.actions) == state.entered
        previous = state.level


@given(
    pool_cents=st.integers(min_value=0, max_value=10**9),
    cuts=st.lists(st.integers(min_value=0, max_value=10**9), max_size=8),
)
def test_splits_that_validate_sum_exactly_to_the_pool(pool_cents: int, cuts: list[int]) -> None:
    pool = Decimal(pool_cents).scaleb(-2)
    points = sorted(c % (pool_cents + 1) for c in cuts)
    bounds = [0, *points, pool_cents]
    split = {
        f"p{i}": Decimal(b - a).scaleb(-2) for i, (a, b) in enumerate(itertools.pairwise(bounds))
    }
    shares = validate_split(split, pool)
    assert sum(shares.values(), Decimal(0)) == pool
    off = dict(split, p0=split["p0"] + Decimal("0.01"))
    try:
        validate_split(off, pool)
    except ValueError as error:
        assert str(pool) in str(error)
    else:
        raise AssertionError("a split one cent over the pool validated")


def _floats(value: object) -> list[str]:
    if isinstance(value, float):
        return [repr(value)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [
            f for field in dataclasses.fields(value) for f in _floats(getattr(value, field.name))
        ]
    if isinstance(value, tuple | list):
        return [f for item in value for f in _floats(item)]
    return []


@settings(max_examples=50)
@given(revenues=st.lists(cents, min_size=1, max_size=12), leads=st.integers(0, 500))
def test_no_float_reaches_a_score(revenues: list[Decimal], leads: int) -> None:
    board = build_year(COMPANY_A, facts(revenues, leads))
    assert _floats(board) == []
    running_cents = 0
    for score, revenue in zip(board.months, revenues, strict=True):
        running_cents += int(revenue * 100)
        assert isinstance(score.revenue.ytd, Decimal)
        assert score.revenue.ytd == Decimal(running_cents).scaleb(-2)


def test_many_cents_add_up_exactly() -> None:
    board = build_year(COMPANY_A, facts([Decimal("0.01")] * 12))
    assert board.months[-1].revenue.ytd == Decimal("0.12")
    assert sum([Decimal("0.01")] * 100_000, Decimal(0)) == Decimal(1000)
    cent_year = build_year(COMPANY_A, facts([Decimal("0.10")] * 12))
    assert cent_year.months[2].revenue.ytd == Decimal("0.30")  # 0.1 + 0.1 + 0.1 in floats is not


def _amended(agreement: Agreement) -> Agreement:
    """Company A with every measure a month is scored on changed."""
    goals = agreement.company_goals.model_copy(
        update={
            "target_monthly_run_rate": Decimal(1_300_000),
            "target_run_rate_by": date(2020, 9, 1),
        }
    )
    marketing = agreement.marketing.model_copy(
        update={"monthly_lead_value_target": Decimal(600_000)}
    )
    follow = agreement.sales.follow_up.model_copy(update={"compliance_target": Decimal("0.5")})
    sales = agreement.sales.model_copy(update={"follow_up": follow})
    ladder = agreement.consequences.model_copy(
        update={"shared_goals": agreement.consequences.shared_goals[:1]}
    )
    return agreement.model_copy(
        update={
            "company_goals": goals,
            "marketing": marketing,
            "sales": sales,
            "consequences": ladder,
        }
    )


AMENDED = _amended(COMPANY_A)


@settings(max_examples=60, deadline=None)
@given(
    switch=st.integers(min_value=1, max_value=11),
    revenues=st.lists(cents, min_size=1, max_size=12),
    leads=st.lists(st.integers(0, 200), min_size=12, max_size=12),
    open_months=st.sets(st.integers(0, 11)),
    running=st.none() | st.integers(0, 999).map(lambda n: Decimal(n) / 1000),
)
def test_an_amendment_leaves_the_months_before_it_as_they_were(
    switch: int,
    revenues: list[Decimal],
    leads: list[int],
    open_months: set[int],
    running: Decimal | None,
) -> None:
    """For a governing function that switches agreements at month ``switch``, every month before
    it scores exactly as under the old agreement throughout (whether months are decided, and
    whether the last is still running)."""
    year = [
        dataclasses.replace(month, leads_by_type={"referral": leads[i]})
        for i, month in enumerate(facts(revenues))
    ]

    def governing(month: date) -> tuple[Agreement, None]:
        return (AMENDED if month.month - 1 >= switch else COMPANY_A), None

    def decided(month: date) -> bool:
        return month.month - 1 not in open_months

    old = build_year(COMPANY_A, year, elapsed=running, decided=decided)
    new = build_year(AMENDED, year, governing, elapsed=running, decided=decided)
    assert new.months[:switch] == old.months[:switch]
    # ... and the amendment does reach the month it governs (unless that month has only just
    # begun, when every pro-rated target is 0 under either agreement).
    if len(year) > switch and (running != 0 or switch < len(year) - 1):
        assert new.months[switch].lead_value.target != old.months[switch].lead_value.target


@given(met=st.lists(st.none() | st.booleans(), max_size=24))
def test_a_month_that_does_not_count_leaves_the_ladder_where_it_was(
    met: list[bool | None],
) -> None:
    months = [(date(2020 + i // 12, i % 12 + 1, 1), ok) for i, ok in enumerate(met)]
    states = escalation_states(COMPANY_A.consequences, months)
    counted = [(m, ok) for m, ok in months if ok is not None]
    alone = iter(escalation_states(COMPANY_A.consequences, counted))
    previous = None
    for (_, ok), state in zip(months, states, strict=True):
        if ok is None:
            assert (state.entered, state.actions, state.swat_report_weeks) == (False, (), ())
            assert state.level == (previous.level if previous else 0)
        else:
            previous = next(alone)
            assert state == previous
