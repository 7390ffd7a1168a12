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

A touch or an update of a lead that does not exist yet waits (``applied_us`` NULL) and is
applied when the lead arrives: by a later ``lead.notified``, or by :func:`apply_pending`,
which the lead import calls after it stored a file. The caller acknowledges the request only
after :func:`receive` returned — the transaction has committed by then.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Final

import numpy as np
from sqlalchemy import Engine

from revpact.domain.agreement import Agreement
from revpact.domain.calendar import to_us
from revpact.domain.sla import NO_TIME, due_many
from revpact.ingest.events import (
    EARLIEST_LEAD_FIELDS,
    Event,
    EventType,
    event_from_payload,
    event_payload,
)
from revpact.services.deadlines import recompute_deadlines
from revpact.store.deals import DEAL_COLUMNS, DealRepository
from revpact.store.events import EventRepository, EventRow, LeadRow
from revpact.store.leads import LeadRepository
from revpact.store.revision import bump_revision

__all__ = [
    "EventStatus",
    "Outcome",
    "ReceiveReport",
    "apply_pending",
    "event_row_to_json",
    "list_events",
    "receive",
    "report_to_json",
]

_ATTRIBUTE: Final = "attributes."


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
class ReceiveReport:
    """What became of a request's events: ``received`` = duplicates + applied + pending +
    ignored."""

    received: int
    duplicates: int
    applied: int
    pending: int
    ignored: int


def report_to_json(report: ReceiveReport) -> dict[str, int]:
    return asdict(report)


