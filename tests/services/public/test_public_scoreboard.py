"""The scoreboard's public shapes: each month, the year, the trend and the year with its closes,
exactly as revpact has always written them (money and ratios as exact Decimal strings)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from revpact.domain.agreement.goals import RevenueSourceRule
from revpact.domain.agreement.model import Agreement
from revpact.domain.scoreboard.facts import CycleStats, MonthFacts, RevenueSource
from revpact.domain.scoreboard.trend import trend
from revpact.domain.scoreboard.year import MonthVersion, YearScoreboard, build_year
from revpact.ingest.agreement_file import company_a_template, parse_agreement
from revpact.services.public.scoreboard import (
    MonthScoreboard,
    TrendPublic,
    YearScoreboardPublic,
)

D = Decimal
SAMPLE = {"referral": 10, "content": 200, "webinar": 50, "internet_sales_ready": 50}
NO_VERDICTS = {
    "revenue_trajectory": "no_data",
    "lead_value": "no_data",
    "follow_up_compliance": "no_data",
    "close_rate": "no_data",
    "sales_cycle": "no_data",
}
NO_ESCALATION = {
    "level": 0,
    "months_missed": 0,
    "since": None,
    "entered": False,
    "actions": [],
    "swat_reports_weekly": False,
    "swat_reports_to": None,
    "swat_report_weeks": [],
}


@pytest.fixture(scope="module")
def company_a() -> Agreement:
    return parse_agreement(company_a_template("en"))


def good(month: int, revenue: Decimal = D(1_300_000), **changes: Any) -> MonthFacts:
    """A 2020 month that meets every team goal of Company A (unless ``changes`` say otherwise)."""
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


def _missing_revenue(company_a: Agreement) -> YearScoreboard:
    """Six months that meet every team goal but miss revenue: the ladder climbs from March."""
    return build_year(company_a, [good(m, D("1000000.50")) for m in range(1, 7)])


def _by_type(**counts: int) -> dict[str, Any]:
    units = {"referral": 5000, "content": 1000, "webinar": 2000, "internet_sales_ready": 4000}
    return {
        name: {"count": counts[name], "unit_value": str(unit), "value": str(unit * counts[name])}
        for name, unit in units.items()
    }


def test_a_decided_month_with_its_escalation(company_a: Agreement) -> None:
    april = _missing_revenue(company_a).months[3]
    review = "Review the goals, the plan to reach them and the actual performance"
    assert MonthScoreboard.of(april).model_dump(mode="json") == {
        "month": "2020-04",
        "agreement_version": None,
        "state": "decided",
        "provisional": False,
        "elapsed_share": None,
        "revenue": {
            "actual": "1000000.50",
            "target": "1111000.00",
            "met": False,
            "source": "recognised",
            "fallback": False,
            "months_unknown": 0,
            "fallback_months": 0,
            "ytd": "4000002.00",
            "ytd_target": "5000000.00",
            "gap_to_ytd_target": "999998.00",
            "required_per_remaining_month": "1374999.75",
            "projected_year_end": "12000006.00",
        },
        "goals": {
            "goal1": {"met": None},
            "goal2": {"met": None, "shortfall": "999998.00", "surplus": "0"},
            "goal3": {"met": None},
        },
        "lead_value": {
            "actual": "550000",
            "target": "550000",
            "met": True,
            "gap": "0",
            "by_type": _by_type(referral=10, content=200, webinar=50, internet_sales_ready=50),
            "mix_to_close_gap": {},
        },
        "follow_up": {
            "met": 20,
            "breached": 0,
            "open": 2,
            "compliance": "1",
            "target": "1",
            "met_goal": True,
        },
        "close_rate": {
            "won": 6,
            "lost": 4,
            "actual": "0.6",
            "target": "0.3162983425414364640883977901",
            "met": True,
        },
        "sales_cycle_days": {
            "deals": 2,
            "actual": "31",
            "median": "31",
            "target": "41.68508287292817679558011050",
            "met": True,
        },
        "shared_goals": {
            "met": False,
            "goals": {
                "revenue_trajectory": "missed",
                "lead_value": "met",
                "follow_up_compliance": "met",
                "close_rate": "met",
                "sales_cycle": "met",
            },
        },
        "team_goals_met": True,
        "escalation": {
            "level": 60,
            "months_missed": 2,
            "since": "2020-03",
            "entered": True,
            "actions": [
                {"text": review, "owner": "both", "due": "2020-05-03"},
                {
                    "text": "Representatives of the sales and marketing teams meet the "
                    "executive team",
                    "owner": "both",
                    "due": "2020-05-05",
                },
                {
                    "text": "Create an action plan that can be implemented at once so the team "
                    "does not miss the goals in the next 30 days, and present it to the "
                    "executive team for approval or changes",
                    "owner": "both",
                    "due": "2020-05-07",
                },
                {
                    "text": "Pick and assign a smaller SWAT team to implement the recommended "
                    "improvements",
                    "owner": "both",
                    "due": "2020-05-07",
                },
                {
                    "text": "The SWAT team reports its progress to the executive team every week",
                    "owner": "swat_team",
                    "due": "2020-05-07",
                },
            ],
            "swat_reports_weekly": True,
            "swat_reports_to": "executive",
            "swat_report_weeks": ["2020-W19", "2020-W20", "2020-W21", "2020-W22"],
        },
        "reward": {"monthly_pool": "5000", "earned": False, "amount": "0"},
    }


def test_a_quiet_month_awaiting_close_is_null_wherever_nothing_is_known(
    company_a: Agreement,
) -> None:
    goals = company_a.company_goals.model_copy(
        update={"revenue_source": RevenueSourceRule.RECOGNISED}
    )
    rewards = company_a.rewards.model_copy(update={"monthly": None})
    strict = company_a.model_copy(update={"company_goals": goals, "rewards": rewards})
    quiet = MonthFacts(month=date(2020, 1, 1), revenue=D(0), revenue_source=RevenueSource.NONE)
    (january,) = build_year(strict, [quiet], decided=lambda _: False).months
    assert MonthScoreboard.of(january).model_dump(mode="json") == {
        "month": "2020-01",
        "agreement_version": None,
        "state": "awaiting_close",
        "provisional": True,
        "elapsed_share": None,
        "revenue": {
            "actual": None,
            "target": "902500.00",
            "met": None,
            "source": "none",
            "fallback": False,
            "months_unknown": 1,
            "fallback_months": 0,
            "ytd": "0",
            "ytd_target": "1250000.00",
            "gap_to_ytd_target": "1250000.00",
            "required_per_remaining_month": "1363636.37",
            "projected_year_end": None,
        },
        "goals": {
            "goal1": {"met": None},
            "goal2": {"met": None, "shortfall": "0", "surplus": "0"},
            "goal3": {"met": None},
        },
        "lead_value": {
            "actual": "0",
            "target": "550000",
            "met": None,
            "gap": "550000",
            "by_type": _by_type(referral=0, content=0, webinar=0, internet_sales_ready=0),
            "mix_to_close_gap": SAMPLE,
        },
        "follow_up": {
            "met": 0,
            "breached": 0,
            "open": 0,
            "compliance": None,
            "target": "1",
            "met_goal": None,
        },
        "close_rate": {
            "won": 0,
            "lost": 0,
            "actual": None,
            "target": "0.2665745856353591160220994475",
            "met": None,
        },
        "sales_cycle_days": {
            "deals": 0,
            "actual": None,
            "median": None,
            "target": "44.17127071823204419889502762",
            "met": None,
        },
        "shared_goals": {"met": None, "goals": NO_VERDICTS},
        "team_goals_met": False,
        "escalation": NO_ESCALATION,
        "reward": {"monthly_pool": None, "earned": False, "amount": "0"},
    }


def _in_progress(company_a: Agreement) -> YearScoreboard:
    bad = good(2, D(100), leads_by_type={"referral": 1}, follow_up_met=0, follow_up_breached=9)
    return build_year(
        company_a,
        [good(1), bad],
        governing=lambda _: (company_a, MonthVersion(2, "ab12")),
        elapsed=D("0.25"),
    )


def test_a_month_in_progress_names_its_version_and_share(company_a: Agreement) -> None:
    february = _in_progress(company_a).months[1]
    data = MonthScoreboard.of(february).model_dump(mode="json")
    head = {k: data[k] for k in ("month", "agreement_version", "state", "provisional")}
    assert head == {
        "month": "2020-02",
        "agreement_version": {"number": 2, "hash": "ab12"},
        "state": "in_progress",
        "provisional": True,
    }
    assert data["elapsed_share"] == "0.25"
    assert data["revenue"]["target"] == "243000.00" and data["revenue"]["met"] is None
    assert data["lead_value"]["mix_to_close_gap"] == {"referral": 27}
    assert data["shared_goals"] == {"met": None, "goals": NO_VERDICTS}


def test_the_trend_is_exact_and_null_where_nothing_compares(company_a: Agreement) -> None:
    january, february = _in_progress(company_a).months
    assert TrendPublic.of(trend(None, january)).model_dump(mode="json") == {
        "revenue": None,
        "lead_value": None,
        "follow_up_compliance": None,
        "close_rate": None,
        "sales_cycle_days": None,
    }
    # a month in progress compares its ratios, not its amounts
    assert TrendPublic.of(trend(january, february)).model_dump(mode="json") == {
        "revenue": None,
        "lead_value": None,
        "follow_up_compliance": "-1",
        "close_rate": "0.0",
        "sales_cycle_days": "0",
    }
    march = _missing_revenue(company_a).months
    assert TrendPublic.of(trend(march[0], march[1])).model_dump(mode="json") == {
        "revenue": "0.00",
        "lead_value": "0",
        "follow_up_compliance": "0",
        "close_rate": "0.0",
        "sales_cycle_days": "0",
    }


MEXICO = "A fully paid trip to Mexico for both teams, spouses included"


def test_the_year_lists_its_months_then_whether_complete_and_the_annual_reward(
    company_a: Agreement,
) -> None:
    board = _in_progress(company_a)
    data = YearScoreboardPublic.of(board).model_dump(mode="json")
    assert list(data) == ["months", "complete", "annual_reward"]
    assert data["months"] == [MonthScoreboard.of(m).model_dump(mode="json") for m in board.months]
    assert (data["complete"], data["annual_reward"]) == (
        False,
        {"text": MEXICO, "earned": None, "team_goals": None, "financial_goals": None},
    )
    full = build_year(company_a, [good(m) for m in range(1, 13)])
    done = YearScoreboardPublic.of(full).model_dump(mode="json")
    assert (done["complete"], done["annual_reward"]) == (
        True,
        {"text": MEXICO, "earned": True, "team_goals": True, "financial_goals": True},
    )
    json.loads(json.dumps(done), parse_float=_no_float)  # every figure is an exact string


def _no_float(text: str) -> None:
    raise AssertionError(f"a float in the scoreboard's JSON: {text}")


def _leaves(data: object) -> list[object]:
    if isinstance(data, Mapping):
        return [leaf for value in data.values() for leaf in _leaves(value)]
    if isinstance(data, list):
        return [leaf for value in data for leaf in _leaves(value)]
    return [data]


def test_june_of_a_year_short_of_revenue(company_a: Agreement) -> None:
    board = _missing_revenue(company_a)
    data = MonthScoreboard.of(board.months[5]).model_dump(mode="json")
    assert data["month"] == "2020-06"
    assert data["revenue"]["actual"] == "1000000.50"
    assert data["revenue"]["target"] == "1250000"
    assert data["revenue"]["met"] is False
    assert data["revenue"]["ytd"] == "6000003.00"
    assert data["revenue"]["ytd_target"] == "7500000.00"
    assert data["goals"] == {
        "goal1": {"met": False},
        "goal2": {"met": None, "shortfall": "1249997.50", "surplus": "-249999.50"},
        "goal3": {"met": None},
    }
    assert data["lead_value"]["by_type"]["referral"] == {
        "count": 10,
        "unit_value": "5000",
        "value": "50000",
    }
    assert data["follow_up"] == {
        "met": 20,
        "breached": 0,
        "open": 2,
        "compliance": "1",
        "target": "1",
        "met_goal": True,
    }
    assert data["close_rate"]["actual"] == "0.6" and data["close_rate"]["target"] == "0.35"
    assert data["sales_cycle_days"]["actual"] == "31" and data["sales_cycle_days"]["met"] is True
    assert data["escalation"]["level"] == 90 and data["escalation"]["since"] == "2020-03"
    assert data["reward"] == {"monthly_pool": "5000", "earned": False, "amount": "0"}
    assert not any(isinstance(leaf, float) for leaf in _leaves(data))
    json.dumps(YearScoreboardPublic.of(board).model_dump(mode="json"))
