"""API keys, stored as hashes with the prefix their owner sees."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from outsend_auth.repository.users import UserRecord


class ApiKeyRepository:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def count_api_keys(self, user_id: int) -> int:
        return int(await self._pool.fetchval("SELECT count(*) FROM api_keys WHERE user_id = $1", user_id))

    async def create_api_key(self, user_id: int, name: str, prefix: str, key_hash: bytes) -> asyncpg.Record:
        row = await self._pool.fetchrow(
            "INSERT INTO api_keys (user_id, name, prefix, key_hash) VALUES ($1, $2, $3, $4) RETURNING *",
            user_id,
            name,
            prefix,
            key_hash,
        )
        assert row is not None
        return row

    async def api_keys(self, user_id: int) -> list[asyncpg.Record]:
        return list(await self._pool.fetch("SELECT * FROM api_keys WHERE user_id = $1 ORDER BY id DESC", user_id))

    async def delete_api_key(self, user_id: int, key_id: int) -> bool:
        deleted = await self._pool.fetchval(
            "DELETE FROM api_keys WHERE id = $1 AND user_id = $2 RETURNING id", key_id, user_id
        )
        return deleted is not None

    async def api_key_user(self, key_hash: bytes) -> tuple[UserRecord, int, datetime | None] | None:
        row = await self._pool.fetchrow(
            """
            SELECT users.*, api_keys.id AS key_id, api_keys.last_used_at AS key_last_used_at
            FROM api_keys JOIN users ON users.id = api_keys.user_id WHERE api_keys.key_hash = $1
            """,
            key_hash,
        )
        return (UserRecord.from_row(row), row["key_id"], row["key_last_used_at"]) if row else None

    async def touch_api_key(self, key_id: int, now: datetime) -> None:
        await self._pool.execute("UPDATE api_keys SET last_used_at = $2 WHERE id = $1", key_id, now)
