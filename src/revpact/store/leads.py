"""The leads repository: bulk upserts, deadline refreshes and column-wise reads, in plain SQL.

Every method works on a :class:`~sqlalchemy.Connection` inside the caller's transaction, so a
service decides what is one unit of work (an import is: all of a file or none of it). Writes
go through the driver's ``executemany`` with tuples, and reads come back as numpy columns —
the shape the SLA engine computes on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, delete, insert, select, text

from revpact.domain.sla import NO_TIME
from revpact.store.dialect import driver_sql
from revpact.store.tables import imports, leads, store_state

__all__ = [
    "LEAD_COLUMNS",
    "LeadArrays",
    "LeadRepository",
    "SlaArrays",
    "StaleLead",
]

LEAD_COLUMNS: Final = (
    "lead_id",
    "lead_type",
    "stage",
    "requested_follow_up",
    "owner",
    "attributes",
    "created_us",
    "notified_us",
    "first_touch_us",
    "due_us",
    "applies",
    "sla_fingerprint",
)
"""The order of the values in each tuple :meth:`LeadRepository.upsert` takes.

The tuples hold only ``str`` and ``int``, which drivers bind fastest (``sqlite3`` looks for an
adapter for anything else, ``None`` and ``bool`` included): flags are 0/1, an owner of ``""``
is stored as NULL and so is a time of :data:`~revpact.domain.sla.NO_TIME`.
"""

_NULL_WHEN = {
    "owner": "''",
    "notified_us": "-9223372036854775807 - 1",  # NO_TIME, written so no dialect overflows
    "first_touch_us": "-9223372036854775807 - 1",
    "due_us": "-9223372036854775807 - 1",
}
_FLAGS = frozenset({"requested_follow_up", "applies"})

Int64Array = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class SlaArrays:
    """What the SLA clock needs of each lead, column-wise; :data:`NO_TIME` for no time."""

    owner: list[str | None]
    applies: BoolArray
    notified_us: Int64Array
    first_touch_us: Int64Array
    due_us: Int64Array

    def __len__(self) -> int:
        return len(self.owner)


@dataclass(frozen=True)
class LeadArrays(SlaArrays):
    """:class:`SlaArrays` with each lead's id, type, stage and creation time."""

    lead_id: list[str]
    lead_type: list[str]
    stage: list[str]
    created_us: Int64Array


@dataclass(frozen=True)
class StaleLead:
    """What deciding a lead's deadline again needs."""

    lead_id: str
    lead_type: str
    stage: str
    requested_follow_up: bool
    owner: str | None
    attributes: str
    notified_us: int | None


