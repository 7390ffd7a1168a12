"""The follow-up repository: where the leads notified in each month stand, as one SQL aggregate.

The statuses follow :mod:`revpact.domain.clock.sla` exactly, on the stored deadlines
(``due_us``, kept current by :func:`revpact.services.deadlines.recompute_deadlines`). As of
``T``, a lead the SLA applies to is

* met — first touched by ``T`` and no later than its due time (a touch before the
  notification counts as met);
* breached — first touched by ``T`` but after its due time, or not touched by ``T`` while
  ``T`` is past due;
* waiting (open or at risk) — not touched by ``T`` and ``T`` not past due.

A touch later than ``T`` has not happened yet. NULL means "no such moment" (see
:mod:`revpact.store.tables`): a lead without a deadline is not counted, nor is one never
notified. Like :mod:`revpact.store.deals`, months are half-open ranges ``[start_us, end_us)`` of
epoch µs computed by the caller in the agreement's time zone, and the whole year is one
``GROUP BY`` query: one pass over the leads, each put in its month by a ``CASE`` over the
month edges (in SQLite that is half the time of joining every lead against a ``VALUES`` list of
the months, which visits each lead once per month).

For the dashboard's cache, :func:`settled_by_month` and :func:`unsettled` split the same
figures at a moment ``T`` into the leads whose verdict can no longer change and the (few) that
can, so :func:`counts_at` gives the figures at any later moment without touching the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, text

from revpact.store.months import MonthRange, month_bucket

__all__ = [
    "NEVER",
    "FollowUpCounts",
    "FollowUpRepository",
    "Unsettled",
    "counts_at",
    "settled_by_month",
    "unsettled",
]

Int64Array = npt.NDArray[np.int64]


@dataclass(frozen=True)
class FollowUpCounts:
    """The leads notified in one month, by where they stand."""

    met: int
    breached: int
    waiting: int  # open or at risk


_NONE: Final = FollowUpCounts(0, 0, 0)

# CASE takes the first branch whose condition is true, and a comparison with NULL is not: so
# "l.first_touch_us <= :as_of" is the touched-by-then branch, and the next ones see the rest.
_COUNTS: Final = (
    "SUM(CASE WHEN l.first_touch_us <= :as_of "
    "THEN CASE WHEN l.first_touch_us <= l.due_us THEN 1 ELSE 0 END ELSE 0 END), "
    "SUM(CASE WHEN l.first_touch_us <= :as_of "
    "THEN CASE WHEN l.first_touch_us > l.due_us THEN 1 ELSE 0 END "
    "WHEN :as_of > l.due_us THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN l.first_touch_us <= :as_of THEN 0 WHEN :as_of > l.due_us THEN 0 ELSE 1 END)"
)


class FollowUpRepository:
    """Follow-up figures of the leads in the database reached through ``conn``."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def by_month(self, months: Sequence[MonthRange], *, as_of_us: int) -> list[FollowUpCounts]:
        """For each month, the leads notified in it (and by ``as_of_us``), as of ``as_of_us``.

        ``months`` are consecutive (each ends where the next starts).
        """
        if not months:
            return []
        month, where, params = month_bucket("l.notified_us", months)
        sql = (
            f"SELECT {month} AS k, {_COUNTS} FROM leads l "
            f"WHERE l.applies = :applies AND l.due_us IS NOT NULL AND l.notified_us <= :as_of "
            f"AND {where} GROUP BY 1"
        )
        found = [_NONE] * len(months)
        rows = self._conn.execute(text(sql), {**params, "as_of": as_of_us, "applies": True})
        for k, met, breached, waiting in rows:
            found[int(k)] = FollowUpCounts(int(met or 0), int(breached or 0), int(waiting or 0))
        return found


@dataclass(frozen=True)
class Unsettled:
    """Leads whose status can still change after a moment ``T``, as parallel arrays.

    ``month`` is the index of the month each was notified in; a lead not touched has
    ``first_touch_us`` :data:`NEVER` (after every moment).
    """

    month: Int64Array
    notified_us: Int64Array
    first_touch_us: Int64Array
    due_us: Int64Array


