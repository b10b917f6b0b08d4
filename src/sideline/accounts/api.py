"""Account endpoints: who am I, and my API tokens."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from sideline.accounts.auth import API_AUTH
from sideline.accounts.models import ApiToken
from sideline.accounts.permissions import can_coordinate, can_curate, person_of
from sideline.accounts.services import create_token, revoke_token
from sideline.openapi import Input

_PRINTABLE = "[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]"
TOKEN_NAME = f"^{_PRINTABLE}*[^\\s\\u0000-\\u001f\\u007f-\\u009f]{_PRINTABLE}*$"

router = Router(tags=["accounts"])


class MeOut(Schema):
    username: str
    organization: str | None
    role: str | None
    focal_point: bool
    can_coordinate: bool
    can_curate: bool


class TokenIn(Input):
    # What create_token accepts: 1 to 100 characters, not all spaces, no control character.
    name: str = Field(min_length=1, max_length=100, pattern=TOKEN_NAME)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str


def _token_out(token: ApiToken) -> dict[str, object]:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "revoked_at": token.revoked_at,
    }


@router.get("/me", response=MeOut, auth=API_AUTH)
def me(request: HttpRequest) -> dict[str, object]:
    user = request.auth  # type: ignore[attr-defined]  # set by ninja's auth
    person = person_of(user)
    return {
        "username": user.get_username(),
        "organization": person.organization.slug if person and person.organization else None,
        "role": person.role if person else None,
        "focal_point": bool(person and person.focal_point),
        "can_coordinate": can_coordinate(user),
        "can_curate": can_curate(user),
    }


@router.get("/tokens", response=list[TokenOut], auth=API_AUTH)
def list_tokens(request: HttpRequest) -> list[dict[str, object]]:
    return [_token_out(t) for t in ApiToken.objects.filter(user=request.auth)]  # type: ignore[attr-defined]  # set by ninja's auth


@router.post("/tokens", response={201: TokenCreatedOut}, auth=API_AUTH)
def add_token(request: HttpRequest, payload: TokenIn) -> Status[dict[str, object]]:
    token, plain = create_token(user=request.auth, name=payload.name)  # type: ignore[attr-defined]  # set by ninja's auth
    return Status(201, {**_token_out(token), "token": plain})


@router.delete("/tokens/{token_id}", response=TokenOut, auth=API_AUTH)
def delete_token(request: HttpRequest, token_id: int) -> dict[str, object]:
    token = revoke_token(user=request.auth, token_id=token_id)  # type: ignore[attr-defined]  # set by ninja's auth
    return _token_out(token)
