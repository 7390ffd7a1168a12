"""The events repository: received webhook events, stored once, applied in their time.

Like the other repositories, every method works on a :class:`~sqlalchemy.Connection` inside
the caller's transaction. :meth:`EventRepository.claim` makes the transaction a writer first:
on PostgreSQL it takes a transaction-scoped advisory lock per lead and deal the request is
about (in one sorted order, so two requests never wait on each other in a circle); on SQLite
it takes the database's write lock at once (a reader that later writes could fail instead of
waiting). Either way, two deliveries about the same lead are applied one after the other.

Inserting uses ``ON CONFLICT (source, source_key) DO NOTHING``, so a duplicate delivery —
also one racing in at the same moment — is skipped, never an error.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import Connection, TextClause, text

from revpact.store.sqlite import driver_cursor, holds_write_lock

__all__ = [
    "LEAD_COLUMNS",
    "EventRepository",
    "EventRow",
    "LeadRow",
    "StoredEvent",
    "lead_row",
    "source_actor",
]

_DEAL_COLUMNS: Final = (
    "deal_id, lead_id, created_us, proposal_us, closed_us, outcome, amount_e4, owner"
)
_EVENT_COLUMNS: Final = (
    "event_id, source, source_key, type, lead_id, deal_id, occurred_us, received_us, "
    "payload, applied_us, outcome"
)


@dataclass(frozen=True)
class StoredEvent:
    """A stored event waiting to be applied (what :meth:`EventRepository.pending` returns)."""

    event_id: int
    source_key: str
    type: str
    lead_id: str | None
    occurred_us: int
    payload: str
    received_us: int = 0
    source: str = ""


@dataclass(frozen=True)
class EventRow:
    """An event as the audit shows it."""

    event_id: int
    source: str
    source_key: str
    type: str
    lead_id: str | None
    deal_id: str | None
    occurred_us: int
    received_us: int
    payload: str
    applied_us: int | None
    outcome: str | None


@dataclass(frozen=True)
class LeadRow:
    """A stored lead, every column (times as epoch µs or None)."""

    lead_id: str
    lead_type: str
    stage: str
    requested_follow_up: bool
    owner: str | None
    attributes: dict[str, Any]
    created_us: int
    notified_us: int | None
    first_touch_us: int | None
    due_us: int | None = None  # None also when the SLA does not apply
    notified_recorded_us: int | None = None
    notified_by: str | None = None
    touch_claimed_us: int | None = None
    touch_recorded_us: int | None = None
    touch_by: str | None = None
    touch_approved_us: int | None = None
    touch_approved_by: str | None = None
    applies: bool = False
    sla_fingerprint: str = ""
    recorded_us: int | None = None
    recorded_by: str | None = None


LEAD_COLUMNS: Final = (
    "lead_id, lead_type, stage, requested_follow_up, owner, attributes, created_us, "
    "notified_us, first_touch_us, CASE WHEN applies THEN due_us ELSE NULL END, "
    "notified_recorded_us, notified_by, touch_claimed_us, touch_recorded_us, touch_by, "
    "touch_approved_us, touch_approved_by, applies, sla_fingerprint, recorded_us, recorded_by"
)
"""The columns a :class:`LeadRow` is read from, in :func:`lead_row`'s order."""
_LEAD_SELECT: Final = f"SELECT {LEAD_COLUMNS} FROM leads WHERE lead_id = :id"

