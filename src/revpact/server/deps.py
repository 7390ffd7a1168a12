"""The dependencies routes declare: the state, the agreement, the caller and their permission.

``Annotated`` aliases, as in FastAPI's full-stack template: a route takes ``state: StateDep``,
``agreement: AgreementDep`` and ``caller: Annotated[Principal, Depends(allowed(Permission.X))]``.
A request without a token, or with an unknown or revoked one, gets 401; a token whose role
lacks the permission gets 403. Neither response carries any data.

:func:`caller_of` is the one sign-in: the token from ``Authorization: Bearer``, looked up
among the live tokens — and, for the dashboard pages only (``cookie=True``), else the session
whose id is in the ``revpact_session`` cookie a browser got at ``/login``
(:mod:`revpact.services.sessions`: live while not signed out, not expired, not idle too long,
and its token not revoked; a person signed in with the identity provider whose role came from
the agreement's roster must still be on it). The API accepts only the header.
:func:`as_of_or_now` is the one reading of an ``as_of`` query parameter (:data:`AsOf`, only
ISO 8601 moments: :func:`revpact.domain.clock.moments.read_moment`; without an offset, the
calendar's wall-clock time), else the server's clock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Final

from fastapi import Depends, HTTPException, Query, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.moments import read_moment
from revpact.domain.roles import GRANTS, Permission
from revpact.domain.text_values import shown
from revpact.errors import MomentError
from revpact.server.errors import ProblemEntry, ProblemException
from revpact.server.state import ServerState
from revpact.services.people import on_roster
from revpact.services.sessions import session_caller
from revpact.services.tokens import Principal, authenticate

__all__ = [
    "AS_OF_PATTERN",
    "SESSION_COOKIE",
    "AgreementDep",
    "AsOf",
    "StateDep",
    "allowed",
    "as_of_or_now",
    "caller_of",
    "get_state",
]

SESSION_COOKIE: Final = "revpact_session"
"""The HttpOnly cookie holding a browser's session id after ``/login`` (the pages only)."""

_bearer = HTTPBearer(auto_error=False, description="An API token: `revpact token create`.")


def get_state(request: Request) -> ServerState:
    state: ServerState = request.app.state.revpact
    return state


StateDep = Annotated[ServerState, Depends(get_state)]


def _agreement(state: StateDep) -> Agreement:
    return state.agreement()


AgreementDep = Annotated[Agreement, Depends(_agreement)]


_YEAR: Final = r"(?:19[7-9][0-9]|2[01][0-9][0-9])"
_LEAP_YEAR: Final = (
    r"(?:19(?:7[26]|8[048]|9[26])|20(?:[02468][048]|[13579][26])"
    r"|21(?:0[48]|[2468][048]|[13579][26]))"
)
_DAY: Final = (
    rf"(?:{_YEAR}-(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)"
    rf"|(?:0[13578]|1[02])-31)|{_LEAP_YEAR}-02-29)"
)
AS_OF_PATTERN: Final = (
    rf"^{_DAY}(?:T(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{{1,6}})?)?"
    r"(?:Z|[+ -](?:[01][0-9]|2[0-3]):?[0-5][0-9])?)?$"
)
"""The ``as_of`` values the schema allows: :data:`~revpact.domain.clock.moments.MOMENT_SHAPE`
on real calendar days of the years 1970 to 2199."""

AsOf = Annotated[
    str | None,
    Query(
        max_length=40,
        description="Evaluate as of this ISO 8601 moment, 1970 to 2199: `2020-06-30`, "
        "`2020-06-30T17:00`, `2020-06-30T17:00:00.5`, each optionally followed by `Z` or an "
        "offset (`-04:00`; a `+` may arrive as a space). Without an offset it is the "
        "calendar's wall-clock time. Default: now. Anything else is refused (422).",
        json_schema_extra={"pattern": AS_OF_PATTERN},
    ),
]
"""The ``as_of`` query parameter every route declares (read by :func:`as_of_or_now`)."""


def as_of_or_now(as_of: str | None, agreement: Agreement, now: datetime) -> datetime:
    """``as_of`` read by the one rule (:func:`revpact.domain.clock.moments.read_moment`: a
    moment without an offset is the calendar's wall-clock time), else ``now``; 422 naming the
    parameter and the value when it is not an ISO 8601 moment in revpact's range."""
    if as_of is None:
        return now
    try:
        return read_moment(as_of, agreement.calendar.timezone, field="as_of")
    except MomentError as exc:
        raise ProblemException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            detail=str(exc),
            errors=[
                ProblemEntry(
                    location="query",
                    field="as_of",
                    message=str(exc).removeprefix(f'as_of "{as_of}" '),
                    value=shown(as_of),
                )
            ],
        ) from None


def _bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return None


def caller_of(request: Request, state: ServerState, *, cookie: bool) -> Principal | None:
    """Who is asking: the live token from ``Authorization: Bearer``, else (``cookie``) the live
    session in the :data:`SESSION_COOKIE` cookie; None without either, or with one that is
    unknown, revoked or ended."""
    token = _bearer_token(request)
    if token is not None:
        return authenticate(state.engine, token)
    session_id = request.cookies.get(SESSION_COOKIE) if cookie else None
    if not session_id:
        return None
    return session_caller(
        state.engine,
        session_id,
        now=state.now(),
        idle=state.settings.dashboard.session_idle,
        on_roster=lambda email: on_roster(state.agreement(), email),
    )


def _caller(
    request: Request,
    state: StateDep,
    _scheme: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The API's caller (the header only; ``_scheme`` declares it in the OpenAPI schema)."""
    principal = caller_of(request, state, cookie=False)
    if principal is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="a valid API token is required (Authorization: Bearer rp_...)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return principal


def allowed(permission: Permission) -> Callable[..., Principal]:
    """A dependency admitting callers whose role is granted ``permission``."""

    def check(caller: Annotated[Principal, Depends(_caller)]) -> Principal:
        if permission not in GRANTS[caller.role]:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                detail=f"the {caller.role.value} role may not do this ({permission.value})",
            )
        return caller

    check.__name__ = f"allowed_{permission.value}"
    return check
