"""Month close as revpact sends it: a close or reopen (:class:`MonthClosePublic`), each month's
close state (:class:`MonthStatusPublic`, and ``GET /months``' :class:`MonthStatesPublic`) and a
pending restatement (:class:`RestatementPublic`). Months are ``YYYY-MM``, moments ISO 8601."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Self

from pydantic import Field

from revpact.domain.clock.calendar import from_us
from revpact.services.month_close import MonthClose
from revpact.services.month_states import CloseState, MonthStatus, Restatement
from revpact.services.public.common import Moment, Public, month_key
from revpact.store.month_closes import CloseAction

__all__ = [
    "CloseBlock",
    "FigureChangePublic",
    "MonthClosePublic",
    "MonthCloseSummary",
    "MonthStatesPublic",
    "MonthStatusPublic",
    "RecordedRowPublic",
    "RestatementPublic",
]


class MonthCloseSummary(Public):
    """A close or reopen as recorded, without the figures it froze."""

    month: str
    action: CloseAction
    at: Moment
    by: str
    version: str | None = Field(description="The agreement version the month is measured under.")
    facts_hash: str | None = Field(description="SHA-256 of the canonical JSON of its facts.")
    reason: str | None

    @classmethod
    def of(cls, record: MonthClose) -> Self:
        return cls(
            month=month_key(record.month),
            action=record.action,
            at=record.at,
            by=record.by,
            version=record.version_hash,
            facts_hash=record.facts_hash,
            reason=record.reason,
        )


class MonthClosePublic(MonthCloseSummary):
    """A close or reopen as recorded, with the month's scoreboard as the close froze it."""

    figures: dict[str, Any] | None = Field(description="The month's scoreboard when closed.")

    @classmethod
    def of(cls, record: MonthClose) -> Self:
        return cls(**dict(MonthCloseSummary.of(record)), figures=record.figures)


class FigureChangePublic(Public):
    """A figure of the month's facts, old → new (values as the close stores them)."""

    figure: str
    old: Any
    new: Any


class CloseBlock(Public):
    """A month's close as the scoreboard shows it: its state, and for a closed month who closed
    it, when, under which agreement version, its facts' hash and the changes waiting to be
    restated (:func:`revpact.services.month_states.close_block`)."""

    state: CloseState
    by: str | None
    at: str | None
    version: str | None
    facts_hash: str | None
    restatements: list[FigureChangePublic]


class RecordedRowPublic(Public):
    """A row of the month recorded after its close."""

    table: str
    key: str
    recorded_at: Moment


class RestatementPublic(Public):
    """What data arriving after a month's close would change."""

    month: str
    closed_by: str
    closed_at: Moment
    facts_hash: str | None
    changes: list[FigureChangePublic]
    rows: list[RecordedRowPublic]

    @classmethod
    def of(cls, item: Restatement) -> Self:
        return cls(
            month=month_key(item.month),
            closed_by=item.closed.by,
            closed_at=item.closed.at,
            facts_hash=item.closed.facts_hash,
            changes=[FigureChangePublic(figure=c.name, old=c.old, new=c.new) for c in item.changes],
            rows=[
                RecordedRowPublic(table=r.table, key=r.key, recorded_at=from_us(r.recorded_us))
                for r in item.rows
            ],
        )


class MonthStatusPublic(Public):
    """A month's close state, its latest close or reopen and its pending restatement."""

    month: str
    state: CloseState
    last: MonthCloseSummary | None
    restatement: RestatementPublic | None

    @classmethod
    def of(cls, status: MonthStatus) -> Self:
        last, pending = status.last, status.restatement
        return cls(
            month=month_key(status.month),
            state=status.state,
            last=None if last is None else MonthCloseSummary.of(last),
            restatement=None if pending is None else RestatementPublic.of(pending),
        )


class MonthStatesPublic(Public):
    """``GET /months``: every month of the period as of a moment."""

    as_of: Moment
    months: list[MonthStatusPublic]

    @classmethod
    def of(cls, as_of: datetime, states: Sequence[MonthStatus]) -> Self:
        return cls(as_of=as_of, months=[MonthStatusPublic.of(s) for s in states])
