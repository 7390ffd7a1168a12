"""The month's goals, declared once: each goal's key, label, owning team, unit, how it is read
from a month's score and how its figures are shown — looped over by the scoreboard, the trend,
the agenda, the packs, the pages and the CLI.

Adding a goal is adding a :class:`Goal` here (and its figures to :class:`MonthScore`); nothing
else re-spells the list.
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
    """What a goal's figure counts, and so how it is formatted."""

    MONEY = "money"
    RATIO = "ratio"
    DAYS = "days"


@dataclass(frozen=True)
class Goal:
    """One monthly goal of the agreement."""

    key: str  # stable: label keys, chart ids and the packs' goal keys use it
    label: str  # the English label where no translated one is at hand
    short: str  # the English row label of the text tables
    column: str  # the English head of a narrow column
    team: str  # company, marketing or sales
    unit: GoalUnit
    read: Callable[[MonthScore], Figures]
    section: str  # the goal's object in a month's JSON
    reached: str  # the field of that object that holds what was reached
    trend: str  # the goal's name in the month-on-month trend
    month_fields: tuple[tuple[str, str], ...]  # the section's figures and their formats
    lower_is_better: bool = False  # only the sales cycle: fewer days is better
    year_fields: tuple[tuple[str, str], ...] = ()  # the year's totals; () = the month's fields

    def __post_init__(self) -> None:
        if not self.year_fields:
            object.__setattr__(self, "year_fields", self.month_fields)

    def figures(self, score: MonthScore) -> Figures:
        """This goal's figures in ``score``."""
        return self.read(score)

    def better(self, delta: Decimal) -> bool | None:
        """Whether a change of ``delta`` is an improvement (None for no change)."""
        if delta == 0:
            return None
        return (delta < 0) if self.lower_is_better else (delta > 0)


_VERDICT = "verdict"
_NUMBER = "number"

MONTHLY_GOALS: tuple[Goal, ...] = (
    Goal(
        key="revenue",
        label="Revenue against the trajectory",
        short="revenue",
        column="revenue",
        team="company",
        unit=GoalUnit.MONEY,
        read=lambda s: (s.revenue.actual, s.revenue.target, s.revenue.met),
        section="revenue",
        reached="actual",
        trend="revenue",
        month_fields=(
            ("actual", "money"),
            ("target", "money"),
            ("met", _VERDICT),
            ("ytd", "money"),
            ("ytd_target", "money"),
            ("gap_to_ytd_target", "money"),
            ("required_per_remaining_month", "money"),
            ("projected_year_end", "money"),
        ),
        year_fields=(
            ("actual", "money"),
            ("target", "money"),
            ("met", _VERDICT),
            ("annual_target", "money"),
        ),
    ),
    Goal(
        key="lead_value",
        label="Lead value",
        short="lead value",
        column="leads",
        team="marketing",
        unit=GoalUnit.MONEY,
        read=lambda s: (s.lead_value.actual, s.lead_value.target, s.lead_value.met),
        section="lead_value",
        reached="actual",
        trend="lead_value",
        month_fields=(
            ("actual", "money"),
            ("target", "money"),
            ("met", _VERDICT),
            ("gap", "money"),
        ),
        year_fields=(("actual", "money"), ("target", "money"), ("met", _VERDICT)),
    ),
    Goal(
        key="follow_up",
        label="Follow-up compliance",
        short="follow-up compliance",
        column="follow-up",
        team="sales",
        unit=GoalUnit.RATIO,
        read=lambda s: (s.follow_up.compliance, s.follow_up.target, s.follow_up.met_goal),
        section="follow_up",
        reached="compliance",
        trend="follow_up_compliance",
        month_fields=(
            ("met", _NUMBER),
            ("breached", _NUMBER),
            ("open", _NUMBER),
            ("compliance", "percent"),
            ("target", "percent"),
            ("met_goal", _VERDICT),
        ),
    ),
    Goal(
        key="close_rate",
        label="Close rate",
        short="close rate",
        column="close",
        team="sales",
        unit=GoalUnit.RATIO,
        read=lambda s: (s.close_rate.actual, s.close_rate.target, s.close_rate.met),
        section="close_rate",
        reached="actual",
        trend="close_rate",
        month_fields=(
            ("won", _NUMBER),
            ("lost", _NUMBER),
            ("actual", "percent"),
            ("target", "percent"),
            ("met", _VERDICT),
        ),
    ),
    Goal(
        key="sales_cycle",
        label="Sales cycle (days)",
        short="sales cycle (mean)",
        column="cycle",
        team="sales",
        unit=GoalUnit.DAYS,
        read=lambda s: (s.sales_cycle.actual, s.sales_cycle.target, s.sales_cycle.met),
        section="sales_cycle_days",
        reached="actual",
        trend="sales_cycle_days",
        month_fields=(
            ("deals", _NUMBER),
            ("actual", "days"),
            ("median", "days"),
            ("target", "days"),
            ("met", _VERDICT),
        ),
        year_fields=(("deals", _NUMBER), ("actual", "days"), ("target", "days"), ("met", _VERDICT)),
        lower_is_better=True,
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
