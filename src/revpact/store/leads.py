"""The leads repository: bulk upserts, deadline refreshes and column-wise reads, in plain SQL.

Every method works on a :class:`~sqlalchemy.Connection` inside the caller's transaction, so a
service decides what is one unit of work (an import is: all of a file or none of it). Writes
go through the driver's ``executemany`` with tuples, and reads come back as numpy columns —
the shape the SLA engine computes on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, delete, insert, select, text

from revpact.domain.clock.sla import NO_TIME
from revpact.store.bulk import ByIdColumns, read_by_id, update_by_id
from revpact.store.column_writes import Column, InsertSql, write_columns
from revpact.store.dialect import driver_sql
from revpact.store.tables import imports, leads, store_state

__all__ = [
    "EXISTS_BY",
    "EXISTS_FROM",
    "LEAD_COLUMNS",
    "EntryTimes",
    "LateTouches",
    "LeadArrays",
    "LeadRepository",
    "SlaArrays",
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
    "touch_claimed_us",
    "recorded_us",
    "recorded_by",
)
"""The columns :meth:`LeadRepository.upsert` writes: one list of values per column, by name.

The values are only ``str`` and ``int``, which drivers bind fastest (``sqlite3`` looks for an
adapter for anything else, ``None`` and ``bool`` included): flags are 0/1, an owner or a
``recorded_by`` of ``""`` is stored as NULL and so is a time of
:data:`~revpact.domain.clock.sla.NO_TIME`. An import gives its file's first touch twice (as
``first_touch_us`` and ``touch_claimed_us``) and its own time and actor as ``recorded_us`` and
``recorded_by``.
"""

_NO_TIME_SQL = "-9223372036854775807 - 1"  # NO_TIME, written so no dialect overflows
_NULL_WHEN = {
    "owner": "''",
    "recorded_by": "''",
    "notified_us": _NO_TIME_SQL,
    "first_touch_us": _NO_TIME_SQL,
    "due_us": _NO_TIME_SQL,
    "touch_claimed_us": _NO_TIME_SQL,
}
_COMPARED: Final = tuple(
    c for c in LEAD_COLUMNS[1:] if c not in ("first_touch_us", "recorded_us", "recorded_by")
)
"""What makes an imported row a change: every fact, the first touch as claimed (the counted one
may differ while a late entry awaits approval), not who recorded it or when."""
_FLAGS = frozenset({"requested_follow_up", "applies"})
_COPY_NULL: Final[dict[str, str | int]] = {
    c: NO_TIME if mark == _NO_TIME_SQL else "" for c, mark in _NULL_WHEN.items()
}
"""The value each column of :data:`_NULL_WHEN` writes as NULL, for COPY."""

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
class LateTouches:
    """Leads whose first touch may count at another moment than claimed, column-wise (what
    :func:`~revpact.domain.late_entries.settle_touches` takes); NO_TIME for none."""

    lead_id: list[str]
    first_us: Int64Array
    claimed_us: Int64Array
    recorded_us: Int64Array
    due_us: Int64Array


@dataclass(frozen=True)
class EntryTimes:
    """Who recorded a lead's notification and first touch, and when (None: not known)."""

    lead_id: str
    notified_us: int | None
    notified_recorded_us: int | None
    notified_by: str | None
    first_touch_us: int | None
    touch_claimed_us: int | None
    touch_recorded_us: int | None
    touch_by: str | None
    touch_approved_us: int | None
    touch_approved_by: str | None


