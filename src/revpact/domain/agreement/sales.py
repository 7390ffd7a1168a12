"""``sales:`` — the follow-up promise and the dated goals sales agrees to.

``follow_up`` decides which leads the one-hour promise covers (``applies_to`` / ``excludes``
against a lead's attributes) and how long sales has (business time). ``close_rate`` and
``sales_cycle_days`` move from a baseline to dated milestones along a trajectory.
"""

from __future__ import annotations

import bisect
import functools
import itertools
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Field, PlainSerializer, PlainValidator, model_validator

from revpact.domain.agreement.types import (
    Duration,
    Frozen,
    Identifier,
    Percent,
    Problem,
    Text,
    describe,
    problem,
    raise_problems,
)

if TYPE_CHECKING:
    from revpact.domain.clock.sla import FollowUpRule

__all__ = [
    "BOOLEAN_LEAD_FIELDS",
    "CANONICAL_LEAD_FIELDS",
    "LATE_ENTRY_AFTER_DEFAULT",
    "CloseRateGoal",
    "Criteria",
    "DaysMilestone",
    "FollowUpSpec",
    "RateMilestone",
    "SalesCycleGoal",
    "SalesSpec",
    "Trajectory",
]

CANONICAL_LEAD_FIELDS: tuple[str, ...] = ("lead_type", "stage", "requested_follow_up", "owner")
"""Lead fields every import provides; ``applies_to``/``excludes`` may name any other too."""
BOOLEAN_LEAD_FIELDS: frozenset[str] = frozenset({"requested_follow_up"})

_TRUE = frozenset({"true", "yes", "y", "1", "on", "t"})
_FALSE = frozenset({"false", "no", "n", "0", "off", "f"})

# --- which leads the promise covers -------------------------------------------------------------

Scalar = str | bool


def _match_values(value: Any) -> tuple[Scalar, ...]:
    items = list(value) if isinstance(value, list | tuple) else [value]
    if not items:
        raise problem("match", "an empty list matches nothing; list at least one value")
    values: list[Scalar] = []
    for item in items:
        if isinstance(item, bool):
            values.append(item)
        elif isinstance(item, int | Decimal | float):
            values.append(str(item))
        elif isinstance(item, str) and item.strip():
            values.append(item.strip())
        else:
            raise problem("match", f"{describe(item)} is not a value a lead field can have")
    return tuple(values)


def _match_list(values: tuple[Scalar, ...]) -> list[Scalar]:
    return list(values)


MatchValues = Annotated[
    tuple[Scalar, ...], PlainValidator(_match_values), PlainSerializer(_match_list)
]
Criteria = dict[Identifier, MatchValues]
"""Lead field -> the values that match (one value or a list of them)."""


