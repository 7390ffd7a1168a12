"""The agreement as the document shows it, as values: every section's facts and rows, already
written out in one language (:mod:`revpact.render.view` builds them). The templates only lay
them out; every string is plain text — escaping is the template environment's job.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ActionRow",
    "CalendarView",
    "CommunicationView",
    "CompanyGoalsView",
    "ConflictView",
    "ConsequencesView",
    "CriteriaView",
    "DatedGoalView",
    "DocumentView",
    "DutyView",
    "Fact",
    "LeadRow",
    "LevelView",
    "MarketingView",
    "MeetingView",
    "RewardView",
    "RewardsView",
    "SalesView",
    "SignOffView",
    "SignatoryRow",
    "SignaturesView",
    "Titled",
]


@dataclass(frozen=True)
class Fact:
    """A labelled value: ``Annual revenue target: $15,000,000``."""

    label: str
    value: str


@dataclass(frozen=True)
class Titled:
    """A named text: ``Goal 1: Generate $1,250,000 ...``."""

    title: str
    text: str


@dataclass(frozen=True)
class CompanyGoalsView:
    facts: tuple[Fact, ...]
    goals: tuple[Titled, ...]


@dataclass(frozen=True)
class LeadRow:
    label: str
    value: str
    count: str
    sample_value: str


@dataclass(frozen=True)
class MarketingView:
    facts: tuple[Fact, ...]
    rows: tuple[LeadRow, ...]
    total: LeadRow
    has_sample: bool
    commitments: tuple[str, ...]


@dataclass(frozen=True)
class CriteriaView:
    """Which leads the follow-up promise covers, or does not."""

    heading: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class DatedGoalView:
    title: str
    facts: tuple[Fact, ...]
    targets: tuple[str, ...]
    text: str | None


@dataclass(frozen=True)
class SalesView:
    follow_up: tuple[Fact, ...]
    applies_to: CriteriaView
    excludes: CriteriaView
    close_rate: DatedGoalView
    sales_cycle: DatedGoalView
    commitments: tuple[str, ...]


@dataclass(frozen=True)
class CalendarView:
    facts: tuple[Fact, ...]
    closed_note: str | None


@dataclass(frozen=True)
class DutyView:
    title: str
    topics: Fact
    text: str


@dataclass(frozen=True)
class CommunicationView:
    statement: str | None
    facts: tuple[Fact, ...]
    duties: tuple[DutyView, ...]


@dataclass(frozen=True)
class MeetingView:
    name: str
    facts: tuple[Fact, ...]
    agenda: tuple[str, ...]


@dataclass(frozen=True)
class ConflictView:
    facts: tuple[Fact, ...]
    panel_label: str | None
    panel: tuple[Titled, ...]
    binding: str


@dataclass(frozen=True)
class RewardView:
    title: str
    facts: tuple[Fact, ...]
    requires_label: str
    requires: tuple[str, ...]


@dataclass(frozen=True)
class RewardsView:
    statement: str | None
    rewards: tuple[RewardView, ...]
    empty: str | None


@dataclass(frozen=True)
class ActionRow:
    text: str
    owner: str
    due: str


@dataclass(frozen=True)
class LevelView:
    heading: str
    actions: tuple[ActionRow, ...]
    swat: tuple[str, ...]


@dataclass(frozen=True)
class ConsequencesView:
    statement: str | None
    shared_goals_label: str
    shared_goals: tuple[str, ...]
    levels: tuple[LevelView, ...]
    empty: str | None


@dataclass(frozen=True)
class SignOffView:
    text: str
    facts: tuple[Fact, ...]


@dataclass(frozen=True)
class SignatoryRow:
    name: str
    role: str
    team: str
    email: str
    signed: str  # the signing time, "not signed yet", or "" on an unpublished text


@dataclass(frozen=True)
class SignaturesView:
    heading: str
    version: str | None
    facts: tuple[Fact, ...]
    hash_label: str | None
    hash: str | None
    notices: tuple[str, ...]
    rows: tuple[SignatoryRow, ...]


@dataclass(frozen=True)
class DocumentView:
    lang: str
    title: str
    facts: tuple[Fact, ...]
    version_line: str
    company_goals: CompanyGoalsView
    marketing: MarketingView
    sales: SalesView
    calendar: CalendarView
    communication: CommunicationView
    meetings: tuple[MeetingView, ...]
    no_meetings: str | None
    conflict: ConflictView
    rewards: RewardsView
    consequences: ConsequencesView
    sign_off: SignOffView
    signatures: SignaturesView
