"""Receiving webhook events: store each once, then apply them to leads and deals in their time.

Delivery is at least once and in any order, so :func:`receive`, in one transaction,

1. stores every event with its source's identity (a repeated delivery is a duplicate: it is
   acknowledged and changes nothing);
2. applies the new ones in the order they occurred:

   * ``lead.notified`` creates the lead or adds to it. The notification time and the creation
     time keep the earliest moment known (a second notification never restarts the clock) and
     the first touch too; the other fields change unless a newer event already set them, so a
     late or repeated event never moves a lead backwards. ``applies`` and ``due`` are decided
     as the lead import decides them, under the agreement's follow-up SLA;
   * ``lead.touched`` makes the touch the lead's first touch if it is earlier than the one
     known; an automated touch is stored and never stops the clock;
   * ``lead.updated`` changes the fields it names (newest event wins, field by field) and
     decides ``applies`` and ``due`` again;
   * ``deal.updated`` creates or changes the deal (newest event wins, field by field).

Every write says who and when: the lead's ``recorded_us``/``recorded_by`` (and the
notification's and first touch's own record) are the moment the event was received and its
actor (``webhook:<source>``, or the member of the API token that wrote it); a deal's too. A
touch or notification received more than the agreement's ``late_entry_after`` after the
moment it claims is a late entry (:mod:`revpact.domain.late_entries`): a late touch that would
turn a breached lead into met counts at the moment it was received until it is approved
(:func:`approve_touch`). Each request writes its audit rows in its transaction: one per API
write, or one per webhook batch with its counts, and one per late entry.

A touch or an update of a lead that does not exist yet waits (``applied_us`` NULL) and is
applied when the lead arrives: by a later ``lead.notified``, or by :func:`apply_pending`,
which the lead import calls after it stored a file. The caller acknowledges the request only
after :func:`receive` returned — the transaction has committed by then.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar, Final

import numpy as np
import numpy.typing as npt
from sqlalchemy import Engine

from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.calendar import to_us
from revpact.domain.clock.sla import NO_TIME
from revpact.domain.late_entries import (
    TouchState,
    awaits_approval,
    is_late,
    record_touch,
    settle_touches,
)
from revpact.errors import CalendarError
from revpact.ingest.webhooks.events import (
    EARLIEST_LEAD_FIELDS,
    Event,
    EventType,
    event_from_payload,
    event_payload,
)
from revpact.services.deadlines import recompute_deadlines
from revpact.store.audit import record_write
from revpact.store.deals import DEAL_COLUMNS, DealRepository
from revpact.store.events import (
    EventRepository,
    EventRow,
    LeadRow,
    StoredEvent,
    source_actor,
)
from revpact.store.leads import LeadRepository
from revpact.store.revision import bump_revision

__all__ = [
    "EventStatus",
    "LateEntry",
    "Outcome",
    "ReceiveReport",
    "apply_pending",
    "event_row_to_json",
    "list_events",
    "receive",
    "report_to_json",
]

_ATTRIBUTE: Final = "attributes."
_US: Final = 1_000_000


class Outcome(StrEnum):
    """What applying an event did (stored in ``events.outcome``)."""

    APPLIED = "applied"  # the lead or deal changed
    UNCHANGED = "unchanged"  # nothing to change (newer events already said more)
    AUTOMATED = "automated"  # an automated touch: recorded, the clock runs on
    IGNORED = "ignored"  # the source's event means nothing to revpact (see the payload)
    PENDING = "pending"  # waits for its lead (applied_us stays NULL)


_IGNORED: Final = frozenset({Outcome.AUTOMATED, Outcome.IGNORED})


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
    ignored; ``late_entries`` among the applied ones."""

    received: int
    duplicates: int
    applied: int
    pending: int
    ignored: int
    late_entries: tuple[LateEntry, ...] = field(default=(), compare=False)


