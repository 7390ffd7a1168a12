"""HubSpot's webhook events (a JSON array), read into
:class:`~revpact.ingest.webhooks.events.Event` s.

Each HubSpot event is one change of one object::

    {"eventId": 100, "subscriptionId": 7, "portalId": 62515, "appId": 54321,
     "occurredAt": 1583161200000, "subscriptionType": "contact.propertyChange",
     "attemptNumber": 0, "objectId": 123, "propertyName": "lifecyclestage",
     "propertyValue": "marketingqualifiedlead", "changeSource": "CRM"}

What it means comes from a :class:`~revpact.ingest.webhooks.hubspot_mapping.HubSpotMapping`.
An event the mapping does not cover (another subscription, an unmapped property, a value
without a translation) is still stored, with the reason it is ignored. A body that is not an
array of HubSpot events raises :class:`~revpact.ingest.webhooks.events.EventsError` naming
the field.

HubSpot's ``eventId`` alone is not unique, so an event's identity (its dedupe key) is
``eventId``, ``subscriptionId``, ``subscriptionType``, ``objectId``, ``propertyName`` and
``occurredAt`` together.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Final

from pydantic import BaseModel, ConfigDict, Field, StrictInt, TypeAdapter

from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.calendar import to_us
from revpact.ingest.deals import Outcome, minor_units, parse_amount
from revpact.ingest.timestamps import TimeWindow
from revpact.ingest.webhooks.event_values import check_event_values, lone_surrogates
from revpact.ingest.webhooks.events import (
    Event,
    EventsError,
    EventType,
    amount_e4,
    check_event_times,
    load_json_body,
    validate_in_slices,
)
from revpact.ingest.webhooks.hubspot_mapping import ANY_VALUE, HubSpotMapping

__all__ = ["HubSpotEventIn", "hubspot_key", "parse_hubspot_events"]

_MS: Final = 1000
_MAX_MS: Final = 253402300799999  # 9999-12-31T23:59:59.999Z


class HubSpotEventIn(BaseModel):
    """One event of HubSpot's webhook body (fields HubSpot may add are kept, not checked)."""

    model_config = ConfigDict(frozen=True, extra="allow")

    eventId: StrictInt
    subscriptionType: Annotated[str, Field(min_length=1, max_length=200)]
    objectId: StrictInt
    occurredAt: Annotated[StrictInt, Field(ge=0, le=_MAX_MS)]
    subscriptionId: StrictInt | None = None
    portalId: StrictInt | None = None
    appId: StrictInt | None = None
    attemptNumber: StrictInt | None = None
    propertyName: Annotated[str, Field(max_length=200)] | None = None
    propertyValue: Annotated[str, Field(max_length=10_000)] | None = None
    changeSource: str | None = None


_EVENTS: Final[TypeAdapter[list[HubSpotEventIn]]] = TypeAdapter(list[HubSpotEventIn])


def hubspot_key(event: HubSpotEventIn) -> str:
    """The event's identity: HubSpot's ``eventId`` with what makes it unique."""
    parts = (
        event.eventId,
        event.subscriptionId if event.subscriptionId is not None else "",
        event.subscriptionType,
        event.objectId,
        event.propertyName or "",
        event.occurredAt,
    )
    return "|".join(str(part) for part in parts)


def parse_hubspot_events(
    body: bytes, mapping: HubSpotMapping, agreement: Agreement
) -> tuple[Event, ...]:
    """The events of a ``POST /webhooks/hubspot`` body."""
    data, _ = load_json_body(body)
    if surrogates := lone_surrogates(body, data, "events", False):
        raise EventsError("the HubSpot events are not valid; nothing was stored", surrogates)
    if not isinstance(data, list):
        raise EventsError(
            "the body is not HubSpot's webhook format", ["body: must be an array of events"]
        )
    if not data:
        raise EventsError("the body holds no event", ["events: the array is empty"])
    wired = validate_in_slices(
        _EVENTS, data, "events", False, "the HubSpot events are not valid; nothing was stored"
    )
    events: dict[str, Event] = {}
    window = TimeWindow.of(agreement)
    problems: list[str] = []
    for i, (raw, event) in enumerate(zip(data, wired, strict=True)):
        key = hubspot_key(event)
        # HubSpot may batch the same change twice; one copy is enough.
        parsed = events.setdefault(key, _event(key, event, raw, mapping, agreement))
        check_event_values(parsed, f"events[{i}]", problems, source_field="propertyValue")
        if parsed.ignored is None:
            check_event_times(parsed, f"events[{i}]", window, problems, occurred_name="occurredAt")
    if problems:
        raise EventsError("the HubSpot events are not valid; nothing was stored", problems)
    return tuple(events.values())


