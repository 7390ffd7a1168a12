"""The alerts repository: the watermark, the leads worth a look, and each alert's life.

Every method works on a :class:`~sqlalchemy.Connection` inside the caller's transaction. The
writes that two server processes could race on are made safe by the database, not by a lock
in Python: recording an alert is ``INSERT ... ON CONFLICT DO NOTHING`` on its key (lead, kind,
channel), and claiming one is a compare-and-set ``UPDATE`` on ``next_attempt_us``, which only
one of two processes can win.

An alert row is *pending* while ``sent_us`` is NULL and ``next_attempt_us`` is set, *sent*
once ``sent_us`` is set, and *given up* when both are NULL (``last_error`` says why).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import Connection, Table, and_, exists, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from revpact.store.tables import alerts, leads, store_state

__all__ = [
    "WATERMARK_KEY",
    "AlertKey",
    "AlertRepository",
    "AlertRow",
    "Candidate",
    "DueAlert",
    "NewAlert",
]

WATERMARK_KEY: Final = "alerts_watermark_us"
"""The ``store_state`` key of the instant (epoch µs) the scheduler first ran on this store."""


@dataclass(frozen=True)
class AlertKey:
    lead_id: str
    kind: str
    channel: str


@dataclass(frozen=True)
class Candidate:
    """An untouched lead the SLA applies to, due in the range looked at, not yet breach-alerted."""

    lead_id: str
    lead_type: str
    owner: str | None
    notified_us: int
    due_us: int
    first_touch_us: int | None
    at_risk_recorded: bool  # an at_risk alert exists (on some channel)


@dataclass(frozen=True)
class NewAlert:
    key: AlertKey
    due_us: int
    created_us: int
    message: str


@dataclass(frozen=True)
class DueAlert:
    """A pending alert whose time has come, with what the lead looks like now (``lead_*``
    None when the lead is gone)."""

    key: AlertKey
    message: str
    attempts: int
    next_attempt_us: int
    lead_applies: bool | None
    lead_due_us: int | None
    lead_first_touch_us: int | None


@dataclass(frozen=True)
class AlertRow:
    """A stored alert, as it is."""

    key: AlertKey
    due_us: int
    created_us: int
    message: str
    attempts: int
    next_attempt_us: int | None
    sent_us: int | None
    last_error: str | None


class AlertRepository:
    """Alerts in the database reached through ``conn`` (within the caller's transaction)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    # ------------------------------------------------------------------ watermark

    def watermark(self) -> int | None:
        value = self._conn.execute(
            select(store_state.c.value).where(store_state.c.key == WATERMARK_KEY)
        ).scalar_one_or_none()
        return None if value is None else int(value)

    def ensure_watermark(self, now_us: int) -> int:
        """The watermark, set to ``now_us`` when there is none yet (the first writer wins)."""
        self._insert_new(store_state, ["key"], {"key": WATERMARK_KEY, "value": str(now_us)})
        found = self.watermark()
        assert found is not None
        return found

    # ------------------------------------------------------------------ scanning

    def candidates(self, *, now_us: int, since_us: int, until_us: int) -> list[Candidate]:
        """Leads that may have entered at risk or breached: the SLA applies, notified by
        ``now_us`` and not touched by then, due within ``[since_us, until_us]``, and without
        a breach alert yet. The filter runs in SQL; only these few rows come back."""
        alert_of = and_(alerts.c.lead_id == leads.c.lead_id)
        breach_recorded = exists().where(alert_of, alerts.c.kind == "breach")
        at_risk_recorded = exists().where(alert_of, alerts.c.kind == "at_risk")
        query = (
            select(
                leads.c.lead_id,
                leads.c.lead_type,
                leads.c.owner,
                leads.c.notified_us,
                leads.c.due_us,
                leads.c.first_touch_us,
                at_risk_recorded.label("at_risk_recorded"),
            )
            .where(
                leads.c.applies.is_(True),
                leads.c.due_us.is_not(None),
                leads.c.due_us >= since_us,
                leads.c.due_us <= until_us,
                leads.c.notified_us.is_not(None),
                leads.c.notified_us <= now_us,
                or_(leads.c.first_touch_us.is_(None), leads.c.first_touch_us > now_us),
                ~breach_recorded,
            )
            .order_by(leads.c.due_us, leads.c.lead_id)
        )
        return [
            Candidate(r[0], r[1], r[2], int(r[3]), int(r[4]), r[5], bool(r[6]))
            for r in self._conn.execute(query)
        ]

    def record(self, rows: Iterable[NewAlert], *, next_attempt_us: int) -> int:
        """Store each alert unless it exists; returns how many were new."""
        added = 0
        for row in rows:
            added += self._insert_new(
                alerts,
                ["lead_id", "kind", "channel"],
                {
                    "lead_id": row.key.lead_id,
                    "kind": row.key.kind,
                    "channel": row.key.channel,
                    "due_us": row.due_us,
                    "created_us": row.created_us,
                    "message": row.message,
                    "attempts": 0,
                    "next_attempt_us": next_attempt_us,
                },
            )
        return added

    def _insert_new(self, table: Table, key: list[str], values: dict[str, Any]) -> int:
        """INSERT ... ON CONFLICT DO NOTHING; 1 when the row is new, else 0 (counted by
        RETURNING, which both databases answer alike)."""
        first = table.c[key[0]]
        if self._conn.dialect.name == "postgresql":
            pg = (
                postgresql.insert(table).values(**values).on_conflict_do_nothing(index_elements=key)
            )
            return len(self._conn.execute(pg.returning(first)).all())
        lite = sqlite.insert(table).values(**values).on_conflict_do_nothing(index_elements=key)
        return len(self._conn.execute(lite.returning(first)).all())

    # ------------------------------------------------------------------ delivering

    def due(self, *, now_us: int, channels: Sequence[str], limit: int) -> list[DueAlert]:
        """Up to ``limit`` pending alerts on ``channels`` to try by ``now_us``, oldest first."""
        query = (
            select(
                alerts.c.lead_id,
                alerts.c.kind,
                alerts.c.channel,
                alerts.c.message,
                alerts.c.attempts,
                alerts.c.next_attempt_us,
                leads.c.applies,
                leads.c.due_us,
                leads.c.first_touch_us,
            )
            .select_from(alerts.outerjoin(leads, leads.c.lead_id == alerts.c.lead_id))
            .where(
                alerts.c.sent_us.is_(None),
                alerts.c.next_attempt_us.is_not(None),
                alerts.c.next_attempt_us <= now_us,
                alerts.c.channel.in_(list(channels)),
            )
            .order_by(alerts.c.next_attempt_us, alerts.c.lead_id, alerts.c.kind, alerts.c.channel)
            .limit(limit)
        )
        return [
            DueAlert(
                key=AlertKey(r[0], r[1], r[2]),
                message=r[3],
                attempts=int(r[4]),
                next_attempt_us=int(r[5]),
                lead_applies=None if r[6] is None else bool(r[6]),
                lead_due_us=r[7],
                lead_first_touch_us=r[8],
            )
            for r in self._conn.execute(query)
        ]

    def claim(self, key: AlertKey, *, seen_us: int, lease_until_us: int) -> bool:
        """Take a pending alert for one attempt, if nobody else took it since it was read as
        due at ``seen_us``: its next attempt moves to ``lease_until_us`` (so should this
        process die mid-send, the alert is tried again then) and ``attempts`` counts this one.
        """
        return self._update_pending(
            key,
            seen_us,
            next_attempt_us=lease_until_us,
            attempts=alerts.c.attempts + 1,
        )

    def give_up(self, key: AlertKey, *, seen_us: int, reason: str) -> bool:
        """Stop trying an alert not claimed since ``seen_us``; ``reason`` goes in last_error."""
        return self._update_pending(key, seen_us, next_attempt_us=None, last_error=reason)

    def mark_sent(self, key: AlertKey, *, at_us: int) -> None:
        self._conn.execute(
            update(alerts)
            .where(*_is(key), alerts.c.sent_us.is_(None))
            .values(sent_us=at_us, next_attempt_us=None, last_error=None)
        )

    def mark_failed(
        self, key: AlertKey, *, lease_until_us: int, error: str, next_attempt_us: int | None
    ) -> None:
        """Record a failed attempt: try again at ``next_attempt_us``, or (None) give up."""
        self._update_pending(key, lease_until_us, next_attempt_us=next_attempt_us, last_error=error)

    def _update_pending(self, key: AlertKey, seen_us: int, **values: Any) -> bool:
        result = self._conn.execute(
            update(alerts)
            .where(*_is(key), alerts.c.sent_us.is_(None), alerts.c.next_attempt_us == seen_us)
            .values(**values)
        )
        return int(result.rowcount) == 1

    # ------------------------------------------------------------------ reading

    def all(self) -> list[AlertRow]:
        """Every alert, by lead, kind and channel."""
        query = select(
            alerts.c.lead_id,
            alerts.c.kind,
            alerts.c.channel,
            alerts.c.due_us,
            alerts.c.created_us,
            alerts.c.message,
            alerts.c.attempts,
            alerts.c.next_attempt_us,
            alerts.c.sent_us,
            alerts.c.last_error,
        ).order_by(alerts.c.lead_id, alerts.c.kind, alerts.c.channel)
        return [
            AlertRow(
                key=AlertKey(r[0], r[1], r[2]),
                due_us=int(r[3]),
                created_us=int(r[4]),
                message=r[5],
                attempts=int(r[6]),
                next_attempt_us=r[7],
                sent_us=r[8],
                last_error=r[9],
            )
            for r in self._conn.execute(query)
        ]


def _is(key: AlertKey) -> tuple[Any, ...]:
    return (
        alerts.c.lead_id == key.lead_id,
        alerts.c.kind == key.kind,
        alerts.c.channel == key.channel,
    )
