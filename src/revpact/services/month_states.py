"""Where each month stands in its close, and the restatements closed months wait for.

A month is *open* until it begins, *in progress* while it runs, *awaiting close* once it has
ended (or was reopened) and *closed* from its close on (:mod:`revpact.services.month_close`).
A closed month whose live facts — recomputed now, closes ignored — differ from the facts frozen
at its close has a pending **restatement**: each figure that changed, old → new, and the rows
of leads, deals and revenue of the month recorded after the close. It is applied only by
``month reopen`` + ``month close``.
Everything is read as of a moment: a close recorded later has not happened yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Engine

from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.calendar import from_us, to_us
from revpact.domain.scoreboard.facts import months_between
from revpact.services.deals import month_over, month_ranges
from revpact.services.month_close import MonthClose, close_record, parse_month
from revpact.services.month_facts import frozen_facts, live_month_facts
from revpact.services.month_facts_json import FigureChange, changed_figures
from revpact.store.month_closes import (
    CloseAction,
    CloseRow,
    MonthCloseRepository,
    RecordedRow,
    rows_recorded_after,
)

__all__ = [
    "CloseState",
    "FigureChange",
    "MonthStatus",
    "RecordedRow",
    "Restatement",
    "close_block",
    "close_blocks",
    "month_states",
    "restatements",
]


class CloseState(StrEnum):
    """Where a month stands in its close."""

    OPEN = "open"  # not begun yet
    IN_PROGRESS = "in_progress"  # running: month to date
    AWAITING_CLOSE = "awaiting_close"  # ended (or reopened), not closed
    CLOSED = "closed"  # frozen


@dataclass(frozen=True)
class Restatement:
    """What data arriving after a month's close would change: each figure of its facts, old →
    new, and the rows of the month recorded after the close (none when the data that changed
    was recorded without a row of the month changing, e.g. a deal moved out of the month)."""

    month: date
    closed: MonthClose
    changes: tuple[FigureChange, ...]
    rows: tuple[RecordedRow, ...]


@dataclass(frozen=True)
class MonthStatus:
    """A month's close state as of a moment, its latest close or reopen, and its pending
    restatement (closed months only)."""

    month: date
    state: CloseState
    last: MonthClose | None
    restatement: Restatement | None


# ---------------------------------------------------------------------------- restatements


def restatements(engine: Engine, agreement: Agreement, *, now: datetime) -> list[Restatement]:
    """The pending restatements as of ``now``: each month closed then whose live facts differ
    from its frozen ones, oldest month first."""
    with engine.connect() as conn:
        latest = MonthCloseRepository(conn).latest(as_of_us=to_us(now))
    return _restatements(engine, agreement, latest, now)


def _restatements(
    engine: Engine, agreement: Agreement, latest: dict[str, CloseRow], now: datetime
) -> list[Restatement]:
    closed = sorted(
        (parse_month(key), row) for key, row in latest.items() if row.action is CloseAction.CLOSE
    )
    if not closed:
        return []
    months = [first for first, _ in closed]
    live = live_month_facts(engine, agreement, months, as_of=now)
    found = []
    ranges = month_ranges(agreement, months)
    for (first, row), fresh, span in zip(closed, live, ranges, strict=True):
        changes = changed_figures(frozen_facts(row), fresh)
        if not changes:
            continue
        with engine.connect() as conn:
            rows = rows_recorded_after(conn, row.month, span, after_us=row.recorded_us)
        found.append(Restatement(first, close_record(row), changes, tuple(rows)))
    return found


def month_states(engine: Engine, agreement: Agreement, *, as_of_us: int) -> list[MonthStatus]:
    """Every month of the agreement's period as of ``as_of_us``: open (not begun), in progress,
    awaiting close (ended, or reopened) or closed, with its latest close or reopen and its
    pending restatement."""
    with engine.connect() as conn:
        latest = MonthCloseRepository(conn).latest(as_of_us=as_of_us)
    moment = from_us(as_of_us)
    pending = {r.month: r for r in _restatements(engine, agreement, latest, moment)}
    period = agreement.period
    months = months_between(period.start, period.end)
    found = []
    for first, (lo, hi) in zip(months, month_ranges(agreement, months), strict=True):
        row = latest.get(f"{first:%Y-%m}")
        if row is not None and row.action is CloseAction.CLOSE:
            state = CloseState.CLOSED
        elif lo > as_of_us:
            state = CloseState.OPEN
        elif not month_over(hi, as_of_us):  # as the scoreboard: over from its last instant
            state = CloseState.IN_PROGRESS
        else:
            state = CloseState.AWAITING_CLOSE
        last = None if row is None else close_record(row)
        found.append(MonthStatus(first, state, last, pending.get(first)))
    return found


# ---------------------------------------------------------------------------- close blocks


def close_block(status: MonthStatus) -> dict[str, Any]:
    """The ``close`` block of a month in the scoreboard's JSON: its state, and for a closed
    month who closed it, when, under which version, the facts' hash and pending changes."""
    closed = status.state is CloseState.CLOSED and status.last is not None
    last = status.last if closed else None
    pending = status.restatement
    return {
        "state": status.state.value,
        "by": None if last is None else last.by,
        "at": None if last is None else last.at.isoformat(),
        "version": None if last is None else last.version_hash,
        "facts_hash": None if last is None else last.facts_hash,
        "restatements": []
        if pending is None
        else [{"figure": c.name, "old": c.old, "new": c.new} for c in pending.changes],
    }


def close_blocks(
    engine: Engine, agreement: Agreement, *, as_of: datetime
) -> dict[str, dict[str, Any]]:
    """:func:`close_block` of every month of the period as of ``as_of``, keyed ``YYYY-MM`` (the
    ``month`` of each month's scoreboard JSON), as
    :class:`revpact.services.public.scoreboard_closes.ScoreboardPublic` reads them."""
    return {
        f"{s.month:%Y-%m}": close_block(s)
        for s in month_states(engine, agreement, as_of_us=to_us(as_of))
    }
