"""A lead as the applier reads and changes it: a dict of its columns, its touch state under the
late-entry rule, and the facts an event may change."""

from __future__ import annotations

import json
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from revpact.domain.clock.sla import NO_TIME
from revpact.domain.late_entries import TouchState, is_late, settle_touches
from revpact.ingest.webhooks.events import Event
from revpact.store.events import LeadRow

__all__ = [
    "TOUCH_FIELDS",
    "facts",
    "lead_values",
    "new_lead",
    "put_touch",
    "read_attributes",
    "settle",
    "touch_state",
]

TOUCH_FIELDS: Final = (
    "first_touch_us",
    "touch_claimed_us",
    "touch_recorded_us",
    "touch_by",
    "touch_approved_us",
    "touch_approved_by",
)


def facts(lead: dict[str, Any]) -> dict[str, Any]:
    """What an event may change; not the deadline, which follows from them (the stored one
    may be under an earlier version of the agreement)."""
    return {k: v for k, v in lead.items() if k not in ("due_us", "applies", "sla_fingerprint")}


def touch_state(lead: dict[str, Any]) -> TouchState:
    return TouchState(
        first_us=lead["first_touch_us"],
        claimed_us=lead["touch_claimed_us"],
        recorded_us=lead["touch_recorded_us"],
        by=lead["touch_by"],
        approved=lead["touch_approved_us"] is not None,
    )


def put_touch(lead: dict[str, Any], state: TouchState) -> None:
    """Write ``state`` into ``lead``; a new claimed touch drops the old one's approval."""
    if state.claimed_us != lead["touch_claimed_us"]:
        lead["touch_approved_us"] = lead["touch_approved_by"] = None
    lead["first_touch_us"] = state.first_us
    lead["touch_claimed_us"] = state.claimed_us
    lead["touch_recorded_us"] = state.recorded_us
    lead["touch_by"] = state.by


def settle(lead: dict[str, Any], late_after_s: int) -> None:
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


def new_lead(event: Event) -> dict[str, Any]:
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
        **dict.fromkeys(TOUCH_FIELDS),
    }
    lead.update(event.defaults)
    if lead["created_us"] is None:
        lead["created_us"] = event.changes.get("notified_us", event.occurred_us)
    return lead


def read_attributes(stored: str) -> dict[str, Any]:
    """Attributes as :meth:`EventRepository.lead` reads them back."""
    attributes = json.loads(stored) if stored else {}
    return attributes if isinstance(attributes, dict) else {}


def lead_values(row: LeadRow) -> dict[str, Any]:
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
