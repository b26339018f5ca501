"""Users: the account rows every other table of the service hangs from."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

import asyncpg

from outsend_auth.repository.invitations import claim_invitation
from outsend_contracts.auth import UserPublic
from outsend_contracts.clock import iso


@dataclass(frozen=True, slots=True)
class UserRecord:
    id: int
    email: str
    password_hash: str
    is_admin: bool
    is_active: bool
    email_verified: bool
    created_at: datetime
    last_login_at: datetime | None
    invitation_code: str | None

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> UserRecord:
        return cls(**{field.name: row[field.name] for field in fields(cls)})

    def public(self, admin_emails: frozenset[str]) -> UserPublic:
        return UserPublic(
            id=self.id,
            email=self.email,
            is_admin=self.is_admin or self.is_configured_admin(admin_emails),
            is_active=self.is_active,
            email_verified=self.email_verified,
            created_at=iso(self.created_at) or "",
        )

    def is_configured_admin(self, admin_emails: frozenset[str]) -> bool:
        """An address of ``OUTSEND_ADMIN_EMAILS`` makes an admin once it is verified: anyone can sign
        up with any address, only its owner can open the mail that verifies it."""
        return self.email_verified and self.email.lower() in admin_emails


class InvitationRejectedError(Exception):
    """The invitation code is unknown, revoked, expired or used up."""


class EmailTakenError(Exception):
    pass


class UserRepository:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def create_invited_user(
        self,
        email: str,
        password_hash: str,
        *,
        invitation_code: str,
        config_codes: frozenset[str],
        now: datetime,
    ) -> UserRecord:
        """Claim one use of the invitation code and create the user, both or neither."""
        async with self._pool.acquire() as connection, connection.transaction():
            if not await claim_invitation(connection, invitation_code, config_codes, now):
                raise InvitationRejectedError(invitation_code)
            row = await connection.fetchrow(
                """
                INSERT INTO users (email, password_hash, invitation_code) VALUES ($1, $2, $3)
                ON CONFLICT (lower(email)) DO NOTHING RETURNING *
                """,
                email,
                password_hash,
                invitation_code,
            )
            if row is None:
                raise EmailTakenError(email)  # leaving the transaction rolls the claimed use back
            return UserRecord.from_row(row)

    async def user_by_email(self, email: str) -> UserRecord | None:
        row = await self._pool.fetchrow("SELECT * FROM users WHERE lower(email) = lower($1)", email)
        return UserRecord.from_row(row) if row else None

    async def user_by_id(self, user_id: int) -> UserRecord | None:
        row = await self._pool.fetchrow("SELECT * FROM users WHERE id = $1", user_id)
        return UserRecord.from_row(row) if row else None

    async def mark_verified(self, user_id: int) -> None:
        await self._pool.execute("UPDATE users SET email_verified = true WHERE id = $1", user_id)

    async def record_login(self, user_id: int, now: datetime) -> None:
        await self._pool.execute("UPDATE users SET last_login_at = $2 WHERE id = $1", user_id, now)

    async def set_password(self, user_id: int, password_hash: str) -> None:
        """New password: every session, API key and outstanding reset link of the user stop working.

        A password is reset or changed when it may have leaked, and a key may have leaked with it.
        """
        async with self._pool.acquire() as connection, connection.transaction():
            await connection.execute("UPDATE users SET password_hash = $2 WHERE id = $1", user_id, password_hash)
            await connection.execute("DELETE FROM sessions WHERE user_id = $1", user_id)
            await connection.execute("DELETE FROM api_keys WHERE user_id = $1", user_id)
            await connection.execute(
                "DELETE FROM tokens WHERE user_id = $1 AND purpose = 'reset_password' AND used_at IS NULL", user_id
            )

    async def set_active(self, user_id: int, active: bool) -> UserRecord | None:
        """(De)activate; a deactivated user's sessions end at once."""
        async with self._pool.acquire() as connection, connection.transaction():
            row = await connection.fetchrow(
                "UPDATE users SET is_active = $2 WHERE id = $1 RETURNING *", user_id, active
            )
            if row is not None and not active:
                await connection.execute("DELETE FROM sessions WHERE user_id = $1", user_id)
        return UserRecord.from_row(row) if row else None

    async def list_users(self, query: str, limit: int, offset: int) -> list[UserRecord]:
        rows = await self._pool.fetch(
            """
            SELECT * FROM users WHERE $1 = '' OR position(lower($1) IN lower(email)) > 0
            ORDER BY id DESC LIMIT $2 OFFSET $3
            """,
            query,
            limit,
            offset,
        )
        return [UserRecord.from_row(row) for row in rows]

    async def delete_user(self, user_id: int) -> None:
        """Sessions, tokens, API keys and votes go with the user; feedback threads stay, anonymised."""
        await self._pool.execute("DELETE FROM users WHERE id = $1", user_id)
