"""Applying one stored event to its lead or deal, within a request's transaction
(:class:`Applier`), under the agreement's business calendar shared between requests
(:class:`SharedCalendar`)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar, Final

from revpact.domain.agreement.model import Agreement
from revpact.domain.late_entries import awaits_approval, is_late, record_touch
from revpact.errors import CalendarError
from revpact.ingest.webhooks.events import (
    EARLIEST_LEAD_FIELDS,
    Event,
    EventType,
    event_from_payload,
)
from revpact.services.agreement_versions import sla_fingerprint
from revpact.services.events.lead_values import (
    facts,
    lead_values,
    new_lead,
    put_touch,
    read_attributes,
    settle,
    touch_state,
)
from revpact.services.events.model import LateEntry, Outcome
from revpact.store.deals import DEAL_COLUMNS, DealRepository
from revpact.store.events import EventRepository, LeadRow, StoredEvent, source_actor
from revpact.store.lead_batches import LeadWrites, read_leads

__all__ = ["Applier", "SharedCalendar"]

_ATTRIBUTE: Final = "attributes."
_US: Final = 1_000_000


class SharedCalendar:
    """An agreement's business calendar, built once for every request under the same SLA
    (building one costs more than applying an event). The calendar grows its table as it is
    asked about new moments, so one request at a time uses it."""

    _known: ClassVar[dict[str, SharedCalendar]] = {}
    _known_lock: ClassVar = threading.Lock()

    def __init__(self, agreement: Agreement, fingerprint: str) -> None:
        self._agreement = agreement
        self._fingerprint = fingerprint
        self._calendar = agreement.business_calendar()
        self._lock = threading.Lock()

    @classmethod
    def of(cls, agreement: Agreement, fingerprint: str) -> SharedCalendar:
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


class Applier:
    """Applies events within one transaction; ``outcomes`` collects what each did and
    ``late`` the late entries among them.

    What it settles is written in one go before anything reads the events again, and the
    leads it saves are written in one go at the end (:meth:`flush`; the caller flushes last).
    The leads it saved it remembers, so it reads each stored lead at most once, and the leads
    it is told of (:meth:`know_leads`) it reads together; with :meth:`know_request` it also
    finds the events that wait for a lead among the request's own unless older ones wait for
    it too.
    """

    def __init__(
        self,
        conn: Any,
        repo: EventRepository,
        agreement: Agreement,
        now_us: int,
        outcomes: dict[int, Outcome],
    ) -> None:
        self._conn = conn
        self._repo = repo
        self._leads = LeadWrites(conn)
        self._whole_touches = conn.dialect.name == "sqlite"
        self._deals = DealRepository(conn)
        self._agreement = agreement
        self._spec = agreement.sales.follow_up
        self._rule = agreement.follow_up_rule()
        self._fingerprint = sla_fingerprint(agreement)
        self._calendar = SharedCalendar.of(agreement, self._fingerprint)
        self._now_us = now_us
        self.outcomes = outcomes
        self.late: list[LateEntry] = []
        self.saved_leads = 0
        self._settled: list[tuple[int, int | None, str, Sequence[str]]] = []
        self._saved: dict[str, dict[str, Any]] = {}
        self._read: dict[str, LeadRow | None] = {}
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
        self.know_leads(request)

    def know_leads(self, lead_ids: Iterable[str]) -> None:
        """Read the stored leads of ``lead_ids`` now, together, for the events to apply."""
        ids = {lead_id for lead_id in lead_ids if lead_id not in self._read}
        found = read_leads(self._conn, ids)
        self._read.update({lead_id: found.get(lead_id) for lead_id in ids})

    def flush(self) -> None:
        """Write what the applied events did."""
        self._settle()
        self._leads.write()

    def _settle(self) -> None:
        """Write the events' outcomes, before the events are read again."""
        self._repo.settle_many(self._settled)
        self._settled = []

    def _waiting(self, lead_id: str) -> list[StoredEvent]:
        """The events waiting for ``lead_id`` (:meth:`EventRepository.pending`)."""
        if self._request is None or lead_id in self._waited_for:
            self._settle()
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
        if self._whole_touches and event.lead_id in self._saved:
            # Saved by this request already, whole: saved whole again, so that the request's
            # saves stay one statement (a run of one kind) instead of alternating kinds. Not on
            # PostgreSQL, where an upsert that updates still takes a value of the id sequence.
            self._save(event.lead_id, lead)
            return Outcome.APPLIED
        # A touch changes only the touch columns and the record: write just those.
        self._leads.save_touch(event.lead_id, lead)
        self._remember(event.lead_id, lead, None)
        return Outcome.APPLIED

    def _stored_lead(self, lead_id: str) -> dict[str, Any] | None:
        """The stored lead's values (a copy to change), or None when it does not exist."""
        saved = self._saved.get(lead_id)
        if saved is not None:
            return {**saved, "attributes": dict(saved["attributes"])}
        if lead_id not in self._read:
            self.know_leads([lead_id])
        stored = self._read[lead_id]
        return None if stored is None else lead_values(stored)

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
                dict(lead["attributes"]) if attributes is None else read_attributes(attributes)
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
            touch_state(lead),
            claimed_us=claimed_us,
            recorded_us=recorded_us,
            by=actor,
            due_us=due_us,
            late_after_s=self._spec.late_entry_after,
        )
        put_touch(lead, state)
        if is_late(claimed_us, recorded_us, self._spec.late_entry_after):
            pending = awaits_approval(state) and state.claimed_us == claimed_us
            self.late.append(LateEntry("touch", lead_id, claimed_us, recorded_us, pending, actor))

    def _lead(self, event: Event, recorded_us: int, actor: str | None) -> tuple[Outcome, list[str]]:
        assert event.lead_id is not None
        stored = self._stored_lead(event.lead_id)
        if stored is None and event.type == EventType.LEAD_UPDATED:
            return Outcome.PENDING, []
        if stored is None:
            lead = new_lead(event)
            newer: set[str] = set()
        else:
            lead = stored
            self._settle()
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
        settle(lead, self._spec.late_entry_after)
        if stored is not None and facts(lead) == facts(before):
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
            self._settle()
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
