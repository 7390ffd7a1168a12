"""``communication:`` and ``meetings:`` — how feedback flows and when the teams meet."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import PlainValidator, model_validator

from revpact.domain.agreement.types import (
    Duration,
    Frozen,
    Identifier,
    LocalTime,
    Problem,
    Text,
    Weekday,
    describe,
    problem,
    raise_problems,
)

__all__ = [
    "Audience",
    "Cadence",
    "Clock",
    "CommunicationSpec",
    "FeedbackDuty",
    "FeedbackSpec",
    "FeedbackTopic",
    "Meeting",
    "Side",
]


class Side(StrEnum):
    """One of the two teams the agreement is between."""

    MARKETING = "marketing"
    SALES = "sales"


class FeedbackTopic(StrEnum):
    LEAD_QUALITY = "lead_quality"
    FOLLOW_UP = "follow_up"
    SALES_TOOLS = "sales_tools"
    PROCESS = "process"
    OTHER = "other"


class Clock(StrEnum):
    """Which time a deadline counts: every hour (``wall``) or business hours only."""

    WALL = "wall"
    BUSINESS = "business"


class Cadence(StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"


class Audience(StrEnum):
    """Who takes part: the team leaders only, or everyone in both teams."""

    LEADERSHIP = "leadership"
    ALL = "all"


class FeedbackDuty(Frozen):
    """What one team gives the other feedback on."""

    team: Side
    topics: tuple[FeedbackTopic, ...]
    text: Text

    @model_validator(mode="after")
    def _some_topics(self) -> FeedbackDuty:
        problems: list[Problem] = []
        if not self.topics:
            problems.append((("topics",), "list at least one topic"))
        if len(set(self.topics)) != len(self.topics):
            problems.append((("topics",), "lists a topic twice"))
        raise_problems("FeedbackDuty", problems)
        return self


class FeedbackSpec(Frozen):
    """Feedback between the teams is due ``within`` and discussed at a meeting."""

    within: Duration
    clock: Clock = Clock.WALL
    discussed_at: Identifier | None = None
    duties: tuple[FeedbackDuty, ...] = ()

    @model_validator(mode="after")
    def _each_team_once(self) -> FeedbackSpec:
        problems: list[Problem] = []
        if self.within <= 0:
            problems.append((("within",), "must be more than 0s; write e.g. 24h"))
        seen: set[str] = set()
        for index, duty in enumerate(self.duties):
            if duty.team in seen:
                problems.append((("duties", index, "team"), f"{duty.team} is listed twice"))
            seen.add(duty.team)
        raise_problems("FeedbackSpec", problems)
        return self


class CommunicationSpec(Frozen):
    """How the teams talk: a statement of intent and the feedback rules."""

    statement: Text | None = None
    feedback: FeedbackSpec


def _week_of_month(value: Any) -> int:
    if isinstance(value, bool) or value not in (1, 2, 3, 4, -1):
        raise problem(
            "week", f"{describe(value)} is not a week of the month; write 1, 2, 3, 4 or -1 (last)"
        )
    return int(value)


WeekOfMonth = Annotated[int, PlainValidator(_week_of_month)]


class Meeting(Frozen):
    """A recurring meeting of the agreement's rhythm."""

    id: Identifier
    name: Text
    cadence: Cadence
    duration: Duration
    attendees: Audience
    weekday: Weekday | None = None
    time: LocalTime | None = None
    week_of_month: WeekOfMonth | None = None
    agenda: tuple[Text, ...] = ()

    @model_validator(mode="after")
    def _schedulable(self) -> Meeting:
        problems: list[Problem] = []
        if self.duration <= 0:
            problems.append((("duration",), "must be more than 0s; write e.g. 30m"))
        if self.week_of_month is not None:
            if self.cadence is not Cadence.MONTHLY:
                problems.append(
                    (("week_of_month",), "only a monthly meeting has a week of the month")
                )
            if self.weekday is None:
                problems.append((("weekday",), "needed with week_of_month (e.g. tue)"))
        raise_problems("Meeting", problems)
        return self
