"""All SQL of the auth service."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime

import asyncpg

from outsend_auth import ratelimit
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


class AuthRepository:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    # --- users -----------------------------------------------------------------------------------
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
            if not await _claim_invitation(connection, invitation_code, config_codes, now):
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
        return (UserRecord.from_row(row), row["session_expires_at"]) if row else None

    async def extend_session(self, token_hash: bytes, expires_at: datetime) -> None:
        await self._pool.execute("UPDATE sessions SET expires_at = $2 WHERE token_hash = $1", token_hash, expires_at)

    async def delete_session(self, token_hash: bytes) -> None:
        await self._pool.execute("DELETE FROM sessions WHERE token_hash = $1", token_hash)

    async def delete_expired_sessions(self, now: datetime) -> int:
        result = await self._pool.execute("DELETE FROM sessions WHERE expires_at <= $1", now)
        return int(result.split()[-1])

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

    # --- API keys --------------------------------------------------------------------------------
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

    # --- invitation codes ------------------------------------------------------------------------
    async def invitations(self) -> list[asyncpg.Record]:
        return list(await self._pool.fetch("SELECT * FROM invitation_codes ORDER BY created_at DESC, code"))

    async def create_invitation(
        self, code: str, max_uses: int | None, expires_at: datetime | None, created_by: int
    ) -> asyncpg.Record | None:
        return await self._pool.fetchrow(
            """
            INSERT INTO invitation_codes (code, source, max_uses, expires_at, created_by)
            VALUES ($1, 'admin', $2, $3, $4) ON CONFLICT (code) DO NOTHING RETURNING *
            """,
            code,
            max_uses,
            expires_at,
            created_by,
        )

    async def revoke_invitation(self, code: str, now: datetime) -> asyncpg.Record | None:
        return await self._pool.fetchrow(
            """
            UPDATE invitation_codes SET revoked_at = coalesce(revoked_at, $2)
            WHERE code = $1 AND source = 'admin' RETURNING *
            """,
            code,
            now,
        )

    async def invitation(self, code: str) -> asyncpg.Record | None:
        return await self._pool.fetchrow("SELECT * FROM invitation_codes WHERE code = $1", code)


async def _claim_invitation(
    connection: asyncpg.Connection, code: str, config_codes: frozenset[str], now: datetime
) -> bool:
    if code in config_codes:
        await connection.execute(
            """
            INSERT INTO invitation_codes (code, source, uses) VALUES ($1, 'config', 1)
            ON CONFLICT (code) DO UPDATE SET uses = invitation_codes.uses + 1
            """,
            code,
        )
        return True
    claimed = await connection.fetchval(
        """
        UPDATE invitation_codes SET uses = uses + 1
        WHERE code = $1 AND source = 'admin' AND revoked_at IS NULL
          AND (expires_at IS NULL OR expires_at > $2) AND (max_uses IS NULL OR uses < max_uses)
        RETURNING code
        """,
        code,
        now,
    )
    return claimed is not None


class RateLimitRepository:
    """The windows of :mod:`outsend_auth.ratelimit`, shared by every replica."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def attempt(self, checks: Sequence[tuple[ratelimit.Rule, bytes]], now: datetime) -> int | None:
        async with self._pool.acquire() as connection, connection.transaction():
            for lock in sorted({_lock_id(rule.scope, key) for rule, key in checks}):
                await connection.execute("SELECT pg_advisory_xact_lock($1)", lock)
            waits = []
            for rule, key in checks:
                hits = await connection.fetch(
                    "SELECT at FROM rate_limit_hits WHERE scope = $1 AND key = $2 AND at > $3",
                    rule.scope,
                    key,
                    now - rule.window,
                )
                wait = ratelimit.retry_after((hit["at"] for hit in hits), rule, now)
                if wait is not None:
                    waits.append(wait)
            if waits:
                return max(waits)
            await connection.executemany(
                "INSERT INTO rate_limit_hits (scope, key, at) VALUES ($1, $2, $3)",
                [(rule.scope, key, now) for rule, key in checks],
            )
            return None

    async def forget(self, keys: Sequence[tuple[str, bytes]]) -> None:
        await self._pool.executemany("DELETE FROM rate_limit_hits WHERE scope = $1 AND key = $2", keys)

    async def prune(self, before: datetime) -> int:
        result = await self._pool.execute("DELETE FROM rate_limit_hits WHERE at <= $1", before)
        return int(result.split()[-1])


