"""The month's goals, declared once: each goal's key, label, owning team, unit and how it is
read from a month's score — looped over by every place that lists the goals.

Adding a goal is adding a :class:`Goal` here; nothing else re-spells the list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from revpact.domain.scoreboard.year import MonthScore

__all__ = ["MONTHLY_GOALS", "Figures", "Goal", "GoalUnit", "goal"]

Figures = tuple[Decimal | None, Decimal, bool | None]
"""What a month reached (None: no data), the target, and whether it was met (None: no
verdict)."""


class GoalUnit(StrEnum):
    MONEY = "money"
    RATIO = "ratio"
    DAYS = "days"


@dataclass(frozen=True)
class Goal:
    """One monthly goal of the agreement."""

    key: str  # stable: JSON keys and label keys use it
    label: str  # the English label where no translated one is at hand
    team: str  # company, marketing or sales
    unit: GoalUnit
    read: Callable[[MonthScore], Figures]

    def figures(self, score: MonthScore) -> Figures:
        """This goal's figures in ``score``."""
        return self.read(score)


MONTHLY_GOALS: tuple[Goal, ...] = (
    Goal(
        "revenue",
        "Revenue against the trajectory",
        "company",
        GoalUnit.MONEY,
        lambda s: (s.revenue.actual, s.revenue.target, s.revenue.met),
    ),
    Goal(
        "lead_value",
        "Lead value",
        "marketing",
        GoalUnit.MONEY,
        lambda s: (s.lead_value.actual, s.lead_value.target, s.lead_value.met),
    ),
    Goal(
        "follow_up",
        "Follow-up compliance",
        "sales",
        GoalUnit.RATIO,
        lambda s: (s.follow_up.compliance, s.follow_up.target, s.follow_up.met_goal),
    ),
    Goal(
        "close_rate",
        "Close rate",
        "sales",
        GoalUnit.RATIO,
        lambda s: (s.close_rate.actual, s.close_rate.target, s.close_rate.met),
    ),
    Goal(
        "sales_cycle",
        "Sales cycle (days)",
        "sales",
        GoalUnit.DAYS,
        lambda s: (s.sales_cycle.actual, s.sales_cycle.target, s.sales_cycle.met),
    ),
)
"""Every monthly goal, in the order the scoreboard, the agenda and the packs show them."""

_BY_KEY = {g.key: g for g in MONTHLY_GOALS}


def goal(key: str) -> Goal:
    """The goal ``key`` (KeyError naming the known keys when there is none)."""
    try:
        return _BY_KEY[key]
    except KeyError:
        raise KeyError(f"no goal {key!r}; the goals are {', '.join(_BY_KEY)}") from None
