"""All SQL of the auth service."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from outsend_contracts.auth import UserPublic
from outsend_contracts.clock import iso


class UserRecord:
    __slots__ = ("created_at", "email", "email_verified", "id", "is_active", "is_admin", "password_hash")

    def __init__(self, row: asyncpg.Record) -> None:
        for name in self.__slots__:
            setattr(self, name, row[name])

    def public(self, admin_emails: frozenset[str]) -> UserPublic:
        return UserPublic(
            id=self.id,
            email=self.email,
            is_admin=self.is_admin or self.email.lower() in admin_emails,
            is_active=self.is_active,
            email_verified=self.email_verified,
            created_at=iso(self.created_at) or "",
        )


class AuthRepository:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def create_user(self, email: str, password_hash: str, is_admin: bool) -> UserRecord | None:
        row = await self._pool.fetchrow(
            """
            INSERT INTO users (email, password_hash, is_admin) VALUES ($1, $2, $3)
            ON CONFLICT (lower(email)) DO NOTHING RETURNING *
            """,
            email,
            password_hash,
            is_admin,
        )
        return UserRecord(row) if row else None

    async def user_by_email(self, email: str) -> UserRecord | None:
        row = await self._pool.fetchrow("SELECT * FROM users WHERE lower(email) = lower($1)", email)
        return UserRecord(row) if row else None

    async def user_by_id(self, user_id: int) -> UserRecord | None:
        row = await self._pool.fetchrow("SELECT * FROM users WHERE id = $1", user_id)
        return UserRecord(row) if row else None

    async def mark_verified(self, user_id: int) -> None:
        await self._pool.execute("UPDATE users SET email_verified = true WHERE id = $1", user_id)

    # --- sessions --------------------------------------------------------------------------------
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
        return (UserRecord(row), row["session_expires_at"]) if row else None

    async def extend_session(self, token_hash: bytes, expires_at: datetime) -> None:
        await self._pool.execute("UPDATE sessions SET expires_at = $2 WHERE token_hash = $1", token_hash, expires_at)

    async def delete_session(self, token_hash: bytes) -> None:
        await self._pool.execute("DELETE FROM sessions WHERE token_hash = $1", token_hash)

    # --- single-use tokens -----------------------------------------------------------------------
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
        return await self._pool.fetchval(
            """
            UPDATE tokens SET used_at = $3
            WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3
            RETURNING user_id
            """,
            token_hash,
            purpose,
            now,
        )
