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
from revpact.store.months import MonthRange, month_bucket

__all__ = ["DEAL_COLUMNS", "DealRepository", "DealTotals", "MonthRange"]

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

    def upsert_deals(self, rows: Iterable[tuple[str | int | None, ...]]) -> int:
        """Insert new deals and update changed ones (rows of :data:`DEAL_COLUMNS`); returns
        how many rows changed — a row equal to the stored one is left alone."""
        return self._execute_many(self._deals_sql, rows)

    def upsert_revenue(self, rows: Iterable[tuple[str, int]]) -> int:
        """Insert or update ``(month "YYYY-MM", amount_e4)`` rows; returns how many changed."""
        return self._execute_many(self._revenue_sql, rows)

    def _execute_many(self, sql: str, rows: Iterable[tuple[Any, ...]]) -> int:
        driver: Any = self._conn.connection.dbapi_connection  # in the open transaction
        cursor = driver.cursor()
        try:
            cursor.executemany(sql, rows)
            return max(int(cursor.rowcount), 0)
        finally:
            cursor.close()

    # ------------------------------------------------------------------ monthly reads

    def deal_totals(self, months: Sequence[MonthRange]) -> list[DealTotals]:
        """For each month, the deals closed in it, summed."""
        if not months:
            return []
        cte, params = _months_cte(months)
        sql = (
            f"{cte} SELECT m.k, "
            "SUM(CASE WHEN d.outcome = 'won' THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN d.outcome = 'lost' THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN d.outcome = 'won' THEN d.amount_e4 ELSE 0 END), "
            "SUM(CASE WHEN d.outcome = 'won' AND d.proposal_us IS NOT NULL THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN d.outcome = 'lost' AND d.proposal_us IS NOT NULL THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN d.outcome = 'won' THEN d.closed_us - d.created_us ELSE 0 END) "
            "FROM m JOIN deals d ON d.closed_us >= m.lo AND d.closed_us < m.hi "
            "GROUP BY m.k"
        )
        found = [_NO_DEALS] * len(months)
        for row in self._conn.execute(text(sql), params):
            found[int(row[0])] = DealTotals(*(int(value or 0) for value in row[1:]))
        return found

    def won_cycles(self, months: Sequence[MonthRange]) -> list[Int64Array]:
        """For each month, the cycle (closed_us - created_us) of every deal won in it, sorted."""
        if not months:
            return []
        cte, params = _months_cte(months)
        sql = (
            f"{cte} SELECT m.k, d.closed_us - d.created_us "
            "FROM m JOIN deals d ON d.closed_us >= m.lo AND d.closed_us < m.hi "
            "WHERE d.outcome = 'won' ORDER BY m.k, 2"
        )
        rows = self._conn.execute(text(sql), params).all()
        ks = np.array([r[0] for r in rows], dtype=np.int64)
        cycles = np.array([r[1] for r in rows], dtype=np.int64)
        cuts = np.searchsorted(ks, np.arange(len(months) + 1))
        return [cycles[cuts[k] : cuts[k + 1]] for k in range(len(months))]

    def leads_by_type(self, months: Sequence[MonthRange]) -> list[dict[str, int]]:
        """For each month (consecutive months), how many leads of each type were created in it."""
        if not months:
            return []
        month, where, params = month_bucket("created_us", months)
        sql = f"SELECT {month} AS k, lead_type, COUNT(*) FROM leads WHERE {where} GROUP BY 1, 2"
        found: list[dict[str, int]] = [{} for _ in months]
        for k, lead_type, count in self._conn.execute(text(sql), params):
            found[int(k)][str(lead_type)] = int(count)
        return found

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
    key, rest = columns[0], columns[1:]
    assignments = ", ".join(f"{c} = excluded.{c}" for c in rest)
    changed = " OR ".join(f"{table}.{c} {distinct} excluded.{c}" for c in rest)
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(mark for _ in columns)}) "
        f"ON CONFLICT ({key}) DO UPDATE SET {assignments} WHERE {changed}"
    )
