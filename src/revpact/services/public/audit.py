"""The public shape of the audit trail: one recorded write."""

from __future__ import annotations

from typing import Any, Self

from pydantic import Field

from revpact.services.audit import AuditEntry
from revpact.services.public.common import Moment, Public

__all__ = ["AuditEntryPublic"]


class AuditEntryPublic(Public):
    """One recorded write: who made it, what time it claims and when it was recorded."""

    number: int
    recorded_at: Moment
    actor: str | None
    via: str
    action: str
    subject: str
    claimed_at: Moment | None = Field(description="Null: the write claims no time.")
    delay_seconds: int | None = Field(
        description="How long after the claimed time the write was recorded."
    )
    late: bool
    detail: dict[str, Any]

    @classmethod
    def of(cls, entry: AuditEntry) -> Self:
        return cls(
            number=entry.number,
            recorded_at=entry.recorded_at,
            actor=entry.actor,
            via=entry.via,
            action=entry.action,
            subject=entry.subject,
            claimed_at=entry.claimed_at,
            delay_seconds=entry.delay_seconds,
            late=entry.late,
            detail=entry.detail,
        )
