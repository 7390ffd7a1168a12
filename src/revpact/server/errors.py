"""One error shape for the API, produced in one place: RFC 9457 problem details.

Every refusal the API makes is answered as ``application/problem+json``::

    {"type": "about:blank", "title": "Unprocessable Content", "status": 422,
     "detail": "the request is not valid; nothing was stored",
     "instance": "/leads",
     "errors": [{"location": "query", "field": "as_of",
                 "message": "is not an ISO 8601 moment ...", "value": "\\"0.5\\""}]}

``type`` is ``about:blank`` (the status says what kind of problem it is) and ``title`` the
status's phrase; ``detail`` is the human-readable explanation (what is wrong, and what to do);
``instance`` the path that was asked for. ``errors`` — present only when there is something to
list — names each problem: where (``location``: ``body``, ``query``, ``path``, ``header``, or
null when not known), which field (``lead.owner``, ``events[2].lead.lead_type``), what is wrong
and the value sent, quoted by :func:`revpact.domain.text_values.shown` (escaped and cut short,
so a NUL or a lone surrogate in a request never breaks the answer).

:func:`install` registers the handlers that produce it:

* a :class:`~revpact.errors.RevpactError` a route lets pass, with the status its kind calls
  for (:func:`http_status`): 403 for someone who is not a dispute's decider, 404 for what does
  not exist, 409 for what the agreement's rules refuse, 503 with ``Retry-After`` when the
  database stayed busy with another writer (nothing was written; try again), else 422;
* a request whose parameters or body do not validate: 422, one entry in ``errors`` per
  problem (the first 50; ``detail`` says how many more) — also a body that is not UTF-8,
  which FastAPI itself would answer 400;
* an ``HTTPException`` — a route's own refusal (401 with ``WWW-Authenticate``, 403, 404, 409,
  413, ...) or the router's (404 for no such path, 405 with ``Allow``) — with its status,
  headers and ``detail``; a :class:`ProblemException` also carries its ``errors``. A 405's
  ``Allow`` lists every method the path takes (the router names only its first route's).

The dashboard pages render their own HTML error pages and never reach these handlers. The
OpenAPI schema declares the shape once, as ``Problem`` (:func:`install` adds it), and every
route its statuses (:mod:`revpact.server.api.responses`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from http import HTTPStatus
from typing import Any, Final

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from revpact.domain.disputes import NotADeciderError
from revpact.domain.text_values import escaped, shown
from revpact.errors import BusyError, MomentError, NotFoundError, RefusedError, RevpactError

__all__ = [
    "PROBLEM_MEDIA_TYPE",
    "Problem",
    "ProblemEntry",
    "ProblemException",
    "http_status",
    "install",
    "problem_response",
    "validation_problems",
]

PROBLEM_MEDIA_TYPE: Final = "application/problem+json"


class ProblemEntry(BaseModel):
    """One thing wrong with a request: where, which field, what, and the value sent."""

    location: str | None = Field(
        description="Where in the request: body, query, path, header, cookie (null: not known)."
    )
    field: str | None = Field(
        description="The field, dotted (`lead.owner`, `events[2].lead.lead_type`); null for "
        "the request as a whole."
    )
    message: str = Field(description="What is wrong with it.")
    value: str | None = Field(
        description="The value sent, as JSON, escaped and cut short (null: it was missing)."
    )


class Problem(BaseModel):
    """An RFC 9457 problem detail: why the request was refused."""

    type: str = Field(default="about:blank", description="The problem type (about:blank).")
    title: str = Field(description="The HTTP status's phrase.")
    status: int = Field(ge=400, le=599, description="The HTTP status code.")
    detail: str = Field(description="What is wrong, and what to do about it.")
    instance: str = Field(description="The path that was asked for.")
    errors: list[ProblemEntry] = Field(
        default_factory=list,
        description="Each problem of an invalid request (absent when there is none to list).",
    )


class ProblemException(StarletteHTTPException):
    """An HTTP refusal that lists the problems of the request (``errors``)."""

    def __init__(
        self,
        status_code: int,
        detail: str,
        errors: Sequence[ProblemEntry] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(status_code, detail=detail, headers=headers)
        self.errors = list(errors)


def problem_response(
    request: Request,
    code: int,
    detail: str,
    errors: Sequence[ProblemEntry] = (),
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """The ``application/problem+json`` answer with ``code`` for ``request``."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": _title(code),
        "status": code,
        "detail": escaped(detail),
        "instance": escaped(request.url.path),
    }
    if errors:
        body["errors"] = [entry.model_dump() for entry in errors]
    return JSONResponse(
        body, status_code=code, headers=dict(headers or {}), media_type=PROBLEM_MEDIA_TYPE
    )


def _title(code: int) -> str:
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return "Error"


def http_status(exc: RevpactError) -> int:
    """403 for a non-decider, 404 for what does not exist, 409 for what the agreement's rules
    refuse, 503 for a database busy with another writer, else 422."""
    if isinstance(exc, BusyError):
        return status.HTTP_503_SERVICE_UNAVAILABLE
    if isinstance(exc, NotADeciderError):
        return status.HTTP_403_FORBIDDEN
    if isinstance(exc, NotFoundError):
        return status.HTTP_404_NOT_FOUND
    if isinstance(exc, RefusedError):
        return status.HTTP_409_CONFLICT
    return status.HTTP_422_UNPROCESSABLE_CONTENT


