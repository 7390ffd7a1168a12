"""Signed webhooks in, and the audit of what came in.

``POST /webhooks/events`` (revpact's own format, :mod:`revpact.ingest.webhooks.events`) and
``POST /webhooks/hubspot`` (:mod:`revpact.ingest.webhooks.hubspot`) take no API token: the
signature is the authentication. Each route reads the raw body, checks the signature on it
first (401 with the reason, and nothing stored, when it is missing, malformed, expired or
wrong; also when no secret is configured), then parses it (422 naming the event, field and
value; nothing stored), then stores and applies the events and answers 200 with the report —
only after the transaction committed, so an acknowledged event is durable.

``GET /events`` lists the received events for the audit (``read_audit`` permission).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Header, Query, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, TypeAdapter
from starlette.concurrency import run_in_threadpool

from revpact.domain.roles import Permission
from revpact.errors import InputError
from revpact.ingest.webhooks.events import EventIn, EventsError, parse_events
from revpact.ingest.webhooks.hubspot import HubSpotEventIn, parse_hubspot_events
from revpact.ingest.webhooks.hubspot_mapping import HubSpotMapping, load_mapping
from revpact.ingest.webhooks.signatures import (
    REVPACT_HEADER,
    SignatureFailure,
    verify_hubspot_v3,
    verify_revpact,
)
from revpact.server.deps import StateDep, allowed
from revpact.services.events import (
    EventStatus,
    event_row_to_json,
    list_events,
    receive,
    report_to_json,
)
from revpact.services.tokens import Principal

__all__ = ["router"]

router = APIRouter(tags=["webhooks"])

MAX_BODY_BYTES: Final = 10 << 20


class ReceiveReportOut(BaseModel):
    """What became of the request's events (received = duplicates + applied + pending +
    ignored)."""

    received: int
    duplicates: int
    applied: int
    pending: int
    ignored: int


class Problem(BaseModel):
    """Why the request was refused: ``detail``, and for a bad body every ``problems`` line
    (``events[2].lead.lead_type: "webinarr" is not a lead type ...``)."""

    detail: str
    problems: list[str] = []


class EventOut(BaseModel):
    event_id: int
    source: str
    source_key: str
    type: str
    lead_id: str | None
    deal_id: str | None
    occurred_us: int
    received_us: int
    applied_us: int | None
    status: EventStatus
    outcome: str | None
    payload: dict[str, Any]


class EventsOut(BaseModel):
    events: list[EventOut]


_REFUSED: Final[dict[int | str, dict[str, Any]]] = {
    status.HTTP_401_UNAUTHORIZED: {
        "model": Problem,
        "description": "The signature is missing, malformed, outside the time window or wrong "
        "(or no secret is configured); nothing was stored.",
    },
    status.HTTP_413_CONTENT_TOO_LARGE: {
        "model": Problem,
        "description": "The body is larger than 10 MiB.",
    },
    status.HTTP_422_UNPROCESSABLE_CONTENT: {
        "model": Problem,
        "description": "The body is not valid; each problem names the event, field and value. "
        "Nothing was stored.",
    },
}


def _inline(schema: dict[str, Any]) -> dict[str, Any]:
    """A JSON schema with its ``$defs`` written in place (OpenAPI cannot reach them)."""
    defs = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return walk(dict(defs[ref.removeprefix("#/$defs/")]))
            return {key: walk(value) for key, value in node.items()}
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    result: dict[str, Any] = walk(schema)
    return result


def _body(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "description": description,
            "content": {"application/json": {"schema": _inline(schema)}},
        }
    }


_EVENTS_BODY: Final = _body(
    TypeAdapter(EventIn | list[EventIn]).json_schema(),
    "One revpact event or an array of them, signed with the Revpact-Signature header.",
)
_HUBSPOT_BODY: Final = _body(
    TypeAdapter(list[HubSpotEventIn]).json_schema(),
    "HubSpot's webhook body: an array of events, signed with X-HubSpot-Signature-v3.",
)


def _problem(code: int, detail: str, problems: list[str] | None = None) -> JSONResponse:
    headers = {"WWW-Authenticate": "Signature"} if code == status.HTTP_401_UNAUTHORIZED else None
    body = Problem(detail=detail, problems=problems or [])
    return JSONResponse(body.model_dump(), status_code=code, headers=headers)


def _refused(failure: SignatureFailure) -> JSONResponse:
    return _problem(status.HTTP_401_UNAUTHORIZED, failure.reason)


async def _read(request: Request) -> bytes | JSONResponse:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return _problem(status.HTTP_413_CONTENT_TOO_LARGE, "the body is over 10 MiB")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            return _problem(status.HTTP_413_CONTENT_TOO_LARGE, "the body is over 10 MiB")
    return body


def _bad_body(exc: EventsError) -> JSONResponse:
    return _problem(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc).split("\n")[0], exc.problems)


@router.post(
    "/webhooks/events",
    summary="Receive revpact events (signed with Revpact-Signature; no API token).",
    response_model=ReceiveReportOut,
    responses=_REFUSED,
    openapi_extra=_EVENTS_BODY,
)
async def receive_events(
    request: Request,
    state: StateDep,
    revpact_signature: Annotated[
        str | None,
        Header(
            alias=REVPACT_HEADER,
            description="t=<unix seconds>,v1=<hex HMAC-SHA256 of '<t>.<raw body>'> "
            "(several v1 while a secret is rotated)",
        ),
    ] = None,
) -> Any:
    body = await _read(request)
    if isinstance(body, JSONResponse):
        return body
    hooks = state.settings.webhooks
    checked = verify_revpact(
        revpact_signature,
        body,
        hooks.secrets,
        now=state.now(),
        tolerance_seconds=hooks.tolerance_seconds,
    )
    if isinstance(checked, SignatureFailure):
        return _refused(checked)
    agreement = state.agreement()
    try:
        events = parse_events(body, agreement)
    except EventsError as exc:
        return _bad_body(exc)
    report = await run_in_threadpool(
        receive, state.engine, agreement, "revpact", events, state.now()
    )
    return report_to_json(report)


@router.post(
    "/webhooks/hubspot",
    summary="Receive HubSpot webhook events (signed with X-HubSpot-Signature-v3).",
    response_model=ReceiveReportOut,
    responses={
        **_REFUSED,
        status.HTTP_503_SERVICE_UNAVAILABLE: {
            "model": Problem,
            "description": "The HubSpot mapping file configured is not valid.",
        },
    },
    openapi_extra=_HUBSPOT_BODY,
)
async def receive_hubspot(
    request: Request,
    state: StateDep,
    signature: Annotated[
        str | None,
        Header(
            alias="X-HubSpot-Signature-v3",
            description="base64 HMAC-SHA256 of method + URI + body + timestamp",
        ),
    ] = None,
    timestamp: Annotated[
        str | None,
        Header(alias="X-HubSpot-Request-Timestamp", description="Unix milliseconds"),
    ] = None,
) -> Any:
    body = await _read(request)
    if isinstance(body, JSONResponse):
        return body
    hooks = state.settings.webhooks
    checked = verify_hubspot_v3(
        signature,
        timestamp,
        method=request.method,
        url=_requested_url(request, hooks.public_url),
        body=body,
        client_secret=hooks.hubspot_client_secret,
        now=state.now(),
    )
    if isinstance(checked, SignatureFailure):
        return _refused(checked)
    try:
        mapping = _mapping(hooks.hubspot_mapping)
    except InputError as exc:
        return _problem(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "the HubSpot mapping file is not valid; fix it and HubSpot's retries will go through",
            exc.problems or [str(exc)],
        )
    agreement = state.agreement()
    try:
        events = parse_hubspot_events(body, mapping, agreement)
    except EventsError as exc:
        return _bad_body(exc)
    report = await run_in_threadpool(
        receive, state.engine, agreement, "hubspot", events, state.now()
    )
    return report_to_json(report)


@router.get(
    "/events",
    tags=["audit"],
    summary="Received webhook events, newest first (read_audit permission).",
    response_model=EventsOut,
)
def events_audit(
    state: StateDep,
    _caller: Annotated[Principal, Depends(allowed(Permission.READ_AUDIT))],
    event_status: Annotated[
        EventStatus | None,
        Query(alias="status", description="Only pending, applied or ignored events."),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="At most this many events.")] = 100,
) -> dict[str, Any]:
    rows = list_events(state.engine, status=event_status, limit=limit)
    return {"events": [event_row_to_json(row) for row in rows]}


def _requested_url(request: Request, public_url: str | None) -> str:
    """The URL the sender called: the configured public base URL with the request's path and
    query, else the URL as this server saw it."""
    if not public_url:
        return str(request.url)
    query = request.url.query
    return public_url.rstrip("/") + request.url.path + (f"?{query}" if query else "")


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
