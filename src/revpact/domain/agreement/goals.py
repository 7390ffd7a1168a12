"""``company_goals:`` and ``marketing:`` — the revenue the company wants and the lead value
marketing promises to deliver for it."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from pydantic import Field, model_validator

from revpact.domain.agreement.types import (
    Count,
    Frozen,
    Identifier,
    Money,
    Month,
    Problem,
    Text,
    raise_problems,
)

__all__ = ["CompanyGoals", "MarketingSpec", "NamedGoal", "RevenueSourceRule"]


class NamedGoal(Frozen):
    """One of the company goals, as the document states it."""

    id: Identifier
    name: Text
    text: Text


class RevenueSourceRule(StrEnum):
    """Where a month's revenue comes from (``company_goals.revenue_source``).

    * ``recognised`` — only the month's row of the revenue file; a month without one has no
      known revenue (its revenue goal is "no data", never missed) until the row arrives.
    * ``won_deals`` — always the amounts of the deals won in the month.
    * ``recognised_else_won_deals`` — the row when there is one, else the won deals; every
      figure that used the won deals is marked as a fallback.
    """

    RECOGNISED = "recognised"
    WON_DEALS = "won_deals"
    RECOGNISED_ELSE_WON_DEALS = "recognised_else_won_deals"


class CompanyGoals(Frozen):
    """Annual revenue from a baseline to a target, and the monthly run rate that gets there."""

    baseline_annual_revenue: Money
    annual_revenue_target: Money
    current_monthly_run_rate: Money
    target_monthly_run_rate: Money
    target_run_rate_by: Month
    revenue_source: RevenueSourceRule = RevenueSourceRule.RECOGNISED_ELSE_WON_DEALS
    goals: tuple[NamedGoal, ...] = ()

    @model_validator(mode="after")
    def _unique_ids(self) -> CompanyGoals:
        raise_problems("CompanyGoals", _duplicate_ids([goal.id for goal in self.goals], "goals"))
        return self


class MarketingSpec(Frozen):
    """Lead value marketing delivers each month, and what each type of lead is worth."""

    monthly_lead_value_target: Money
    lead_values: dict[Identifier, Money]
    lead_labels: dict[Identifier, Text] = Field(default_factory=dict)
    sample_month: dict[Identifier, Count] = Field(default_factory=dict)
    commitments: tuple[Text, ...] = ()

    @model_validator(mode="after")
    def _known_types(self) -> MarketingSpec:
        problems: list[Problem] = []
        if not self.lead_values:
            problems.append((("lead_values",), "list at least one lead type and its value"))
        for section in ("lead_labels", "sample_month"):
            for lead_type in getattr(self, section):
                if lead_type not in self.lead_values:
                    problems.append(((section, lead_type), self.unknown_type(lead_type)))
        raise_problems("MarketingSpec", problems)
        return self

    def unknown_type(self, lead_type: str) -> str:
        """The message for a lead type that ``lead_values`` does not list."""
        known = ", ".join(self.lead_values) or "none yet"
        return f'"{lead_type}" is not a lead type in marketing.lead_values (known: {known})'

    def label(self, lead_type: str) -> str:
        """How the document names a lead type (its key when no label is given)."""
        return self.lead_labels.get(lead_type, lead_type.replace("_", " "))

    def sample_month_value(self) -> Decimal:
        """Total lead value of ``sample_month``."""
        return sum(
            (self.lead_values[kind] * count for kind, count in self.sample_month.items()),
            Decimal(0),
        )


def _duplicate_ids(ids: list[str], section: str) -> list[Problem]:
    seen: set[str] = set()
    problems: list[Problem] = []
    for index, ident in enumerate(ids):
        if ident in seen:
            problems.append(((section, index, "id"), f'"{ident}" is used twice; ids must differ'))
        seen.add(ident)
    return problems
