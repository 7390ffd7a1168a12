"""The values of accountability (action items, SWAT report weeks, reward splits and statuses)
and the parsers of the month (``YYYY-MM``) and ISO week (``YYYY-Www``) a user names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from revpact.domain.agreement.accountability import Owner
from revpact.errors import RevpactError

__all__ = [
    "ActionItem",
    "EscalationStatus",
    "FiledReport",
    "MonthReward",
    "RewardStatus",
    "SplitRecord",
    "WeekReport",
    "parse_month",
    "parse_week",
]


@dataclass(frozen=True)
class ActionItem:
    """A recorded action of an escalation level: ``month`` the level was entered in."""

    month: date
    level: int
    seq: int
    text: str
    owner: Owner
    due: date
    done_at: datetime | None

    @property
    def done(self) -> bool:
        return self.done_at is not None


@dataclass(frozen=True)
class WeekReport:
    """An ISO week for which the SWAT team owes a weekly report."""

    week: str  # YYYY-Www
    due: bool  # the week has begun as of as_of
    filed: bool
    filed_at: datetime | None


@dataclass(frozen=True)
class FiledReport:
    week: str
    file_name: str
    sha256: str
    filed_at: datetime
    replaced: bool  # a report for this week had been filed before


@dataclass(frozen=True)
class EscalationStatus:
    """The ladder after the last finished month, with every action item and report week."""

    level: int
    since: date | None
    months_missed: int
    actions: tuple[ActionItem, ...]
    weeks: tuple[WeekReport, ...]


@dataclass(frozen=True)
class SplitRecord:
    """One recorded split of a month's pool: ``number`` 1 is the leaders' split, later numbers
    correct it (``reason`` says why)."""

    number: int
    split: dict[str, Decimal]
    allocated_at: datetime
    recorded_at: datetime
    allocated_by: str | None  # None: recorded before revpact asked who
    reason: str | None


@dataclass(frozen=True)
class MonthReward:
    month: date
    pool: Decimal
    split: dict[str, Decimal] | None  # None: not yet split
    allocated_at: datetime | None
    allocated_by: str | None = None
    history: tuple[SplitRecord, ...] = ()  # every split made by as_of, oldest first


@dataclass(frozen=True)
class RewardStatus:
    months: tuple[MonthReward, ...]  # the finished months that earned the pool
    annual_text: str | None
    annual_earned: bool | None  # None until the period's last month is scored


# --- parsing ------------------------------------------------------------------------------------

_WEEK = re.compile(r"(\d{4})-W(\d{2})")


def parse_month(value: str) -> date:
    """``YYYY-MM`` as the month's first day."""
    try:
        return date.fromisoformat(f"{value.strip()}-01")
    except ValueError:
        raise RevpactError(f'"{value}" is not a month; write e.g. 2020-09') from None


def parse_week(value: str) -> str:
    """``YYYY-Www`` (an ISO week), normalised."""
    found = _WEEK.fullmatch(value.strip())
    try:
        if found is None:
            raise ValueError
        date.fromisocalendar(int(found[1]), int(found[2]), 1)
    except ValueError:
        raise RevpactError(f'"{value}" is not an ISO week; write e.g. 2020-W27') from None
    return f"{found[1]}-W{found[2]}"
