"""``/api/auth/api-keys``: keys for integrations, sent as ``X-API-Key`` (see docs/api-keys.md)."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from fastapi import APIRouter, Response
from pydantic import BaseModel, StringConstraints

from outsend_contracts import subjects
from outsend_contracts.auth import (
    ApiKeyCreated,
    ApiKeyCreateRequest,
    ApiKeyPublic,
    ApiKeyRevokeRequest,
    UserRequest,
)
from outsend_gateway.security import SESSION_ONLY, ActiveUser, GatewayDep

router = APIRouter(prefix="/api/auth/api-keys", tags=["auth"])


class ApiKeyBody(BaseModel):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


@router.get("")
async def list_keys(user: ActiveUser, gateway: GatewayDep) -> list[dict[str, Any]]:
    keys = await gateway.call(subjects.AUTH_API_KEYS_LIST, UserRequest(user_id=user.id), list[ApiKeyPublic])
    return msgspec.to_builtins(keys)  # type: ignore[no-any-return]


@router.post("", status_code=201, dependencies=[SESSION_ONLY])
async def create_key(body: ApiKeyBody, user: ActiveUser, gateway: GatewayDep) -> dict[str, Any]:
    """The whole key is in this answer only: store it now."""
    created = await gateway.call(
        subjects.AUTH_API_KEYS_CREATE, ApiKeyCreateRequest(user_id=user.id, name=body.name), ApiKeyCreated
    )
    return msgspec.to_builtins(created)  # type: ignore[no-any-return]


@router.delete("/{key_id}", status_code=204, dependencies=[SESSION_ONLY])
async def revoke_key(key_id: int, user: ActiveUser, gateway: GatewayDep) -> Response:
    await gateway.call(subjects.AUTH_API_KEYS_REVOKE, ApiKeyRevokeRequest(user_id=user.id, key_id=key_id), dict)
    return Response(status_code=204)
