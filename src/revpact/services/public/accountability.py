"""Accountability as revpact sends it: the escalation status with its action items and SWAT
report weeks (:class:`EscalationPublic`), and the reward splits (:class:`RewardStatusPublic`).
Months are ``YYYY-MM``, moments ISO 8601, money exact Decimal strings."""

from __future__ import annotations

from typing import Self

from revpact.domain.agreement.accountability import Owner
from revpact.services.accountability.model import (
    ActionItem,
    EscalationStatus,
    MonthReward,
    RewardStatus,
    SplitRecord,
    WeekReport,
)
from revpact.services.public.common import Day, Exact, Moment, Public, month_key

__all__ = [
    "ActionItemPublic",
    "AnnualRewardStatus",
    "EscalationPublic",
    "MonthRewardPublic",
    "RewardStatusPublic",
    "SplitPublic",
    "SwatWeekPublic",
]


class ActionItemPublic(Public):
    """A recorded action of an escalation level: ``month`` the level was entered in."""

    month: str
    level: int
    seq: int
    text: str
    owner: Owner
    due: Day
    done: bool
    done_at: Moment | None

    @classmethod
    def of(cls, item: ActionItem) -> Self:
        return cls(
            month=month_key(item.month),
            level=item.level,
            seq=item.seq,
            text=item.text,
            owner=item.owner,
            due=item.due,
            done=item.done,
            done_at=item.done_at,
        )


class SwatWeekPublic(Public):
    """An ISO week (``YYYY-Www``) for which the SWAT team owes a weekly report."""

    week: str
    due: bool
    filed: bool
    filed_at: Moment | None

    @classmethod
    def of(cls, week: WeekReport) -> Self:
        return cls(week=week.week, due=week.due, filed=week.filed, filed_at=week.filed_at)


class EscalationPublic(Public):
    """The ladder after the last finished month, with every action item and report week."""

    level: int
    since: str | None
    months_missed: int
    actions: list[ActionItemPublic]
    swat_reports: list[SwatWeekPublic]

    @classmethod
    def of(cls, status: EscalationStatus) -> Self:
        return cls(
            level=status.level,
            since=None if status.since is None else month_key(status.since),
            months_missed=status.months_missed,
            actions=[ActionItemPublic.of(a) for a in status.actions],
            swat_reports=[SwatWeekPublic.of(w) for w in status.weeks],
        )


class SplitPublic(Public):
    """One recorded split of a month's pool: number 1 is the leaders', later ones correct it."""

    number: int
    split: dict[str, Exact]
    allocated_at: Moment
    recorded_at: Moment
    allocated_by: str | None
    reason: str | None

    @classmethod
    def of(cls, record: SplitRecord) -> Self:
        return cls(
            number=record.number,
            split=record.split,
            allocated_at=record.allocated_at,
            recorded_at=record.recorded_at,
            allocated_by=record.allocated_by,
            reason=record.reason,
        )


class MonthRewardPublic(Public):
    """A finished month that earned its pool, its split (null: not split yet) and every split
    made."""

    month: str
    pool: Exact
    split: dict[str, Exact] | None
    allocated_at: Moment | None
    allocated_by: str | None
    splits: list[SplitPublic]

    @classmethod
    def of(cls, month: MonthReward) -> Self:
        return cls(
            month=month_key(month.month),
            pool=month.pool,
            split=None if month.split is None else month.split,
            allocated_at=month.allocated_at,
            allocated_by=month.allocated_by,
            splits=[SplitPublic.of(h) for h in month.history],
        )


class AnnualRewardStatus(Public):
    """The annual reward: earned is null until the period's last month is scored."""

    text: str | None
    earned: bool | None


class RewardStatusPublic(Public):
    """The months that earned their pool, and the annual reward."""

    months: list[MonthRewardPublic]
    annual_reward: AnnualRewardStatus

    @classmethod
    def of(cls, status: RewardStatus) -> Self:
        return cls(
            months=[MonthRewardPublic.of(m) for m in status.months],
            annual_reward=AnnualRewardStatus(text=status.annual_text, earned=status.annual_earned),
        )
