"""The deals repository: upserts of deals and monthly revenue, and monthly SQL aggregates.

Like :mod:`revpact.store.leads`, every method works on a :class:`~sqlalchemy.Connection` inside
the caller's transaction. Amounts cross this boundary as integers of ten-thousandths of the
currency (``amount_e4``, see :data:`revpact.ingest.deals.AMOUNT_SCALE`); the service turns
them into :class:`~decimal.Decimal`.

The monthly reads take months as half-open ranges ``[start_us, end_us)`` of epoch µs, which the
caller computes in the agreement's time zone, and join them as a small ``VALUES`` list against
the table, so each figure is one ``GROUP BY`` query however many months are asked for.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, text

from revpact.store.dialect import driver_sql
from revpact.store.leads import EXISTS_BY, EXISTS_FROM
from revpact.store.months import MonthRange, month_bucket

__all__ = ["DEAL_COLUMNS", "STAMP_COLUMNS", "DealRepository", "DealTotals", "MonthRange"]

DEAL_COLUMNS: Final = (
    "deal_id",
    "lead_id",
    "created_us",
    "proposal_us",
    "closed_us",
    "outcome",
    "amount_e4",
    "owner",
)
"""The order of the values in each tuple :meth:`DealRepository.upsert_deals` takes."""
STAMP_COLUMNS: Final = ("recorded_us", "recorded_by")
"""When a deal or revenue row was inserted or last changed, and by whom: written with every
upsert that changes the row, never compared (recording the same facts again changes nothing)."""

Int64Array = npt.NDArray[np.int64]


@dataclass(frozen=True)
class DealTotals:
    """The deals closed in one month, summed."""

    won: int
    lost: int
    won_amount_e4: int
    proposals_won: int
    proposals_lost: int
    cycle_us: int  # sum over the won deals of closed_us - created_us


_NO_DEALS: Final = DealTotals(0, 0, 0, 0, 0, 0)


class DealRepository:
    """Deals and monthly revenue in the database reached through ``conn``."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        style = driver_sql(conn)
        self._deals_sql = _upsert_sql("deals", DEAL_COLUMNS, style.mark, style.distinct)
        self._revenue_sql = _upsert_sql(
            "revenue", ("month", "amount_e4"), style.mark, style.distinct
        )

    # ------------------------------------------------------------------ writing

    def count_deals(self) -> int:
        return int(self._conn.execute(text("SELECT COUNT(*) FROM deals")).scalar_one())

    def count_revenue(self) -> int:
        return int(self._conn.execute(text("SELECT COUNT(*) FROM revenue")).scalar_one())

    def upsert_deals(
        self,
        rows: Iterable[tuple[str | int | None, ...]],
        *,
        recorded_us: int | None = None,
        recorded_by: str | None = None,
    ) -> int:
        """Insert new deals and update changed ones (rows of :data:`DEAL_COLUMNS`), stamped
        with ``recorded_us``/``recorded_by``; returns how many rows changed — a row equal to
        the stored one is left alone."""
        stamp = (recorded_us, recorded_by)
        return self._execute_many(self._deals_sql, ((*row, *stamp) for row in rows))

    def upsert_revenue(
        self,
        rows: Iterable[tuple[str, int]],
        *,
        recorded_us: int | None = None,
        recorded_by: str | None = None,
    ) -> int:
        """Insert or update ``(month "YYYY-MM", amount_e4)`` rows, stamped as
        :meth:`upsert_deals` does; returns how many changed."""
        stamp = (recorded_us, recorded_by)
        return self._execute_many(self._revenue_sql, ((*row, *stamp) for row in rows))

    def _execute_many(self, sql: str, rows: Iterable[tuple[Any, ...]]) -> int:
        driver: Any = self._conn.connection.dbapi_connection  # in the open transaction
        cursor = driver.cursor()
        try:
            cursor.executemany(sql, rows)
            return max(int(cursor.rowcount), 0)
        finally:
            cursor.close()

    # ------------------------------------------------------------------ monthly reads

    def deal_totals(
        self, months: Sequence[MonthRange], *, as_of_us: int | None = None
    ) -> list[DealTotals]:
        """For each month, the deals closed in it, summed.

        With ``as_of_us``, only what had happened by then: deals created and closed by then,
        and a proposal only if it was submitted by then (a deal closed later is still open).
        """
        if not months:
            return []
        cte, params = _months_cte(months)
        cut, proposal = _cut("d", as_of_us, params)
        sql = (
            f"{cte} SELECT m.k, "
            "SUM(CASE WHEN d.outcome = 'won' THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN d.outcome = 'lost' THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN d.outcome = 'won' THEN d.amount_e4 ELSE 0 END), "
            f"SUM(CASE WHEN d.outcome = 'won' AND {proposal} THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN d.outcome = 'lost' AND {proposal} THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN d.outcome = 'won' THEN d.closed_us - d.created_us ELSE 0 END) "
            f"FROM m JOIN deals d ON d.closed_us >= m.lo AND d.closed_us < m.hi{cut} "
            "GROUP BY m.k"
        )
        found = [_NO_DEALS] * len(months)
        for row in self._conn.execute(text(sql), params):
            found[int(row[0])] = DealTotals(*(int(value or 0) for value in row[1:]))
        return found

    def won_cycles(
        self, months: Sequence[MonthRange], *, as_of_us: int | None = None
    ) -> list[Int64Array]:
        """For each month, the cycle (closed_us - created_us) of every deal won in it, sorted
        (with ``as_of_us``, of the deals created and closed by then)."""
        if not months:
            return []
        cte, params = _months_cte(months)
        cut, _ = _cut("d", as_of_us, params)
        sql = (
            f"{cte} SELECT m.k, d.closed_us - d.created_us "
            f"FROM m JOIN deals d ON d.closed_us >= m.lo AND d.closed_us < m.hi{cut} "
            "WHERE d.outcome = 'won' ORDER BY m.k, 2"
        )
        rows = self._conn.execute(text(sql), params).all()
        ks = np.array([r[0] for r in rows], dtype=np.int64)
        cycles = np.array([r[1] for r in rows], dtype=np.int64)
        cuts = np.searchsorted(ks, np.arange(len(months) + 1))
        return [cycles[cuts[k] : cuts[k + 1]] for k in range(len(months))]

    def leads_by_type(
        self, months: Sequence[MonthRange], *, as_of_us: int | None = None
    ) -> list[dict[str, int]]:
        """For each month (consecutive months), how many leads of each type were created in it
        (with ``as_of_us``, those that exist by then: created, and notified if they ever were —
        :data:`revpact.store.leads.EXISTS_BY`)."""
        if not months:
            return []
        month, where, params = month_bucket("created_us", months)
        if as_of_us is not None:
            where += f" AND {EXISTS_BY}"
            params = {**params, "as_of": as_of_us}
        sql = f"SELECT {month} AS k, lead_type, COUNT(*) FROM leads WHERE {where} GROUP BY 1, 2"
        found: list[dict[str, int]] = [{} for _ in months]
        for k, lead_type, count in self._conn.execute(text(sql), params):
            found[int(k)][str(lead_type)] = int(count)
        return found

    def next_change_us(self, months: Sequence[MonthRange], *, after_us: int) -> int | None:
        """The first moment after ``after_us`` at which a figure of :meth:`deal_totals`,
        :meth:`won_cycles` or :meth:`leads_by_type` of ``months`` as of that moment can differ
        from the figure as of ``after_us`` (a lead created, or a deal created, proposed or
        closed, in those months); None when nothing more happens in them."""
        if not months:
            return None
        lo, hi = min(m[0] for m in months), max(m[1] for m in months)
        params = {"after": after_us, "lo": lo, "hi": hi}
        closed = "d.closed_us >= :lo AND d.closed_us < :hi"
        sql = (
            "SELECT MIN(x) FROM ("
            f"SELECT MIN({EXISTS_FROM}) AS x FROM leads "
            f"WHERE {EXISTS_FROM} > :after AND created_us >= :lo AND created_us < :hi "
            "UNION ALL SELECT MIN(d.closed_us) FROM deals d "
            f"WHERE d.closed_us > :after AND {closed} "
            f"UNION ALL SELECT MIN(d.created_us) FROM deals d "
            f"WHERE d.created_us > :after AND {closed} "
            f"UNION ALL SELECT MIN(d.proposal_us) FROM deals d "
            f"WHERE d.proposal_us > :after AND {closed}"
            ") AS changes"
        )
        found = self._conn.execute(text(sql), params).scalar()
        return None if found is None else int(found)

    def revenue(self, months: Sequence[str]) -> dict[str, int]:
        """The recognised revenue (``amount_e4``) of those of ``months`` ("YYYY-MM") with a row."""
        if not months:
            return {}
        names = {f"month{i}": month for i, month in enumerate(months)}
        sql = (
            "SELECT month, amount_e4 FROM revenue WHERE month IN ("
            + ", ".join(f":{name}" for name in names)
            + ")"
        )
        return {str(m): int(a) for m, a in self._conn.execute(text(sql), names)}


