"""The follow-up repository: where the leads notified in each month stand, as one SQL aggregate.

The statuses follow :mod:`revpact.domain.sla` exactly, on the stored deadlines (``due_us``, kept
current by :func:`revpact.services.deadlines.recompute_deadlines`). As of ``T``, a lead the SLA
applies to is

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
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from sqlalchemy import Connection, text

from revpact.store.months import MonthRange, month_bucket

__all__ = ["FollowUpCounts", "FollowUpRepository"]


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