def _as_bool(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return {1: True, 0: False}.get(value)
    if isinstance(value, str):
        text = value.strip().casefold()
        return True if text in _TRUE else False if text in _FALSE else None
    return None


def _normal(value: object) -> str | None:
    """How a value compares: bools as "true"/"false", text stripped and casefolded."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip().casefold()


class _Matcher:
    """One field's accepted values, normalised once."""

    __slots__ = ("accepted", "boolean")

    def __init__(self, values: Sequence[Scalar]) -> None:
        self.accepted = frozenset(_normal(value) for value in values)
        self.boolean = any(isinstance(value, bool) for value in values)

    def matches(self, actual: object) -> bool:
        if actual is None:
            return False
        if _normal(actual) in self.accepted:
            return True
        if self.boolean:
            flag = _as_bool(actual)
            return flag is not None and _normal(flag) in self.accepted
        return False


LATE_ENTRY_AFTER_DEFAULT = 15 * 60
"""``late_entry_after`` when the agreement does not say: 15 minutes."""


class FollowUpSpec(Frozen):
    """Sales follows up every covered lead within ``within`` of business time.

    A touch or notification recorded more than ``late_entry_after`` (wall-clock time) after the
    moment it claims is a late entry (:mod:`revpact.domain.late_entries`)."""

    within: Duration
    at_risk_within: Duration
    applies_to: Criteria = Field(default_factory=dict)
    excludes: Criteria = Field(default_factory=dict)
    compliance_target: Percent = Decimal(1)
    late_entry_after: Duration = LATE_ENTRY_AFTER_DEFAULT

    @model_validator(mode="after")
    def _consistent(self) -> FollowUpSpec:
        problems: list[Problem] = []
        if self.within <= 0:
            problems.append((("within",), "must be more than 0s; write e.g. 1h"))
        elif self.at_risk_within >= self.within:
            problems.append(
                (("at_risk_within",), "must be shorter than within (use 0s for no at-risk warning)")
            )
        for section in ("applies_to", "excludes"):
            criteria: Criteria = getattr(self, section)
            for name in BOOLEAN_LEAD_FIELDS & criteria.keys():
                if not all(isinstance(value, bool) for value in criteria[name]):
                    problems.append(((section, name), "must be true or false"))
        raise_problems("FollowUpSpec", problems)
        return self

    @functools.cached_property
    def _matchers(
        self,
    ) -> tuple[tuple[tuple[str, _Matcher], ...], tuple[tuple[str, _Matcher], ...]]:
        return (
            tuple((name, _Matcher(values)) for name, values in self.applies_to.items()),
            tuple((name, _Matcher(values)) for name, values in self.excludes.items()),
        )

    def applies(self, attrs: Mapping[str, object]) -> bool:
        """Whether the promise covers a lead with these attributes.

        Every ``applies_to`` field must match and no ``excludes`` field may; a field the lead
        does not have (or has as None) matches nothing.
        """
        required, excluded = self._matchers
        return all(matcher.matches(attrs.get(name)) for name, matcher in required) and not any(
            matcher.matches(attrs.get(name)) for name, matcher in excluded
        )

    def rule(self) -> FollowUpRule:
        """The rule the SLA clock evaluates leads with."""
        from revpact.domain.clock.sla import FollowUpRule

        return FollowUpRule(within_seconds=self.within, at_risk_seconds=self.at_risk_within)

    def canonical(self) -> dict[str, object]:
        """What decides due times and statuses, in a stable form (for fingerprints)."""

        def normal(criteria: Criteria) -> dict[str, list[str]]:
            return {
                name: sorted({_normal(value) or "" for value in values})
                for name, values in sorted(criteria.items())
            }

        return {
            "within": self.within,
            "at_risk_within": self.at_risk_within,
            "applies_to": normal(self.applies_to),
            "excludes": normal(self.excludes),
            # Only when set: a late touch awaiting approval counts at its recorded moment, so
            # changing the threshold settles touches again (the default keeps old fingerprints).
            **(
                {"late_entry_after": self.late_entry_after}
                if self.late_entry_after != LATE_ENTRY_AFTER_DEFAULT
                else {}
            ),
        }


# --- dated goals --------------------------------------------------------------------------------


class Trajectory(StrEnum):
    """How a goal's target moves between milestones."""

    LINEAR = "linear"  # straight line from the baseline (at the period start) to each milestone
    STEP = "step"  # the baseline until a milestone's date, then that milestone's target


def _target_on(
    day: date,
    start: date,
    baseline: Decimal,
    points: Sequence[tuple[date, Decimal]],
    trajectory: Trajectory,
) -> Decimal:
    dates = [start, *(by for by, _ in points)]
    values = [baseline, *(target for _, target in points)]
    if trajectory is Trajectory.STEP:
        return values[bisect.bisect_right(dates, day) - 1] if day >= start else baseline
    if day <= start:
        return baseline
    if day >= dates[-1]:
        return values[-1]
    right = bisect.bisect_left(dates, day)
    left = right - 1
    share = Decimal((day - dates[left]).days) / Decimal((dates[right] - dates[left]).days)
    return values[left] + (values[right] - values[left]) * share


def _days(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise problem("days", f"{describe(value)} is not a number of days; write e.g. 45")
    return value


Days = Annotated[int, PlainValidator(_days)]


def _increasing(dates: Sequence[date]) -> list[Problem]:
    if not dates:
        return [(("milestones",), "list at least one milestone (by: and target:)")]
    return [
        (("milestones", index, "by"), f"{later} is not after the milestone before it ({earlier})")
        for index, (earlier, later) in enumerate(itertools.pairwise(dates), start=1)
        if later <= earlier
    ]


class RateMilestone(Frozen):
    by: date
    target: Percent


class DaysMilestone(Frozen):
    by: date
    target: Days


class CloseRateGoal(Frozen):
    """Share of submitted proposals that close: a baseline and dated targets."""

    baseline: Percent
    milestones: tuple[RateMilestone, ...]
    trajectory: Trajectory = Trajectory.LINEAR
    text: Text | None = None

    @model_validator(mode="after")
    def _ordered(self) -> CloseRateGoal:
        raise_problems("CloseRateGoal", _increasing([m.by for m in self.milestones]))
        return self

    def target_on(self, day: date, *, start: date) -> Decimal:
        """The close rate to reach on ``day`` when the baseline holds at ``start``."""
        points = [(m.by, m.target) for m in self.milestones]
        return _target_on(day, start, self.baseline, points, self.trajectory)


class SalesCycleGoal(Frozen):
    """Days from first contact to close: a baseline and dated targets."""

    baseline: Days
    milestones: tuple[DaysMilestone, ...]
    trajectory: Trajectory = Trajectory.LINEAR
    text: Text | None = None

    @model_validator(mode="after")
    def _ordered(self) -> SalesCycleGoal:
        raise_problems("SalesCycleGoal", _increasing([m.by for m in self.milestones]))
        return self

    def target_on(self, day: date, *, start: date) -> Decimal:
        """The sales cycle (days) to reach on ``day`` when the baseline holds at ``start``."""
        points = [(m.by, Decimal(m.target)) for m in self.milestones]
        return _target_on(day, start, Decimal(self.baseline), points, self.trajectory)


class SalesSpec(Frozen):
    """What sales promises: follow-up, close rate, sales cycle, and how it works."""

    follow_up: FollowUpSpec
    close_rate: CloseRateGoal
    sales_cycle_days: SalesCycleGoal
    commitments: tuple[Text, ...] = ()