def report_to_json(report: ReceiveReport) -> dict[str, int]:
    """The counts (what the webhook routes answer); the late entries are in the audit trail."""
    counts = asdict(report)
    del counts["late_entries"]
    return counts


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
    recompute_deadlines(engine, agreement)
    now_us = to_us(now)
    who = actor or source_actor(source)
    outcomes: dict[int, Outcome] = {}
    with engine.begin() as conn:
        repo = EventRepository(conn)
        repo.claim(_subjects(events))
        # The leads whose events already wait, before this request's join them.
        waited_for = repo.waiting_leads(
            e.lead_id for e in events if e.type == EventType.LEAD_NOTIFIED and e.lead_id
        )
        # One insertion order for every request, so concurrent ones never deadlock.
        ordered = sorted(events, key=lambda e: e.key)
        payloads = [event_payload(event) for event in ordered]
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
        applier = _Applier(conn, repo, agreement, now_us, outcomes)
        applier.know_request(stored, waited_for)
        for event_id, event in sorted(new, key=lambda pair: (pair[1].occurred_us, pair[0])):
            if event_id not in outcomes:
                applier.apply(event_id, event, recorded_us=now_us, actor=who)
        applier.flush()
        if applier.saved_leads:
            LeadRepository(conn).settle_fingerprint(agreement.sla_fingerprint())
        mine = [outcomes[event_id] for event_id, _ in new]
        ignored = sum(outcome in _IGNORED for outcome in mine)
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
            _audit(conn, source, who, now_us, [event for _, event in new], report)
            bump_revision(conn)
    return report


