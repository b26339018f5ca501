"""Browser sessions, keyed by the hash of their cookie."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from outsend_auth.repository.users import UserRecord


class SessionRepository:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def create_session(self, token_hash: bytes, user_id: int, expires_at: datetime) -> None:
        await self._pool.execute(
            "INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2, $3)",
            token_hash,
            user_id,
            expires_at,
        )

    async def session_user(self, token_hash: bytes, now: datetime) -> tuple[UserRecord, datetime] | None:
        row = await self._pool.fetchrow(
            """
            SELECT users.*, sessions.expires_at AS session_expires_at
            FROM sessions JOIN users ON users.id = sessions.user_id
            WHERE sessions.token_hash = $1 AND sessions.expires_at > $2
            """,
            token_hash,
            now,
        )
        return (UserRecord.from_row(row), row["session_expires_at"]) if row else None

    async def extend_session(self, token_hash: bytes, expires_at: datetime) -> None:
        await self._pool.execute("UPDATE sessions SET expires_at = $2 WHERE token_hash = $1", token_hash, expires_at)

    async def delete_session(self, token_hash: bytes) -> None:
        await self._pool.execute("DELETE FROM sessions WHERE token_hash = $1", token_hash)

    async def delete_expired_sessions(self, now: datetime) -> int:
        result = await self._pool.execute("DELETE FROM sessions WHERE expires_at <= $1", now)
        return int(result.split()[-1])