def _lock_id(scope: str, key: bytes) -> int:
    return int.from_bytes(hashlib.sha256(scope.encode() + b"|" + key).digest()[:8], "big", signed=True)


# --- feedback and votes --------------------------------------------------------------------------------
@dataclass(frozen=True)
class ThreadRecord:
    id: int
    user_id: int | None
    user_email: str | None
    type: str
    topic: str
    status: str
    created_at: datetime
    last_read_user: datetime | None
    last_read_admin: datetime | None


@dataclass(frozen=True)
class MessageRecord:
    id: int
    thread_id: int
    author_role: str
    author_user_id: int | None
    message: str
    created_at: datetime


_THREAD_COLUMNS = """
    t.id, t.user_id, u.email AS user_email, t.type, t.topic, t.status, t.created_at,
    t.last_read_user, t.last_read_admin
"""


def _thread(row: asyncpg.Record) -> ThreadRecord:
    return ThreadRecord(**dict(row))


def _message(row: asyncpg.Record) -> MessageRecord:
    return MessageRecord(**dict(row))


class FeedbackRepository:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def create_thread(self, user_id: int, type_: str, topic: str, message: str) -> int:
        async with self._pool.acquire() as connection, connection.transaction():
            thread_id: int = await connection.fetchval(
                """
                INSERT INTO feedback_threads (user_id, type, topic, last_read_user) VALUES ($1, $2, $3, now())
                RETURNING id
                """,
                user_id,
                type_,
                topic,
            )
            await connection.execute(
                """
                INSERT INTO feedback_messages (thread_id, author_role, author_user_id, message)
                VALUES ($1, 'user', $2, $3)
                """,
                thread_id,
                user_id,
                message,
            )
        return thread_id

    async def add_message(self, thread_id: int, role: str, author_id: int, message: str) -> bool:
        """Append a message to an open thread and mark the thread read for the author's side."""
        read_column = "last_read_admin" if role == "admin" else "last_read_user"
        async with self._pool.acquire() as connection, connection.transaction():
            status = await connection.fetchval(
                "SELECT status FROM feedback_threads WHERE id = $1 FOR UPDATE", thread_id
            )
            if status != "open":
                return False
            await connection.execute(
                """
                INSERT INTO feedback_messages (thread_id, author_role, author_user_id, message)
                VALUES ($1, $2, $3, $4)
                """,
                thread_id,
                role,
                author_id,
                message,
            )
            await connection.execute(f"UPDATE feedback_threads SET {read_column} = now() WHERE id = $1", thread_id)
        return True

    async def mark_read(self, thread_id: int, role: str) -> None:
        read_column = "last_read_admin" if role == "admin" else "last_read_user"
        await self._pool.execute(f"UPDATE feedback_threads SET {read_column} = now() WHERE id = $1", thread_id)

    async def set_status(self, thread_id: int, status: str) -> bool:
        updated = await self._pool.fetchval(
            "UPDATE feedback_threads SET status = $2 WHERE id = $1 RETURNING id", thread_id, status
        )
        return updated is not None

    async def thread(self, thread_id: int) -> ThreadRecord | None:
        row = await self._pool.fetchrow(
            f"SELECT {_THREAD_COLUMNS} FROM feedback_threads t LEFT JOIN users u ON u.id = t.user_id WHERE t.id = $1",
            thread_id,
        )
        return _thread(row) if row else None

    async def threads(
        self,
        *,
        user_id: int | None,
        status: str | None = None,
        topic: str | None = None,
        topic_prefix: str | None = None,
        limit: int,
        offset: int = 0,
    ) -> list[ThreadRecord]:
        """Newest first; ``user_id=None`` lists every user's threads (the admin view)."""
        rows = await self._pool.fetch(
            f"""
            SELECT {_THREAD_COLUMNS} FROM feedback_threads t LEFT JOIN users u ON u.id = t.user_id
            WHERE ($1::bigint IS NULL OR t.user_id = $1)
              AND ($2::text IS NULL OR t.status = $2)
              AND ($3::text IS NULL OR t.topic = $3)
              AND ($4::text IS NULL OR starts_with(t.topic, $4))
            ORDER BY t.id DESC LIMIT $5 OFFSET $6
            """,
            user_id,
            status,
            topic,
            topic_prefix,
            limit,
            offset,
        )
        return [_thread(row) for row in rows]

    async def messages(self, thread_ids: Sequence[int]) -> list[MessageRecord]:
        rows = await self._pool.fetch(
            """
            SELECT id, thread_id, author_role, author_user_id, message, created_at
            FROM feedback_messages WHERE thread_id = ANY($1::bigint[]) ORDER BY id
            """,
            list(thread_ids),
        )
        return [_message(row) for row in rows]

    async def open_thread(self, user_id: int, topic: str) -> int | None:
        return await self._pool.fetchval(  # type: ignore[no-any-return]
            """
            SELECT id FROM feedback_threads WHERE user_id = $1 AND topic = $2 AND status = 'open'
            ORDER BY id DESC LIMIT 1
            """,
            user_id,
            topic,
        )

    async def unread(self, user_id: int | None) -> int:
        """Messages of the other side not yet seen: a user's own threads, or every thread for admins."""
        if user_id is None:
            query = """
                SELECT count(*) FROM feedback_messages m JOIN feedback_threads t ON t.id = m.thread_id
                WHERE m.author_role = 'user' AND m.created_at > coalesce(t.last_read_admin, '-infinity')
            """
            return int(await self._pool.fetchval(query))
        query = """
            SELECT count(*) FROM feedback_messages m JOIN feedback_threads t ON t.id = m.thread_id
            WHERE t.user_id = $1 AND m.author_role = 'admin'
              AND m.created_at > coalesce(t.last_read_user, '-infinity')
        """
        return int(await self._pool.fetchval(query, user_id))

    async def topics_with_prefix(self, prefix: str) -> list[asyncpg.Record]:
        return list(
            await self._pool.fetch(
                """
                SELECT t.topic,
                       count(*) FILTER (WHERE t.status = 'open') AS open_count,
                       count(*) AS total_count,
                       max(m.last_at) AS last_message_at
                FROM feedback_threads t
                LEFT JOIN LATERAL (
                    SELECT max(created_at) AS last_at FROM feedback_messages WHERE thread_id = t.id
                ) m ON true
                WHERE starts_with(t.topic, $1)
                GROUP BY t.topic ORDER BY open_count DESC, t.topic
                """,
                prefix,
            )
        )

    # --- votes -------------------------------------------------------------------------------------
    async def votes_of(self, user_id: int) -> list[str]:
        rows = await self._pool.fetch(
            "SELECT feature_id FROM feature_votes WHERE user_id = $1 ORDER BY created_at, feature_id", user_id
        )
        return [row["feature_id"] for row in rows]

    async def vote_counts(self, feature_ids: Sequence[str]) -> dict[str, int]:
        rows = await self._pool.fetch(
            """
            SELECT feature_id, count(*) AS votes FROM feature_votes
            WHERE feature_id = ANY($1::text[]) GROUP BY feature_id
            """,
            list(feature_ids),
        )
        return {row["feature_id"]: row["votes"] for row in rows}

    async def vote(self, user_id: int, feature_id: str) -> None:
        await self._pool.execute(
            "INSERT INTO feature_votes (user_id, feature_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            user_id,
            feature_id,
        )

    async def unvote(self, user_id: int, feature_id: str) -> None:
        await self._pool.execute(
            "DELETE FROM feature_votes WHERE user_id = $1 AND feature_id = $2", user_id, feature_id
        )
