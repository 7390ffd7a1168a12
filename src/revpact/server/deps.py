"""The dependencies routes declare: the state, the agreement, the caller and their permission.

``Annotated`` aliases, as in FastAPI's full-stack template: a route takes ``state: StateDep``,
``agreement: AgreementDep`` and ``caller: Annotated[Principal, Depends(allowed(Permission.X))]``.
A request without a token, or with an unknown or revoked one, gets 401; a token whose role
lacks the permission gets 403. Neither response carries any data.

:func:`caller_of` is the one sign-in: the token from ``Authorization: Bearer`` — and, for the
dashboard pages only (``cookie=True``), else from the ``revpact_token`` cookie a browser got
at ``/login`` — looked up among the live tokens. The API accepts only the header.
:func:`as_of_or_now` is the one reading of an ``as_of`` query parameter
(:func:`revpact.domain.clock.moments.in_zone`: a naive moment is the calendar's wall-clock
time), else the server's clock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Final

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.moments import in_zone
from revpact.domain.roles import GRANTS, Permission
from revpact.server.state import ServerState
from revpact.services.tokens import Principal, authenticate

__all__ = [
    "TOKEN_COOKIE",
    "AgreementDep",
    "StateDep",
    "allowed",
    "as_of_or_now",
    "caller_of",
    "get_state",
]

TOKEN_COOKIE: Final = "revpact_token"
"""The HttpOnly cookie holding a browser's token after ``/login`` (the pages only)."""

_bearer = HTTPBearer(auto_error=False, description="An API token: `revpact token create`.")


def get_state(request: Request) -> ServerState:
    state: ServerState = request.app.state.revpact
    return state


StateDep = Annotated[ServerState, Depends(get_state)]


def _agreement(state: StateDep) -> Agreement:
    return state.agreement()


AgreementDep = Annotated[Agreement, Depends(_agreement)]


def as_of_or_now(as_of: datetime | None, agreement: Agreement, now: datetime) -> datetime:
    """``as_of`` made aware (a naive moment is the calendar's wall-clock time), else ``now``."""
    return now if as_of is None else in_zone(as_of, agreement.calendar.timezone)


def _request_token(request: Request, *, cookie: bool) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    if cookie:
        return request.cookies.get(TOKEN_COOKIE) or None
    return None


def caller_of(request: Request, state: ServerState, *, cookie: bool) -> Principal | None:
    """Who is asking: the live token from ``Authorization: Bearer``, else (``cookie``) from
    the :data:`TOKEN_COOKIE` cookie; None without one, or with an unknown or revoked one."""
    token = _request_token(request, cookie=cookie)
    return None if token is None else authenticate(state.engine, token)


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
