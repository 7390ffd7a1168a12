"""The error answers a route declares in the OpenAPI schema, built one way.

A route passes ``responses=problems(401, 403, 422, notes={404: "No such lead."})``: each status
it can answer besides its success, every one a problem detail
(:class:`revpact.server.errors.Problem`, ``application/problem+json``). A status has a standard
description here; ``notes`` adds statuses or says what they mean for that route. 401 declares
its ``WWW-Authenticate`` header and 503 its ``Retry-After``.

:data:`SIGNED_IN` is what every route behind an API token can answer (401 without a valid
token, 403 for a role without the permission, 422 for a request that does not validate).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from revpact.server.errors import PROBLEM_MEDIA_TYPE

__all__ = ["SIGNED_IN", "WRITE", "problems"]

_STANDARD: Final[Mapping[int, str]] = {
    401: "No valid API token (`Authorization: Bearer rp_...`); nothing was done.",
    403: "The token's role (or its member) may not do this; nothing was done.",
    404: "No such record.",
    405: "The path does not take this method (`Allow` lists those it takes).",
    409: "The agreement's rules refuse it; `detail` says which and why. Nothing was stored.",
    413: "The body is too large; nothing was stored.",
    422: "The request is not valid: `errors` names each field, where it is and the value "
    "sent (or `detail` says what is wrong). Nothing was stored.",
    503: "The database stayed busy with another writer; nothing was stored. Retry after "
    "`Retry-After` seconds.",
}
_HEADERS: Final[Mapping[int, Mapping[str, Any]]] = {
    401: {
        "WWW-Authenticate": {
            "description": "How to authenticate.",
            "schema": {"type": "string"},
        }
    },
    503: {
        "Retry-After": {
            "description": "Seconds to wait before retrying.",
            "schema": {"type": "string", "pattern": "^[0-9]+$"},
        }
    },
}

SIGNED_IN: Final = (401, 403, 422)
"""What any route behind an API token can answer besides its own refusals."""
WRITE: Final = (*SIGNED_IN, 503)
"""What any route that stores something can answer."""


def problems(*statuses: int, notes: Mapping[int, str] | None = None) -> dict[int | str, Any]:
    """``responses=`` for a route answering ``statuses`` and those in ``notes`` (whose text
    replaces the standard description), each as a problem detail."""
    notes = notes or {}
    declared: dict[int | str, Any] = {}
    for code in sorted({*statuses, *notes}):
        answer: dict[str, Any] = {
            "description": notes.get(code) or _STANDARD[code],
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        if code in _HEADERS:
            answer["headers"] = dict(_HEADERS[code])
        declared[code] = answer
    return declared
