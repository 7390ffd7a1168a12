"""Large webhook requests between their receipt and their last applied event (migration 0012).

A request is staged (:meth:`IntakeRepository.open` and :meth:`~IntakeRepository.stage`, in as
many short transactions as it has chunks), then accepted in one statement
(:meth:`~IntakeRepository.accept`): from then on it is durable as a whole, and every one of its
events is applied, chunk by chunk (:meth:`~IntakeRepository.next_chunk`,
:meth:`~IntakeRepository.took`), by whoever gets to it first; its last chunk reads what
became of them (:meth:`~IntakeRepository.outcomes`) and removes it
(:meth:`~IntakeRepository.finish`). A request never accepted is
removed whole (:meth:`~IntakeRepository.drop`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, delete, func, insert, select, update

from revpact.store.tables import events, intake_requests, staged_events

__all__ = ["IntakeRepository", "IntakeRequest", "StagedEvent", "StagedOutcomes"]


@dataclass(frozen=True)
class StagedEvent:
    """A staged event: what ``events`` will hold of it, and its place in the request."""

    seq: int
    batch: int
    source_key: str
    type: str
    lead_id: str | None
    occurred_us: int
    payload: str


@dataclass(frozen=True)
class StagedOutcomes:
    """What became of a request's applied events: ``outcomes`` counts the stored ones by
    their outcome now (``events.outcome``); ``duplicates`` had been stored before."""

    duplicates: int
    outcomes: dict[str, int]


@dataclass(frozen=True)
class IntakeRequest:
    """A large request as recorded: who sent it, when, how many events, what was done."""

    request_id: str
    source: str
    actor: str
    received_us: int
    events: int
    accepted: bool
    late_entries: int
    next_batch: int


class IntakeRepository:
    """The intake tables, inside the caller's transaction."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def open(
        self, request_id: str, *, source: str, actor: str, received_us: int, events: int
    ) -> None:
        """Record a request about to be staged (not accepted yet)."""
        self._conn.execute(
            insert(intake_requests).values(
                request_id=request_id,
                source=source,
                actor=actor,
                received_us=received_us,
                events=events,
                accepted=False,
                late_entries=0,
                next_batch=0,
            )
        )

    def stage(self, request_id: str, rows: Sequence[StagedEvent]) -> None:
        """Stage ``rows`` of the request."""
        if rows:
            self._conn.execute(
                insert(staged_events),
                [
                    {
                        "request_id": request_id,
                        "seq": row.seq,
                        "batch": row.batch,
                        "source_key": row.source_key,
                        "type": row.type,
                        "lead_id": row.lead_id,
                        "occurred_us": row.occurred_us,
                        "payload": row.payload,
                        "done": False,
                        "event_id": None,
                    }
                    for row in rows
                ],
            )

    def accept(self, request_id: str) -> None:
        """The request is durable as a whole from this statement's commit."""
        self._conn.execute(
            update(intake_requests)
            .where(intake_requests.c.request_id == request_id)
            .values(accepted=True)
        )

    def drop(self, request_id: str) -> None:
        """Remove a request that was never accepted, and what was staged of it (an accepted
        request is durable: it stays)."""
        gone = self._conn.execute(
            delete(intake_requests).where(
                intake_requests.c.request_id == request_id,
                intake_requests.c.accepted.is_(False),
            )
        ).rowcount
        if gone:
            self._conn.execute(
                delete(staged_events).where(staged_events.c.request_id == request_id)
            )

    def request(self, request_id: str) -> IntakeRequest | None:
        """The request, or None when it is gone (every event applied, or dropped)."""
        row = self._conn.execute(
            select(intake_requests).where(intake_requests.c.request_id == request_id)
        ).one_or_none()
        if row is None:
            return None
        return IntakeRequest(
            request_id=row.request_id,
            source=row.source,
            actor=row.actor,
            received_us=int(row.received_us),
            events=int(row.events),
            accepted=bool(row.accepted),
            late_entries=int(row.late_entries),
            next_batch=int(row.next_batch),
        )

    def accepted(self, *, received_by_us: int) -> list[str]:
        """The accepted requests received by ``received_by_us`` with events still to apply,
        oldest first."""
        return list(
            self._conn.execute(
                select(intake_requests.c.request_id)
                .where(
                    intake_requests.c.accepted.is_(True),
                    intake_requests.c.received_us <= received_by_us,
                )
                .order_by(intake_requests.c.received_us, intake_requests.c.request_id)
            ).scalars()
        )

    def abandoned(self, before_us: int) -> list[str]:
        """Requests received before ``before_us`` and never accepted (their stager is gone)."""
        return list(
            self._conn.execute(
                select(intake_requests.c.request_id).where(
                    intake_requests.c.accepted.is_(False),
                    intake_requests.c.received_us < before_us,
                )
            ).scalars()
        )

    def next_chunk(self, request: IntakeRequest) -> list[StagedEvent]:
        """The staged events of the request's next batch, in order (none: all applied)."""
        rows = self._conn.execute(
            select(
                staged_events.c.seq,
                staged_events.c.batch,
                staged_events.c.source_key,
                staged_events.c.type,
                staged_events.c.lead_id,
                staged_events.c.occurred_us,
                staged_events.c.payload,
            )
            .where(
                staged_events.c.request_id == request.request_id,
                staged_events.c.batch == request.next_batch,
            )
            .order_by(staged_events.c.seq)
        ).all()
        return [
            StagedEvent(int(seq), int(batch), key, type_, lead_id, int(occurred_us), payload)
            for seq, batch, key, type_, lead_id, occurred_us, payload in rows
        ]

    def took(
        self, request_id: str, stored: Sequence[tuple[int, int | None]], late_entries: int
    ) -> bool:
        """The request's next batch was applied: each of its ``(seq, event_id)`` (None: a
        duplicate), finding ``late_entries``; True when none of the request is left to
        apply."""
        if stored:
            self._conn.execute(
                update(staged_events)
                .where(
                    staged_events.c.request_id == request_id,
                    staged_events.c.seq == bindparam("at"),
                )
                .values(done=True, event_id=bindparam("stored_as")),
                [{"at": seq, "stored_as": event_id} for seq, event_id in stored],
            )
        self._conn.execute(
            update(intake_requests)
            .where(intake_requests.c.request_id == request_id)
            .values(
                late_entries=intake_requests.c.late_entries + late_entries,
                next_batch=intake_requests.c.next_batch + 1,
            )
        )
        left = self._conn.execute(
            select(staged_events.c.seq)
            .where(
                staged_events.c.request_id == request_id,
                staged_events.c.seq > max((seq for seq, _ in stored), default=-1),
            )
            .limit(1)
        ).first()
        return left is None

    def outcomes(self, request_id: str) -> StagedOutcomes:
        """What became of the request's applied events, as they stand now."""
        duplicates = self._conn.execute(
            select(func.count())
            .select_from(staged_events)
            .where(
                staged_events.c.request_id == request_id,
                staged_events.c.done.is_(True),
                staged_events.c.event_id.is_(None),
            )
        ).scalar_one()
        rows = self._conn.execute(
            select(events.c.outcome, func.count())
            .select_from(staged_events.join(events, events.c.event_id == staged_events.c.event_id))
            .where(staged_events.c.request_id == request_id)
            .group_by(events.c.outcome)
        ).all()
        return StagedOutcomes(int(duplicates), {str(outcome): int(n) for outcome, n in rows})

    def finish(self, request_id: str) -> None:
        """Remove the request and its staged events once its last event was applied."""
        self._conn.execute(delete(staged_events).where(staged_events.c.request_id == request_id))
        self._conn.execute(
            delete(intake_requests).where(intake_requests.c.request_id == request_id)
        )
