"""When accountability counts: the months over as of a moment."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from revpact.domain.agreement.model import Agreement
from revpact.domain.scoreboard.facts import month_end
from revpact.domain.scoreboard.year import MonthScore, YearScoreboard

__all__ = ["finished_months"]


def finished_months(
    board: YearScoreboard, agreement: Agreement, as_of: datetime
) -> list[MonthScore]:
    local = as_of.astimezone(ZoneInfo(agreement.calendar.timezone)).date()
    return [score for score in board.months if month_end(score.month) < local]
