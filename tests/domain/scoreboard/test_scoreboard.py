"""The scoreboard against the article's arithmetic and Company A's agreement."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from revpact.domain.agreement.goals import RevenueSourceRule
from revpact.domain.agreement.model import Agreement, Owner, SharedGoal, Team
from revpact.domain.scoreboard.facts import cents
from revpact.domain.scoreboard.year import (
    CycleStats,
    GoalStatus,
    IsoWeek,
    MonthFacts,
    MonthScore,
    MonthState,
    RevenueSource,
    YearScoreboard,
    build_year,
    iso_weeks_of,
    run_rate_of,
    trajectory_target,
    validate_split,
)
from revpact.ingest.agreement_file import company_a_template, parse_agreement
from revpact.services.public.scoreboard import MonthScoreboard

D = Decimal
RATE = D(1_250_000)
SAMPLE = {"referral": 10, "content": 200, "webinar": 50, "internet_sales_ready": 50}


@pytest.fixture(scope="module")
def company_a() -> Agreement:
    return parse_agreement(company_a_template("en"))


def good(month: int, revenue: Decimal = D(1_300_000), **changes: Any) -> MonthFacts:
    """A 2020 month that meets every goal of Company A (unless ``changes`` say otherwise)."""
    facts = MonthFacts(
        month=date(2020, month, 1),
        revenue=revenue,
        leads_by_type=SAMPLE,
        follow_up_met=20,
        follow_up_breached=0,
        follow_up_open=2,
        proposals_won=6,
        proposals_lost=4,
        won_cycle=CycleStats.of([30, 32]),
    )
    return replace(facts, **changes)


def year(agreement: Agreement, revenues: Sequence[Decimal], **changes: Any) -> YearScoreboard:
    facts = [good(i + 1, revenue, **changes) for i, revenue in enumerate(revenues)]
    return build_year(agreement, facts)


# --- the article's arithmetic -------------------------------------------------------------------


def test_sample_month_lead_value_is_exactly_550000(company_a: Agreement) -> None:
    board = build_year(company_a, [good(1)])
    lead = board.months[0].lead_value
    values = {item.lead_type: (item.count, item.value) for item in lead.by_type}
    assert values == {
        "referral": (10, D(50_000)),
        "content": (200, D(200_000)),
        "webinar": (50, D(100_000)),
        "internet_sales_ready": (50, D(200_000)),
    }
    assert lead.actual == D(550_000) == lead.target
    assert lead.met is True
    assert lead.gap == 0
    assert lead.mix_to_close_gap == ()
    assert company_a.marketing.sample_month_value() == lead.actual


def test_run_rates_of_the_article() -> None:
    assert run_rate_of(D(10_000_000)) == D("833333.33")
    assert run_rate_of(D(15_000_000)) == D(1_250_000)


def test_revenue_trajectory_goes_from_the_current_to_the_target_run_rate(
    company_a: Agreement,
) -> None:
    goals = company_a.company_goals
    targets = [trajectory_target(goals, i, 5) for i in range(12)]
    # 833,000 + 417,000 * (i + 1) / 6: a straight line reaching 1,250,000 in June
    assert targets[:6] == [D(902_500), D(972_000), D(1_041_500), D(1_111_000), D(1_180_500), RATE]
    assert targets[6:] == [D(1_250_000)] * 6
    assert targets == sorted(targets)


def test_trajectory_targets_of_close_rate_and_cycle(company_a: Agreement) -> None:
    board = year(company_a, [D(1_300_000)] * 12)
    march, june, december = board.months[2], board.months[5], board.months[11]
    assert D("0.25") < march.close_rate.target < D("0.35")
    assert june.close_rate.target == D("0.35")
    assert december.close_rate.target == D("0.5")
    assert D(40) < march.sales_cycle.target < D(45)
    assert june.sales_cycle.target == 40
    assert december.sales_cycle.target == 35


def test_year_to_date_figures(company_a: Agreement) -> None:
    board = year(company_a, [D(1_000_000)] * 5)
    may = board.months[4].revenue
    assert may.ytd == D(5_000_000)
    assert may.ytd_target == D(6_250_000)  # 15,000,000 x 5 / 12
    assert may.gap_to_ytd_target == D(1_250_000)
    assert may.required_per_remaining_month == D("1428571.43")  # 10,000,000 / 7, rounded up
    assert may.required_per_remaining_month * 7 >= D(10_000_000)
    assert may.projected_year_end == D(12_000_000)
    assert may.target == D(1_180_500) and may.met is False


def test_no_month_remains_after_the_last(company_a: Agreement) -> None:
    december = year(company_a, [D(1_250_000)] * 12).months[-1].revenue
    assert december.required_per_remaining_month is None
    assert december.ytd == D(15_000_000) == december.projected_year_end


# --- Goals 1-3 ------------------------------------------------------------------------------------


def test_goal2_compensation_worked_example(company_a: Agreement) -> None:
    # January-May at 1,000,000: a shortfall of 5 x 250,000 = 1,250,000 to make up.
    # June-December at 1,428,571.43: a surplus of 7 x 178,571.43 = 1,250,000.01.
    board = year(company_a, [D(1_000_000)] * 5 + [D("1428571.43")] * 7)
    goals = board.months[-1].goals
    assert goals.shortfall == D(1_250_000)
    assert goals.surplus == D("1250000.01")
    assert (goals.goal1.met, goals.goal2.met, goals.goal3.met) == (True, True, True)

    short = year(company_a, [D(1_000_000)] * 5 + [D("1428571.42")] * 7)
    goals = short.months[-1].goals
    assert goals.surplus == D("1249999.94")
    assert (goals.goal1.met, goals.goal2.met, goals.goal3.met) == (True, False, False)


def test_goal2_counts_a_later_miss_against_the_surplus(company_a: Agreement) -> None:
    revenues = [D(1_250_000)] * 5 + [D(1_400_000)] * 6 + [D(1_000_000)]
    goals = year(company_a, revenues).months[-1].goals
    assert goals.shortfall == 0
    assert goals.surplus == D(650_000)  # 6 x 150,000 - 250,000
    assert goals.goal1.met is False
    assert goals.goal2.met is True


def test_goal2_ignores_an_early_surplus_that_goal3_counts(company_a: Agreement) -> None:
    revenues = [D(3_000_000), D(1_000_000)] + [D(1_250_000)] * 3 + [D(1_200_000)] * 7
    goals = year(company_a, revenues).months[-1].goals
    assert goals.goal3.met is True  # 16,150,000
    assert goals.goal2.met is False  # the 350,000 short of June-December is not made up by January


def test_goals_stay_undecided_until_they_can_be_decided(company_a: Agreement) -> None:
    board = year(company_a, [D(1_300_000)] * 11)
    for score in board.months:
        assert score.goals.goal1.met is None
        assert score.goals.goal2.met is None
        assert score.goals.goal3.met is None
    assert board.goals is not None and board.goals.goal3.met is None
    assert board.annual_reward.earned is None


def test_goal1_fails_as_soon_as_one_month_from_june_misses(company_a: Agreement) -> None:
    board = year(company_a, [D(1_300_000)] * 6 + [D(1_249_999)])
    assert [s.goals.goal1.met for s in board.months] == [None] * 6 + [False]
    # a miss before June is not a Goal 1 miss
    early = year(company_a, [D(1)] * 5)
    assert early.months[-1].goals.goal1.met is None


# --- sales ------------------------------------------------------------------------------------


def test_follow_up_compliance(company_a: Agreement) -> None:
    board = build_year(company_a, [good(1, follow_up_met=19, follow_up_breached=1)])
    follow = board.months[0].follow_up
    assert follow.compliance == D("0.95")
    assert follow.target == 1
    assert follow.met_goal is False


def test_measures_without_data_are_neutral_for_the_ladder_but_earn_no_reward(
    company_a: Agreement,
) -> None:
    facts = good(
        1,
        follow_up_met=0,
        follow_up_breached=0,
        proposals_won=0,
        proposals_lost=0,
        won_cycle=CycleStats(),
    )
    score = build_year(company_a, [facts]).months[0]
    assert score.follow_up.compliance is None and score.follow_up.met_goal is None
    assert score.close_rate.actual is None and score.close_rate.met is None
    assert score.sales_cycle.actual is None and score.sales_cycle.met is None
    statuses = dict(score.shared_goals.statuses)
    assert statuses[SharedGoal.FOLLOW_UP_COMPLIANCE] is GoalStatus.NO_DATA
    assert score.shared_goals.met is True
    assert score.escalation.level == 0
    assert score.team_goals_met is False
    assert score.reward.earned is False


def test_close_rate_and_cycle_against_the_month_end_target(company_a: Agreement) -> None:
    june = year(
        company_a,
        [D(1_300_000)] * 6,
        proposals_won=7,
        proposals_lost=13,
        won_cycle=CycleStats(count=3, total_days=D(121), median_days=D(40)),
    ).months[5]
    assert june.close_rate.actual == D("0.35") and june.close_rate.met is True
    assert june.sales_cycle.actual == D(121) / 3
    assert june.sales_cycle.median == 40
    assert june.sales_cycle.met is False  # 40.33 days against 40


def test_the_gap_mix_keeps_the_months_proportions(company_a: Agreement) -> None:
    leads = {"referral": 5, "content": 100, "webinar": 25, "internet_sales_ready": 25}
    lead = build_year(company_a, [good(1, leads_by_type=leads)]).months[0].lead_value
    assert lead.actual == D(275_000) and lead.gap == D(275_000)
    assert dict(lead.mix_to_close_gap) == leads  # doubling the mix closes the gap exactly
    odd = {"referral": 1, "content": 3}
    lead = build_year(company_a, [good(1, leads_by_type=odd)]).months[0].lead_value
    mix = dict(lead.mix_to_close_gap)
    assert mix == {"referral": 68, "content": 204}  # 542,000 x (1, 3) / 8,000, rounded up
    worth = sum(company_a.marketing.lead_values[k] * n for k, n in mix.items())
    assert worth >= lead.gap


def test_a_month_without_leads_uses_the_sample_mix(company_a: Agreement) -> None:
    lead = build_year(company_a, [good(1, leads_by_type={})]).months[0].lead_value
    assert lead.actual == 0
    assert dict(lead.mix_to_close_gap) == SAMPLE


def test_an_unknown_lead_type_is_refused(company_a: Agreement) -> None:
    with pytest.raises(ValueError, match='"trade_show" is not a lead type'):
        build_year(company_a, [good(1, leads_by_type={"trade_show": 3})])


# --- escalation -----------------------------------------------------------------------------------


def test_escalation_climbs_holds_and_resets(company_a: Agreement) -> None:
    miss: dict[str, Any] = {"leads_by_type": {"content": 1}}
    facts = [good(1, **miss), good(2, **miss), good(3, **miss), good(4, **miss), good(5)]
    facts.append(good(6, **miss))
    board = build_year(company_a, facts)
    ladder = [s.escalation for s in board.months]
    assert [e.level for e in ladder] == [30, 60, 90, 90, 0, 30]
    assert [e.since for e in ladder] == [date(2020, 1, 1)] * 4 + [None, date(2020, 6, 1)]
    assert [e.entered for e in ladder] == [True, True, True, False, False, True]
    assert ladder[3].actions == ()
    first = ladder[0].actions[0]
    assert first.owner is Owner.BOTH
    assert first.due == date(2020, 2, 3)  # January 31 + 3 days
    assert not ladder[0].swat_reports_weekly and ladder[0].swat_report_weeks == ()
    feb = ladder[1]
    assert feb.swat_reports_weekly and feb.swat_reports_to is Team.EXECUTIVE
    assert feb.swat_report_weeks == tuple(IsoWeek(2020, w) for w in (10, 11, 12, 13))
    assert [a.owner for a in ladder[2].actions][-1] is Owner.SWAT_TEAM
    assert ladder[4].actions == () and not ladder[4].swat_reports_weekly


def test_iso_weeks_belong_to_the_month_of_their_thursday() -> None:
    assert iso_weeks_of(date(2020, 1, 1)) == tuple(IsoWeek(2020, w) for w in range(1, 6))
    assert iso_weeks_of(date(2021, 1, 1)) == tuple(IsoWeek(2021, w) for w in range(1, 5))
    assert iso_weeks_of(date(2020, 12, 1))[-1] == IsoWeek(2020, 53)
    assert str(IsoWeek(2020, 7)) == "2020-W07"


# --- rewards ------------------------------------------------------------------------------------


def test_a_perfect_year_earns_every_reward(company_a: Agreement) -> None:
    board = year(company_a, [D(1_300_000)] * 12)
    assert all(s.reward.earned and s.reward.amount == D(5000) for s in board.months)
    assert all(s.escalation.level == 0 for s in board.months)
    assert board.annual_reward.earned is True
    assert board.annual_reward.text is not None and "Mexico" in board.annual_reward.text


def test_the_monthly_pool_needs_revenue_on_trajectory(company_a: Agreement) -> None:
    board = year(company_a, [D(902_499), D(972_000)])
    assert [s.reward.earned for s in board.months] == [False, True]
    assert board.months[0].team_goals_met is True
    assert board.months[0].reward.amount == 0 and board.months[0].reward.pool == 5000


def test_the_annual_reward_needs_the_years_lead_value(company_a: Agreement) -> None:
    facts = [good(m) for m in range(1, 12)] + [good(12, leads_by_type={"content": 549})]
    board = build_year(company_a, facts)
    assert board.annual_reward.financial_goals is True
    assert board.annual_reward.team_goals is False
    assert board.annual_reward.earned is False


def test_a_split_must_hand_out_the_pool_exactly() -> None:
    split = {"marketing": D("2500.00"), "sales": D("2500")}
    assert validate_split(split, D(5000)) == split
    with pytest.raises(ValueError, match=r"add up to 4999\.99, not the pool of 5000 \(short by"):
        validate_split({"ann": D("2500"), "bob": D("2499.99")}, D(5000))
    with pytest.raises(ValueError, match="over by 1"):
        validate_split({"ann": D(5001)}, D(5000))
    with pytest.raises(ValueError, match="'bob' is -1; shares must be 0 or more"):
        validate_split({"ann": D(5001), "bob": D(-1)}, D(5000))
    with pytest.raises(ValueError, match=r"'ann' is 2500\.0; write it as a Decimal"):
        validate_split({"ann": 2500.0, "bob": D(2500)}, D(5000))  # type: ignore[dict-item]


# --- inputs -------------------------------------------------------------------------------------


def test_facts_must_be_the_periods_months_in_order(company_a: Agreement) -> None:
    with pytest.raises(ValueError, match="facts for 2020-03 where 2020-02 was expected"):
        build_year(company_a, [good(1), good(3)])
    with pytest.raises(ValueError, match="13 months of facts"):
        build_year(company_a, [good(m) for m in range(1, 13)] + [good(12)])
    assert build_year(company_a, []).months == ()


def test_facts_refuse_floats_and_bad_counts() -> None:
    with pytest.raises(TypeError, match="is a float"):
        MonthFacts(date(2020, 1, 1), 1250000.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="first day of the month"):
        MonthFacts(date(2020, 1, 2), D(1))
    with pytest.raises(ValueError, match="proposals_won"):
        MonthFacts(date(2020, 1, 1), D(1), proposals_won=-1)
    with pytest.raises(ValueError, match="median"):
        CycleStats(count=2, total_days=D(80))
    assert CycleStats.of([D(30), D(40), D(47)]).median_days == 40


def shown(score: MonthScore) -> dict[str, Any]:
    """The month as revpact sends it."""
    return MonthScoreboard.of(score).model_dump(mode="json")


# --- revenue sources, months in progress and months awaiting close -------------------------------


def _with_rule(agreement: Agreement, rule: RevenueSourceRule) -> Agreement:
    goals = agreement.company_goals.model_copy(update={"revenue_source": rule})
    return agreement.model_copy(update={"company_goals": goals})


def test_the_default_rule_takes_won_deals_and_says_so(company_a: Agreement) -> None:
    assert company_a.company_goals.revenue_source is RevenueSourceRule.RECOGNISED_ELSE_WON_DEALS
    facts = [good(1), good(2, revenue_source=RevenueSource.WON_DEALS), good(3)]
    jan, feb, mar = build_year(company_a, facts).months
    assert not jan.revenue.fallback and feb.revenue.fallback and not mar.revenue.fallback
    assert (jan.revenue.fallback_months, mar.revenue.fallback_months) == (0, 1)
    revenue = shown(feb)["revenue"]
    assert (revenue["source"], revenue["fallback"]) == ("won_deals", True)
    # Under won_deals the won deals are the rule, not a fallback.
    chosen = build_year(_with_rule(company_a, RevenueSourceRule.WON_DEALS), facts).months[1]
    assert not chosen.revenue.fallback


def test_an_unknown_revenue_is_no_data_never_missed(company_a: Agreement) -> None:
    strict = _with_rule(company_a, RevenueSourceRule.RECOGNISED)
    unknown = good(7, D(0), revenue_source=RevenueSource.NONE)
    facts = [good(m) for m in range(1, 7)] + [unknown] + [good(m) for m in range(8, 13)]
    board = build_year(strict, facts)
    july = board.months[6]
    assert (july.revenue.actual, july.revenue.met) == (None, None)
    assert dict(july.shared_goals.statuses)[SharedGoal.REVENUE_TRAJECTORY] is GoalStatus.NO_DATA
    assert july.shared_goals.met and july.escalation.level == 0
    assert not july.reward.earned  # a reward needs evidence
    december = board.months[-1]
    assert december.revenue.months_unknown == 1
    assert december.revenue.ytd == 11 * D(1_300_000)
    # Goals 1-3 wait for July's revenue rather than being decided without it.
    assert (december.goals.goal1.met, december.goals.goal2.met, december.goals.goal3.met) == (
        None,
        None,
        None,
    )
    with pytest.raises(ValueError, match="unknown revenue"):
        good(1, D(5), revenue_source=RevenueSource.NONE)


def test_a_known_miss_still_decides_goal1_beside_an_unknown_month(company_a: Agreement) -> None:
    facts = [good(m) for m in range(1, 7)] + [
        good(7, D(1), revenue_source=RevenueSource.RECOGNISED),
        good(8, D(0), revenue_source=RevenueSource.NONE),
    ]
    board = build_year(_with_rule(company_a, RevenueSourceRule.RECOGNISED), facts)
    assert board.months[-1].goals.goal1.met is False


def test_the_month_in_progress_is_pro_rated_and_counts_for_nothing(company_a: Agreement) -> None:
    share = D(1) / 3
    bad = good(3, D(100), leads_by_type={"referral": 1}, follow_up_met=0, follow_up_breached=9)
    board = build_year(company_a, [good(1, D(1)), good(2, D(1)), bad], elapsed=share)
    feb, march = board.months[1], board.months[2]
    assert march.state is MonthState.IN_PROGRESS and march.provisional
    assert march.revenue.target == cents(trajectory_target(company_a.company_goals, 2, 5) * share)
    assert march.lead_value.target == cents(D(550_000) * share)
    assert march.lead_value.gap == march.lead_value.target - D(5_000)
    verdicts = (
        march.revenue.met,
        march.lead_value.met,
        march.follow_up.met_goal,
        march.close_rate.met,
        march.sales_cycle.met,
    )
    assert verdicts == (None,) * 5  # never missed before it ends
    assert march.shared_goals.missed == ()
    assert (march.escalation.level, march.escalation.entered) == (feb.escalation.level, False)
    assert march.escalation.actions == () and not march.reward.earned
    assert march.revenue.ytd_target == cents(D(15_000_000) * (2 + share) / 12)
    # Goals 1-3 stand as after February: the running month decides none of them.
    assert march.goals == feb.goals
    data = shown(march)
    assert (data["state"], data["provisional"]) == ("in_progress", True)
    assert data["elapsed_share"] == str(share)


def every_target(agreement: Agreement, month: int) -> D:
    """The full revenue target of ``month`` of 2020 (every month counted)."""
    facts = [good(m) for m in range(1, month + 1)]
    return build_year(agreement, facts).months[-1].revenue.target


def test_only_decided_months_move_the_ladder_and_earn(company_a: Agreement) -> None:
    missed = [good(1, D(1)), good(2, D(1)), good(3)]
    board = build_year(company_a, missed, decided=lambda m: m.month == 1)
    jan, feb, mar = board.months
    assert (jan.state, feb.state, mar.state) == (
        MonthState.DECIDED,
        MonthState.AWAITING_CLOSE,
        MonthState.AWAITING_CLOSE,
    )
    assert jan.escalation.level == 30 and jan.escalation.entered
    # figures against the full target, with no verdict until the month is closed: never missed
    assert feb.revenue.actual == D(1) and feb.revenue.target == every_target(company_a, 2)
    assert (feb.revenue.met, feb.lead_value.met, feb.follow_up.met_goal) == (None, None, None)
    assert (feb.close_rate.met, feb.sales_cycle.met, feb.shared_goals.missed) == (None, None, ())
    assert (feb.escalation.level, feb.escalation.entered, feb.escalation.actions) == (30, False, ())
    assert mar.revenue.met is None and not mar.team_goals_met and not mar.reward.earned
    every = build_year(company_a, missed)
    assert every.months[1].revenue.met is False and every.months[1].escalation.level == 60
    assert every.months[2].team_goals_met and every.months[2].reward.earned
    assert shown(feb)["state"] == "awaiting_close"


def test_the_annual_reward_waits_for_every_month_to_count(company_a: Agreement) -> None:
    facts = [good(m) for m in range(1, 13)]
    assert build_year(company_a, facts).annual_reward.team_goals is True
    waiting = build_year(company_a, facts, decided=lambda m: m.month != 12)
    assert waiting.annual_reward.team_goals is None and waiting.annual_reward.earned is None


def test_a_month_in_progress_compares_only_its_ratios_with_the_month_before(
    company_a: Agreement,
) -> None:
    from revpact.domain.scoreboard.trend import trend

    facts = [good(1), good(2, D(100_000))]
    done = build_year(company_a, facts).months
    running = build_year(company_a, facts, elapsed=D("0.3")).months
    whole, partial = trend(done[0], done[1]), trend(running[0], running[1])
    assert whole.revenue == D(100_000) - D(1_300_000) and whole.lead_value is not None
    assert partial.revenue is None and partial.lead_value is None  # month to date vs a month
    assert partial.close_rate == whole.close_rate  # ratios compare as they are