class LeadRepository:
    """Leads in the database reached through ``conn`` (within the caller's transaction)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        style = driver_sql(conn)
        mark, dialect_name = style.mark, style.name
        self._mark, self._distinct, self._dialect = mark, style.distinct, dialect_name
        self._statements: dict[tuple[tuple[str, str | int], ...], tuple[str, str]] = {}
        self._refresh_sql = (
            f"UPDATE leads SET due_us = {_value_sql('due_us', mark, dialect_name)}, "
            f"applies = {_value_sql('applies', mark, dialect_name)}, sla_fingerprint = {mark} "
            f"WHERE lead_id = {mark}"
        )

    def _sql(self, same: Mapping[str, str | int]) -> tuple[str, str]:
        """The INSERT and the upsert statement when the columns in ``same`` are constants."""
        key = tuple(sorted(same.items()))
        if key not in self._statements:
            mark, dialect = self._mark, self._dialect
            values = ", ".join(
                _value_sql(c, _literal(same[c], mark) if c in same else mark, dialect)
                for c in LEAD_COLUMNS
            )
            rest = LEAD_COLUMNS[1:]
            assignments = ", ".join(f"{c} = excluded.{c}" for c in rest)
            changed = " OR ".join(f"leads.{c} {self._distinct} excluded.{c}" for c in rest)
            insert_sql = f"INSERT INTO leads ({', '.join(LEAD_COLUMNS)}) VALUES ({values})"
            upsert_sql = (
                f"{insert_sql} ON CONFLICT (lead_id) DO UPDATE SET {assignments} WHERE {changed}"
            )
            self._statements[key] = (insert_sql, upsert_sql)
        return self._statements[key]

    # ------------------------------------------------------------------ writing

    def count(self) -> int:
        return int(self._conn.execute(text("SELECT COUNT(*) FROM leads")).scalar_one())

    def upsert(
        self, rows: Iterable[tuple[str | int, ...]], same: Mapping[str, str | int] | None = None
    ) -> int:
        """Insert new leads and update changed ones; returns how many rows changed.

        Each row holds the values of :data:`LEAD_COLUMNS` in that order, leaving out the
        columns in ``same``: values every row shares, written once into the statement instead
        of bound for each row. A row equal to the stored one is left alone and not counted.
        """
        return self._execute_many(self._sql(same or {})[1], rows)

    def insert(
        self, rows: Iterable[tuple[str | int, ...]], same: Mapping[str, str | int] | None = None
    ) -> int:
        """Insert leads known to be new (a bulk load into an empty table); returns how many."""
        return self._execute_many(self._sql(same or {})[0], rows)

    def _execute_many(self, sql: str, rows: Iterable[tuple[str | int, ...]]) -> int:
        # The driver's own executemany, fed an iterator: with zip() feeding it, no list of a
        # hundred thousand tuples is built (zip reuses its tuple once the driver lets go).
        driver: Any = self._conn.connection.dbapi_connection  # in the open transaction
        cursor = driver.cursor()
        try:
            cursor.executemany(sql, rows)
            return max(int(cursor.rowcount), 0)
        finally:
            cursor.close()

    def drop_indexes(self) -> None:
        """Drop every index of ``leads`` (a bulk load into an empty table builds them after)."""
        for index in leads.indexes:
            index.drop(self._conn)

    def create_indexes(self) -> None:
        for index in leads.indexes:
            index.create(self._conn)

    def record_import(
        self,
        *,
        file_name: str,
        sha256: str,
        rows: int,
        inserted: int,
        updated: int,
        unchanged: int,
        rejected: int,
        at_us: int,
    ) -> None:
        self._conn.execute(
            insert(imports).values(
                file_name=file_name,
                sha256=sha256,
                rows=rows,
                inserted=inserted,
                updated=updated,
                unchanged=unchanged,
                rejected=rejected,
                at_us=at_us,
            )
        )

    # ------------------------------------------------------------------ deadlines

    def deadlines_fingerprint(self) -> str | None:
        """The SLA every stored deadline is known to be computed under (None: not known)."""
        value = self._conn.execute(
            select(store_state.c.value).where(store_state.c.key == "sla_fingerprint")
        ).scalar_one_or_none()
        return None if value is None else str(value)

    def set_deadlines_fingerprint(self, fingerprint: str) -> None:
        self._conn.execute(delete(store_state).where(store_state.c.key == "sla_fingerprint"))
        self._conn.execute(insert(store_state).values(key="sla_fingerprint", value=fingerprint))

    def settle_fingerprint(self, written: str) -> None:
        """After leads were written with deadlines under ``written``: when the store's
        deadlines are known to be under another SLA, forget that, so the next
        :func:`~revpact.services.deadlines.recompute_deadlines` recomputes the new rows."""
        known = self.deadlines_fingerprint()
        if known is not None and known != written:
            self._conn.execute(delete(store_state).where(store_state.c.key == "sla_fingerprint"))

    def has_stale(self, fingerprint: str) -> bool:
        """Whether any lead's deadline was computed under another SLA than ``fingerprint``."""
        found = self._conn.execute(
            text("SELECT 1 FROM leads WHERE sla_fingerprint <> :fp LIMIT 1"), {"fp": fingerprint}
        ).first()
        return found is not None

    def stale(
        self,
        fingerprint: str,
        *,
        after: str | None,
        limit: int,
        notified_from: int | None = None,
        notified_until: int | None = None,
    ) -> list[StaleLead]:
        """Up to ``limit`` leads (ids after ``after``) with a deadline not under ``fingerprint``,
        among those notified in ``[notified_from, notified_until)`` (None: unbounded; leads never
        notified count as notified before any moment)."""
        where = ["sla_fingerprint <> :fp"]
        params: dict[str, object] = {"fp": fingerprint, "limit": limit}
        if notified_from is not None:
            where.append("notified_us >= :notified_from")
            params["notified_from"] = notified_from
        if notified_until is not None:
            where.append("(notified_us IS NULL OR notified_us < :notified_until)")
            params["notified_until"] = notified_until
        if after is not None:
            where.append("lead_id > :after")
            params["after"] = after
        sql = (
            "SELECT lead_id, lead_type, stage, requested_follow_up, owner, attributes, notified_us "
            f"FROM leads WHERE {' AND '.join(where)} ORDER BY lead_id LIMIT :limit"
        )
        return [
            StaleLead(r[0], r[1], r[2], bool(r[3]), r[4], r[5], r[6])
            for r in self._conn.execute(text(sql), params)
        ]

    def refresh_deadlines(self, rows: Iterable[tuple[int, int, str, str]]) -> None:
        """Set ``(due_us, applies, sla_fingerprint)`` of each ``lead_id`` (the tuple's last)."""
        self._execute_many(self._refresh_sql, rows)

    # ------------------------------------------------------------------ reading

    def load(
        self,
        *,
        as_of_us: int,
        owner: str | None = None,
        lead_id: str | None = None,
        waiting: bool = False,
    ) -> LeadArrays:
        """Leads that exist as of ``as_of_us``: notified by then, or (never notified) created.

        Ordered by notification time (creation time for leads never notified), then id;
        ``owner`` keeps one owner's leads, ``lead_id`` one lead, and ``waiting`` only the
        leads still waiting for their first touch before their due time (the candidates for
        open and at risk, which the SLA clock then decides).
        """
        rows = self._select(
            "lead_id, lead_type, stage, created_us, " + _SLA_COLUMNS,
            as_of_us,
            owner,
            lead_id,
            waiting,
        )
        sla = _sla_arrays(rows, 4)
        return LeadArrays(
            owner=sla.owner,
            applies=sla.applies,
            notified_us=sla.notified_us,
            first_touch_us=sla.first_touch_us,
            due_us=sla.due_us,
            lead_id=[r[0] for r in rows],
            lead_type=[r[1] for r in rows],
            stage=[r[2] for r in rows],
            created_us=np.array([r[3] for r in rows], dtype=np.int64),
        )

    def load_sla(self, *, as_of_us: int) -> SlaArrays:
        """:meth:`load`'s leads, only what the SLA clock and a per-owner summary need."""
        return _sla_arrays(self._select(_SLA_COLUMNS, as_of_us, None), 0)

    def _select(
        self,
        columns: str,
        as_of_us: int,
        owner: str | None,
        lead_id: str | None = None,
        waiting: bool = False,
    ) -> list[Any]:
        # COALESCE(notified, created) <= as_of: notified by then, or never notified and
        # created by then.
        sql = (
            f"SELECT {columns} FROM leads "
            "WHERE COALESCE(notified_us, created_us) <= :as_of"
            + ("" if owner is None else " AND owner = :owner")
            + ("" if lead_id is None else " AND lead_id = :lead_id")
            + (
                " AND applies AND due_us > :as_of"
                " AND (first_touch_us IS NULL OR first_touch_us > :as_of)"
                if waiting
                else ""
            )
            + " ORDER BY COALESCE(notified_us, created_us), lead_id"
        )
        params: dict[str, object] = {"none": NO_TIME, "as_of": as_of_us}
        if owner is not None:
            params["owner"] = owner
        if lead_id is not None:
            params["lead_id"] = lead_id
        return list(self._conn.execute(text(sql), params).all())


