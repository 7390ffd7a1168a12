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

The package holds one module per part: :mod:`.model` (the outcomes, statuses and the report of
a request), :mod:`.receiving` (the per-request write path: :func:`receive`,
:func:`apply_pending` and their audit rows), :mod:`.applier` (applying one event to its lead or
deal), :mod:`.lead_values` (a lead as the applier changes it), :mod:`.log` (reading the event
log); this module re-exports their public names. Their public shapes are in
:mod:`revpact.services.public.events`.
"""

from __future__ import annotations

from revpact.services.events.log import list_events
from revpact.services.events.model import EventStatus, LateEntry, Outcome, ReceiveReport
from revpact.services.events.receiving import apply_pending, receive

__all__ = [
    "EventStatus",
    "LateEntry",
    "Outcome",
    "ReceiveReport",
    "apply_pending",
    "list_events",
    "receive",
]
