"""The audit trail: one append-only row per write (:data:`revpact.store.tables.audit_log`).

:func:`record_write` is called by every service that writes, inside the writing transaction,
so a write and its audit row are stored together or not at all. Nothing here updates or deletes
a row, and the database refuses it too (triggers, migration 0006).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select

from revpact.store.tables import audit_log

__all__ = ["AuditRow", "AuditWrite", "audit_rows", "record_write", "record_writes"]


@dataclass(frozen=True)
class AuditRow:
    audit_id: int
    recorded_us: int
    actor: str | None
    via: str
    action: str
    subject: str
    claimed_us: int | None
    late: bool
    detail: Mapping[str, Any]


def record_write(
    conn: Connection,
    *,
    recorded_us: int,
    actor: str | None,
    via: str,
    action: str,
    subject: str,
    claimed_us: int | None = None,
    late: bool = False,
    detail: Mapping[str, Any] | None = None,
) -> None:
    """Append one write to the trail, in ``conn``'s transaction."""
    conn.execute(
        insert(audit_log).values(
            recorded_us=recorded_us,
            actor=actor,
            via=via,
            action=action,
            subject=subject,
            claimed_us=claimed_us,
            late=late,
            detail=json.dumps(dict(detail or {}), sort_keys=True, default=str),
        )
    )


@dataclass(frozen=True)
class AuditWrite:
    """One write for :func:`record_writes` (the arguments of :func:`record_write`)."""

    recorded_us: int
    actor: str | None
    via: str
    action: str
    subject: str
    claimed_us: int | None = None
    late: bool = False
    detail: Mapping[str, Any] | None = None


def record_writes(conn: Connection, writes: Sequence[AuditWrite]) -> None:
    """Append ``writes`` to the trail in their order, in ``conn``'s transaction, with one
    statement rather than one per row."""
    if not writes:
        return
    conn.execute(
        insert(audit_log),
        [
            {
                "recorded_us": write.recorded_us,
                "actor": write.actor,
                "via": write.via,
                "action": write.action,
                "subject": write.subject,
                "claimed_us": write.claimed_us,
                "late": write.late,
                "detail": json.dumps(dict(write.detail or {}), sort_keys=True, default=str),
            }
            for write in writes
        ],
    )


def audit_rows(
    conn: Connection,
    *,
    since_us: int | None = None,
    until_us: int | None = None,
    action_prefix: str | None = None,
    limit: int | None = None,
) -> list[AuditRow]:
    """The trail in the order it was written, optionally from ``since_us`` (recorded, inclusive)
    to ``until_us`` (exclusive) and for actions starting with ``action_prefix``."""
    query = select(audit_log).order_by(audit_log.c.audit_id)
    if since_us is not None:
        query = query.where(audit_log.c.recorded_us >= since_us)
    if until_us is not None:
        query = query.where(audit_log.c.recorded_us < until_us)
    if action_prefix is not None:
        query = query.where(audit_log.c.action.startswith(action_prefix, autoescape=True))
    if limit is not None:
        query = query.limit(limit)
    return [
        AuditRow(
            audit_id=int(row.audit_id),
            recorded_us=int(row.recorded_us),
            actor=row.actor,
            via=str(row.via),
            action=str(row.action),
            subject=str(row.subject),
            claimed_us=None if row.claimed_us is None else int(row.claimed_us),
            late=bool(row.late),
            detail=json.loads(row.detail),
        )
        for row in conn.execute(query)
    ]
