"""The scoreboard with each month's close: the year as ``revpact status --json`` and the
dashboard's twin give it (:class:`ScoreboardPublic`), ``GET /scoreboard`` (:class:`ScoreboardAt`)
and one month as ``revpact status --month --json`` gives it (:class:`MonthDetailPublic`).

The close blocks are :func:`revpact.services.month_states.close_blocks`'.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Self

from revpact.domain.scoreboard.trend import Trend
from revpact.domain.scoreboard.year import MonthScore, YearScoreboard
from revpact.services.public.common import Moment, Public, month_key
from revpact.services.public.months import CloseBlock
from revpact.services.public.scoreboard import (
    AnnualRewardPublic,
    MonthFields,
    TrendPublic,
)

__all__ = [
    "ClosedMonthScoreboard",
    "Closes",
    "MonthDetailPublic",
    "ScoreboardAt",
    "ScoreboardPublic",
]


Closes = Mapping[str, Mapping[str, Any]]
"""Each month's close block (:func:`revpact.services.month_states.close_blocks`), by ``YYYY-MM``."""


def _close(closes: Closes, score: MonthScore) -> CloseBlock | None:
    block = closes.get(month_key(score.month))
    return None if block is None else CloseBlock.model_validate(block)


class ClosedMonthScoreboard(MonthFields):
    """A month of the scoreboard with its close."""

    close: CloseBlock | None

    @classmethod
    def of(cls, score: MonthScore, closes: Closes) -> Self:
        return cls._with(score, close=_close(closes, score))


class MonthDetailPublic(MonthFields):
    """One month as ``revpact status --month`` gives it: with its trend and its close."""

    trend: TrendPublic
    close: CloseBlock | None

    @classmethod
    def of(cls, score: MonthScore, change: Trend, closes: Closes) -> Self:
        return cls._with(score, trend=TrendPublic.of(change), close=_close(closes, score))


class ScoreboardPublic(Public):
    """The year with each month's close: ``revpact status --json`` and the dashboard's twin."""

    months: list[ClosedMonthScoreboard]
    complete: bool
    annual_reward: AnnualRewardPublic

    @classmethod
    def of(cls, board: YearScoreboard, closes: Closes) -> Self:
        return cls(
            months=[ClosedMonthScoreboard.of(score, closes) for score in board.months],
            complete=board.complete,
            annual_reward=AnnualRewardPublic.of(board),
        )


class ScoreboardAt(Public):
    """``GET /scoreboard``: the moment it is read as of, then :class:`ScoreboardPublic`."""

    as_of: Moment
    months: list[ClosedMonthScoreboard]
    complete: bool
    annual_reward: AnnualRewardPublic

    @classmethod
    def of(cls, as_of: datetime, board: YearScoreboard, closes: Closes) -> Self:
        year = ScoreboardPublic.of(board, closes)
        return cls(
            as_of=as_of,
            months=year.months,
            complete=year.complete,
            annual_reward=year.annual_reward,
        )
