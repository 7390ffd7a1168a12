"""The public shape of received events: what became of a request's events, a stored event of
the log, and the answer to a team's write (the counts, its late entries and the lead)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, Self

from pydantic import Field

from revpact.services.events.model import (
    IGNORED_OUTCOMES,
    EventStatus,
    LateEntry,
    ReceiveReport,
)
from revpact.services.follow_up import LeadView
from revpact.services.public.common import Public
from revpact.services.public.leads import LeadPublic
from revpact.store.events import EventRow

__all__ = [
    "EventPublic",
    "EventsPublic",
    "LateEntryRecordPublic",
    "LeadRecordedPublic",
    "ReceiveReportPublic",
]


class ReceiveReportPublic(Public):
    """What became of the request's events (received = duplicates + applied + pending +
    ignored + queued)."""

    received: int
    duplicates: int
    applied: int
    pending: int
    ignored: int
    queued: int = Field(
        default=0,
        description="Events of a large request that are stored (the request was accepted "
        "whole) but not applied yet: the server applies them within seconds.",
    )

    @classmethod
    def of(cls, report: ReceiveReport) -> Self:
        return cls(
            received=report.received,
            duplicates=report.duplicates,
            applied=report.applied,
            pending=report.pending,
            ignored=report.ignored,
            queued=report.queued,
        )


class LateEntryRecordPublic(Public):
    """A touch or notification of the request recorded more than ``late_entry_after`` after the
    moment it claims (times as epoch microseconds)."""

    kind: str = Field(description="touch or notification")
    claimed_us: int
    recorded_us: int
    awaiting_approval: bool = Field(
        description="The touch counts at recorded_us until a leader approves it."
    )

    @classmethod
    def of(cls, entry: LateEntry) -> Self:
        return cls(
            kind=entry.kind,
            claimed_us=entry.claimed_us,
            recorded_us=entry.recorded_us,
            awaiting_approval=entry.awaiting_approval,
        )


class LeadRecordedPublic(Public):
    """A team's write of a lead: what became of its event (as :class:`ReceiveReportPublic`),
    its late entries, warnings and the lead as it now stands."""

    received: int
    duplicates: int
    applied: int
    pending: int
    ignored: int
    late_entries: tuple[LateEntryRecordPublic, ...]
    warnings: tuple[str, ...]
    lead: LeadPublic

    @classmethod
    def of(cls, report: ReceiveReport, warnings: Sequence[str], view: LeadView) -> Self:
        return cls(
            received=report.received,
            duplicates=report.duplicates,
            applied=report.applied,
            pending=report.pending,
            ignored=report.ignored,
            late_entries=tuple(LateEntryRecordPublic.of(e) for e in report.late_entries),
            warnings=tuple(warnings),
            lead=LeadPublic.of(view),
        )


class EventPublic(Public):
    """A received event as the audit shows it (times as epoch microseconds)."""

    event_id: int
    source: str
    source_key: str
    type: str
    lead_id: str | None
    deal_id: str | None
    occurred_us: int
    received_us: int
    applied_us: int | None = Field(description="Null while the event waits for its lead.")
    status: EventStatus
    outcome: str | None
    payload: dict[str, Any] = Field(description="The event as it was received.")

    @classmethod
    def of(cls, row: EventRow) -> Self:
        return cls(
            event_id=row.event_id,
            source=row.source,
            source_key=row.source_key,
            type=row.type,
            lead_id=row.lead_id,
            deal_id=row.deal_id,
            occurred_us=row.occurred_us,
            received_us=row.received_us,
            applied_us=row.applied_us,
            status=_status(row),
            outcome=row.outcome,
            payload=json.loads(row.payload),
        )


class EventsPublic(Public):
    """Received events, newest first."""

    events: tuple[EventPublic, ...]

    @classmethod
    def of(cls, rows: Iterable[EventRow]) -> Self:
        return cls(events=tuple(EventPublic.of(row) for row in rows))


def _status(row: EventRow) -> EventStatus:
    if row.applied_us is None:
        return EventStatus.PENDING
    if row.outcome in IGNORED_OUTCOMES:
        return EventStatus.IGNORED
    return EventStatus.APPLIED
