"""What receiving events produces: each event's :class:`Outcome` (stored in ``events.outcome``),
its :class:`EventStatus` as the event log shows it, the :class:`LateEntry` records and the
:class:`ReceiveReport` of a request."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

__all__ = ["IGNORED_OUTCOMES", "EventStatus", "LateEntry", "Outcome", "ReceiveReport"]


class Outcome(StrEnum):
    """What applying an event did (stored in ``events.outcome``)."""

    APPLIED = "applied"  # the lead or deal changed
    UNCHANGED = "unchanged"  # nothing to change (newer events already said more)
    AUTOMATED = "automated"  # an automated touch: recorded, the clock runs on
    IGNORED = "ignored"  # the source's event means nothing to revpact (see the payload)
    PENDING = "pending"  # waits for its lead (applied_us stays NULL)


IGNORED_OUTCOMES: Final = frozenset({Outcome.AUTOMATED, Outcome.IGNORED})


class EventStatus(StrEnum):
    PENDING = "pending"
    APPLIED = "applied"
    IGNORED = "ignored"


@dataclass(frozen=True)
class LateEntry:
    """A touch or notification recorded more than ``late_entry_after`` after its claimed
    moment; ``awaiting_approval`` when it counts at ``recorded_us`` until approved."""

    kind: str  # "touch" or "notification"
    lead_id: str
    claimed_us: int
    recorded_us: int
    awaiting_approval: bool
    actor: str | None = None


@dataclass(frozen=True)
class ReceiveReport:
    """What became of a request's events: ``received`` = duplicates + applied + pending +
    ignored + queued; ``late_entries`` among the applied ones. ``queued`` events of a large
    request are stored and not applied yet (:mod:`revpact.services.events.staged`)."""

    received: int
    duplicates: int
    applied: int
    pending: int
    ignored: int
    queued: int = 0
    late_entries: tuple[LateEntry, ...] = field(default=(), compare=False)
