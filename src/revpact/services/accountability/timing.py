"""When accountability counts: the months over as of a moment, and the moment a write is
recorded."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.calendar import to_us
from revpact.domain.scoreboard.facts import month_end
from revpact.domain.scoreboard.year import MonthScore, YearScoreboard

__all__ = ["finished_months", "recorded_at_us"]


def finished_months(
    board: YearScoreboard, agreement: Agreement, as_of: datetime
) -> list[MonthScore]:
    local = as_of.astimezone(ZoneInfo(agreement.calendar.timezone)).date()
    return [score for score in board.months if month_end(score.month) < local]


def recorded_at_us(now: datetime | None) -> int:
    """When revpact records a write: ``now`` as given, else the system clock."""
    return to_us(now if now is not None else datetime.now(UTC))
