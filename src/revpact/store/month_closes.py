"""Month closes: the append-only log of each close and reopen of a month
(:data:`revpact.store.tables.month_closes`).

A month's state at a moment is its latest row recorded at or before that moment: ``close``
means closed (its frozen facts and figures are in that row), ``reopen`` or no row means open.
Nothing here updates or deletes a row, and the database refuses it too (migration 0006).
The rows of leads, deals and revenue recorded after a moment (:func:`rows_recorded_after`)
tell what caused a restatement.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Column, ColumnElement, Connection, Table, and_, func, insert, or_, select

from revpact.store.months import MonthRange
from revpact.store.tables import deals, leads, month_closes, revenue

__all__ = [
    "CloseAction",
    "CloseRow",
    "MonthCloseRepository",
    "RecordedRow",
    "rows_recorded_after",
]


class CloseAction(StrEnum):
    CLOSE = "close"
    REOPEN = "reopen"


@dataclass(frozen=True)
class CloseRow:
    """One close or reopen of ``month`` (``YYYY-MM``); ``facts`` and ``figures`` are JSON text
    (a close's only), ``version_hash`` the agreement version the month is measured under."""

    close_id: int
    month: str
    action: CloseAction
    at_us: int  # when it took effect (a close may be dated back, never forward)
    recorded_us: int  # when revpact recorded it
    by: str
    version_hash: str | None
    facts_hash: str | None
    facts: str | None
    figures: str | None
    reason: str | None


class MonthCloseRepository:
    """The closes and reopens in the database reached through ``conn``."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def insert(
        self,
        *,
        month: str,
        action: CloseAction,
        at_us: int,
        recorded_us: int,
        by: str,
        version_hash: str | None = None,
        facts_hash: str | None = None,
        facts: str | None = None,
        figures: str | None = None,
        reason: str | None = None,
    ) -> int:
        """Append one close or reopen; its ``close_id``."""
        result = self._conn.execute(
            insert(month_closes).values(
                month=month,
                action=action.value,
                at_us=at_us,
                recorded_us=recorded_us,
                by=by,
                version_hash=version_hash,
                facts_hash=facts_hash,
                facts=facts,
                figures=figures,
                reason=reason,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])

    def rows(self, months: Sequence[str] | None = None) -> list[CloseRow]:
        """Every close and reopen (of ``months`` only, when given), in the order recorded."""
        query = select(month_closes).order_by(month_closes.c.close_id)
        if months is not None:
            query = query.where(month_closes.c.month.in_(list(months)))
        return [
            CloseRow(
                close_id=int(row.close_id),
                month=str(row.month),
                action=CloseAction(row.action),
                at_us=int(row.at_us),
                recorded_us=int(row.recorded_us),
                by=str(row.by),
                version_hash=row.version_hash,
                facts_hash=row.facts_hash,
                facts=row.facts,
                figures=row.figures,
                reason=row.reason,
            )
            for row in self._conn.execute(query)
        ]

    def latest(self, *, as_of_us: int | None = None) -> dict[str, CloseRow]:
        """Each month's latest row recorded at or before ``as_of_us`` (every row when None)."""
        found: dict[str, CloseRow] = {}
        for row in self.rows():
            if as_of_us is None or row.at_us <= as_of_us:
                found[row.month] = row
        return found

    def last_at_us(self) -> int | None:
        """When the newest row was dated (the log only moves forward from there)."""
        value = self._conn.execute(select(func.max(month_closes.c.at_us))).scalar_one()
        return None if value is None else int(value)


# ---------------------------------------------------------------------------- restatement rows


@dataclass(frozen=True)
class RecordedRow:
    """A row of leads, deals or revenue recorded after a moment: which table, its key (the
    CRM's lead or deal id, or the revenue month) and when it was recorded."""

    table: str
    key: str
    recorded_us: int


def _recorded_columns(table: Table) -> list[Column[int]]:
    """The columns of ``table`` that say when (part of) a row was recorded, e.g. ``recorded_us``
    or ``touch_recorded_us``."""
    return [column for column in table.c if column.name.endswith("recorded_us")]


def rows_recorded_after(
    conn: Connection, month: str, span: MonthRange, *, after_us: int
) -> list[RecordedRow]:
    """The rows of ``month`` (``YYYY-MM``, ``span`` its ``[start, end)`` µs) recorded after
    ``after_us``: leads created or notified in it, deals closed in it, its revenue row."""
    lo, hi = span

    def within(column: ColumnElement[int] | Column[int]) -> ColumnElement[bool]:
        return and_(column >= lo, column < hi)

    scopes: list[tuple[Table, ColumnElement[str] | Column[str], ColumnElement[bool]]] = [
        (leads, leads.c.lead_id, or_(within(leads.c.created_us), within(leads.c.notified_us))),
        (deals, deals.c.deal_id, within(deals.c.closed_us)),
        (revenue, revenue.c.month, revenue.c.month == month),
    ]
    found: list[RecordedRow] = []
    for table, key, scope in scopes:
        columns = _recorded_columns(table)
        later = or_(*(column > after_us for column in columns))
        query = select(key, *columns).where(scope, later).order_by(key)
        for row in conn.execute(query):
            times = [int(t) for t in row[1:] if t is not None and int(t) > after_us]
            found.append(RecordedRow(table.name, str(row[0]), max(times)))
    return sorted(found, key=lambda r: (r.recorded_us, r.table, r.key))