def _event(
    key: str, event: HubSpotEventIn, raw: Any, mapping: HubSpotMapping, agreement: Agreement
) -> Event:
    occurred = event.occurredAt * _MS
    object_id = str(event.objectId)
    kind = event.subscriptionType
    base: dict[str, Any] = {"key": key, "occurred_us": occurred, "received": raw}

    def ignored(reason: str) -> Event:
        lead = object_id if kind.startswith("contact.") else None
        deal = object_id if kind.startswith("deal.") else None
        return Event(**base, type=kind, lead_id=lead, deal_id=deal, ignored=reason)

    prop, value = event.propertyName, event.propertyValue
    if kind == "deal.creation":
        return Event(
            **base,
            type=EventType.DEAL_UPDATED.value,
            deal_id=object_id,
            defaults={"created_us": occurred, "outcome": Outcome.OPEN.value},
        )
    if kind == "deal.propertyChange" and prop is not None and prop in mapping.deal_fields:
        deal_change = _deal_change(mapping.deal_fields[prop], value, mapping, agreement)
        if isinstance(deal_change, str):
            return ignored(f"{prop}: {deal_change}")
        return Event(
            **base,
            type=EventType.DEAL_UPDATED.value,
            deal_id=object_id,
            changes=deal_change,
            defaults={"created_us": occurred, "outcome": Outcome.OPEN.value},
        )
    if kind != "contact.propertyChange" or prop is None:
        return ignored(f"the mapping does not use {kind} events")
    text = (value or "").strip()
    wanted = mapping.notified.get(prop)
    if wanted is not None and text and (wanted == ANY_VALUE or text == wanted):
        notified = occurred
        if wanted == ANY_VALUE:
            moment = _instant(text)
            if moment is None:
                return ignored(f"{prop}: {text!r} is not a time")
            notified = moment
        changes: dict[str, Any] = {"notified_us": notified}
        if prop in mapping.lead_fields:
            change = _lead_change(mapping.lead_fields[prop], text, mapping, agreement)
            if isinstance(change, dict):
                changes.update(change)
        defaults = _lead_defaults(mapping, agreement)
        if isinstance(defaults, str):
            return ignored(defaults)
        return Event(
            **base,
            type=EventType.LEAD_NOTIFIED.value,
            lead_id=object_id,
            changes=changes,
            defaults={**defaults, "created_us": notified},
        )
    if prop in mapping.touched:
        if not text:
            return ignored(f"{prop} was cleared, which is no touch")
        moment = _instant(text)
        if moment is None:
            return ignored(f"{prop}: {text!r} is not a time")
        return Event(
            **{**base, "occurred_us": moment},
            type=EventType.LEAD_TOUCHED.value,
            lead_id=object_id,
            channel=mapping.touch_channel,
            automated=False,
        )
    if prop in mapping.lead_fields:
        change = _lead_change(mapping.lead_fields[prop], text, mapping, agreement)
        if isinstance(change, str):
            return ignored(f"{prop}: {change}")
        return Event(**base, type=EventType.LEAD_UPDATED.value, lead_id=object_id, changes=change)
    return ignored(f"the mapping does not use the contact property {prop}")


def _lead_change(
    target: str, text: str, mapping: HubSpotMapping, agreement: Agreement
) -> dict[str, Any] | str:
    table = mapping.lead_values.get(target)
    value: Any = text
    if table is not None and target == "lead_type":
        if text not in table:
            return f"{text!r} has no lead type in the mapping (lead_values.lead_type)"
        value = table[text]
    elif table is not None:
        value = table.get(text, text)
    if target == "owner":
        return {"owner": value or None}
    if target == "requested_follow_up":
        flag = {"true": True, "false": False}.get(str(value).lower())
        if flag is None:
            return f"{text!r} is not true or false"
        return {"requested_follow_up": flag}
    if target == "lead_type" and value not in agreement.lead_types():
        return (
            f"{value!r} is not a lead type of the agreement ({', '.join(agreement.lead_types())})"
        )
    return {target: value}


def _lead_defaults(mapping: HubSpotMapping, agreement: Agreement) -> dict[str, Any] | str:
    defaults = {"stage": "", "owner": None, "requested_follow_up": True, **mapping.lead_defaults}
    if "lead_type" not in defaults or defaults["lead_type"] not in agreement.lead_types():
        return (
            f"the mapping's default lead_type {defaults.get('lead_type')!r} is not a lead type "
            f"of the agreement ({', '.join(agreement.lead_types())})"
        )
    flag = defaults["requested_follow_up"]
    if not isinstance(flag, bool):
        defaults["requested_follow_up"] = str(flag).strip().lower() in {"true", "yes", "1"}
    return defaults


def _deal_change(
    target: str, value: str | None, mapping: HubSpotMapping, agreement: Agreement
) -> dict[str, Any] | str:
    text = (value or "").strip()
    if target == "outcome":
        return {"outcome": mapping.deal_outcomes.get(text, Outcome.OPEN.value)}
    if target == "owner":
        return {"owner": text or None}
    if target == "amount":
        if not text:
            return {"amount_e4": None}
        amount = parse_amount(text, minor_units(agreement.currency))
        return amount if isinstance(amount, str) else {"amount_e4": amount_e4(amount)}
    column = target.replace("_at", "_us")
    if not text:
        return "is empty" if target == "created_at" else {column: None}
    moment = _instant(text)
    if moment is None:
        return f"{text!r} is not a time"
    return {column: moment}


def _instant(text: str) -> int | None:
    """HubSpot's times: Unix milliseconds, or ISO 8601 (a date alone is midnight UTC)."""
    if text.isascii() and text.isdigit():
        ms = int(text)
        return ms * _MS if ms <= _MAX_MS else None
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return to_us(datetime(day.year, day.month, day.day, tzinfo=UTC))
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return to_us(moment)
