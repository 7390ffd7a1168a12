"""Reading the event log: the stored events, newest first (for the audit)."""

from __future__ import annotations

from sqlalchemy import Engine

from revpact.services.events.model import EventStatus
from revpact.store.events import EventRepository, EventRow

__all__ = ["list_events"]


def list_events(
    engine: Engine, *, status: EventStatus | None = None, limit: int = 100
) -> list[EventRow]:
    """The newest stored events first (for the audit)."""
    with engine.connect() as conn:
        return EventRepository(conn).listing(
            status=None if status is None else status.value, limit=limit
        )
