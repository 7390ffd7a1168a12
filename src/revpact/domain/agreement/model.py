"""The agreement between sales and marketing, as one validated, immutable value.

``Agreement`` holds every section of the document (``docs/agreement.md`` describes each key);
the sections live in ``agreement_*`` modules and are all importable from here. Reading the
YAML file, with line numbers in errors, is :mod:`revpact.ingest.agreement_file`'s job: this module
knows nothing about files.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import PlainValidator, model_validator

from revpact.domain.agreement.accountability import (
    DEFAULT_SHARED_GOALS,
    ActionItem,
    AnnualReward,
    ConflictMode,
    ConflictResolution,
    Consequences,
    EscalationLevel,
    MonthlyReward,
    Owner,
    RewardCondition,
    Rewards,
    SharedGoal,
    Signatory,
    SignOff,
    SwatSource,
    SwatTeam,
)
from revpact.domain.agreement.calendar import CalendarSpec, HolidaysSpec, Span
from revpact.domain.agreement.goals import CompanyGoals, MarketingSpec, NamedGoal
from revpact.domain.agreement.rhythm import (
    Audience,
    Cadence,
    Clock,
    CommunicationSpec,
    FeedbackDuty,
    FeedbackSpec,
    FeedbackTopic,
    Meeting,
    Side,
)
from revpact.domain.agreement.sales import (
    CANONICAL_LEAD_FIELDS,
    CloseRateGoal,
    DaysMilestone,
    FollowUpSpec,
    RateMilestone,
    SalesCycleGoal,
    SalesSpec,
    Trajectory,
)
from revpact.domain.agreement.types import (
    Frozen,
    Loc,
    Problem,
    Team,
    Text,
    Weekday,
    describe,
    problem,
    raise_problems,
)

if TYPE_CHECKING:
    from revpact.domain.clock.calendar import BusinessCalendar
    from revpact.domain.clock.sla import FollowUpRule

__all__ = [
    "CANONICAL_LEAD_FIELDS",
    "DEFAULT_SHARED_GOALS",
    "ActionItem",
    "Agreement",
    "AnnualReward",
    "Audience",
    "Cadence",
    "CalendarSpec",
    "Clock",
    "CloseRateGoal",
    "CommunicationSpec",
    "CompanyGoals",
    "ConflictMode",
    "ConflictResolution",
    "Consequences",
    "DaysMilestone",
    "EscalationLevel",
    "FeedbackDuty",
    "FeedbackSpec",
    "FeedbackTopic",
    "FollowUpSpec",
    "HolidaysSpec",
    "MarketingSpec",
    "Meeting",
    "MonthlyReward",
    "NamedGoal",
    "Owner",
    "Period",
    "RateMilestone",
    "RewardCondition",
    "Rewards",
    "SalesCycleGoal",
    "SalesSpec",
    "SharedGoal",
    "Side",
    "SignOff",
    "Signatory",
    "Span",
    "SwatSource",
    "SwatTeam",
    "Team",
    "Trajectory",
    "Weekday",
]


class Period(Frozen):
    """The dates the agreement covers, both included."""

    start: date
    end: date

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end <= self.start:
            raise_problems("Period", [(("end",), f"{self.end} is not after start {self.start}")])
        return self

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


def _currency(value: Any) -> str:
    if not isinstance(value, str) or len(value) != 3 or not value.isalpha() or not value.isupper():
        raise problem(
            "currency", f"{describe(value)} is not a currency code; write e.g. USD or PLN"
        )
    return value


Currency = Annotated[str, PlainValidator(_currency)]


class Agreement(Frozen):
    """The whole sales & marketing service level agreement."""

    title: Text
    company: Text
    language: Literal["en", "pl"] = "en"
    currency: Currency
    period: Period
    calendar: CalendarSpec
    company_goals: CompanyGoals
    marketing: MarketingSpec
    sales: SalesSpec
    communication: CommunicationSpec
    meetings: tuple[Meeting, ...] = ()
    conflict_resolution: ConflictResolution
    rewards: Rewards
    consequences: Consequences = Consequences()
    signatories: tuple[Signatory, ...] = ()
    sign_off: SignOff

    @model_validator(mode="after")
    def _cross_references(self) -> Agreement:
        raise_problems(
            "Agreement",
            [
                *self._lead_type_problems(),
                *self._date_problems(),
                *self._meeting_problems(),
                *self._signatory_problems(),
            ],
        )
        return self

    def _lead_type_problems(self) -> list[Problem]:
        problems: list[Problem] = []
        for section in ("applies_to", "excludes"):
            values = getattr(self.sales.follow_up, section).get("lead_type", ())
            for index, value in enumerate(values):
                if value not in self.marketing.lead_values:
                    loc: Loc = ("sales", "follow_up", section, "lead_type", index)
                    problems.append((loc, self.marketing.unknown_type(str(value))))
        return problems

    def _date_problems(self) -> list[Problem]:
        start, end = self.period.start, self.period.end
        outside = f"is outside the agreement period {start}..{end}"
        problems: list[Problem] = []
        month = self.company_goals.target_run_rate_by
        if not start.replace(day=1) <= month <= end:
            problems.append((("company_goals", "target_run_rate_by"), f"{month:%Y-%m} {outside}"))
        milestones = {
            "close_rate": [m.by for m in self.sales.close_rate.milestones],
            "sales_cycle_days": [m.by for m in self.sales.sales_cycle_days.milestones],
        }
        for name, dates in milestones.items():
            for index, by in enumerate(dates):
                if not start < by <= end:
                    loc: Loc = ("sales", name, "milestones", index, "by")
                    problems.append((loc, f"{by} {outside}"))
        return problems

    def _meeting_problems(self) -> list[Problem]:
        problems: list[Problem] = []
        ids: list[str] = []
        for index, meeting in enumerate(self.meetings):
            if meeting.id in ids:
                problems.append((("meetings", index, "id"), f'"{meeting.id}" is used twice'))
            ids.append(meeting.id)
        discussed_at = self.communication.feedback.discussed_at
        if discussed_at is not None and discussed_at not in ids:
            known = ", ".join(ids) or "none"
            problems.append(
                (
                    ("communication", "feedback", "discussed_at"),
                    f'"{discussed_at}" is not the id of a meeting (meetings: {known})',
                )
            )
        return problems

    def _signatory_problems(self) -> list[Problem]:
        seen: set[str] = set()
        problems: list[Problem] = []
        for index, person in enumerate(self.signatories):
            email = person.email.casefold()
            if email in seen:
                problems.append(
                    (("signatories", index, "email"), f"{person.email} is listed twice")
                )
            seen.add(email)
        for index, member in enumerate(self.conflict_resolution.members):
            if member.casefold() not in seen:
                problems.append(
                    (
                        ("conflict_resolution", "members", index),
                        f"{member} is not the e-mail of a signatory",
                    )
                )
        return problems

    # --- what the rest of revpact asks ----------------------------------------------------------

    def lead_types(self) -> tuple[str, ...]:
        """The lead types marketing delivers (keys of ``marketing.lead_values``)."""
        return tuple(self.marketing.lead_values)

    def business_calendar(self) -> BusinessCalendar:
        """The calendar the follow-up clock runs on."""
        return self.calendar.business_calendar()

    def follow_up_rule(self) -> FollowUpRule:
        """How long sales has to follow up, and when an open lead is at risk."""
        return self.sales.follow_up.rule()

    def sla_fingerprint(self) -> str:
        """A sha256 hex of what decides due times and statuses: the calendar and the follow-up
        rule (not its compliance target). Anything else in the agreement can change freely."""
        payload = {
            "calendar": self.calendar.canonical(),
            "follow_up": self.sales.follow_up.canonical(),
        }
        canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
        return hashlib.sha256(canonical.encode()).hexdigest()

    def signatories_of(self, team: Team) -> tuple[Signatory, ...]:
        """The people of one team who sign."""
        return tuple(person for person in self.signatories if person.team is team)

    def meeting(self, meeting_id: str) -> Meeting:
        """The meeting with this id (``KeyError`` when there is none)."""
        for meeting in self.meetings:
            if meeting.id == meeting_id:
                return meeting
        raise KeyError(meeting_id)