def _cut(deal: str, as_of_us: int | None, params: dict[str, int]) -> tuple[str, str]:
    """``(join condition, proposal test)`` for what of a deal had happened by ``as_of_us``
    (both permissive when None); adds the moment to ``params``."""
    if as_of_us is None:
        return "", f"{deal}.proposal_us IS NOT NULL"
    params["as_of"] = as_of_us
    return (
        f" AND {deal}.closed_us <= :as_of AND {deal}.created_us <= :as_of",
        f"{deal}.proposal_us <= :as_of",
    )


def _months_cte(months: Sequence[MonthRange]) -> tuple[str, dict[str, int]]:
    """``WITH m (k, lo, hi) AS (VALUES ...)``: month ``k`` is ``[lo, hi)`` of epoch µs."""
    values = ", ".join(
        f"({k}, CAST(:lo{k} AS BIGINT), CAST(:hi{k} AS BIGINT))" for k in range(len(months))
    )
    params: dict[str, int] = {}
    for k, (lo, hi) in enumerate(months):
        params[f"lo{k}"], params[f"hi{k}"] = lo, hi
    return f"WITH m (k, lo, hi) AS (VALUES {values})", params


def _upsert_sql(table: str, columns: Sequence[str], mark: str, distinct: str) -> str:
    """An upsert of ``columns`` and then :data:`STAMP_COLUMNS`; the stamps are written with a
    change and never decide whether the row changed."""
    key, rest = columns[0], columns[1:]
    written = (*columns, *STAMP_COLUMNS)
    assignments = ", ".join(f"{c} = excluded.{c}" for c in (*rest, *STAMP_COLUMNS))
    changed = " OR ".join(f"{table}.{c} {distinct} excluded.{c}" for c in rest)
    return (
        f"INSERT INTO {table} ({', '.join(written)}) VALUES ({', '.join(mark for _ in written)}) "
        f"ON CONFLICT ({key}) DO UPDATE SET {assignments} WHERE {changed}"
    )
