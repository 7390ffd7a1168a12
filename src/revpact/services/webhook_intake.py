"""Events arriving from outside, for the server: signed webhooks and the teams' own records.

:func:`receive_revpact` and :func:`receive_hubspot` take a webhook's raw body and headers:
the signature is checked on the raw body first (with the time window), then the body is
parsed against the agreement (and, for HubSpot, the mapping file), then the events are stored
and applied (:func:`revpact.services.events.receive`). What went wrong is answered as an
:class:`IntakeRefusal` naming which step refused; nothing is stored then.

:func:`record_event` receives one record a team wrote through the API (a hand-over, a touch)
the same way, and :func:`stored_lead` reads a lead as stored. The parsing is
:mod:`revpact.ingest.webhooks`; the server reaches it only through here.

A webhook's whole body is checked before anything is stored (a bad one stores nothing). A
body of at most :data:`CHUNK_EVENTS` events is then stored and applied in one transaction; a
larger one is staged in chunks, accepted whole and applied in chunks
(:mod:`revpact.services.events.staged`), so it never holds the database's write lock for
long — on SQLite, which has one writer at a time, the other requests and an import get their
turn between two chunks — and it is still all or nothing: should staging fail (the database
stayed busy: :class:`~revpact.errors.BusyError`, answered 503 with Retry-After), nothing of
the request was stored. :func:`resume_intake` applies what an accepted request has left.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import TypeAdapter
from sqlalchemy import Engine

from revpact.domain.agreement.model import Agreement
from revpact.errors import InputError
from revpact.ingest.webhooks.events import Event, EventIn, EventsError, parse_events
from revpact.ingest.webhooks.hubspot import HubSpotEventIn, parse_hubspot_events
from revpact.ingest.webhooks.hubspot_mapping import HubSpotMapping, load_mapping
from revpact.ingest.webhooks.signatures import (
    REVPACT_HEADER,
    SignatureFailure,
    verify_hubspot_v3,
    verify_revpact,
)
from revpact.services.events import ReceiveReport, receive
from revpact.services.events.staged import CHUNK_EVENTS, receive_large, resume_intake
from revpact.store.events import EventRepository, LeadRow

__all__ = [
    "CHUNK_EVENTS",
    "REVPACT_HEADER",
    "IntakeRefusal",
    "LeadRow",
    "RefusedStep",
    "hubspot_body_schema",
    "receive_hubspot",
    "receive_revpact",
    "record_event",
    "resume_intake",
    "revpact_body_schema",
    "stored_lead",
]

RefusedStep = Literal["signature", "body", "mapping"]
"""Which step refused a webhook: its signature, its body, or the HubSpot mapping file."""

_MAPPING_INVALID: Final = (
    "the HubSpot mapping file is not valid; fix it and HubSpot's retries will go through"
)


@dataclass(frozen=True)
class IntakeRefusal:
    """Why a webhook was refused (nothing stored): ``detail`` is safe to show to the sender;
    ``problems`` lists each problem of a bad body or mapping file."""

    step: RefusedStep
    detail: str
    problems: list[str] = field(default_factory=list)


def revpact_body_schema() -> dict[str, Any]:
    """The JSON schema of ``POST /webhooks/events``: one revpact event or an array of them."""
    return TypeAdapter(EventIn | list[EventIn]).json_schema()


def hubspot_body_schema() -> dict[str, Any]:
    """The JSON schema of HubSpot's webhook body: an array of events."""
    return TypeAdapter(list[HubSpotEventIn]).json_schema()


def receive_revpact(
    engine: Engine,
    agreement: Agreement,
    body: bytes,
    signature: str | None,
    *,
    secrets: Sequence[str],
    tolerance_seconds: int,
    now: datetime,
) -> ReceiveReport | IntakeRefusal:
    """A revpact webhook: ``signature`` (the Revpact-Signature header) checked on the raw
    ``body`` against ``secrets``, then the events parsed, stored and applied."""
    checked = verify_revpact(signature, body, secrets, now=now, tolerance_seconds=tolerance_seconds)
    if isinstance(checked, SignatureFailure):
        return IntakeRefusal("signature", checked.reason)
    try:
        events = parse_events(body, agreement)
    except EventsError as exc:
        return _bad_body(exc)
    return _receive_request(engine, agreement, "revpact", events, now)


def receive_hubspot(
    engine: Engine,
    agreement: Agreement,
    body: bytes,
    signature: str | None,
    timestamp: str | None,
    *,
    method: str,
    url: str,
    client_secret: str | None,
    mapping_path: Path | None,
    now: datetime,
) -> ReceiveReport | IntakeRefusal:
    """A HubSpot webhook: the v3 ``signature`` of ``method`` + ``url`` (the URL HubSpot
    called) + ``body`` + ``timestamp`` checked, then the mapping file read (cached while it is
    unchanged), then the events parsed, stored and applied."""
    checked = verify_hubspot_v3(
        signature,
        timestamp,
        method=method,
        url=url,
        body=body,
        client_secret=client_secret,
        now=now,
    )
    if isinstance(checked, SignatureFailure):
        return IntakeRefusal("signature", checked.reason)
    try:
        mapping = _mapping(mapping_path)
    except InputError as exc:
        return IntakeRefusal("mapping", _MAPPING_INVALID, exc.problems or [str(exc)])
    try:
        events = parse_hubspot_events(body, mapping, agreement)
    except EventsError as exc:
        return _bad_body(exc)
    return _receive_request(engine, agreement, "hubspot", events, now)


def _receive_request(
    engine: Engine,
    agreement: Agreement,
    source: str,
    events: Sequence[Event],
    now: datetime,
) -> ReceiveReport:
    """``events`` in one transaction, or staged, accepted and applied in chunks when there
    are more than :data:`CHUNK_EVENTS`."""
    if len(events) <= CHUNK_EVENTS:
        return receive(engine, agreement, source, events, now)
    return receive_large(engine, agreement, source, events, now)


def stored_lead(engine: Engine, lead_id: str) -> LeadRow | None:
    """The lead as stored, or None when no event has named it."""
    with engine.connect() as conn:
        return EventRepository(conn).lead(lead_id)


def record_event(
    engine: Engine,
    agreement: Agreement,
    event: dict[str, Any],
    now: datetime,
    *,
    actor: str,
) -> ReceiveReport:
    """One record a team wrote through the API, as a revpact event (source ``api``) made by
    ``actor``; :class:`InputError` whose message names each field and value when it is not
    valid (``lead_type: ...; at: ...``)."""
    try:
        events = parse_events(json.dumps(event).encode(), agreement)
    except EventsError as exc:
        raise InputError(_record_problems(exc)) from None
    return receive(engine, agreement, "api", events, now, actor=actor)


def _record_problems(exc: EventsError) -> str:
    return "; ".join(
        p.replace("event.lead.", "").replace("event.occurred_at", "at").replace("event.", "")
        for p in exc.problems
    )


def _bad_body(exc: EventsError) -> IntakeRefusal:
    return IntakeRefusal("body", str(exc).split("\n")[0], exc.problems)


def _mapping(path: Path | None) -> HubSpotMapping:
    if path is None:
        return load_mapping(None)
    try:
        stat = os.stat(path)
        stamp = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        stamp = (0, 0)
    return _mapping_at(path, stamp)


@lru_cache(maxsize=4)
def _mapping_at(path: Path, _stamp: tuple[int, int]) -> HubSpotMapping:
    return load_mapping(path)
