"""Managing API tokens over the API (admins only); the token itself is shown once."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Response, status
from pydantic import BaseModel, ConfigDict, Field

from revpact.domain.roles import Permission, Role
from revpact.errors import RevpactError
from revpact.server.api.feedback import RecordId
from revpact.server.api.responses import WRITE, problems
from revpact.server.deps import StateDep, allowed
from revpact.server.safe_types import NameText
from revpact.services.public.tokens import NewTokenPublic, TokensPublic
from revpact.services.tokens import Principal, create_token, list_tokens, revoke_token

__all__ = ["router"]

router = APIRouter(prefix="/tokens", tags=["tokens"])

Admin = Annotated[Principal, Depends(allowed(Permission.MANAGE_TOKENS))]


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: NameText = Field(description="Who or what uses the token.")
    role: Role
    member: NameText | None = Field(
        default=None, description="The signatory's e-mail the token acts for."
    )


@router.get(
    "",
    summary="Every token (never the secret): id, name, role, member, prefix.",
    response_model=TokensPublic,
    responses=problems(401, 403),
)
def tokens(state: StateDep, _caller: Admin) -> TokensPublic:
    return TokensPublic.of(list_tokens(state.engine))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create a token; the response is the only time its secret is shown.",
    response_model=NewTokenPublic,
    responses=problems(*WRITE),
)
def create(body: TokenCreate, state: StateDep, caller: Admin) -> NewTokenPublic:
    try:
        new = create_token(
            state.engine,
            name=body.name,
            role=body.role,
            member=body.member,
            now=state.now(),
            by=caller.member,
            via=f"token:{caller.token_id}",
        )
    except RevpactError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(exc)) from None
    return NewTokenPublic.of(new)


@router.delete(
    "/{token_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke a token; it stops working at once.",
    responses=problems(*WRITE, notes={404: "No live token with that id."}),
)
def revoke(token_id: RecordId, state: StateDep, caller: Admin) -> Response:
    try:
        revoke_token(
            state.engine,
            token_id,
            now=state.now(),
            by=caller.member,
            via=f"token:{caller.token_id}",
        )
    except RevpactError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(exc)) from None
    return Response(status_code=status.HTTP_204_NO_CONTENT)