def receive(
    engine: Engine,
    agreement: Agreement,
    source: str,
    events: Sequence[Event],
    now: datetime,
) -> ReceiveReport:
    """Store ``events`` from ``source`` and apply the new ones, in one transaction."""
    if not events:
        return ReceiveReport(0, 0, 0, 0, 0)
    recompute_deadlines(engine, agreement)
    now_us = to_us(now)
    outcomes: dict[int, Outcome] = {}
    with engine.begin() as conn:
        repo = EventRepository(conn)
        repo.claim(_subjects(events))
        new: list[tuple[int, Event]] = []
        # One insertion order for every request, so concurrent ones never deadlock.
        for event in sorted(events, key=lambda e: e.key):
            event_id = repo.insert(
                source=source,
                source_key=event.key,
                type_=event.type,
                lead_id=event.lead_id,
                deal_id=event.deal_id,
                occurred_us=event.occurred_us,
                received_us=now_us,
                payload=event_payload(event),
            )
            if event_id is not None:
                new.append((event_id, event))
        applier = _Applier(conn, repo, agreement, now_us, outcomes)
        for event_id, event in sorted(new, key=lambda pair: (pair[1].occurred_us, pair[0])):
            if event_id not in outcomes:
                applier.apply(event_id, event)
        LeadRepository(conn).settle_fingerprint(agreement.sla_fingerprint())
        if new:
            bump_revision(conn)
    mine = [outcomes[event_id] for event_id, _ in new]
    ignored = sum(outcome in _IGNORED for outcome in mine)
    pending = sum(outcome is Outcome.PENDING for outcome in mine)
    return ReceiveReport(
        received=len(events),
        duplicates=len(events) - len(new),
        applied=len(new) - ignored - pending,
        pending=pending,
        ignored=ignored,
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
            applier.apply(stored.event_id, event)
        LeadRepository(conn).settle_fingerprint(agreement.sla_fingerprint())
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


class _Applier:
    """Applies events within one transaction; ``outcomes`` collects what each did."""

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
        self._calendar = agreement.business_calendar()
        self._rule = agreement.follow_up_rule()
        self._fingerprint = agreement.sla_fingerprint()
        self._now_us = now_us
        self.outcomes = outcomes

    def apply(self, event_id: int, event: Event) -> None:
        fields: list[str] = []
        if event.ignored is not None:
            outcome = Outcome.IGNORED
        elif event.type == EventType.LEAD_TOUCHED:
            outcome = self._touched(event)
        elif event.type in (EventType.LEAD_NOTIFIED, EventType.LEAD_UPDATED):
            outcome, fields = self._lead(event)
        elif event.type == EventType.DEAL_UPDATED:
            outcome, fields = self._deal(event)
        else:  # a stored type this version does not know
            outcome = Outcome.IGNORED
        self.outcomes[event_id] = outcome
        applied = None if outcome is Outcome.PENDING else self._now_us
        self._repo.settle(event_id, applied_us=applied, outcome=outcome.value, fields=fields)
        if outcome is not Outcome.PENDING and event.type == EventType.LEAD_NOTIFIED:
            assert event.lead_id is not None
            for stored in self._repo.pending(event.lead_id):
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
                    self.apply(stored.event_id, waiting)

    # ------------------------------------------------------------------ leads

    def _touched(self, event: Event) -> Outcome:
        if event.automated:
            return Outcome.AUTOMATED
        assert event.lead_id is not None
        if self._repo.lead(event.lead_id) is None:
            return Outcome.PENDING
        moved = self._repo.touch(event.lead_id, event.occurred_us)
        return Outcome.APPLIED if moved else Outcome.UNCHANGED

    def _lead(self, event: Event) -> tuple[Outcome, list[str]]:
        assert event.lead_id is not None
        stored = self._repo.lead(event.lead_id)
        if stored is None and event.type == EventType.LEAD_UPDATED:
            return Outcome.PENDING, []
        if stored is None:
            lead = _new_lead(event)
            newer: set[str] = set()
        else:
            lead = _lead_values(stored)
            newer = self._repo.fields_set_after(
                lead_id=event.lead_id, deal_id=None, after_us=event.occurred_us
            )
        before = dict(lead)
        took: list[str] = []
        for name, value in event.changes.items():
            if name in EARLIEST_LEAD_FIELDS:
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
        if stored is not None and lead == before:
            return Outcome.UNCHANGED, took
        self._leads.upsert([self._lead_row(event.lead_id, lead)])
        return Outcome.APPLIED, took

    def _lead_row(self, lead_id: str, lead: dict[str, Any]) -> tuple[str | int, ...]:
        """The row :meth:`LeadRepository.upsert` takes, with ``applies`` and ``due`` decided
        as the lead import decides them."""
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
        due = due_many(
            self._calendar,
            self._rule,
            np.array([NO_TIME if notified is None else notified], dtype=np.int64),
            np.array([applies], dtype=bool),
        )
        return (
            lead_id,
            lead["lead_type"],
            lead["stage"],
            int(bool(lead["requested_follow_up"])),
            owner or "",
            json.dumps(lead["attributes"], ensure_ascii=False),
            lead["created_us"],
            NO_TIME if notified is None else notified,
            NO_TIME if lead["first_touch_us"] is None else lead["first_touch_us"],
            int(due[0]),
            int(applies),
            self._fingerprint,
        )

    # ------------------------------------------------------------------ deals

    def _deal(self, event: Event) -> tuple[Outcome, list[str]]:
        assert event.deal_id is not None
        stored = self._repo.deal(event.deal_id)
        if stored is None:
            deal: dict[str, Any] = dict.fromkeys(DEAL_COLUMNS)
            deal.update(deal_id=event.deal_id, **event.defaults)
            newer: set[str] = set()
        else:
            deal = dict(stored)
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
        self._deals.upsert_deals([tuple(deal[c] for c in DEAL_COLUMNS)])
        return Outcome.APPLIED, took


def _new_lead(event: Event) -> dict[str, Any]:
    lead: dict[str, Any] = {
        "lead_type": None,
        "stage": "",
        "requested_follow_up": False,
        "owner": None,
        "attributes": {},
        "created_us": None,
        "notified_us": None,
        "first_touch_us": None,
    }
    lead.update(event.defaults)
    if lead["created_us"] is None:
        lead["created_us"] = event.changes.get("notified_us", event.occurred_us)
    return lead


def _lead_values(row: LeadRow) -> dict[str, Any]:
    return {
        "lead_type": row.lead_type,
        "stage": row.stage,
        "requested_follow_up": row.requested_follow_up,
        "owner": row.owner,
        "attributes": dict(row.attributes),
        "created_us": row.created_us,
        "notified_us": row.notified_us,
        "first_touch_us": row.first_touch_us,
    }
