"""The dependencies routes declare: the state, the agreement, the caller and their permission.

``Annotated`` aliases, as in FastAPI's full-stack template: a route takes ``state: StateDep``,
``agreement: AgreementDep`` and ``caller: Annotated[Principal, Depends(allowed(Permission.X))]``.
A request without a token, or with an unknown or revoked one, gets 401; a token whose role
lacks the permission gets 403. Neither response carries any data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from revpact.domain.agreement.model import Agreement
from revpact.domain.roles import GRANTS, Permission
from revpact.server.state import ServerState
from revpact.services.tokens import Principal, authenticate

__all__ = ["AgreementDep", "StateDep", "allowed", "get_state"]

_bearer = HTTPBearer(auto_error=False, description="An API token: `revpact token create`.")


def get_state(request: Request) -> ServerState:
    state: ServerState = request.app.state.revpact
    return state


StateDep = Annotated[ServerState, Depends(get_state)]


def _agreement(state: StateDep) -> Agreement:
    return state.agreement()


AgreementDep = Annotated[Agreement, Depends(_agreement)]


def _caller(
    state: StateDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    principal = None if credentials is None else authenticate(state.engine, credentials.credentials)
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