# Each statement is built once: text() parses its string for bind marks on every call.
_WRITE_LOCK: Final = text("UPDATE events SET outcome = outcome WHERE 1 = 0")
_ADVISORY_LOCK: Final = text("SELECT pg_advisory_xact_lock(:k)")
_INSERT_COLUMNS: Final = (
    "source",
    "source_key",
    "type",
    "lead_id",
    "deal_id",
    "occurred_us",
    "received_us",
    "payload",
)
_INSERT_CHUNK: Final = 500  # rows per statement: 4,000 bound values, within every driver's limit
_SETTLE: Final = text(
    "UPDATE events SET applied_us = :at, outcome = :outcome, fields = :fields WHERE event_id = :id"
)
_PENDING_COLUMNS: Final = (
    "SELECT e.event_id, e.source_key, e.type, e.lead_id, e.occurred_us, e.payload, "
    "e.received_us, e.source FROM events e WHERE e.applied_us IS NULL AND "
)
_PENDING_ALL: Final = text(
    _PENDING_COLUMNS + "EXISTS (SELECT 1 FROM leads l WHERE l.lead_id = e.lead_id) "
    "ORDER BY e.occurred_us, e.event_id"
)
_PENDING_OF: Final = text(_PENDING_COLUMNS + "e.lead_id = :lead ORDER BY e.occurred_us, e.event_id")
_FIELDS_AFTER: Final = {
    column: text(
        f"SELECT fields FROM events WHERE {column} = :subject AND type IN "
        f"({', '.join(repr(t) for t in types)}) AND applied_us IS NOT NULL "
        "AND fields IS NOT NULL AND occurred_us > :after"
    )
    for column, types in (
        ("deal_id", ("deal.updated",)),
        ("lead_id", ("lead.notified", "lead.updated")),
    )
}
_LEAD: Final = text(_LEAD_SELECT)
_DEAL: Final = text(f"SELECT {_DEAL_COLUMNS} FROM deals WHERE deal_id = :id")