_SLA_COLUMNS = (
    "owner, applies, COALESCE(notified_us, :none), COALESCE(first_touch_us, :none), "
    "COALESCE(due_us, :none)"
)


def _sla_arrays(rows: list[Any], at: int) -> SlaArrays:
    """The SLA columns of ``rows``, which start at position ``at`` of each row."""
    if not rows:
        empty = np.empty(0, dtype=np.int64)
        return SlaArrays([], np.empty(0, dtype=bool), empty, empty.copy(), empty.copy())
    cols: list[tuple[Any, ...]] = list(zip(*(r[at : at + 5] for r in rows), strict=True))
    return SlaArrays(
        owner=list(cols[0]),
        applies=np.array(cols[1], dtype=bool),
        notified_us=np.array(cols[2], dtype=np.int64),
        first_touch_us=np.array(cols[3], dtype=np.int64),
        due_us=np.array(cols[4], dtype=np.int64),
    )


def _value_sql(column: str, value: str, dialect: str) -> str:
    """SQL for one column's value (a placeholder or a literal), NULL for the "none" marks."""
    if column in _NULL_WHEN:
        return f"NULLIF({value}, {_NULL_WHEN[column]})"
    if column in _FLAGS and dialect == "postgresql":
        return f"CAST(CAST({value} AS INTEGER) AS BOOLEAN)"
    return value


def _literal(value: str | int, mark: str) -> str:
    """A SQL literal; "%" is doubled where the driver's placeholders start with it."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"no literal for {value!r}")
    literal = str(value) if isinstance(value, int) else "'" + value.replace("'", "''") + "'"
    return literal.replace("%", "%%") if mark == "%s" else literal
