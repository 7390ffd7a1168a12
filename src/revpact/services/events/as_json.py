"""The JSON twins of :mod:`revpact.services.events`: a request's counts and a stored event."""

from __future__ import annotations

import json
from dataclasses import asdict

from revpact.services.events.model import IGNORED_OUTCOMES, EventStatus, ReceiveReport
from revpact.store.events import EventRow

__all__ = ["event_row_to_json", "report_to_json"]


def report_to_json(report: ReceiveReport) -> dict[str, int]:
    """The counts (what the webhook routes answer); the late entries are in the audit trail."""
    counts = asdict(report)
    del counts["late_entries"]
    return counts


def event_row_to_json(row: EventRow) -> dict[str, object]:
    payload = json.loads(row.payload)
    return {
        "event_id": row.event_id,
        "source": row.source,
        "source_key": row.source_key,
        "type": row.type,
        "lead_id": row.lead_id,
        "deal_id": row.deal_id,
        "occurred_us": row.occurred_us,
        "received_us": row.received_us,
        "applied_us": row.applied_us,
        "status": _status(row).value,
        "outcome": row.outcome,
        "payload": payload,
    }


def _status(row: EventRow) -> EventStatus:
    if row.applied_us is None:
        return EventStatus.PENDING
    if row.outcome in IGNORED_OUTCOMES:
        return EventStatus.IGNORED
    return EventStatus.APPLIED