class EventRepository:
    """Events (and the lead and deal rows they change) reached through ``conn``."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._postgres = conn.dialect.name == "postgresql"

    # ------------------------------------------------------------------ locking

    def claim(self, subjects: Iterable[str]) -> None:
        """Serialise with every other transaction about the same ``subjects`` (``lead:ID``,
        ``deal:ID``); on SQLite, take the write lock now."""
        if not self._postgres:
            if not holds_write_lock(self._conn):
                self._conn.execute(_WRITE_LOCK)
            return
        for key in sorted({_lock_key(subject) for subject in subjects}):
            self._conn.execute(_ADVISORY_LOCK, {"k": key})

    def restore_touches(self) -> int:
        """Give back to each lead the earliest human touch its applied webhook events report,
        where a lead import just stored a later claimed touch or none (the CRM's export may not
        know the touch yet): as claimed by the event and recorded when it was received, its
        counted moment settled afterwards (:mod:`revpact.domain.late_entries`); returns how
        many leads changed."""
        rows = self._conn.execute(
            text(
                "SELECT e.lead_id, e.occurred_us, MIN(e.received_us), MIN(e.source) "
                "FROM events e JOIN (SELECT lead_id, MIN(occurred_us) AS first_us FROM events "
                "WHERE type = 'lead.touched' AND applied_us IS NOT NULL "
                "AND outcome IN ('applied', 'unchanged') GROUP BY lead_id) AS t "
                "ON e.lead_id = t.lead_id AND e.occurred_us = t.first_us "
                "JOIN leads l ON l.lead_id = e.lead_id "
                "WHERE e.type = 'lead.touched' AND e.applied_us IS NOT NULL "
                "AND e.outcome IN ('applied', 'unchanged') "
                "AND (l.touch_claimed_us IS NULL OR l.touch_claimed_us > e.occurred_us) "
                "GROUP BY e.lead_id, e.occurred_us"
            )
        ).all()
        for lead_id, first_us, received_us, source in rows:
            self._conn.execute(
                text(
                    "UPDATE leads SET touch_claimed_us = :at, touch_recorded_us = :received, "
                    "touch_by = :by, touch_approved_us = NULL, touch_approved_by = NULL, "
                    "first_touch_us = CASE WHEN first_touch_us IS NULL OR first_touch_us > :at "
                    "THEN :at ELSE first_touch_us END WHERE lead_id = :id"
                ),
                {
                    "at": first_us,
                    "received": received_us,
                    "by": source_actor(str(source)),
                    "id": lead_id,
                },
            )
        return len(rows)

    # ------------------------------------------------------------------ events

    def insert(
        self,
        *,
        source: str,
        source_key: str,
        type_: str,
        lead_id: str | None,
        deal_id: str | None,
        occurred_us: int,
        received_us: int,
        payload: str,
    ) -> int | None:
        """Store an event; its ``event_id``, or None when the source sent it before."""
        row = (source, source_key, type_, lead_id, deal_id, occurred_us, received_us, payload)
        return self.insert_many([row])[0]

    def insert_many(
        self, rows: Sequence[tuple[str, str, str, str | None, str | None, int, int, str]]
    ) -> list[int | None]:
        """Store events, each ``(source, source_key, type, lead_id, deal_id, occurred_us,
        received_us, payload)``, in the order given; each one's ``event_id``, or None when its
        source sent it before (also earlier in ``rows``)."""
        found: list[int | None] = []
        for start in range(0, len(rows), _INSERT_CHUNK):
            chunk = rows[start : start + _INSERT_CHUNK]
            params = {
                f"{name}{i}": value
                for i, row in enumerate(chunk)
                for name, value in zip(_INSERT_COLUMNS, row, strict=True)
            }
            statement = _insert_sql(len(chunk))
            cursor = driver_cursor(self._conn)
            returned = (
                self._conn.execute(statement, params)
                if cursor is None
                else cursor.execute(statement.text, params).fetchall()
            )
            ids = {str(key): int(event_id) for event_id, key in returned}
            for row in chunk:
                # The first row of a key got its id; a repeat of it within rows is a duplicate.
                found.append(ids.pop(row[1], None))
        return found

    def settle(
        self, event_id: int, *, applied_us: int | None, outcome: str, fields: Sequence[str] = ()
    ) -> None:
        """Record what applying an event did (``applied_us`` None: it still waits)."""
        self.settle_many([(event_id, applied_us, outcome, fields)])

    def settle_many(self, rows: Sequence[tuple[int, int | None, str, Sequence[str]]]) -> None:
        """:meth:`settle` for each ``(event_id, applied_us, outcome, fields)``, in one go."""
        if not rows:
            return
        params = [
            {
                "at": applied_us,
                "outcome": outcome,
                "fields": " ".join(sorted(fields)) or None,
                "id": event_id,
            }
            for event_id, applied_us, outcome, fields in rows
        ]
        cursor = driver_cursor(self._conn)
        if cursor is None:
            self._conn.execute(_SETTLE, params)
        else:
            cursor.executemany(_SETTLE.text, params)

    def pending(self, lead_id: str | None = None) -> list[StoredEvent]:
        """Events waiting for their lead (only ``lead_id``'s, or those whose lead now exists),
        in the order they occurred."""
        if lead_id is None:
            rows = self._conn.execute(_PENDING_ALL).all()
        else:
            rows = self._conn.execute(_PENDING_OF, {"lead": lead_id}).all()
        return [
            StoredEvent(int(r[0]), r[1], r[2], r[3], int(r[4]), r[5], int(r[6]), str(r[7]))
            for r in rows
        ]

    def waiting_leads(self, lead_ids: Iterable[str]) -> set[str]:
        """Those of ``lead_ids`` some stored event waits for (``applied_us`` NULL)."""
        ids = sorted(set(lead_ids))
        found: set[str] = set()
        for start in range(0, len(ids), _INSERT_CHUNK):
            chunk = ids[start : start + _INSERT_CHUNK]
            names = {f"id{i}": lead_id for i, lead_id in enumerate(chunk)}
            statement = _waiting_sql(len(chunk))
            cursor = driver_cursor(self._conn)
            rows = (
                self._conn.execute(statement, names)
                if cursor is None
                else cursor.execute(statement.text, names).fetchall()
            )
            found.update(str(lead_id) for (lead_id,) in rows)
        return found

    def fields_set_after(
        self, *, lead_id: str | None, deal_id: str | None, after_us: int
    ) -> set[str]:
        """The fields of the lead (or deal) that applied events newer than ``after_us`` set."""
        column, subject = ("deal_id", deal_id) if deal_id is not None else ("lead_id", lead_id)
        rows = self._conn.execute(
            _FIELDS_AFTER[column], {"subject": subject, "after": after_us}
        ).all()
        return {name for (fields,) in rows for name in str(fields).split()}

    def listing(self, *, status: str | None, limit: int) -> list[EventRow]:
        """The newest events first; ``status`` pending, applied or ignored (None: all)."""
        where = {
            None: "1 = 1",
            "pending": "applied_us IS NULL",
            "ignored": "applied_us IS NOT NULL AND outcome IN ('ignored', 'automated')",
            "applied": "applied_us IS NOT NULL AND outcome NOT IN ('ignored', 'automated')",
        }[status]
        rows = self._conn.execute(
            text(
                f"SELECT {_EVENT_COLUMNS} FROM events WHERE {where} "
                "ORDER BY event_id DESC LIMIT :limit"
            ),
            {"limit": limit},
        ).all()
        return [
            EventRow(
                int(r[0]),
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                int(r[6]),
                int(r[7]),
                r[8],
                None if r[9] is None else int(r[9]),
                r[10],
            )
            for r in rows
        ]

    # ------------------------------------------------------------------ leads and deals

    def lead(self, lead_id: str) -> LeadRow | None:
        row = self._conn.execute(_LEAD, {"id": lead_id}).first()
        return None if row is None else lead_row(row)

    def deal(self, deal_id: str) -> dict[str, Any] | None:
        row = self._conn.execute(_DEAL, {"id": deal_id}).first()
        if row is None:
            return None
        return dict(zip(_DEAL_COLUMNS.split(", "), row, strict=True))


def source_actor(source: str) -> str:
    """Who recorded what an event source sent: ``webhook:<source>`` (``api`` for revpact's own
    write routes, whose member the audit trail names)."""
    return source if source == "api" else f"webhook:{source}"


@functools.lru_cache(maxsize=64)
def _insert_sql(count: int) -> TextClause:
    """An INSERT of ``count`` events (bind names ``<column><i>``) that skips the duplicates
    and returns the stored ones' ``event_id, source_key``."""
    values = ", ".join(
        "(" + ", ".join(f":{name}{i}" for name in _INSERT_COLUMNS) + ")" for i in range(count)
    )
    return text(
        f"INSERT INTO events ({', '.join(_INSERT_COLUMNS)}) VALUES {values} "
        "ON CONFLICT (source, source_key) DO NOTHING RETURNING event_id, source_key"
    )


@functools.lru_cache(maxsize=64)
def _waiting_sql(count: int) -> TextClause:
    """Which of ``count`` leads (bind names ``id<i>``) some stored event waits for."""
    names = ", ".join(f":id{i}" for i in range(count))
    return text(
        f"SELECT DISTINCT lead_id FROM events WHERE applied_us IS NULL AND lead_id IN ({names})"
    )


def lead_row(row: Any) -> LeadRow:
    """A lead read by the columns of :data:`LEAD_COLUMNS`."""
    attributes = json.loads(row[5]) if row[5] else {}
    return LeadRow(
        lead_id=row[0],
        lead_type=row[1],
        stage=row[2],
        requested_follow_up=bool(row[3]),
        owner=row[4],
        attributes=attributes if isinstance(attributes, dict) else {},
        created_us=int(row[6]),
        notified_us=_int(row[7]),
        first_touch_us=_int(row[8]),
        due_us=_int(row[9]),
        notified_recorded_us=_int(row[10]),
        notified_by=row[11],
        touch_claimed_us=_int(row[12]),
        touch_recorded_us=_int(row[13]),
        touch_by=row[14],
        touch_approved_us=_int(row[15]),
        touch_approved_by=row[16],
        applies=bool(row[17]),
        sla_fingerprint=str(row[18]),
        recorded_us=_int(row[19]),
        recorded_by=row[20],
    )


def _int(value: object) -> int | None:
    return None if value is None else int(value)  # type: ignore[call-overload]


def _lock_key(subject: str) -> int:
    """A stable signed 64-bit key for ``pg_advisory_xact_lock``."""
    digest = hashlib.sha256(b"revpact-event:" + subject.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big", signed=True)
