"""The per-request write path: :func:`receive` stores a request's events and applies the new
ones in one transaction, :func:`apply_pending` applies the events that waited for their lead,
and both write their audit rows in that transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Connection, Engine

from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.calendar import to_us
from revpact.ingest.webhooks.events import Event, EventType, event_from_payload, event_payload
from revpact.services.agreement_versions import governing_in, sla_fingerprint
from revpact.services.deadlines import recompute_deadlines
from revpact.services.events.applier import Applier
from revpact.services.events.model import IGNORED_OUTCOMES, Outcome, ReceiveReport
from revpact.store.audit import AuditWrite, record_writes
from revpact.store.events import EventRepository, StoredEvent, source_actor
from revpact.store.leads import LeadRepository
from revpact.store.revision import bump_revision, write_marks

__all__ = ["apply_pending", "receive", "receive_in", "request_audit_write"]

_ACTIONS: Final = {
    EventType.LEAD_NOTIFIED: "lead.notify",
    EventType.LEAD_TOUCHED: "lead.touch",
    EventType.LEAD_UPDATED: "lead.upsert",
    EventType.DEAL_UPDATED: "deal.upsert",
}


def receive(
    engine: Engine,
    agreement: Agreement,
    source: str,
    events: Sequence[Event],
    now: datetime,
    *,
    actor: str | None = None,
) -> ReceiveReport:
    """Store ``events`` from ``source`` and apply the new ones, in one transaction.

    ``actor`` is who wrote them (default ``webhook:<source>``). Source ``api`` is revpact's
    own write routes: each event gets its own audit row; any other source's request gets one
    audit row for the batch (``webhook.event``, with the counts) and one per late entry.
    """
    if not events:
        return ReceiveReport(0, 0, 0, 0, 0)
    who = actor or source_actor(source)
    with engine.begin() as conn:
        # Usually the stored deadlines are current: checked in the writing transaction itself,
        # by one read (the governing timeline is cached while the versions' log stands still).
        marks = write_marks(conn)
        governing = governing_in(conn, agreement, marks.versions_log)
        if marks.deadlines_fingerprint == governing.fingerprint:
            return receive_in(
                conn,
                agreement,
                source,
                events,
                to_us(now),
                who,
                deadlines_under=governing.fingerprint,
            )
    recompute_deadlines(engine, agreement, governing.timeline)
    with engine.begin() as conn:
        return receive_in(conn, agreement, source, events, to_us(now), who)


def receive_in(
    conn: Connection,
    agreement: Agreement,
    source: str,
    events: Sequence[Event],
    now_us: int,
    who: str,
    *,
    request_audit: bool = True,
    stored_as: dict[str, int] | None = None,
    payloads: Sequence[str] | None = None,
    deadlines_under: str | None = None,
) -> ReceiveReport:
    """:func:`receive`'s work inside the caller's transaction (whose deadlines are current).

    ``request_audit`` False leaves out the request's ``webhook.event`` audit row (a large
    request writes one for all its chunks); ``stored_as`` receives the ``event_id`` each new
    event was stored as, by its key; ``payloads`` are the events' stored forms, when the
    caller has them (:func:`~revpact.ingest.webhooks.events.event_payload` of each);
    ``deadlines_under`` the SLA fingerprint the store's deadlines are under, when the caller
    read it in this transaction (else it is read again here, when a lead was saved)."""
    outcomes: dict[int, Outcome] = {}
    repo = EventRepository(conn)
    repo.claim(_subjects(events))
    # The leads whose events already wait, before this request's join them.
    waited_for = repo.waiting_leads(
        e.lead_id for e in events if e.type == EventType.LEAD_NOTIFIED and e.lead_id
    )
    # One insertion order for every request, so concurrent ones never deadlock.
    if payloads is None:
        ordered = sorted(events, key=lambda e: e.key)
        payloads = [event_payload(event) for event in ordered]
    else:
        pairs = sorted(zip(events, payloads, strict=True), key=lambda pair: pair[0].key)
        ordered = [event for event, _ in pairs]
        payloads = [payload for _, payload in pairs]
    event_ids = repo.insert_many(
        [
            (source, e.key, e.type, e.lead_id, e.deal_id, e.occurred_us, now_us, payload)
            for e, payload in zip(ordered, payloads, strict=True)
        ]
    )
    new: list[tuple[int, Event]] = []
    stored: list[StoredEvent] = []
    for event, payload, event_id in zip(ordered, payloads, event_ids, strict=True):
        if event_id is not None:
            new.append((event_id, event))
            if stored_as is not None:
                stored_as[event.key] = event_id
            stored.append(
                StoredEvent(
                    event_id,
                    event.key,
                    event.type,
                    event.lead_id,
                    event.occurred_us,
                    payload,
                    now_us,
                    source,
                )
            )
    applier = Applier(conn, repo, agreement, now_us, outcomes)
    applier.know_request(stored, waited_for)
    for event_id, event in sorted(new, key=lambda pair: (pair[1].occurred_us, pair[0])):
        if event_id not in outcomes:
            applier.apply(event_id, event, recorded_us=now_us, actor=who)
    applier.flush()
    written = sla_fingerprint(agreement)
    if applier.saved_leads and deadlines_under != written:
        # Saved under the file's SLA while the store's deadlines are (or may be) under another.
        LeadRepository(conn).settle_fingerprint(written)
    mine = [outcomes[event_id] for event_id, _ in new]
    ignored = sum(outcome in IGNORED_OUTCOMES for outcome in mine)
    pending = sum(outcome is Outcome.PENDING for outcome in mine)
    report = ReceiveReport(
        received=len(events),
        duplicates=len(events) - len(new),
        applied=len(new) - ignored - pending,
        pending=pending,
        ignored=ignored,
        late_entries=tuple(applier.late),
    )
    if new:
        _audit(conn, source, who, now_us, [event for _, event in new], report, request_audit)
        bump_revision(conn)
    return report


def _audit(
    conn: Any,
    source: str,
    actor: str,
    now_us: int,
    new: Sequence[Event],
    report: ReceiveReport,
    request_audit: bool = True,
) -> None:
    """The request's audit rows (in its transaction), written together."""
    via = "api" if source == "api" else "webhook"
    late_of = {
        (entry.kind, entry.lead_id, entry.claimed_us): entry for entry in report.late_entries
    }
    writes: list[AuditWrite] = []
    if via == "api":
        for event in new:
            kind = "touch" if event.type == EventType.LEAD_TOUCHED else "notification"
            claimed = (
                event.changes.get("notified_us", event.occurred_us)
                if kind == "notification"
                else event.occurred_us
            )
            entry = late_of.get((kind, event.lead_id or "", claimed))
            writes.append(
                AuditWrite(
                    recorded_us=now_us,
                    actor=actor,
                    via=via,
                    action=_ACTIONS.get(EventType(event.type), "lead.upsert"),
                    subject=f"lead:{event.lead_id}",
                    claimed_us=claimed,
                    late=entry is not None,
                    detail={
                        "event": event.key,
                        "awaiting_approval": entry is not None and entry.awaiting_approval,
                    },
                )
            )
        record_writes(conn, writes)
        return
    if request_audit:
        writes.append(request_audit_write(source, actor, now_us, report))
    writes.extend(
        AuditWrite(
            recorded_us=entry.recorded_us,
            actor=actor,
            via=via,
            action="lead.touch" if entry.kind == "touch" else "lead.notify",
            subject=f"lead:{entry.lead_id}",
            claimed_us=entry.claimed_us,
            late=True,
            detail={"awaiting_approval": entry.awaiting_approval},
        )
        for entry in report.late_entries
    )
    record_writes(conn, writes)