def _revpact_entries(exc: RevpactError) -> list[ProblemEntry]:
    """The fields a revpact error names: a moment's field and value, a file's problems."""
    if isinstance(exc, MomentError):
        return [
            ProblemEntry(
                location=None,
                field=exc.field,
                message=str(exc).removeprefix(f'{exc.field} "{exc.value}" '),
                value=shown(exc.value),
            )
        ]
    problems = getattr(exc, "problems", None) or []
    return [
        ProblemEntry(location=None, field=None, message=escaped(str(p)), value=None)
        for p in problems
    ]


async def _answer(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RevpactError)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, BusyError) else None
    return problem_response(
        request, http_status(exc), str(exc), _revpact_entries(exc), headers=headers
    )


_PROBLEMS_SHOWN = 50
_LOCATIONS: Final = frozenset({"body", "query", "path", "header", "cookie"})


def validation_problems(errors: Any) -> list[ProblemEntry]:
    """pydantic's errors as entries naming location, field, what is wrong and the value sent
    (the first 50)."""
    found = []
    for error in list(errors)[:_PROBLEMS_SHOWN]:
        loc = [str(part) for part in error.get("loc", ())]
        location = loc.pop(0) if loc and loc[0] in _LOCATIONS else None
        missing = error.get("type") == "missing"
        found.append(
            ProblemEntry(
                location=location,
                field=escaped(".".join(loc)) if loc else None,
                message="is required" if missing else escaped(str(error.get("msg", ""))),
                value=None if missing else shown(error.get("input")),
            )
        )
    return found


async def _refuse(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    more = len(errors) - _PROBLEMS_SHOWN
    detail = "the request is not valid; nothing was stored" + (
        f" ({len(errors)} problems; the first {_PROBLEMS_SHOWN} are listed)" if more > 0 else ""
    )
    return problem_response(
        request, status.HTTP_422_UNPROCESSABLE_CONTENT, detail, validation_problems(errors)
    )


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    errors = exc.errors if isinstance(exc, ProblemException) else ()
    headers = dict(exc.headers or {})
    code = exc.status_code
    if code == status.HTTP_400_BAD_REQUEST and detail == _UNPARSED_BODY:
        code, detail = status.HTTP_422_UNPROCESSABLE_CONTENT, _UNREADABLE_BODY
        errors = [ProblemEntry(location="body", field=None, message="is not JSON", value=None)]
    if code == status.HTTP_405_METHOD_NOT_ALLOWED:
        headers["Allow"] = ", ".join(_allowed_methods(request, headers.get("Allow", "")))
        detail = f"{request.url.path} takes {headers['Allow']}, not {request.method}"
    return problem_response(request, code, detail, errors, headers=headers)


_UNPARSED_BODY: Final = "There was an error parsing the body"
"""FastAPI's 400 for a body it cannot decode (not UTF-8): answered as any bad body, 422."""
_UNREADABLE_BODY: Final = "the body is not UTF-8 JSON; nothing was stored"


def _allowed_methods(request: Request, named: str) -> list[str]:
    """Every method the API takes at the request's path: those the router ``named`` (only
    the first matching route's) and those the OpenAPI schema lists for the path."""
    methods = {method.strip() for method in named.split(",") if method.strip()}
    for pattern, listed in _path_methods(request.app):
        if pattern.fullmatch(request.url.path):
            methods |= listed
    return sorted(methods)


def _path_methods(app: FastAPI) -> list[tuple[re.Pattern[str], set[str]]]:
    """Each path of the schema as a pattern, with the methods it lists."""
    found = []
    for path, operations in app.openapi().get("paths", {}).items():
        pattern = re.compile(re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(path)))
        found.append((pattern, {method.upper() for method in operations}))
    return found


def problem_schemas() -> dict[str, Any]:
    """The OpenAPI component schemas of :class:`Problem` and :class:`ProblemEntry`."""
    schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    defs: dict[str, Any] = schema.pop("$defs", {})
    return {**defs, "Problem": schema}


def _with_problem_schemas(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """``app.openapi`` with the problem schemas among the components, and every error
    response described as ``application/problem+json`` (FastAPI's own validation error
    schemas, which revpact never sends, left out)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for unused in ("HTTPValidationError", "ValidationError"):
            components.pop(unused, None)
        components.update(problem_schemas())
        problem = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                for code, response in operation.get("responses", {}).items():
                    if code[:1] in ("4", "5"):
                        response["content"] = dict(problem)
        app.openapi_schema = schema
        return schema

    return openapi


def install(app: FastAPI) -> None:
    """Answer every :class:`RevpactError` a route lets pass as :func:`http_status` says,
    every request that does not validate with 422 naming each field and value, and every
    ``HTTPException`` with its status — all as problem details — and declare the shape in
    the app's OpenAPI schema."""
    app.add_exception_handler(RevpactError, _answer)
    app.add_exception_handler(RequestValidationError, _refuse)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.openapi = _with_problem_schemas(app)  # type: ignore[method-assign]
