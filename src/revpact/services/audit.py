"""The audit trail, read: every write revpact recorded, who made it, what time it claims and when
it was recorded (:mod:`revpact.store.audit`).

The trail is append-only — no command or route edits or deletes an entry, and the database
refuses it too — so reading it "as of" a moment is a filter on the time each entry was
recorded: what revpact knew by then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from revpact.domain.clock.calendar import from_us, to_us
from revpact.store.audit import AuditRow, audit_rows

__all__ = ["AuditEntry", "audit_trail"]


@dataclass(frozen=True)
class AuditEntry:
    """One recorded write; times are aware UTC datetimes."""

    number: int
    recorded_at: datetime
    actor: str | None
    via: str
    action: str
    subject: str
    claimed_at: datetime | None
    late: bool
    detail: dict[str, Any]

    @property
    def delay_seconds(self) -> int | None:
        """How long after the claimed time the write was recorded (None: it claims no time)."""
        if self.claimed_at is None:
            return None
        return int((self.recorded_at - self.claimed_at).total_seconds())


def _entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(
        number=row.audit_id,
        recorded_at=from_us(row.recorded_us),
        actor=row.actor,
        via=row.via,
        action=row.action,
        subject=row.subject,
        claimed_at=None if row.claimed_us is None else from_us(row.claimed_us),
        late=row.late,
        detail=dict(row.detail),
    )


def audit_trail(
    engine: Engine,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    action: str | None = None,
    limit: int | None = None,
) -> list[AuditEntry]:
    """The writes recorded from ``since`` (inclusive) up to ``until`` (exclusive), oldest first;
    ``action`` keeps those whose action starts with it (``lead.`` for every lead write)."""
    with engine.connect() as conn:
        rows = audit_rows(
            conn,
            since_us=None if since is None else to_us(since),
            until_us=None if until is None else to_us(until),
            action_prefix=action,
            limit=limit,
        )
    return [_entry(row) for row in rows]
