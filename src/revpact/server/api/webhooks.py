"""Signed webhooks in, and the audit of what came in.

``POST /webhooks/events`` (revpact's own format) and ``POST /webhooks/hubspot`` take no API
token: the signature is the authentication. Each route reads the raw body (413 over 10 MiB)
and hands it with its headers to :mod:`revpact.services.webhook_intake`, which checks the
signature on it first (401 with the reason, and nothing stored, when it is missing,
malformed, expired or wrong; also when no secret is configured), then parses it (422 naming
the event, field and value; 503 when the HubSpot mapping file is not valid; nothing stored),
then stores and applies the events; the route answers 200 with the report — only after the
request was stored whole (one transaction, or a large request's acceptance), so an
acknowledged event is durable; a large request's events not applied yet are ``queued``.

``GET /events`` lists the received events for the audit (``read_audit`` permission).
"""

from __future__ import annotations

from typing import Annotated, Any, Final, NoReturn

from fastapi import APIRouter, Depends, Header, Query, Request, Response, status
from starlette.concurrency import run_in_threadpool

from revpact.domain.roles import Permission
from revpact.server.api.responses import SIGNED_IN, problems
from revpact.server.deps import StateDep, allowed, get_state
from revpact.server.errors import ProblemEntry, ProblemException
from revpact.services import webhook_intake as intake
from revpact.services.events import EventStatus, ReceiveReport, list_events
from revpact.services.public.events import EventsPublic, ReceiveReportPublic
from revpact.services.tokens import Principal
from revpact.services.webhook_intake import REVPACT_HEADER, IntakeRefusal, RefusedStep

__all__ = ["router"]

router = APIRouter(tags=["webhooks"])

MAX_BODY_BYTES: Final = 10 << 20
_JSON: Final = "application/json"


_REFUSED: Final[dict[int | str, dict[str, Any]]] = problems(
    notes={
        status.HTTP_401_UNAUTHORIZED: "The signature is missing, malformed, outside the time "
        "window or wrong (or no secret is configured); nothing was stored.",
        status.HTTP_413_CONTENT_TOO_LARGE: "The body is larger than 10 MiB.",
        status.HTTP_422_UNPROCESSABLE_CONTENT: "The body is not valid; `errors` names each "
        "event's field and value. Nothing was stored.",
        status.HTTP_503_SERVICE_UNAVAILABLE: "The database stayed busy with another writer "
        "(see Retry-After); nothing of the request was stored: retry it.",
    }
)


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
    intake.revpact_body_schema(),
    "One revpact event or an array of them, signed with the Revpact-Signature header.",
)
_HUBSPOT_BODY: Final = _body(
    intake.hubspot_body_schema(),
    "HubSpot's webhook body: an array of events, signed with X-HubSpot-Signature-v3.",
)


def _problem(code: int, detail: str, found: list[str] | None = None) -> NoReturn:
    """Refuse the request with ``code``: each problem of a bad body names the event's field
    (``events[2].lead.lead_type: "webinarr" is not a lead type ...``); a mapping file's
    problems are the server's, not the request's."""
    headers = {"WWW-Authenticate": "Signature"} if code == status.HTTP_401_UNAUTHORIZED else None
    in_body = code == status.HTTP_422_UNPROCESSABLE_CONTENT
    entries = []
    for problem in found or []:
        field, _, message = problem.partition(": ") if in_body else ("", "", problem)
        entries.append(
            ProblemEntry(
                location="body" if in_body else None,
                field=field or None,
                message=message or problem,
                value=None,
            )
        )
    raise ProblemException(code, detail, entries, headers=headers)


_REFUSAL_STATUS: Final[dict[RefusedStep, int]] = {
    "signature": status.HTTP_401_UNAUTHORIZED,
    "body": status.HTTP_422_UNPROCESSABLE_CONTENT,
    "mapping": status.HTTP_503_SERVICE_UNAVAILABLE,
}


def _answer(outcome: ReceiveReport | IntakeRefusal) -> Response:
    """The report (serialised here: the route's ``response_model`` only documents it, and a
    response returned whole is not validated again), else the refusal as its problem
    response."""
    if isinstance(outcome, IntakeRefusal):
        _problem(_REFUSAL_STATUS[outcome.step], outcome.detail, outcome.problems)
    return Response(ReceiveReportPublic.of(outcome).model_dump_json(), media_type=_JSON)


async def _read(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        _problem(status.HTTP_413_CONTENT_TOO_LARGE, "the body is over 10 MiB")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            _problem(status.HTTP_413_CONTENT_TOO_LARGE, "the body is over 10 MiB")
    return body


@router.post(
    "/webhooks/events",
    summary="Receive revpact events (signed with Revpact-Signature; no API token).",
    response_model=ReceiveReportPublic,
    responses=_REFUSED,
    openapi_extra=_EVENTS_BODY,
)
async def receive_events(
    request: Request,
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
    # The state read here, not as a dependency: FastAPI runs a plain function dependency in
    # the thread pool, a hop per request this route does not need.
    state = get_state(request)
    hooks = state.settings.webhooks
    outcome = await run_in_threadpool(
        intake.receive_revpact,
        state.engine,
        state.agreement(),
        body,
        revpact_signature,
        secrets=hooks.secrets,
        tolerance_seconds=hooks.tolerance_seconds,
        now=state.now(),
    )
    return _answer(outcome)


@router.post(
    "/webhooks/hubspot",
    summary="Receive HubSpot webhook events (signed with X-HubSpot-Signature-v3).",
    response_model=ReceiveReportPublic,
    responses={
        **_REFUSED,
        **problems(
            notes={
                status.HTTP_503_SERVICE_UNAVAILABLE: "The HubSpot mapping file configured is "
                "not valid, or the database stayed busy with another writer (see Retry-After)."
            }
        ),
    },
    openapi_extra=_HUBSPOT_BODY,
)
async def receive_hubspot(
    request: Request,
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
    state = get_state(request)  # as in receive_events
    hooks = state.settings.webhooks
    outcome = await run_in_threadpool(
        intake.receive_hubspot,
        state.engine,
        state.agreement(),
        body,
        signature,
        timestamp,
        method=request.method,
        url=_requested_url(request, hooks.public_url),
        client_secret=hooks.hubspot_client_secret,
        mapping_path=hooks.hubspot_mapping,
        now=state.now(),
    )
    return _answer(outcome)


@router.get(
    "/events",
    tags=["audit"],
    summary="Received webhook events, newest first (read_audit permission).",
    response_model=EventsPublic,
    responses=problems(*SIGNED_IN),
)
def events_audit(
    state: StateDep,
    _caller: Annotated[Principal, Depends(allowed(Permission.READ_AUDIT))],
    event_status: Annotated[
        EventStatus | None,
        Query(alias="status", description="Only pending, applied or ignored events."),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="At most this many events.")] = 100,
) -> EventsPublic:
    return EventsPublic.of(list_events(state.engine, status=event_status, limit=limit))


def _requested_url(request: Request, public_url: str | None) -> str:
    """The URL the sender called: the configured public base URL with the request's path and
    query, else the URL as this server saw it."""
    if not public_url:
        return str(request.url)
    query = request.url.query
    return public_url.rstrip("/") + request.url.path + (f"?{query}" if query else "")