class LeadRepository:
    """Leads in the database reached through ``conn`` (within the caller's transaction)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        style = driver_sql(conn)
        mark, dialect_name = style.mark, style.name
        self._mark, self._distinct, self._dialect = mark, style.distinct, dialect_name

    def _upsert_sql(self) -> str:
        changed = " OR ".join(f"leads.{c} {self._distinct} excluded.{c}" for c in _COMPARED)
        return (
            f" ON CONFLICT (lead_id) DO UPDATE SET {_import_assignments(self._distinct)} "
            f"WHERE {changed}"
        )

    # ------------------------------------------------------------------ writing

    def count(self) -> int:
        return int(self._conn.execute(text("SELECT COUNT(*) FROM leads")).scalar_one())

    def upsert(
        self, columns: Mapping[str, Column], same: Mapping[str, str | int] | None = None
    ) -> int:
        """Insert new leads and update changed ones; returns how many rows changed.

        ``columns`` maps each of :data:`LEAD_COLUMNS` to its values, one per lead, except the
        columns in ``same``: values every lead shares, written once into the statement instead
        of bound for each row. A row equal to the stored one is left alone and not counted.
        """
        return self._write(columns, same or {}, upsert=True)

    def insert(
        self, columns: Mapping[str, Column], same: Mapping[str, str | int] | None = None
    ) -> int:
        """Insert leads known to be new (a bulk load into an empty table); returns how many."""
        return self._write(columns, same or {}, upsert=False)

    def _write(
        self, columns: Mapping[str, Column], same: Mapping[str, str | int], *, upsert: bool
    ) -> int:
        mark, dialect = self._mark, self._dialect
        row = ", ".join(
            _value_sql(c, _literal(same[c], mark) if c in same else mark, dialect)
            for c in LEAD_COLUMNS
        )
        conflict = self._upsert_sql() if upsert else ""
        statement = InsertSql("leads", LEAD_COLUMNS, f"({row})", conflict, _COPY_NULL)
        return write_columns(self._conn, statement, columns, same)

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

    def entry_times(self, lead_id: str) -> EntryTimes | None:
        """Who recorded ``lead_id``'s notification and first touch, and when."""
        rows = self._entries("lead_id = :id", {"id": lead_id})
        return rows[0] if rows else None

    def late_entries(
        self, late_after_us: int, lead_ids: Sequence[str] | None = None
    ) -> list[EntryTimes]:
        """The leads (or only those of ``lead_ids``, found through the lead_id index) whose
        notification or claimed first touch was recorded more than ``late_after_us`` after the
        moment it claims, or whose touch awaits approval."""
        late = (
            "(notified_recorded_us - notified_us > :late "
            "OR touch_recorded_us - touch_claimed_us > :late "
            "OR first_touch_us > touch_claimed_us)"
        )
        if lead_ids is None:
            return self._entries(late, {"late": late_after_us})
        found: list[EntryTimes] = []
        for start in range(0, len(lead_ids), 500):
            chunk = list(lead_ids[start : start + 500])
            names = {f"id{i}": lead_id for i, lead_id in enumerate(chunk)}
            marks = ", ".join(f":{name}" for name in names)
            where = f"lead_id IN ({marks}) AND {late}"
            found += self._entries(where, {"late": late_after_us, **names})
        return sorted(found, key=lambda entry: entry.lead_id)

    def _entries(self, where: str, params: Mapping[str, object]) -> list[EntryTimes]:
        sql = (
            "SELECT lead_id, notified_us, notified_recorded_us, notified_by, first_touch_us, "
            "touch_claimed_us, touch_recorded_us, touch_by, touch_approved_us, "
            f"touch_approved_by FROM leads WHERE {where} ORDER BY lead_id"
        )
        return [EntryTimes(*row) for row in self._conn.execute(text(sql), dict(params))]

    def late_touches(
        self,
        late_after_us: int,
        *,
        recorded_us: int | None = None,
        notified_from: int | None = None,
        notified_until: int | None = None,
    ) -> LateTouches:
        """The unapproved first touches recorded late (or counted later than claimed), among
        those recorded at ``recorded_us`` and notified in ``[notified_from, notified_until)``
        (None: any)."""
        where = [
            "touch_approved_us IS NULL",
            "touch_recorded_us IS NOT NULL",
            "touch_claimed_us IS NOT NULL",
            "(touch_recorded_us - touch_claimed_us > :late OR first_touch_us > touch_claimed_us)",
        ]
        params: dict[str, object] = {"late": late_after_us, "none": NO_TIME}
        if recorded_us is not None:
            where.append("touch_recorded_us = :recorded")
            params["recorded"] = recorded_us
        _notified_within(where, params, notified_from, notified_until)
        sql = (
            "SELECT lead_id, COALESCE(first_touch_us, :none), touch_claimed_us, "
            "touch_recorded_us, CASE WHEN applies THEN COALESCE(due_us, :none) ELSE :none END "
            f"FROM leads WHERE {' AND '.join(where)} ORDER BY lead_id"
        )
        rows = self._conn.execute(text(sql), params).all()
        cols = list(zip(*rows, strict=True)) if rows else [(), (), (), (), ()]
        return LateTouches(
            lead_id=list(cols[0]),
            first_us=np.array(cols[1], dtype=np.int64),
            claimed_us=np.array(cols[2], dtype=np.int64),
            recorded_us=np.array(cols[3], dtype=np.int64),
            due_us=np.array(cols[4], dtype=np.int64),
        )

    def set_counted_touches(self, rows: Iterable[tuple[int, str]]) -> None:
        """Set ``first_touch_us`` (the counted first touch) of each ``(first_us, lead_id)``."""
        self._execute_many(
            f"UPDATE leads SET first_touch_us = {self._mark} WHERE lead_id = {self._mark}", rows
        )

    def approve_touch(self, lead_id: str, *, approved_us: int, by: str | None) -> bool:
        """Let the lead's late-entered first touch count at its claimed moment; False when no
        touch of the lead awaits approval."""
        result = self._conn.execute(
            text(
                "UPDATE leads SET first_touch_us = touch_claimed_us, touch_approved_us = :at, "
                "touch_approved_by = :by, recorded_us = :at, recorded_by = :by "
                "WHERE lead_id = :id AND touch_approved_us IS NULL "
                "AND touch_claimed_us IS NOT NULL AND first_touch_us > touch_claimed_us"
            ),
            {"at": approved_us, "by": by, "id": lead_id},
        )
        return bool(result.rowcount)

    def drop_indexes(self) -> None:
        """Drop every index of ``leads`` (a bulk load into an empty table builds them after)."""
        for index in leads.indexes:
            index.drop(self._conn)

    def create_indexes(self) -> None:
        if self._dialect == "postgresql":  # sort a million keys in memory, for this transaction
            self._conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
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
        times: Sequence[str],
        fields: Sequence[str],
        notified_from: int | None = None,
        notified_until: int | None = None,
    ) -> ByIdColumns:
        """The leads with a deadline not under ``fingerprint`` notified in ``[notified_from,
        notified_until)`` (None: unbounded; never notified counts as before any moment): the
        columns ``times`` (NO_TIME for none) and the combinations of the columns ``fields``."""
        where, params = [f"sla_fingerprint <> {self._mark}"], list[object]([fingerprint])
        if notified_from is not None:
            where.append(f"notified_us >= {self._mark}")
            params.append(notified_from)
        if notified_until is not None:
            where.append(f"(notified_us IS NULL OR notified_us < {self._mark})")
            params.append(notified_until)
        if unknown := [c for c in times if c not in leads.c]:
            raise ValueError(f"leads has no column {', '.join(unknown)}")
        ints = {c: f"COALESCE({c}, {_NO_TIME_SQL})" for c in times}
        found = read_by_id(self._conn, leads, ints, fields, where, params)
        flag = [c in _FLAGS for c in fields]  # 0/1 on SQLite
        kinds = [
            tuple(bool(v) if f else v for v, f in zip(k, flag, strict=True)) for k in found.kinds
        ]
        return replace(found, kinds=kinds)

    def refresh_deadlines(
        self, ids: Int64Array, columns: Mapping[str, npt.NDArray[Any]], *, fingerprint: str
    ) -> int:
        """Write ``columns`` (a lead column's name → one value per id; NO_TIME for no time,
        flags as bool) to the leads ``ids`` (as :meth:`stale` gives them), now computed under
        ``fingerprint``, in one bulk statement; returns how many. A recompute's one write."""
        wrap = partial(_value_sql, dialect=self._dialect)
        same = {"sla_fingerprint": fingerprint}
        return update_by_id(self._conn, leads, ids, columns, same=same, value_sql=wrap)

    # ------------------------------------------------------------------ reading

    def load(
        self,
        *,
        as_of_us: int,
        owner: str | None = None,
        lead_id: str | None = None,
        waiting: bool = False,
    ) -> LeadArrays:
        """Leads that exist as of ``as_of_us``: created by then, and notified by then if they
        ever were (:data:`EXISTS_BY`).

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
        # A lead exists once it was created and (if it ever was) notified: a store holding only
        # what had happened by as_of would not hold it yet (an import refuses a lead the SLA
        # covers without its notification), so neither does the answer as of then.
        sql = (
            f"SELECT {columns} FROM leads "
            f"WHERE {EXISTS_BY}"
            + ("" if owner is None else " AND owner = :owner")
            + ("" if lead_id is None else " AND lead_id = :lead_id")
            + (
                " AND applies AND due_us > :as_of"
                " AND (first_touch_us IS NULL OR first_touch_us > :as_of)"
                if waiting
                else ""
            )
            + f" ORDER BY {_SHOWN_AT}, lead_id"
        )
        params: dict[str, object] = {"none": NO_TIME, "as_of": as_of_us}
        if owner is not None:
            params["owner"] = owner
        if lead_id is not None:
            params["lead_id"] = lead_id
        return list(self._conn.execute(text(sql), params).all())


EXISTS_BY: Final = "created_us <= :as_of AND (notified_us IS NULL OR notified_us <= :as_of)"
"""SQL: the lead exists as of ``:as_of`` — created, and notified if it ever was, by then."""
EXISTS_FROM: Final = (
    "CASE WHEN notified_us IS NOT NULL AND notified_us > created_us THEN notified_us "
    "ELSE created_us END"
)
"""SQL: the moment the lead starts to exist (:data:`EXISTS_BY` holds from then on)."""
_SHOWN_AT = "COALESCE(notified_us, created_us)"
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


def _import_assignments(distinct: str) -> str:
    """The SET list of an import's upsert.

    The facts take the file's values. The first touch as claimed does too; when it differs
    from the stored claim, the file's touch was recorded now, by the import's actor, counts at
    its claimed moment (settled afterwards when it is a late entry) and any approval lapses;
    when it is the same, the counted touch, its record and its approval stay. The notification
    keeps its record while its time stays.
    """
    same_touch = f"NOT (leads.touch_claimed_us {distinct} excluded.touch_claimed_us)"
    same_notified = f"NOT (leads.notified_us {distinct} excluded.notified_us)"
    no_touch = "excluded.touch_claimed_us IS NULL"
    parts = [f"{c} = excluded.{c}" for c in _COMPARED]
    parts += [
        f"first_touch_us = CASE WHEN {same_touch} THEN leads.first_touch_us "
        "ELSE excluded.first_touch_us END",
        f"touch_recorded_us = CASE WHEN {same_touch} THEN leads.touch_recorded_us "
        f"WHEN {no_touch} THEN NULL ELSE excluded.recorded_us END",
        f"touch_by = CASE WHEN {same_touch} THEN leads.touch_by "
        f"WHEN {no_touch} THEN NULL ELSE excluded.recorded_by END",
        f"touch_approved_us = CASE WHEN {same_touch} THEN leads.touch_approved_us ELSE NULL END",
        f"touch_approved_by = CASE WHEN {same_touch} THEN leads.touch_approved_by ELSE NULL END",
        f"notified_recorded_us = CASE WHEN {same_notified} THEN leads.notified_recorded_us "
        "ELSE excluded.recorded_us END",
        f"notified_by = CASE WHEN {same_notified} THEN leads.notified_by "
        "ELSE excluded.recorded_by END",
        "recorded_us = excluded.recorded_us",
        "recorded_by = excluded.recorded_by",
    ]
    return ", ".join(parts)


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


def _notified_within(
    where: list[str],
    params: dict[str, object],
    notified_from: int | None,
    notified_until: int | None,
) -> None:
    """Add to ``where`` and ``params`` the condition: notified in ``[notified_from,
    notified_until)`` (None: unbounded; a lead never notified counts as notified before any
    moment)."""
    if notified_from is not None:
        where.append("notified_us >= :notified_from")
        params["notified_from"] = notified_from
    if notified_until is not None:
        where.append("(notified_us IS NULL OR notified_us < :notified_until)")
        params["notified_until"] = notified_until
