"""Late entries: which leads have one, and approving a late-entered touch.

A touch recorded more than ``sales.follow_up.late_entry_after`` after the moment it claims and
that would turn a breached lead into met counts at the moment it was recorded until someone
approves it (:mod:`revpact.domain.late_entries`). Approving is a correction of the record, so
only a leader may do it: over the API a token whose role has ``approve_corrections``
(executives, admins) and that acts for a member; from the command line a signatory of the
agreement who leads a team (``leader: true``) or sits on the executive team. Nobody approves
a touch on their own lead. Each approval is written to the audit trail in its transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from revpact.domain.agreement.model import Agreement, Team
from revpact.domain.clock.calendar import from_us, to_us
from revpact.domain.late_entries import is_late
from revpact.errors import NotFoundError, RefusedError
from revpact.store.audit import record_write
from revpact.store.events import EventRepository
from revpact.store.leads import EntryTimes, LeadRepository
from revpact.store.revision import bump_revision

__all__ = [
    "LateEntryView",
    "approve_touch",
    "check_approver",
    "late_entries",
]


@dataclass(frozen=True)
class LateEntryView:
    """A lead's late entries: its notification and/or its first touch recorded late, and
    whether the touch awaits approval (it counts at ``touch_recorded_at`` until then)."""

    lead_id: str
    notification_recorded_at: datetime | None  # set only when the notification was late
    notified_by: str | None
    touch_claimed_at: datetime | None  # set only when the first touch was late
    touch_recorded_at: datetime | None
    touch_by: str | None
    awaiting_approval: bool
    approved_at: datetime | None
    approved_by: str | None


def late_entries(
    engine: Engine, agreement: Agreement, *, lead_ids: Sequence[str] | None = None
) -> dict[str, LateEntryView]:
    """Every lead (or only those of ``lead_ids``) with a late entry, by lead id (a handful among
    many leads: one query; a few leads asked for are found by their index)."""
    late_after_s = agreement.sales.follow_up.late_entry_after
    with engine.connect() as conn:
        found = LeadRepository(conn).late_entries(late_after_s * 1_000_000, lead_ids)
    return {row.lead_id: _view(row, late_after_s) for row in found}


def _view(row: EntryTimes, late_after_s: int) -> LateEntryView:
    notified_late = is_late(row.notified_us, row.notified_recorded_us, late_after_s)
    touch_late = is_late(row.touch_claimed_us, row.touch_recorded_us, late_after_s)
    awaiting = (
        row.first_touch_us is not None
        and row.touch_claimed_us is not None
        and row.first_touch_us > row.touch_claimed_us
        and row.touch_approved_us is None
    )
    touch = touch_late or awaiting
    return LateEntryView(
        lead_id=row.lead_id,
        notification_recorded_at=_at(row.notified_recorded_us) if notified_late else None,
        notified_by=row.notified_by if notified_late else None,
        touch_claimed_at=_at(row.touch_claimed_us) if touch else None,
        touch_recorded_at=_at(row.touch_recorded_us) if touch else None,
        touch_by=row.touch_by if touch else None,
        awaiting_approval=awaiting,
        approved_at=_at(row.touch_approved_us),
        approved_by=row.touch_approved_by,
    )


def _at(us: int | None) -> datetime | None:
    return None if us is None else from_us(us)


def check_approver(agreement: Agreement, email: str) -> str:
    """``email`` when it names a signatory who may approve corrections (a team leader, or a
    member of the executive team); :class:`RefusedError` otherwise."""
    wanted = email.strip().casefold()
    for person in agreement.signatories:
        if person.email.casefold() == wanted:
            if person.leader or person.team is Team.EXECUTIVE:
                return person.email
            raise RefusedError(
                f"{person.email} ({person.role}) may not approve corrections: only a team "
                "leader (leader: true) or a member of the executive team may"
            )
    raise RefusedError(f"{email} is not a signatory of the agreement; name one with --by")


def approve_touch(engine: Engine, lead_id: str, *, by: str, via: str, now: datetime) -> None:
    """Let ``lead_id``'s late-entered first touch count at the moment it claims.

    :class:`NotFoundError` when there is no such lead; :class:`RefusedError` when no touch of
    it awaits approval, or when ``by`` owns the lead."""
    now_us = to_us(now)
    with engine.begin() as conn:
        EventRepository(conn).claim([f"lead:{lead_id}"])
        repo = LeadRepository(conn)
        times = repo.entry_times(lead_id)
        if times is None:
            raise NotFoundError(f'no lead "{lead_id}"')
        owner = EventRepository(conn).lead(lead_id)
        if owner is not None and owner.owner and owner.owner.casefold() == by.casefold():
            raise RefusedError(f'{by} owns lead "{lead_id}"; someone else approves its touch')
        if not repo.approve_touch(lead_id, approved_us=now_us, by=by):
            raise RefusedError(f'no touch of lead "{lead_id}" awaits approval')
        record_write(
            conn,
            recorded_us=now_us,
            actor=by,
            via=via,
            action="lead.touch.approve",
            subject=f"lead:{lead_id}",
            claimed_us=times.touch_claimed_us,
            late=True,
            detail={
                "counted_before": times.first_touch_us,
                "recorded": times.touch_recorded_us,
                "touch_by": times.touch_by,
            },
        )
        bump_revision(conn)
