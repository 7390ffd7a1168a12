"""Large webhook requests: accepted whole, applied in bounded chunks.

Storing and applying a request of tens of thousands of events in one transaction would hold
the database's write lock for seconds (SQLite has one writer at a time: every other request
and an import would wait). Committing it chunk by chunk as it is applied would give up
all-or-nothing: a failure half-way would leave half the request stored. So a request of more
than :data:`CHUNK_EVENTS` events goes in three steps (:func:`receive_large`):

1. **staged**: its events are written to ``staged_events``, :data:`STAGE_EVENTS` per short
   transaction (plain inserts), numbered by the batch they are applied in
   (:func:`batches`). Staged events count for nothing yet;
2. **accepted**: one statement marks the request accepted. Its commit is the moment the
   request is stored — all of it. Should staging fail before (the database stayed busy, the
   process died), what was staged is removed (at once, or by :func:`resume_intake` once the
   request is :data:`ABANDONED_AFTER_S` old) and nothing of the request was stored: the
   sender's retry starts afresh;
3. **applied**: a batch of about :data:`CHUNK_EVENTS` at a time, each exactly as
   :func:`receive` applies a request (stored once by its identity, applied in the order the
   events occurred). A batch never splits the events of one lead or deal, so each lead and
   deal ends exactly as one transaction would have left it. Each staged event is marked with
   what it was stored as in the same transaction; the last batch reads what became of them
   all (the request's report, and its one ``webhook.event`` audit row) and removes the
   request.

A request is answered once its chunks are applied. Should applying stop before its last chunk
(the database stayed busy), the answer says how many events are ``queued``: they are stored
(step 2 committed) and :func:`resume_intake` applies them — the server runs it when it starts
and every few seconds, so a request accepted by a server that then died is applied by the next
one. Readers may see an accepted request's chunks applied one after another, as if the sender
had sent it in several requests, which delivery in any order already allows.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Final

from sqlalchemy import Engine

from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.calendar import to_us
from revpact.errors import BusyError
from revpact.ingest.webhooks.events import Event, event_from_payload, event_payload
from revpact.services.deadlines import recompute_deadlines
from revpact.services.events.model import IGNORED_OUTCOMES, Outcome, ReceiveReport
from revpact.services.events.receiving import receive_in, request_audit_write
from revpact.store.audit import record_writes
from revpact.store.db import single_writer
from revpact.store.events import EventRepository, source_actor
from revpact.store.intake import IntakeRepository, IntakeRequest, StagedEvent, StagedOutcomes

__all__ = [
    "ABANDONED_AFTER_S",
    "CHUNK_EVENTS",
    "RESUME_AFTER_S",
    "STAGE_EVENTS",
    "ChunkApplied",
    "apply_chunk",
    "batches",
    "receive_large",
    "resume_intake",
    "stage_request",
]

CHUNK_EVENTS: Final = 500
"""Events of a large request applied per transaction (about a quarter of a second of the
write lock)."""

STAGE_EVENTS: Final = 5_000
"""Events of a large request staged per transaction (plain inserts: a few tens of ms)."""

RESUME_AFTER_S: Final = 30
"""An accepted request is left to its own receiver this long before :func:`resume_intake`
applies what it has left (the receiver may still be at it; applying is safe either way)."""

ABANDONED_AFTER_S: Final = 600
"""A request still not accepted this long after it was received lost its stager (the
process died while staging): :func:`resume_intake` removes it."""

_PAUSE_S: Final = 0.02  # on SQLite, between two chunks: a waiting writer's turn


@dataclass(frozen=True)
class ChunkApplied:
    """One applied chunk of a request: what it did, and when it was the last, what became of
    the whole request (as :func:`receive` would report it)."""

    report: ReceiveReport
    whole: ReceiveReport | None = None


def receive_large(
    engine: Engine,
    agreement: Agreement,
    source: str,
    events: Sequence[Event],
    now: datetime,
    *,
    actor: str | None = None,
    chunk: int = CHUNK_EVENTS,
    stage: int = STAGE_EVENTS,
) -> ReceiveReport:
    """A large request staged, accepted and applied (see the module); the report of its
    chunks applied here, the rest ``queued``. :class:`~revpact.errors.BusyError` (and
    nothing stored) when it could not be staged."""
    who = actor or source_actor(source)
    pause = single_writer(engine)
    request_id = stage_request(engine, source, who, events, now, chunk=chunk, stage=stage)
    reports: list[ReceiveReport] = []
    try:
        while True:
            if pause:
                time.sleep(_PAUSE_S)
            applied = apply_chunk(engine, agreement, request_id, now)
            if applied is None:
                break
            reports.append(applied.report)
            if applied.whole is not None:
                return replace(
                    applied.whole,
                    late_entries=tuple(entry for r in reports for entry in r.late_entries),
                )
    except BusyError:
        pass  # accepted: resume_intake applies the rest
    # What this receiver applied; events applied later may still settle some pending ones.
    report = ReceiveReport(
        received=len(events),
        duplicates=sum(r.duplicates for r in reports),
        applied=sum(r.applied for r in reports),
        pending=sum(r.pending for r in reports),
        ignored=sum(r.ignored for r in reports),
        queued=len(events) - sum(r.received for r in reports),
        late_entries=tuple(entry for r in reports for entry in r.late_entries),
    )
    return report


def stage_request(
    engine: Engine,
    source: str,
    actor: str,
    events: Sequence[Event],
    now: datetime,
    *,
    chunk: int = CHUNK_EVENTS,
    stage: int = STAGE_EVENTS,
) -> str:
    """Steps 1 and 2: ``events`` staged ``stage`` at a time (numbered by the batches of about
    ``chunk`` they are applied in), then accepted; the request's id. Should a step fail, what
    was staged is removed and the error raised: nothing of the request was stored."""
    request_id = uuid.uuid4().hex
    rows = [
        StagedEvent(seq, batch, e.key, e.type, e.lead_id, e.occurred_us, event_payload(e))
        for seq, (batch, e) in enumerate(batches(events, chunk))
    ]
    pause = single_writer(engine)
    try:
        for start in range(0, len(rows), stage):
            if start and pause:
                time.sleep(_PAUSE_S)
            with engine.begin() as conn:
                intake = IntakeRepository(conn)
                if not start:
                    intake.open(
                        request_id,
                        source=source,
                        actor=actor,
                        received_us=to_us(now),
                        events=len(rows),
                    )
                intake.stage(request_id, rows[start : start + stage])
        with engine.begin() as conn:
            IntakeRepository(conn).accept(request_id)
    except BaseException:
        # Best effort: should this fail too, resume_intake removes the request later.
        with contextlib.suppress(Exception), engine.begin() as conn:
            IntakeRepository(conn).drop(request_id)
        raise
    return request_id


def batches(events: Sequence[Event], size: int) -> list[tuple[int, Event]]:
    """``events`` numbered by the batch they are applied in: a batch never splits the events
    of one lead or deal (nor a deal and the lead it names, nor two events of one identity), so
    each row goes through exactly the steps one transaction would take it through; whole
    groups fill a batch up to ``size`` events (a larger group is a batch of its own). Groups
    come in the order of their first event, each group's events in the request's order."""
    parent = list(range(len(events)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_of: dict[str, int] = {}
    for index, event in enumerate(events):
        for name in (f"k:{event.key}", f"l:{event.lead_id}", f"d:{event.deal_id}"):
            if name.endswith(":None"):
                continue
            other = first_of.setdefault(name, index)
            parent[root(index)] = root(other)
    groups: dict[int, list[int]] = {}
    for index in range(len(events)):
        groups.setdefault(root(index), []).append(index)
    numbered: list[tuple[int, Event]] = []
    batch, filled = 0, 0
    for members in groups.values():  # in the order of each group's first event
        if filled and filled + len(members) > size:
            batch, filled = batch + 1, 0
        numbered.extend((batch, events[i]) for i in members)
        filled += len(members)
    return numbered


def apply_chunk(
    engine: Engine,
    agreement: Agreement,
    request_id: str,
    now: datetime,
) -> ChunkApplied | None:
    """Step 3, once: the request's next ``chunk`` staged events applied, in one transaction
    (at ``now``); None when the request has nothing left to apply or is not accepted."""
    recompute_deadlines(engine, agreement)
    now_us = to_us(now)
    with engine.begin() as conn:
        # One applier of a request at a time; then its events' own subjects.
        EventRepository(conn).claim([f"intake:{request_id}"])
        intake = IntakeRepository(conn)
        request = intake.request(request_id)
        if request is None or not request.accepted:
            return None
        staged = intake.next_chunk(request)
        if not staged:
            intake.finish(request_id)
            return None
        events = [
            event_from_payload(row.source_key, row.type, row.occurred_us, row.lead_id, row.payload)
            for row in staged
        ]
        stored_as: dict[str, int] = {}
        report = receive_in(
            conn,
            agreement,
            request.source,
            events,
            now_us,
            request.actor,
            request_audit=False,
            stored_as=stored_as,
            payloads=[row.payload for row in staged],
        )
        stored = [(row.seq, stored_as.pop(row.source_key, None)) for row in staged]
        if not intake.took(request_id, stored, len(report.late_entries)):
            return ChunkApplied(report)
        # The last chunk: the request's report, from what became of each of its events now
        # (a touch that waited for its lead in an earlier chunk may have been applied since).
        whole = _whole(request, intake.outcomes(request_id))
        record_writes(
            conn,
            [
                request_audit_write(
                    request.source,
                    request.actor,
                    now_us,
                    whole,
                    request.late_entries + len(report.late_entries),
                )
            ],
        )
        intake.finish(request_id)
    return ChunkApplied(report, whole)


def _whole(request: IntakeRequest, outcomes: StagedOutcomes) -> ReceiveReport:
    counted = outcomes.outcomes
    ignored = sum(counted.get(outcome, 0) for outcome in IGNORED_OUTCOMES)
    pending = counted.get(Outcome.PENDING, 0)
    stored = sum(counted.values())
    return ReceiveReport(
        received=request.events,
        duplicates=request.events - stored,
        applied=stored - ignored - pending,
        pending=pending,
        ignored=ignored,
    )


def resume_intake(
    engine: Engine,
    agreement: Agreement,
    now: datetime,
    *,
    resume_after_s: int = RESUME_AFTER_S,
) -> int:
    """Apply what accepted requests received at least ``resume_after_s`` ago have left, and
    remove the requests abandoned while staging; how many events were applied."""
    now_us = to_us(now)
    with engine.connect() as conn:
        intake = IntakeRepository(conn)
        abandoned = intake.abandoned(now_us - ABANDONED_AFTER_S * 1_000_000)
        waiting = intake.accepted(received_by_us=now_us - resume_after_s * 1_000_000)
    for request_id in abandoned:
        with engine.begin() as conn:
            IntakeRepository(conn).drop(request_id)
    done = 0
    for request_id in waiting:
        while (applied := apply_chunk(engine, agreement, request_id, now)) is not None:
            done += applied.report.received
            if applied.whole is not None:
                break
    return done
