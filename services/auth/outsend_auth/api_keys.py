"""API keys for integrations: created and revoked by their owner, resolved on every request.

A key is ``osk_`` and 256 random bits, shown once; its row keeps the SHA-256 and the first
characters. Nothing caches a resolution, so a revoked key (or the key of a deleted account)
fails on the very next request.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import asyncpg

from outsend_auth import credentials
from outsend_auth.repository.api_keys import ApiKeyRepository
from outsend_auth.sessions import Sessions
from outsend_contracts import errors
from outsend_contracts.auth import (
    API_KEY_PREFIX,
    MAX_API_KEYS,
    ApiKeyCreated,
    ApiKeyCreateRequest,
    ApiKeyPublic,
    ApiKeyRequest,
    ApiKeyRevokeRequest,
    UserPublic,
    UserRequest,
)
from outsend_contracts.clock import iso, utc_now

LAST_USED_PRECISION = timedelta(minutes=1)
"""``last_used_at`` is written at most once a minute per key, not on every request."""


class ApiKeys:
    def __init__(self, keys: ApiKeyRepository, sessions: Sessions, clock: Callable[[], datetime] = utc_now) -> None:
        self._keys = keys
        self._sessions = sessions
        self._clock = clock

    async def create(self, request: ApiKeyCreateRequest) -> ApiKeyCreated:
        if await self._keys.count_api_keys(request.user_id) >= MAX_API_KEYS:
            raise errors.DomainError(400, errors.API_KEY_LIMIT.format(max=MAX_API_KEYS))
        key = credentials.new_api_key()
        row = await self._keys.create_api_key(
            request.user_id, request.name.strip(), credentials.api_key_prefix(key), credentials.token_hash(key)
        )
        return ApiKeyCreated(**_public_fields(row), key=key)

    async def list_keys(self, request: UserRequest) -> list[ApiKeyPublic]:
        return [public_key(row) for row in await self._keys.api_keys(request.user_id)]

    async def revoke(self, request: ApiKeyRevokeRequest) -> dict[str, Any]:
        if not await self._keys.delete_api_key(request.user_id, request.key_id):
            raise errors.DomainError(404, errors.API_KEY_NOT_FOUND)
        return {"ok": True}

    async def resolve(self, request: ApiKeyRequest) -> UserPublic:
        """The user a key acts for: 401 for an unknown or revoked key, 403 for a deactivated account."""
        found = None
        if request.key.startswith(API_KEY_PREFIX):
            found = await self._keys.api_key_user(credentials.token_hash(request.key))
        if found is None:
            raise errors.DomainError(401, errors.API_KEY_INVALID)
        user, key_id, last_used_at = found
        if not user.is_active:
            raise errors.DomainError(403, errors.ACCOUNT_INACTIVE)
        now = self._clock()
        if last_used_at is None or now - last_used_at >= LAST_USED_PRECISION:
            await self._keys.touch_api_key(key_id, now)
        return self._sessions.public(user)


def public_key(row: asyncpg.Record) -> ApiKeyPublic:
    return ApiKeyPublic(**_public_fields(row))


def _public_fields(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "prefix": row["prefix"],
        "created_at": iso(row["created_at"]) or "",
        "last_used_at": iso(row["last_used_at"]),
    }