def request_audit_write(
    source: str,
    actor: str,
    recorded_us: int,
    report: ReceiveReport,
    late_entries: int | None = None,
) -> AuditWrite:
    """The audit row of a webhook request: what became of its events (``late_entries``: how
    many, when the report does not carry them all)."""
    return AuditWrite(
        recorded_us=recorded_us,
        actor=actor,
        via="webhook",
        action="webhook.event",
        subject=f"webhook:{source}",
        detail={
            "received": report.received,
            "duplicates": report.duplicates,
            "applied": report.applied,
            "pending": report.pending,
            "ignored": report.ignored,
            "late_entries": len(report.late_entries) if late_entries is None else late_entries,
        },
    )


def apply_pending(engine: Engine, agreement: Agreement, now: datetime) -> int:
    """Apply the waiting events whose lead now exists (after a lead import); returns how many
    were applied."""
    recompute_deadlines(engine, agreement)
    outcomes: dict[int, Outcome] = {}
    with engine.begin() as conn:
        repo = EventRepository(conn)
        waiting = repo.pending()
        if not waiting:
            return 0
        repo.claim(f"lead:{stored.lead_id}" for stored in waiting)
        applier = Applier(conn, repo, agreement, to_us(now), outcomes)
        waiting = repo.pending()  # again: under the locks
        applier.know_leads(stored.lead_id for stored in waiting if stored.lead_id is not None)
        for stored in waiting:
            event = event_from_payload(
                stored.source_key, stored.type, stored.occurred_us, stored.lead_id, stored.payload
            )
            applier.apply(
                stored.event_id,
                event,
                recorded_us=stored.received_us,
                actor=source_actor(stored.source),
            )
        applier.flush()
        if applier.saved_leads:
            LeadRepository(conn).settle_fingerprint(agreement.sla_fingerprint())
        record_writes(
            conn,
            [
                AuditWrite(
                    recorded_us=entry.recorded_us,
                    actor=entry.actor,
                    via="webhook",
                    action="lead.touch" if entry.kind == "touch" else "lead.notify",
                    subject=f"lead:{entry.lead_id}",
                    claimed_us=entry.claimed_us,
                    late=True,
                    detail={"awaiting_approval": entry.awaiting_approval, "waited": True},
                )
                for entry in applier.late
            ],
        )
        bump_revision(conn)
    return sum(outcome is not Outcome.PENDING for outcome in outcomes.values())


def _subjects(events: Sequence[Event]) -> set[str]:
    found: set[str] = set()
    for event in events:
        if event.deal_id is not None:
            found.add(f"deal:{event.deal_id}")
        elif event.lead_id is not None:
            found.add(f"lead:{event.lead_id}")
    return found
