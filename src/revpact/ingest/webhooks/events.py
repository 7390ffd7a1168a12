"""Webhook events: revpact's own JSON format, read into :class:`Event` values.

A request body is one event object or an array of them; each has an ``id`` (the sender's, unique
per event: re-sending an event with the same id is a duplicate), a ``type`` and an
``occurred_at`` (ISO 8601 with an offset, e.g. ``2020-03-02T10:15:00-05:00``)::

    {"id": "e1", "type": "lead.notified", "occurred_at": "...",
     "lead": {"lead_id": "L1", "lead_type": "content", "requested_follow_up": true,
              "stage": "late", "owner": "ana", "created_at": "...", "notified_at": "...",
              "attributes": {"region": "east"}}}
    {"id": "e2", "type": "lead.touched", "occurred_at": "...", "lead_id": "L1",
     "channel": "call", "automated": false}
    {"id": "e3", "type": "lead.updated", "occurred_at": "...", "lead_id": "L1",
     "stage": "early", "owner": "bob"}
    {"id": "e4", "type": "deal.updated", "occurred_at": "...",
     "deal": {"deal_id": "D1", "lead_id": "L1", "outcome": "won", "amount": "5000",
              "closed_at": "..."}}

In ``lead.notified`` only ``lead_id``, ``lead_type`` and ``requested_follow_up`` are required;
``notified_at`` defaults to ``occurred_at``, ``created_at`` to ``notified_at``, ``stage`` to
empty, ``owner`` to nobody. ``lead.updated`` may change ``lead_type``, ``stage``,
``requested_follow_up``, ``owner`` and ``attributes`` (key by key); the notification time and
the first touch move only through ``lead.notified`` and ``lead.touched``. In ``deal.updated``
only ``deal_id`` is required: the fields given change, the others stay.

:func:`parse_events` checks a whole body against the agreement and raises
:class:`EventsError` listing every problem, each naming the event, the field path and the
value (``events[2].lead.lead_type: "webinarr" is not a lead type of the agreement (content,
...)``); a body with any problem yields nothing. Before any event is validated,
:func:`load_json_body` refuses an array of more than :data:`MAX_EVENTS` items or with items
that are not objects, so a body of a million numbers is refused as fast as it is read.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Final, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    StringConstraints,
    TypeAdapter,
)
from pydantic_core import PydanticCustomError

from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.calendar import from_us, to_us
from revpact.domain.text_values import shown as _show
from revpact.ingest.deals import AMOUNT_SCALE, Outcome, minor_units, parse_amount
from revpact.ingest.timestamps import TimeWindow
from revpact.ingest.webhooks.body import (
    MAX_EVENTS,
    EventsError,
    EventType,
    format_errors,
    kind_of,
    load_json_body,
    validate_in_slices,
)
from revpact.ingest.webhooks.event_values import check_event_values

__all__ = [
    "DEAL_FIELDS",
    "EARLIEST_LEAD_FIELDS",
    "LEAD_FIELDS",
    "MAX_EVENTS",
    "Channel",
    "Event",
    "EventIn",
    "EventType",
    "EventsError",
    "amount_e4",
    "check_event_times",
    "check_lead_values",
    "event_from_payload",
    "event_payload",
    "format_errors",
    "load_json_body",
    "parse_events",
    "validate_in_slices",
]

_EXAMPLE_TIME: Final = "2020-03-02T10:15:00-05:00"
_MAX_ID: Final = 256
LEAD_FIELDS: Final = (
    "lead_type",
    "stage",
    "requested_follow_up",
    "owner",
    "created_us",
    "notified_us",
    "first_touch_us",
)
"""The lead fields an event may carry in :attr:`Event.changes` (besides ``attributes.<key>``)."""
EARLIEST_LEAD_FIELDS: Final = frozenset({"created_us", "notified_us", "first_touch_us"})
"""Lead times where the earliest known moment wins (a clock never restarts or moves later)."""
DEAL_FIELDS: Final = (
    "lead_id",
    "created_us",
    "proposal_us",
    "closed_us",
    "outcome",
    "amount_e4",
    "owner",
)


class Channel(StrEnum):
    CALL = "call"
    EMAIL = "email"
    MEETING = "meeting"


@dataclass(frozen=True)
class Event:
    """One event as revpact understands it, whatever its source.

    ``type`` is an :class:`EventType` value, or the source's own type when revpact does not use
    the event (``ignored`` then says why). ``changes`` are the fields the event sets (times as
    epoch µs; lead attributes as ``attributes.<key>``); ``defaults`` are used only when the
    event creates its lead or deal. ``received`` is the event as the source sent it.
    """

    key: str  # the source's identity of the event (dedupe key)
    type: str
    occurred_us: int
    lead_id: str | None = None
    deal_id: str | None = None
    changes: Mapping[str, Any] = field(default_factory=dict)
    defaults: Mapping[str, Any] = field(default_factory=dict)
    channel: str | None = None
    automated: bool = False
    ignored: str | None = None
    received: Any = None


# ---------------------------------------------------------------------------- wire models


def _instant(value: object) -> datetime:
    if not isinstance(value, str):
        raise PydanticCustomError(
            "instant",
            "must be an ISO 8601 timestamp with an offset, e.g. {example}",
            {"example": _EXAMPLE_TIME},
        )
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError(
            "instant",
            "is not an ISO 8601 timestamp; write e.g. {example}",
            {"example": _EXAMPLE_TIME},
        ) from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise PydanticCustomError(
            "instant",
            "has no UTC offset; write it with one, e.g. {example}",
            {"example": _EXAMPLE_TIME},
        )
    return moment


def _amount(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise PydanticCustomError(
            "amount", 'must be a decimal number written as text, e.g. "5000.00"'
        )
    return str(value)


Instant = Annotated[datetime, PlainValidator(_instant)]
Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=_MAX_ID)]
Text = Annotated[str, StringConstraints(max_length=1000)]
Amount = Annotated[str, PlainValidator(_amount)]


class _Wire(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LeadIn(_Wire):
    lead_id: Id
    lead_type: Text
    requested_follow_up: bool
    stage: Text | None = None
    owner: Text | None = None
    created_at: Instant | None = None
    notified_at: Instant | None = None
    first_touch_at: Instant | None = None
    attributes: dict[Text, Text] = Field(default_factory=dict)


class _EventIn(_Wire):
    id: Id
    occurred_at: Instant


class LeadNotifiedIn(_EventIn):
    type: Literal["lead.notified"]
    lead: LeadIn


class LeadTouchedIn(_EventIn):
    type: Literal["lead.touched"]
    lead_id: Id
    channel: Channel
    automated: bool


class LeadUpdatedIn(_EventIn):
    type: Literal["lead.updated"]
    lead_id: Id
    lead_type: Text | None = None
    stage: Text | None = None
    requested_follow_up: bool | None = None
    owner: Text | None = None
    attributes: dict[Text, Text] | None = None


class DealIn(_Wire):
    deal_id: Id
    lead_id: Text | None = None
    created_at: Instant | None = None
    proposal_at: Instant | None = None
    closed_at: Instant | None = None
    outcome: Outcome | None = None
    amount: Amount | None = None
    owner: Text | None = None


class DealUpdatedIn(_EventIn):
    type: Literal["deal.updated"]
    deal: DealIn


EventIn = Annotated[
    LeadNotifiedIn | LeadTouchedIn | LeadUpdatedIn | DealUpdatedIn, Field(discriminator="type")
]
_EVENTS: Final[TypeAdapter[list[EventIn]]] = TypeAdapter(list[EventIn])


# ---------------------------------------------------------------------------- parsing


def parse_events(body: bytes, agreement: Agreement) -> tuple[Event, ...]:
    """The events of a ``POST /webhooks/events`` body; :class:`EventsError` if any is bad."""
    data, single = load_json_body(body)
    prefix = "event" if single else "events"
    items = [data] if single else data
    if not isinstance(items, list):
        raise EventsError(
            "the body is not an event",
            [f"body: must be an event object or an array of them, not {kind_of(data)}"],
        )
    if not items:
        raise EventsError("the body holds no event", ["events: the array is empty"])
    wired = validate_in_slices(
        _EVENTS, items, prefix, single, "the events are not valid; nothing was stored"
    )
    problems: list[str] = []
    events: list[Event] = []
    window = TimeWindow.of(agreement)
    for i, wire in enumerate(wired):
        where = prefix if single else f"{prefix}[{i}]"
        events.append(_event(wire, items[i], where, agreement, problems))
        check_event_times(events[-1], where, window, problems)
        check_event_values(events[-1], where, problems)
    seen: dict[str, int] = {}
    for i, parsed in enumerate(events):
        first = seen.setdefault(parsed.key, i)
        if first != i:
            problems.append(
                f"events[{i}].id: {_show(parsed.key)} is also the id of events[{first}]"
            )
    if problems:
        raise EventsError("the events are not valid; nothing was stored", problems)
    return tuple(events)


def _event(
    event: LeadNotifiedIn | LeadTouchedIn | LeadUpdatedIn | DealUpdatedIn,
    raw: Any,
    where: str,
    agreement: Agreement,
    problems: list[str],
) -> Event:
    occurred = to_us(event.occurred_at)
    base = {"key": event.id, "type": event.type, "occurred_us": occurred, "received": raw}
    match event:
        case LeadNotifiedIn(lead=lead):
            check_lead_values({"lead_type": lead.lead_type}, f"{where}.lead", agreement, problems)
            given = lead.model_fields_set
            notified = occurred if lead.notified_at is None else to_us(lead.notified_at)
            changes: dict[str, Any] = {
                "lead_type": lead.lead_type,
                "requested_follow_up": lead.requested_follow_up,
                "notified_us": notified,
            }
            for name in ("stage", "owner"):
                if name in given:
                    changes[name] = getattr(lead, name)
            if lead.created_at is not None:
                changes["created_us"] = to_us(lead.created_at)
            if lead.first_touch_at is not None:
                changes["first_touch_us"] = to_us(lead.first_touch_at)
            for key, value in lead.attributes.items():
                changes[f"attributes.{key}"] = value
            defaults = {
                "stage": "",
                "owner": None,
                "created_us": changes.get("created_us", notified),
            }
            return Event(**base, lead_id=lead.lead_id, changes=changes, defaults=defaults)
        case LeadTouchedIn():
            return Event(
                **base,
                lead_id=event.lead_id,
                channel=event.channel.value,
                automated=event.automated,
            )
        case LeadUpdatedIn():
            changes = {
                name: getattr(event, name)
                for name in ("lead_type", "stage", "requested_follow_up", "owner")
                if name in event.model_fields_set
            }
            for key, value in (event.attributes or {}).items():
                changes[f"attributes.{key}"] = value
            if not changes:
                problems.append(
                    f"{where}: changes nothing; give at least one of lead_type, stage, "
                    "requested_follow_up, owner, attributes"
                )
            check_lead_values(changes, where, agreement, problems)
            return Event(**base, lead_id=event.lead_id, changes=changes)
        case DealUpdatedIn(deal=deal):
            changes = _deal_changes(deal, f"{where}.deal", agreement, problems)
            return Event(
                **base,
                lead_id=deal.lead_id or None,
                deal_id=deal.deal_id,
                changes=changes,
                defaults={"created_us": occurred, "outcome": Outcome.OPEN.value},
            )


_TIME_FIELDS: Final = {
    "created_us": "created_at",
    "notified_us": "notified_at",
    "first_touch_us": "first_touch_at",
    "proposal_us": "proposal_at",
    "closed_us": "closed_at",
}


def check_event_times(
    event: Event,
    where: str,
    window: TimeWindow,
    problems: list[str],
    *,
    occurred_name: str = "occurred_at",
) -> None:
    """Report each time of ``event`` more than a year outside the agreement's period, named
    by its field (``events[2].lead.notified_at``) and value."""
    notified = event.changes.get("notified_us")
    # a hand-over's notification defaults to when it occurred: name the field once
    found = [] if notified == event.occurred_us else [(occurred_name, event.occurred_us)]
    part = ".deal." if event.type == EventType.DEAL_UPDATED else ".lead."
    if event.type == EventType.LEAD_UPDATED:
        part = "."
    for name, value in event.changes.items():
        if name in _TIME_FIELDS and isinstance(value, int):
            found.append((part.lstrip(".") + _TIME_FIELDS[name], value))
    for name, value in found:
        if not window.holds(value):
            shown = _show(from_us(value).isoformat()) if _representable(value) else str(value)
            problems.append(f"{where}.{name}: {window.problem(shown)}")


def _representable(us: int) -> bool:
    try:
        from_us(us)
    except (OverflowError, ValueError):
        return False
    return True


def check_lead_values(
    changes: Mapping[str, Any], where: str, agreement: Agreement, problems: list[str]
) -> None:
    """Report a lead type or a null value the agreement does not allow."""
    if "lead_type" in changes:
        types = agreement.lead_types()
        if changes["lead_type"] not in types:
            problems.append(
                f"{where}.lead_type: {_show(changes['lead_type'])} is not a lead type of the "
                f"agreement ({', '.join(types)})"
            )
    for name in ("lead_type", "stage", "requested_follow_up"):
        if name in changes and changes[name] is None:
            problems.append(f"{where}.{name}: may not be null")


def _deal_changes(
    deal: DealIn, where: str, agreement: Agreement, problems: list[str]
) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    given = deal.model_fields_set
    for name in ("lead_id", "owner"):
        if name in given:
            changes[name] = getattr(deal, name) or None
    for name in ("created_at", "proposal_at", "closed_at"):
        if name in given:
            moment: datetime | None = getattr(deal, name)
            if moment is None and name == "created_at":
                problems.append(f"{where}.created_at: may not be null")
                continue
            changes[name.replace("_at", "_us")] = None if moment is None else to_us(moment)
    if "outcome" in given:
        if deal.outcome is None:
            problems.append(f"{where}.outcome: may not be null; write open, won or lost")
        else:
            changes["outcome"] = deal.outcome.value
    if "amount" in given:
        changes["amount_e4"] = None
        if deal.amount is not None:
            amount = parse_amount(deal.amount, minor_units(agreement.currency))
            if isinstance(amount, str):
                problems.append(f"{where}.amount: {amount}")
            else:
                changes["amount_e4"] = amount_e4(amount)
    return changes


def amount_e4(amount: Decimal) -> int:
    return int(amount.scaleb(AMOUNT_SCALE))


# ---------------------------------------------------------------------------- stored form


def event_payload(event: Event) -> str:
    """The JSON stored in ``events.payload``: the event as received and as understood."""
    understood: dict[str, Any] = {"changes": dict(event.changes)}
    if event.defaults:
        understood["defaults"] = dict(event.defaults)
    if event.deal_id is not None:
        understood["deal_id"] = event.deal_id
    if event.channel is not None:
        understood["channel"] = event.channel
        understood["automated"] = event.automated
    if event.ignored is not None:
        understood["ignored"] = event.ignored
    return json.dumps(
        {"received": event.received, "understood": understood},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def event_from_payload(
    key: str, type_: str, occurred_us: int, lead_id: str | None, payload: str
) -> Event:
    """The :class:`Event` a stored row holds (to apply it later)."""
    data = json.loads(payload)
    understood = data.get("understood", {})
    return Event(
        key=key,
        type=type_,
        occurred_us=occurred_us,
        lead_id=lead_id,
        deal_id=understood.get("deal_id"),
        changes=understood.get("changes", {}),
        defaults=understood.get("defaults", {}),
        channel=understood.get("channel"),
        automated=bool(understood.get("automated", False)),
        ignored=understood.get("ignored"),
        received=data.get("received"),
    )
