"""Feedback threads and their messages, between a user and the admins."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import asyncpg


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