def _audit(
    conn: Any,
    source: str,
    actor: str,
    now_us: int,
    new: Sequence[Event],
    report: ReceiveReport,
) -> None:
    """The request's audit rows (in its transaction)."""
    via = "api" if source == "api" else "webhook"
    late_of = {
        (entry.kind, entry.lead_id, entry.claimed_us): entry for entry in report.late_entries
    }
    if via == "api":
        for event in new:
            kind = "touch" if event.type == EventType.LEAD_TOUCHED else "notification"
            claimed = (
                event.changes.get("notified_us", event.occurred_us)
                if kind == "notification"
                else event.occurred_us
            )
            entry = late_of.get((kind, event.lead_id or "", claimed))
            record_write(
                conn,
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
        return
    record_write(
        conn,
        recorded_us=now_us,
        actor=actor,
        via=via,
        action="webhook.event",
        subject=f"webhook:{source}",
        detail={
            "received": report.received,
            "duplicates": report.duplicates,
            "applied": report.applied,
            "pending": report.pending,
            "ignored": report.ignored,
            "late_entries": len(report.late_entries),
        },
    )
    for entry in report.late_entries:
        record_write(
            conn,
            recorded_us=entry.recorded_us,
            actor=actor,
            via=via,
            action="lead.touch" if entry.kind == "touch" else "lead.notify",
            subject=f"lead:{entry.lead_id}",
            claimed_us=entry.claimed_us,
            late=True,
            detail={"awaiting_approval": entry.awaiting_approval},
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
        applier = _Applier(conn, repo, agreement, to_us(now), outcomes)
        for stored in repo.pending():  # again: under the locks
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
        for entry in applier.late:
            record_write(
                conn,
                recorded_us=entry.recorded_us,
                actor=entry.actor,
                via="webhook",
                action="lead.touch" if entry.kind == "touch" else "lead.notify",
                subject=f"lead:{entry.lead_id}",
                claimed_us=entry.claimed_us,
                late=True,
                detail={"awaiting_approval": entry.awaiting_approval, "waited": True},
            )
        bump_revision(conn)
    return sum(outcome is not Outcome.PENDING for outcome in outcomes.values())


def list_events(
    engine: Engine, *, status: EventStatus | None = None, limit: int = 100
) -> list[EventRow]:
    """The newest stored events first (for the audit)."""
    with engine.connect() as conn:
        return EventRepository(conn).listing(
            status=None if status is None else status.value, limit=limit
        )


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
    if row.outcome in _IGNORED:
        return EventStatus.IGNORED
    return EventStatus.APPLIED


def _subjects(events: Sequence[Event]) -> set[str]:
    found: set[str] = set()
    for event in events:
        if event.deal_id is not None:
            found.add(f"deal:{event.deal_id}")
        elif event.lead_id is not None:
            found.add(f"lead:{event.lead_id}")
    return found


class _SharedCalendar:
    """An agreement's business calendar, built once for every request under the same SLA
    (building one costs more than applying an event). The calendar grows its table as it is
    asked about new moments, so one request at a time uses it."""

    _known: ClassVar[dict[str, _SharedCalendar]] = {}
    _known_lock: ClassVar = threading.Lock()

    def __init__(self, agreement: Agreement, fingerprint: str) -> None:
        self._agreement = agreement
        self._fingerprint = fingerprint
        self._calendar = agreement.business_calendar()
        self._lock = threading.Lock()

    @classmethod
    def of(cls, agreement: Agreement, fingerprint: str) -> _SharedCalendar:
        """The calendar of ``agreement``, whose SLA fingerprint is ``fingerprint``."""
        with cls._known_lock:
            found = cls._known.get(fingerprint)
            if found is None:
                if len(cls._known) >= 8:
                    cls._known.clear()
                found = cls._known[fingerprint] = cls(agreement, fingerprint)
            return found

    def due_us(self, notified_us: int, within_s: int) -> int:
        """:func:`~revpact.domain.clock.sla.due_many` for one lead the SLA applies to (its scalar
        twin: the calendar holds that both agree)."""
        with self._lock:
            try:
                return self._calendar.add_business_us(notified_us, within_s * _US)
            except CalendarError:
                pass  # the table grown too wide for its horizon: ask a fresh one, as before
        with self._known_lock:
            if self._known.get(self._fingerprint) is self:
                del self._known[self._fingerprint]
        return self._agreement.business_calendar().add_business_us(notified_us, within_s * _US)


class _Applier:
    """Applies events within one transaction; ``outcomes`` collects what each did and
    ``late`` the late entries among them.

    What it settles is written in one go before anything reads the events again
    (:meth:`flush`; the caller flushes last). The leads it saved it remembers, so it reads
    each stored lead at most once; and with :meth:`know_request` it finds the events that wait
    for a lead among the request's own unless older ones wait for it too.
    """

    def __init__(
        self,
        conn: Any,
        repo: EventRepository,
        agreement: Agreement,
        now_us: int,
        outcomes: dict[int, Outcome],
    ) -> None:
        self._repo = repo
        self._leads = LeadRepository(conn)
        self._deals = DealRepository(conn)
        self._agreement = agreement
        self._spec = agreement.sales.follow_up
        self._rule = agreement.follow_up_rule()
        self._fingerprint = agreement.sla_fingerprint()
        self._calendar = _SharedCalendar.of(agreement, self._fingerprint)
        self._now_us = now_us
        self.outcomes = outcomes
        self.late: list[LateEntry] = []
        self.saved_leads = 0
        self._settled: list[tuple[int, int | None, str, Sequence[str]]] = []
        self._saved: dict[str, dict[str, Any]] = {}
        self._request: dict[str, list[StoredEvent]] | None = None
        self._waited_for: set[str] = set()

    def know_request(self, stored: Sequence[StoredEvent], waited_for: set[str]) -> None:
        """The request's newly stored events, and the leads other stored events (stored
        before them) wait for."""
        request: dict[str, list[StoredEvent]] = {}
        for event in stored:
            if event.lead_id is not None:
                request.setdefault(event.lead_id, []).append(event)
        for events in request.values():
            events.sort(key=lambda e: (e.occurred_us, e.event_id))
        self._request, self._waited_for = request, waited_for

    def flush(self) -> None:
        """Write what the applied events did."""
        self._repo.settle_many(self._settled)
        self._settled = []

    def _waiting(self, lead_id: str) -> list[StoredEvent]:
        """The events waiting for ``lead_id`` (:meth:`EventRepository.pending`)."""
        if self._request is None or lead_id in self._waited_for:
            self.flush()
            return self._repo.pending(lead_id)
        return [
            event
            for event in self._request.get(lead_id, ())
            if self.outcomes.get(event.event_id, Outcome.PENDING) is Outcome.PENDING
        ]

    def apply(self, event_id: int, event: Event, *, recorded_us: int, actor: str | None) -> None:
        fields: list[str] = []
        if event.ignored is not None:
            outcome = Outcome.IGNORED
        elif event.type == EventType.LEAD_TOUCHED:
            outcome = self._touched(event, recorded_us, actor)
        elif event.type in (EventType.LEAD_NOTIFIED, EventType.LEAD_UPDATED):
            outcome, fields = self._lead(event, recorded_us, actor)
        elif event.type == EventType.DEAL_UPDATED:
            outcome, fields = self._deal(event, recorded_us, actor)
        else:  # a stored type this version does not know
            outcome = Outcome.IGNORED
        self.outcomes[event_id] = outcome
        applied = None if outcome is Outcome.PENDING else self._now_us
        self._settled.append((event_id, applied, outcome.value, fields))
        if outcome is not Outcome.PENDING and event.type == EventType.LEAD_NOTIFIED:
            assert event.lead_id is not None
            for stored in self._waiting(event.lead_id):
                if stored.event_id not in self.outcomes or (
                    self.outcomes[stored.event_id] is Outcome.PENDING
                ):
                    waiting = event_from_payload(
                        stored.source_key,
                        stored.type,
                        stored.occurred_us,
                        stored.lead_id,
                        stored.payload,
                    )
                    self.apply(
                        stored.event_id,
                        waiting,
                        recorded_us=stored.received_us,
                        actor=source_actor(stored.source),
                    )

    # ------------------------------------------------------------------ leads

    def _touched(self, event: Event, recorded_us: int, actor: str | None) -> Outcome:
        if event.automated:
            return Outcome.AUTOMATED
        assert event.lead_id is not None
        lead = self._stored_lead(event.lead_id)
        if lead is None:
            return Outcome.PENDING
        before = dict(lead)
        self._touch(lead, event.lead_id, event.occurred_us, recorded_us, actor, lead["due_us"])
        if lead == before:
            return Outcome.UNCHANGED
        lead["recorded_us"], lead["recorded_by"] = recorded_us, actor
        # A touch changes only the touch columns and the record: write just those.
        self._leads.save_touch(event.lead_id, lead)
        self._remember(event.lead_id, lead, None)
        return Outcome.APPLIED

    def _stored_lead(self, lead_id: str) -> dict[str, Any] | None:
        """The stored lead's values (a copy to change), or None when it does not exist."""
        saved = self._saved.get(lead_id)
        if saved is not None:
            return {**saved, "attributes": dict(saved["attributes"])}
        stored = self._repo.lead(lead_id)
        return None if stored is None else _lead_values(stored)

    def _save(self, lead_id: str, lead: dict[str, Any]) -> None:
        attributes = json.dumps(lead["attributes"], ensure_ascii=False)
        self._leads.save(
            lead_id, {**lead, "owner": lead["owner"] or None, "attributes": attributes}
        )
        self._remember(lead_id, lead, attributes)

    def _remember(self, lead_id: str, lead: dict[str, Any], attributes: str | None) -> None:
        """Keep the saved lead as :meth:`EventRepository.lead` would read it back."""
        self.saved_leads += 1
        self._saved[lead_id] = {
            **lead,
            "owner": lead["owner"] or None,
            "requested_follow_up": bool(lead["requested_follow_up"]),
            "applies": bool(lead["applies"]),
            "due_us": lead["due_us"] if lead["applies"] else None,
            "attributes": (
                dict(lead["attributes"]) if attributes is None else _read_attributes(attributes)
            ),
        }

    def _touch(
        self,
        lead: dict[str, Any],
        lead_id: str,
        claimed_us: int,
        recorded_us: int,
        actor: str | None,
        due_us: int | None,
    ) -> None:
        """Record a touch claimed at ``claimed_us`` in ``lead`` (its counted moment decided by
        the late-entry rule); note a late entry."""
        state = record_touch(
            _touch_state(lead),
            claimed_us=claimed_us,
            recorded_us=recorded_us,
            by=actor,
            due_us=due_us,
            late_after_s=self._spec.late_entry_after,
        )
        _put_touch(lead, state)
        if is_late(claimed_us, recorded_us, self._spec.late_entry_after):
            pending = awaits_approval(state) and state.claimed_us == claimed_us
            self.late.append(LateEntry("touch", lead_id, claimed_us, recorded_us, pending, actor))

    def _lead(self, event: Event, recorded_us: int, actor: str | None) -> tuple[Outcome, list[str]]:
        assert event.lead_id is not None
        stored = self._stored_lead(event.lead_id)
        if stored is None and event.type == EventType.LEAD_UPDATED:
            return Outcome.PENDING, []
        if stored is None:
            lead = _new_lead(event)
            newer: set[str] = set()
        else:
            lead = stored
            self.flush()
            newer = self._repo.fields_set_after(
                lead_id=event.lead_id, deal_id=None, after_us=event.occurred_us
            )
        before = dict(lead)
        took: list[str] = []
        touch_claimed: int | None = None
        for name, value in event.changes.items():
            if name == "first_touch_us":
                touch_claimed = value
            elif name in EARLIEST_LEAD_FIELDS:
                if value is not None and (lead[name] is None or value < lead[name]):
                    lead[name] = value
            elif name in newer:
                continue
            elif name.startswith(_ATTRIBUTE):
                lead["attributes"] = {**lead["attributes"], name[len(_ATTRIBUTE) :]: value}
                took.append(name)
            else:
                lead[name] = value
                took.append(name)
        notified = lead["notified_us"]
        if notified is not None and notified != before["notified_us"]:
            lead["notified_recorded_us"], lead["notified_by"] = recorded_us, actor
            if is_late(notified, recorded_us, self._spec.late_entry_after):
                self.late.append(
                    LateEntry("notification", event.lead_id, notified, recorded_us, False, actor)
                )
        due, applies = self._deadline(lead)
        lead["due_us"], lead["applies"] = due, applies
        if touch_claimed is not None:
            self._touch(lead, event.lead_id, touch_claimed, recorded_us, actor, due)
        _settle(lead, self._spec.late_entry_after)
        if stored is not None and _facts(lead) == _facts(before):
            return Outcome.UNCHANGED, took
        lead["recorded_us"], lead["recorded_by"] = recorded_us, actor
        lead["sla_fingerprint"] = self._fingerprint
        self._save(event.lead_id, lead)
        return Outcome.APPLIED, took

    def _deadline(self, lead: dict[str, Any]) -> tuple[int | None, bool]:
        """``due`` (None: the SLA does not apply) and ``applies``, decided as the lead import
        decides them."""
        owner = lead["owner"] or None
        attrs = {
            **lead["attributes"],
            "lead_type": lead["lead_type"],
            "stage": lead["stage"],
            "requested_follow_up": lead["requested_follow_up"],
            "owner": owner,
        }
        notified = lead["notified_us"]
        applies = self._spec.applies(attrs) and notified is not None
        if not applies:
            return None, applies
        return self._calendar.due_us(notified, self._rule.within_seconds), applies

    # ------------------------------------------------------------------ deals

    def _deal(self, event: Event, recorded_us: int, actor: str | None) -> tuple[Outcome, list[str]]:
        assert event.deal_id is not None
        stored = self._repo.deal(event.deal_id)
        if stored is None:
            deal: dict[str, Any] = dict.fromkeys(DEAL_COLUMNS)
            deal.update(deal_id=event.deal_id, **event.defaults)
            newer: set[str] = set()
        else:
            deal = dict(stored)
            self.flush()
            newer = self._repo.fields_set_after(
                lead_id=None, deal_id=event.deal_id, after_us=event.occurred_us
            )
        before = dict(deal)
        took = [name for name in event.changes if name not in newer]
        deal.update({name: event.changes[name] for name in took})
        if deal["created_us"] is None:
            deal["created_us"] = event.occurred_us
        if deal["outcome"] is None:
            deal["outcome"] = "open"
        if deal["outcome"] == "open":
            deal["closed_us"] = None
        elif deal["closed_us"] is None:
            deal["closed_us"] = event.occurred_us
        if stored is not None and deal == before:
            return Outcome.UNCHANGED, took
        self._deals.upsert_deals(
            [tuple(deal[c] for c in DEAL_COLUMNS)], recorded_us=recorded_us, recorded_by=actor
        )
        return Outcome.APPLIED, took


_TOUCH_FIELDS: Final = (
    "first_touch_us",
    "touch_claimed_us",
    "touch_recorded_us",
    "touch_by",
    "touch_approved_us",
    "touch_approved_by",
)


def _facts(lead: dict[str, Any]) -> dict[str, Any]:
    """What an event may change; not the deadline, which follows from them (the stored one
    may be under an earlier version of the agreement)."""
    return {k: v for k, v in lead.items() if k not in ("due_us", "applies", "sla_fingerprint")}


def _touch_state(lead: dict[str, Any]) -> TouchState:
    return TouchState(
        first_us=lead["first_touch_us"],
        claimed_us=lead["touch_claimed_us"],
        recorded_us=lead["touch_recorded_us"],
        by=lead["touch_by"],
        approved=lead["touch_approved_us"] is not None,
    )


def _put_touch(lead: dict[str, Any], state: TouchState) -> None:
    """Write ``state`` into ``lead``; a new claimed touch drops the old one's approval."""
    if state.claimed_us != lead["touch_claimed_us"]:
        lead["touch_approved_us"] = lead["touch_approved_by"] = None
    lead["first_touch_us"] = state.first_us
    lead["touch_claimed_us"] = state.claimed_us
    lead["touch_recorded_us"] = state.recorded_us
    lead["touch_by"] = state.by


def _settle(lead: dict[str, Any], late_after_s: int) -> None:
    """The counted first touch under the lead's (new) due time."""
    if lead["touch_claimed_us"] is None or lead["touch_recorded_us"] is None:
        return
    if lead["touch_approved_us"] is not None:
        return
    if not is_late(lead["touch_claimed_us"], lead["touch_recorded_us"], late_after_s):
        lead["first_touch_us"] = lead["touch_claimed_us"]  # a timely touch counts as claimed
        return

    def column(value: int | None) -> npt.NDArray[np.int64]:
        return np.array([NO_TIME if value is None else value], dtype=np.int64)

    first = settle_touches(
        first_us=column(lead["first_touch_us"]),
        claimed_us=column(lead["touch_claimed_us"]),
        recorded_us=column(lead["touch_recorded_us"]),
        due_us=column(lead["due_us"]),
        approved=np.zeros(1, dtype=bool),
        late_after_s=late_after_s,
    )
    lead["first_touch_us"] = int(first[0])


def _new_lead(event: Event) -> dict[str, Any]:
    lead: dict[str, Any] = {
        "lead_type": None,
        "stage": "",
        "requested_follow_up": False,
        "owner": None,
        "attributes": {},
        "created_us": None,
        "notified_us": None,
        "due_us": None,
        "applies": False,
        "sla_fingerprint": "",
        "recorded_us": None,
        "recorded_by": None,
        "notified_recorded_us": None,
        "notified_by": None,
        **dict.fromkeys(_TOUCH_FIELDS),
    }
    lead.update(event.defaults)
    if lead["created_us"] is None:
        lead["created_us"] = event.changes.get("notified_us", event.occurred_us)
    return lead


def _read_attributes(stored: str) -> dict[str, Any]:
    """Attributes as :meth:`EventRepository.lead` reads them back."""
    attributes = json.loads(stored) if stored else {}
    return attributes if isinstance(attributes, dict) else {}


def _lead_values(row: LeadRow) -> dict[str, Any]:
    return {
        "lead_type": row.lead_type,
        "stage": row.stage,
        "requested_follow_up": row.requested_follow_up,
        "owner": row.owner,
        "attributes": dict(row.attributes),
        "created_us": row.created_us,
        "notified_us": row.notified_us,
        "due_us": row.due_us,
        "applies": row.applies,
        "sla_fingerprint": row.sla_fingerprint,
        "recorded_us": row.recorded_us,
        "recorded_by": row.recorded_by,
        "notified_recorded_us": row.notified_recorded_us,
        "notified_by": row.notified_by,
        "first_touch_us": row.first_touch_us,
        "touch_claimed_us": row.touch_claimed_us,
        "touch_recorded_us": row.touch_recorded_us,
        "touch_by": row.touch_by,
        "touch_approved_us": row.touch_approved_us,
        "touch_approved_by": row.touch_approved_by,
    }
