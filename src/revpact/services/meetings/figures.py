"""The figures a meeting reviews: a month's goals against their targets (:class:`Scorecard`),
and the follow-up promise in a week (:func:`period_follow_up`). The agenda and the meeting
packs (:mod:`revpact.services.report`) both show them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.sla import STATUS_CODES, LeadStatus
from revpact.domain.meetings import local_day
from revpact.domain.scoreboard.facts import month_end
from revpact.domain.scoreboard.goals import MONTHLY_GOALS
from revpact.services.follow_up import list_leads
from revpact.services.scoreboard import year_scoreboard

__all__ = [
    "GoalLine",
    "OwnerBreaches",
    "Scorecard",
    "WeekFollowUp",
    "month_of",
    "month_scorecard",
    "period_follow_up",
    "start_of",
]

_US = timedelta(microseconds=1)


def start_of(day: date, zone: ZoneInfo) -> datetime:
    """The first instant of a local date (aware, UTC)."""
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)


@dataclass(frozen=True)
class GoalLine:
    """One goal of a month: what was reached against the target (``met`` None: no data)."""

    key: str
    label: str
    team: str  # company, marketing or sales
    unit: str  # money, ratio or days
    actual: Decimal | None
    target: Decimal
    met: bool | None


@dataclass(frozen=True)
class Scorecard:
    """A month's goals as of ``as_of`` (``complete``: the month was over by then)."""

    month: date
    as_of: datetime
    complete: bool
    goals: tuple[GoalLine, ...]


def month_of(moment: datetime, zone: ZoneInfo) -> date:
    """The first day of the local month ``moment`` falls in."""
    return local_day(moment, zone.key).replace(day=1)


def month_scorecard(
    engine: Engine, agreement: Agreement, month: date, as_of: datetime
) -> Scorecard | None:
    """The goals of ``month`` (its first day) as of ``as_of``, capped at the month's end; None
    outside the period, or when the month had not begun by ``as_of``."""
    period = agreement.period
    if not period.start.replace(day=1) <= month <= period.end:
        return None
    zone = ZoneInfo(agreement.calendar.timezone)
    end = start_of(month_end(month) + timedelta(days=1), zone)
    at = min(as_of, end - _US)
    if local_day(at, zone.key) < max(period.start, month):
        return None
    board = year_scoreboard(engine, agreement, as_of=at)
    score = next((s for s in board.months if s.month == month), None)
    if score is None:
        return None
    goals = tuple(
        GoalLine(g.key, g.label, g.team, g.unit.value, *g.figures(score)) for g in MONTHLY_GOALS
    )
    return Scorecard(month, at, as_of >= end, goals)


@dataclass(frozen=True)
class OwnerBreaches:
    """The follow-up deadlines one owner missed in the week (``owner`` None: nobody's lead)."""

    owner: str | None
    lead_ids: tuple[str, ...]


@dataclass(frozen=True)
class WeekFollowUp:
    """The follow-up promise in one week: the leads notified in it by status, and every
    deadline that fell in it and was missed, by owner."""

    notified: int
    counts: Mapping[LeadStatus, int]
    compliance: Decimal | None  # met / (met + breached) of the week's leads
    target: Decimal
    breaches: tuple[OwnerBreaches, ...]


def period_follow_up(
    engine: Engine, agreement: Agreement, first: datetime, end: datetime, as_of: datetime
) -> WeekFollowUp:
    """The leads notified in ``[first, end)`` by status as of ``as_of``, and the deadlines
    that fell in it and were missed, by owner (most first). The weekly agenda and the
    meeting packs both show it."""
    views = list_leads(engine, agreement, as_of=as_of)
    counts: Counter[LeadStatus] = Counter()
    by_owner: dict[str | None, list[str]] = {}
    for view in views:
        notified = view.notified_at
        if notified is not None and first <= notified < end:
            counts[view.status] += 1
        due = view.due_at
        if view.status is LeadStatus.BREACHED and due is not None and first <= due < end:
            by_owner.setdefault(view.owner, []).append(view.lead_id)
    decided = counts[LeadStatus.MET] + counts[LeadStatus.BREACHED]
    breaches = sorted(
        (OwnerBreaches(owner, tuple(ids)) for owner, ids in by_owner.items()),
        key=lambda b: (-len(b.lead_ids), b.owner is None, b.owner or ""),
    )
    return WeekFollowUp(
        notified=sum(counts.values()),
        counts={s: counts[s] for s in STATUS_CODES},
        compliance=Decimal(counts[LeadStatus.MET]) / decided if decided else None,
        target=agreement.sales.follow_up.compliance_target,
        breaches=tuple(breaches),
    )
