"""All SQL of the pipelines read model."""

from __future__ import annotations

import asyncpg
import msgspec

from outsend_pipeline_coordinator.state import PipelineState


def _from_row(row: asyncpg.Record | None) -> PipelineState | None:
    if row is None:
        return None
    return msgspec.convert(row["state"], PipelineState)


class PipelineRepository:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    # --- written by the projection, inside its transaction --------------------------------------
    @staticmethod
    async def load_for_update(connection: asyncpg.Connection, pipeline_id: str) -> PipelineState | None:
        return _from_row(await connection.fetchrow("SELECT state FROM pipelines WHERE id = $1 FOR UPDATE", pipeline_id))

    @staticmethod
    async def save(connection: asyncpg.Connection, state: PipelineState) -> None:
        await connection.execute(
            """
            INSERT INTO pipelines (id, user_id, status, created_seq, version, active_jobs, state)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (id) DO UPDATE SET status = $3, version = $5, active_jobs = $6, state = $7
            """,
            state.id,
            state.user_id,
            state.status.value,
            state.created_seq,
            state.version,
            len(state.active_jobs()),
            msgspec.to_builtins(state),
        )

    @staticmethod
    async def add_job(connection: asyncpg.Connection, job_id: str, pipeline_id: str, node_id: str) -> None:
        await connection.execute(
            "INSERT INTO pipeline_jobs (job_id, pipeline_id, node_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            job_id,
            pipeline_id,
            node_id,
        )

    @staticmethod
    async def truncate(connection: asyncpg.Connection) -> None:
        await connection.execute("TRUNCATE pipelines, pipeline_jobs")

    async def remove_for_user(self, user_id: int) -> list[PipelineState]:
        """Delete a user's pipelines from the read model; returns what was deleted."""
        async with self._pool.acquire() as connection, connection.transaction():
            rows = await connection.fetch("DELETE FROM pipelines WHERE user_id = $1 RETURNING state", user_id)
            states = [state for row in rows if (state := _from_row(row)) is not None]
            await connection.execute(
                "DELETE FROM pipeline_jobs WHERE pipeline_id = ANY($1::text[])", [state.id for state in states]
            )
        return states

    # --- reads -----------------------------------------------------------------------------------
    async def get(self, pipeline_id: str) -> PipelineState | None:
        return _from_row(await self._pool.fetchrow("SELECT state FROM pipelines WHERE id = $1", pipeline_id))

    async def list_for_user(self, user_id: int, limit: int | None) -> list[PipelineState]:
        """Newest first; ``limit=None`` for all of them."""
        rows = await self._pool.fetch(
            "SELECT state FROM pipelines WHERE user_id = $1 ORDER BY created_seq DESC LIMIT $2", user_id, limit
        )
        return [state for row in rows if (state := _from_row(row)) is not None]

    async def to_watch(self) -> list[str]:
        """Pipelines that still run, or that ended with jobs still to stop."""
        rows = await self._pool.fetch(
            "SELECT id FROM pipelines WHERE status = 'running' OR active_jobs > 0 ORDER BY created_seq"
        )
        return [row["id"] for row in rows]

    async def node_of_job(self, job_id: str) -> tuple[str, str] | None:
        """``(pipeline_id, node_id)`` of a job a pipeline spawned, ``None`` for any other job."""
        row = await self._pool.fetchrow("SELECT pipeline_id, node_id FROM pipeline_jobs WHERE job_id = $1", job_id)
        return (row["pipeline_id"], row["node_id"]) if row else None
