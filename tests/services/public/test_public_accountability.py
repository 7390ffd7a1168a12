"""Accountability's public shapes: the escalation status and the reward status, exactly as
revpact has always written them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from revpact.domain.agreement.accountability import Owner
from revpact.services.accountability.model import (
    ActionItem,
    EscalationStatus,
    MonthReward,
    RewardStatus,
    SplitRecord,
    WeekReport,
)
from revpact.services.public.accountability import EscalationPublic, RewardStatusPublic

CMO = "emily.carter@company-a.example"
DONE = datetime(2020, 3, 4, 15, 30, tzinfo=UTC)
FILED = datetime(2020, 3, 9, 9, 0, 0, 5, tzinfo=UTC)
REVIEW = "Review the goals, the plan to reach them and the actual performance"


def test_the_escalation_with_its_actions_and_swat_weeks() -> None:
    status = EscalationStatus(
        level=60,
        since=date(2020, 1, 1),
        months_missed=2,
        actions=(
            ActionItem(date(2020, 2, 1), 60, 1, REVIEW, Owner.BOTH, date(2020, 3, 3), DONE),
            ActionItem(date(2020, 2, 1), 60, 5, "Report", Owner.SWAT_TEAM, date(2020, 3, 7), None),
        ),
        weeks=(
            WeekReport("2020-W10", due=True, filed=True, filed_at=FILED),
            WeekReport("2020-W11", due=False, filed=False, filed_at=None),
        ),
    )
    assert EscalationPublic.of(status).model_dump(mode="json") == {
        "level": 60,
        "since": "2020-01",
        "months_missed": 2,
        "actions": [
            {
                "month": "2020-02",
                "level": 60,
                "seq": 1,
                "text": REVIEW,
                "owner": "both",
                "due": "2020-03-03",
                "done": True,
                "done_at": "2020-03-04T15:30:00+00:00",
            },
            {
                "month": "2020-02",
                "level": 60,
                "seq": 5,
                "text": "Report",
                "owner": "swat_team",
                "due": "2020-03-07",
                "done": False,
                "done_at": None,
            },
        ],
        "swat_reports": [
            {
                "week": "2020-W10",
                "due": True,
                "filed": True,
                "filed_at": "2020-03-09T09:00:00.000005+00:00",
            },
            {"week": "2020-W11", "due": False, "filed": False, "filed_at": None},
        ],
    }


def test_no_escalation() -> None:
    calm = EscalationStatus(level=0, since=None, months_missed=0, actions=(), weeks=())
    assert EscalationPublic.of(calm).model_dump(mode="json") == {
        "level": 0,
        "since": None,
        "months_missed": 0,
        "actions": [],
        "swat_reports": [],
    }


def test_the_rewards_with_a_split_its_correction_and_a_month_not_split_yet() -> None:
    first = {"marketing": Decimal("2500.00"), "sales": Decimal("2500.00")}
    fixed = {"marketing": Decimal("2000"), "sales": Decimal("3000")}
    status = RewardStatus(
        months=(
            MonthReward(
                month=date(2020, 1, 1),
                pool=Decimal(5000),
                split=fixed,
                allocated_at=FILED,
                allocated_by=CMO,
                history=(
                    SplitRecord(1, first, DONE, DONE, None, None),
                    SplitRecord(2, fixed, FILED, FILED, CMO, "sales closed the big deal"),
                ),
            ),
            MonthReward(date(2020, 2, 1), Decimal("5000.50"), None, None),
        ),
        annual_text="A trip to Mexico",
        annual_earned=None,
    )
    at, later = "2020-03-04T15:30:00+00:00", "2020-03-09T09:00:00.000005+00:00"
    assert RewardStatusPublic.of(status).model_dump(mode="json") == {
        "months": [
            {
                "month": "2020-01",
                "pool": "5000",
                "split": {"marketing": "2000", "sales": "3000"},
                "allocated_at": later,
                "allocated_by": CMO,
                "splits": [
                    {
                        "number": 1,
                        "split": {"marketing": "2500.00", "sales": "2500.00"},
                        "allocated_at": at,
                        "recorded_at": at,
                        "allocated_by": None,
                        "reason": None,
                    },
                    {
                        "number": 2,
                        "split": {"marketing": "2000", "sales": "3000"},
                        "allocated_at": later,
                        "recorded_at": later,
                        "allocated_by": CMO,
                        "reason": "sales closed the big deal",
                    },
                ],
            },
            {
                "month": "2020-02",
                "pool": "5000.50",
                "split": None,
                "allocated_at": None,
                "allocated_by": None,
                "splits": [],
            },
        ],
        "annual_reward": {"text": "A trip to Mexico", "earned": None},
    }
    none = RewardStatus(months=(), annual_text=None, annual_earned=False)
    assert RewardStatusPublic.of(none).model_dump(mode="json") == {
        "months": [],
        "annual_reward": {"text": None, "earned": False},
    }
