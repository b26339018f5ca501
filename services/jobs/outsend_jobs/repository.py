"""All SQL of the jobs read model."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg
import msgspec

from outsend_contracts.jobs import events as ev
from outsend_contracts.jobs.state import JobState, JobStatus


def _to_row(state: JobState) -> tuple[Any, ...]:
    return (
        state.id,
        state.user_id,
        state.job_type,
        state.lane,
        state.status.value,
        state.created_seq,
        state.version,
        state.pipeline_id,
        state.expires_at,
        msgspec.to_builtins(state),
    )


def _from_row(row: asyncpg.Record | None) -> JobState | None:
    if row is None:
        return None
    return msgspec.convert(row["state"], JobState)


class JobRepository:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    # --- written by the projection, inside its transaction --------------------------------------
    @staticmethod
    async def load_for_update(connection: asyncpg.Connection, job_id: str) -> JobState | None:
        return _from_row(await connection.fetchrow("SELECT state FROM jobs WHERE id = $1 FOR UPDATE", job_id))

    @staticmethod
    async def save(connection: asyncpg.Connection, state: JobState) -> None:
        await connection.execute(
            """
            INSERT INTO jobs (id, user_id, job_type, lane, status, created_seq, version, pipeline_id, expires_at, state)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            ON CONFLICT (id) DO UPDATE SET status = $5, version = $7, expires_at = $9, state = $10
            """,
            *_to_row(state),
        )

    @staticmethod
    async def charge(connection: asyncpg.Connection, event: ev.JobCreated) -> None:
        """Record the EF a new job costs its account; replaying the event records it once."""
        await connection.execute(
            "INSERT INTO ef_charges (job_id, user_id, charged_at, ef) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            event.job_id,
            event.user_id,
            event.at,
            event.ef_cost,
        )

    @staticmethod
    async def remove(connection: asyncpg.Connection, job_id: str) -> None:
        await connection.execute("DELETE FROM jobs WHERE id = $1", job_id)

    @staticmethod
    async def truncate(connection: asyncpg.Connection) -> None:
        await connection.execute("TRUNCATE jobs")

    # --- reads -----------------------------------------------------------------------------------
    async def get(self, job_id: str) -> JobState | None:
        return _from_row(await self._pool.fetchrow("SELECT state FROM jobs WHERE id = $1", job_id))

    async def list_for_user(self, user_id: int, limit: int, offset: int) -> list[JobState]:
        rows = await self._pool.fetch(
            "SELECT state FROM jobs WHERE user_id = $1 ORDER BY created_seq DESC LIMIT $2 OFFSET $3",
            user_id,
            limit,
            offset,
        )
        return [state for row in rows if (state := _from_row(row)) is not None]

    async def ids_for_user(self, user_id: int) -> list[str]:
        return [row["id"] for row in await self._pool.fetch("SELECT id FROM jobs WHERE user_id = $1", user_id)]

    async def with_status(self, *statuses: JobStatus) -> list[JobState]:
        rows = await self._pool.fetch(
            "SELECT state FROM jobs WHERE status = ANY($1::text[]) ORDER BY created_seq",
            [status.value for status in statuses],
        )
        return [state for row in rows if (state := _from_row(row)) is not None]

    async def last_started(self, user_ids: list[int]) -> dict[tuple[str, int], datetime]:
        """When each of these accounts last had a job started, per lane (round-robin admission)."""
        rows = await self._pool.fetch(
            """
            SELECT lane, user_id, max((state->>'started_at')::timestamptz) AS started_at FROM jobs
            WHERE user_id = ANY($1::bigint[]) AND state->>'started_at' IS NOT NULL GROUP BY lane, user_id
            """,
            user_ids,
        )
        return {(row["lane"], row["user_id"]): row["started_at"] for row in rows}

    async def ef_charged_since(self, user_id: int, moment: datetime) -> float:
        total: float = await self._pool.fetchval(
            "SELECT coalesce(sum(ef), 0) FROM ef_charges WHERE user_id = $1 AND charged_at >= $2", user_id, moment
        )
        return total

    async def forget_charges(self, user_id: int) -> None:
        await self._pool.execute("DELETE FROM ef_charges WHERE user_id = $1", user_id)

    async def stored_files(self, user_id: int) -> list[tuple[str, str | None]]:
        """``(job id, input object)`` of the account's jobs: the files they may still hold."""
        rows = await self._pool.fetch(
            "SELECT id, state->>'input_object' AS input FROM jobs WHERE user_id = $1", user_id
        )
        return [(row["id"], row["input"]) for row in rows]

    async def count_for_user(self, user_id: int, status: JobStatus) -> int:
        count: int = await self._pool.fetchval(
            "SELECT count(*) FROM jobs WHERE user_id = $1 AND status = $2", user_id, status.value
        )
        return count

    async def expired_before(self, moment: datetime) -> list[JobState]:
        rows = await self._pool.fetch(
            "SELECT state FROM jobs WHERE expires_at < $1 AND status IN ('done', 'failed', 'cancelled')",
            moment,
        )
        return [state for row in rows if (state := _from_row(row)) is not None]

    async def dump(self) -> list[dict[str, Any]]:
        """Every row, for comparing a rebuilt projection with the live one."""
        return [dict(row) for row in await self._pool.fetch("SELECT * FROM jobs ORDER BY id")]
