"""Conflicts, rewards, consequences and sign-off: what happens around the goals."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any

from pydantic import PlainValidator, model_validator

from revpact.domain.agreement.rhythm import Audience
from revpact.domain.agreement.types import (
    Duration,
    Frozen,
    Money,
    Problem,
    Team,
    Text,
    describe,
    problem,
    raise_problems,
)

__all__ = [
    "DEFAULT_SHARED_GOALS",
    "ActionItem",
    "AnnualReward",
    "ConflictMode",
    "ConflictResolution",
    "Consequences",
    "EscalationLevel",
    "MonthlyReward",
    "Owner",
    "RewardCondition",
    "Rewards",
    "SharedGoal",
    "SignOff",
    "Signatory",
    "SwatSource",
    "SwatTeam",
]

# --- conflict resolution ------------------------------------------------------------------------


class ConflictMode(StrEnum):
    PANEL = "panel"  # the panel hears both sides and decides
    SOLE_ARBITER = "sole_arbiter"  # one person responsible for both teams decides (e.g. a CRO)


class ConflictResolution(Frozen):
    """Who decides when the teams cannot agree, and how each side is heard.

    ``members`` names, by signatory e-mail, who holds each seat of ``panel`` (or, with a sole
    arbiter, that one person): only they can record a decision in revpact."""

    mode: ConflictMode = ConflictMode.PANEL
    panel: tuple[Text, ...] = ()
    presentation: Duration
    binding: bool = True
    sole_arbiter: Text | None = None
    members: tuple[Text, ...] = ()

    @model_validator(mode="after")
    def _who_decides(self) -> ConflictResolution:
        problems: list[Problem] = []
        if self.mode is ConflictMode.PANEL and not self.panel:
            problems.append((("panel",), "mode is panel, so list the roles on the panel"))
        if self.mode is ConflictMode.SOLE_ARBITER and self.sole_arbiter is None:
            problems.append((("sole_arbiter",), "mode is sole_arbiter, so name the arbiter's role"))
        if self.presentation <= 0:
            problems.append((("presentation",), "must be more than 0s; write e.g. 15m"))
        if self.members:
            wanted = len(self.panel) if self.mode is ConflictMode.PANEL else 1
            if len(self.members) != wanted:
                who = "the panel has" if self.mode is ConflictMode.PANEL else "a sole arbiter is"
                problems.append(
                    (
                        ("members",),
                        f"lists {len(self.members)} people but {who} {wanted}; name one "
                        "signatory's e-mail per seat, in the order of panel",
                    )
                )
        raise_problems("ConflictResolution", problems)
        return self


# --- rewards ------------------------------------------------------------------------------------


class RewardCondition(StrEnum):
    """What must be met, together, for a reward."""

    MONTHLY_TEAM_GOALS = "monthly_team_goals"
    COMPANY_REVENUE_GOAL = "company_revenue_goal"
    ANNUAL_TEAM_GOALS = "annual_team_goals"
    COMPANY_FINANCIAL_GOALS = "company_financial_goals"


class MonthlyReward(Frozen):
    """A money pool for each month both teams meet their goals."""

    pool: Money
    split: Text
    requires: tuple[RewardCondition, ...]


class AnnualReward(Frozen):
    """The reward for meeting the year's goals."""

    text: Text
    requires: tuple[RewardCondition, ...]


class Rewards(Frozen):
    statement: Text | None = None
    monthly: MonthlyReward | None = None
    annual: AnnualReward | None = None


# --- consequences -------------------------------------------------------------------------------


class SharedGoal(StrEnum):
    """The goals both teams answer for together."""

    REVENUE_TRAJECTORY = "revenue_trajectory"
    LEAD_VALUE = "lead_value"
    FOLLOW_UP_COMPLIANCE = "follow_up_compliance"
    CLOSE_RATE = "close_rate"
    SALES_CYCLE = "sales_cycle"


DEFAULT_SHARED_GOALS: tuple[SharedGoal, ...] = tuple(SharedGoal)


class Owner(StrEnum):
    """Who carries out an action item."""

    MARKETING = "marketing"
    SALES = "sales"
    BOTH = "both"
    EXECUTIVE = "executive"
    SWAT_TEAM = "swat_team"


def _days(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise problem("days", f"{describe(value)} is not a number of days; write e.g. 7")
    return value


Days = Annotated[int, PlainValidator(_days)]


class ActionItem(Frozen):
    text: Text
    owner: Owner
    due_within_days: Days


class SwatSource(StrEnum):
    TEAMS = "teams"  # a smaller team drawn from sales and marketing
    EXECUTIVE = "executive"  # an executive SWAT team


class SwatTeam(Frozen):
    """The small team that implements the improvements of an escalation level."""

    drawn_from: SwatSource
    reports_weekly: bool = False
    reports_to: Team | None = None

    @model_validator(mode="after")
    def _recipient(self) -> SwatTeam:
        if self.reports_weekly and self.reports_to is None:
            raise_problems(
                "SwatTeam", [(("reports_to",), "reports_weekly is true, so say to whom")]
            )
        return self


class EscalationLevel(Frozen):
    """What happens once the shared goals have been missed for ``after_days``."""

    after_days: Days
    actions: tuple[ActionItem, ...]
    swat_team: SwatTeam | None = None


class Consequences(Frozen):
    """The shared goals and the escalation ladder when they are missed."""

    statement: Text | None = None
    shared_goals: tuple[SharedGoal, ...] = DEFAULT_SHARED_GOALS
    escalation: tuple[EscalationLevel, ...] = ()

    @model_validator(mode="after")
    def _ladder(self) -> Consequences:
        problems: list[Problem] = []
        if len(set(self.shared_goals)) != len(self.shared_goals):
            problems.append((("shared_goals",), "lists a goal twice"))
        for index, level in enumerate(self.escalation):
            if index and level.after_days <= self.escalation[index - 1].after_days:
                problems.append(
                    (
                        ("escalation", index, "after_days"),
                        f"{level.after_days} must be more than the level before it "
                        f"({self.escalation[index - 1].after_days})",
                    )
                )
            if not level.actions:
                problems.append((("escalation", index, "actions"), "list at least one action"))
        raise_problems("Consequences", problems)
        return self

    def level_after(self, days_missed: int) -> EscalationLevel | None:
        """The highest level reached after the goals were missed for ``days_missed`` days."""
        reached = [level for level in self.escalation if level.after_days <= days_missed]
        return reached[-1] if reached else None


# --- people and sign-off ------------------------------------------------------------------------

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _email(value: Any) -> str:
    if not isinstance(value, str) or not _EMAIL.fullmatch(value.strip()):
        raise problem("email", f"{describe(value)} is not an email address")
    return value.strip()


Email = Annotated[str, PlainValidator(_email)]


class Signatory(Frozen):
    """A person who signs the agreement."""

    name: Text
    email: Email
    team: Team
    role: Text
    leader: bool = False


class SignOff(Frozen):
    """Who must sign, and the closing words of the document."""

    required_from: Audience = Audience.ALL
    text: Text