NEVER: Final = np.iinfo(np.int64).max
"""The first touch of a lead never touched: later than every moment."""

_SCOPE: Final = "l.applies = :applies AND l.due_us IS NOT NULL"
# Decided by T for good: touched by T (the verdict is fixed), or untouched and past due at T
# (a later touch is late, so it stays breached).
_SETTLED: Final = "l.notified_us <= :as_of AND (l.first_touch_us <= :as_of OR l.due_us < :as_of)"
_UNSETTLED: Final = (
    "(l.notified_us > :as_of OR ((l.first_touch_us IS NULL OR l.first_touch_us > :as_of) "
    "AND l.due_us >= :as_of))"
)


def settled_by_month(
    conn: Connection, months: Sequence[MonthRange], *, as_of_us: int
) -> list[FollowUpCounts]:
    """Per month, the leads notified in it whose verdict is final at ``as_of_us`` — it stays
    the same at every later moment (``waiting`` is 0). One ``GROUP BY`` pass."""
    if not months:
        return []
    month, where, params = month_bucket("l.notified_us", months)
    sql = (
        f"SELECT {month} AS k, "
        "SUM(CASE WHEN l.first_touch_us <= :as_of AND l.first_touch_us <= l.due_us "
        "THEN 1 ELSE 0 END), COUNT(*) "
        f"FROM leads l WHERE {_SCOPE} AND {_SETTLED} AND {where} GROUP BY 1"
    )
    found = [_NONE] * len(months)
    rows = conn.execute(text(sql), {**params, "as_of": as_of_us, "applies": True})
    for k, met, total in rows:
        found[int(k)] = FollowUpCounts(int(met or 0), int(total) - int(met or 0), 0)
    return found


def unsettled(conn: Connection, months: Sequence[MonthRange], *, as_of_us: int) -> Unsettled:
    """The leads notified in ``months`` whose status may still change after ``as_of_us``: those
    notified later, and those waiting at ``as_of_us`` (untouched, not yet past due)."""
    empty = np.zeros(0, np.int64)
    if not months:
        return Unsettled(empty, empty, empty, empty)
    month, where, params = month_bucket("l.notified_us", months)
    sql = (
        f"SELECT {month} AS k, l.notified_us, l.first_touch_us, l.due_us FROM leads l "
        f"WHERE {_SCOPE} AND {_UNSETTLED} AND {where}"
    )
    rows = conn.execute(text(sql), {**params, "as_of": as_of_us, "applies": True}).all()
    if not rows:
        return Unsettled(empty, empty, empty, empty)
    k, notified, touch, due = zip(*rows, strict=True)
    return Unsettled(
        np.array(k, np.int64),
        np.array(notified, np.int64),
        np.array([NEVER if t is None else t for t in touch], np.int64),
        np.array(due, np.int64),
    )


def counts_at(
    settled: Sequence[FollowUpCounts], pending: Unsettled, *, as_of_us: int
) -> list[FollowUpCounts]:
    """The counts of :meth:`FollowUpRepository.by_month` at ``as_of_us``, from the settled
    counts and unsettled leads of an earlier (or the same) moment: vectorised, no SQL."""
    n = len(settled)
    included = pending.notified_us <= as_of_us
    touched = pending.first_touch_us <= as_of_us
    on_time = pending.first_touch_us <= pending.due_us
    late = as_of_us > pending.due_us
    met = included & touched & on_time
    breached = included & ((touched & ~on_time) | (~touched & late))
    waiting = included & ~touched & ~late
    per = [
        np.bincount(pending.month[mask], minlength=n).tolist() for mask in (met, breached, waiting)
    ]
    return [
        FollowUpCounts(s.met + per[0][k], s.breached + per[1][k], s.waiting + per[2][k])
        for k, s in enumerate(settled)
    ]
