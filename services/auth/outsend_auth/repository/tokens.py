"""Single-use tokens: the links that verify an address or reset a password."""

from __future__ import annotations

from datetime import datetime

import asyncpg


class TokenRepository:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def create_token(self, token_hash: bytes, purpose: str, user_id: int, expires_at: datetime) -> None:
        await self._pool.execute(
            "INSERT INTO tokens (token_hash, purpose, user_id, expires_at) VALUES ($1, $2, $3, $4)",
            token_hash,
            purpose,
            user_id,
            expires_at,
        )

    async def consume_token(self, token_hash: bytes, purpose: str, now: datetime) -> int | None:
        """Mark the token used and return its user, if it is valid; a token works once."""
        return await self._pool.fetchval(  # type: ignore[no-any-return]
            """
            UPDATE tokens SET used_at = $3
            WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3
            RETURNING user_id
            """,
            token_hash,
            purpose,
            now,
        )

    async def delete_stale_tokens(self, now: datetime) -> int:
        result = await self._pool.execute("DELETE FROM tokens WHERE expires_at <= $1 OR used_at IS NOT NULL", now)
        return int(result.split()[-1])
