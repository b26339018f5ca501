"""All SQL of the veille service: the read model the projection writes, and what runs computed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg
import msgspec

from outsend_contracts.veille import events as ev
from outsend_contracts.veille.state import VeilleState


def _from_row(row: asyncpg.Record | None) -> VeilleState | None:
    if row is None:
        return None
    return msgspec.convert(row["state"], VeilleState, str_keys=True)


class VeilleRepository:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    # --- written by the projection, inside its transaction --------------------------------------
    @staticmethod
    async def load_for_update(connection: asyncpg.Connection, veille_id: int) -> VeilleState | None:
        return _from_row(await connection.fetchrow("SELECT state FROM veilles WHERE id = $1 FOR UPDATE", veille_id))

    @staticmethod
    async def save(connection: asyncpg.Connection, state: VeilleState) -> None:
        await connection.execute(
            """
            INSERT INTO veilles (id, user_id, status, next_run_at, running, version, state)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (id) DO UPDATE SET status = $3, next_run_at = $4, running = $5, version = $6, state = $7
            """,
            state.id,
            state.user_id,
            state.status,
            state.next_run_at,
            len(state.running),
            state.version,
            msgspec.to_builtins(state),
        )

    @staticmethod
    async def run_started(connection: asyncpg.Connection, state: VeilleState, event: ev.VeilleRunStarted) -> None:
        await connection.execute(
            """
            INSERT INTO veille_runs (id, veille_id, user_id, job_id, pipeline, manual, due_at, status, started_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, 'running', $8) ON CONFLICT (id) DO NOTHING
            """,
            event.run_id,
            state.id,
            state.user_id,
            event.job_id,
            event.pipeline,
            event.manual,
            event.due_at,
            event.at,
        )

    @staticmethod
    async def run_ended(connection: asyncpg.Connection, event: ev.VeilleRunCompleted | ev.VeilleRunFailed) -> None:
        if isinstance(event, ev.VeilleRunCompleted):
            summary = msgspec.to_builtins(event)
            await connection.execute(
                "UPDATE veille_runs SET status = 'done', summary = $2 WHERE id = $1", event.run_id, summary
            )
        else:
            await connection.execute(
                "UPDATE veille_runs SET status = 'failed', error_message = $2 WHERE id = $1",
                event.run_id,
                event.error_message,
            )

    @staticmethod
    async def truncate(connection: asyncpg.Connection) -> None:
        await connection.execute("TRUNCATE veilles, veille_runs")

    # --- identities --------------------------------------------------------------------------------
    async def veille_id_for(self, request_id: str) -> tuple[int, bool]:
        """The id of the veille a create request makes, and whether this call chose it."""
        async with self._pool.acquire() as connection, connection.transaction():
            row = await connection.fetchrow(
                """
                INSERT INTO veille_requests (request_id, veille_id) VALUES ($1, nextval('veille_ids'))
                ON CONFLICT (request_id) DO NOTHING RETURNING veille_id
                """,
                request_id,
            )
            if row is not None:
                return int(row["veille_id"]), True
            existing = await connection.fetchval(
                "SELECT veille_id FROM veille_requests WHERE request_id = $1", request_id
            )
            return int(existing), False

    async def next_run_id(self) -> int:
        return int(await self._pool.fetchval("SELECT nextval('veille_run_ids')"))

    # --- reads -----------------------------------------------------------------------------------
    async def get(self, veille_id: int) -> VeilleState | None:
        return _from_row(await self._pool.fetchrow("SELECT state FROM veilles WHERE id = $1", veille_id))

    async def list_for_user(self, user_id: int, *, include_deleted: bool = False) -> list[VeilleState]:
        """Newest first; soft-deleted veilles only for the account export."""
        rows = await self._pool.fetch(
            "SELECT state FROM veilles WHERE user_id = $1 AND (status <> 'deleted' OR $2) ORDER BY id DESC",
            user_id,
            include_deleted,
        )
        return [state for row in rows if (state := _from_row(row)) is not None]

    async def due(self, now: datetime, limit: int = 100) -> list[int]:
        rows = await self._pool.fetch(
            """
            SELECT id FROM veilles WHERE status = 'active' AND running = 0 AND next_run_at <= $1
            ORDER BY next_run_at LIMIT $2
            """,
            now,
            limit,
        )
        return [int(row["id"]) for row in rows]

    async def running_runs(self) -> list[asyncpg.Record]:
        return list(
            await self._pool.fetch(
                "SELECT id, veille_id, user_id, job_id, pipeline, started_at FROM veille_runs WHERE status = 'running'"
            )
        )

    async def run_for_job(self, job_id: str) -> asyncpg.Record | None:
        return await self._pool.fetchrow(
            "SELECT id, veille_id, user_id, job_id, pipeline, status FROM veille_runs WHERE job_id = $1", job_id
        )

    async def runs(self, veille_id: int) -> list[asyncpg.Record]:
        return list(
            await self._pool.fetch("SELECT * FROM veille_runs WHERE veille_id = $1 ORDER BY id DESC", veille_id)
        )

    async def run(self, veille_id: int, run_id: int) -> asyncpg.Record | None:
        return await self._pool.fetchrow(
            "SELECT * FROM veille_runs WHERE veille_id = $1 AND id = $2", veille_id, run_id
        )

    # --- what runs computed ------------------------------------------------------------------------
    async def save_details(
        self, run_id: int, state: VeilleState, samples: dict[str, Any], signals: list[dict[str, Any]], snapshot: bytes
    ) -> None:
        await self._pool.execute(
            """
            INSERT INTO veille_run_details (run_id, veille_id, user_id, samples, signals, snapshot)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (run_id) DO UPDATE SET samples = $4, signals = $5, snapshot = $6
            """,
            run_id,
            state.id,
            state.user_id,
            samples,
            signals,
            snapshot,
        )

    async def details(self, run_id: int) -> asyncpg.Record | None:
        return await self._pool.fetchrow("SELECT samples, signals FROM veille_run_details WHERE run_id = $1", run_id)

    async def snapshot(self, run_id: int) -> bytes | None:
        value = await self._pool.fetchval("SELECT snapshot FROM veille_run_details WHERE run_id = $1", run_id)
        return bytes(value) if value is not None else None

    async def remove_for_user(self, user_id: int) -> list[int]:
        """Erase a user's veilles, runs and what they computed; returns the veille ids."""
        async with self._pool.acquire() as connection, connection.transaction():
            rows = await connection.fetch("DELETE FROM veilles WHERE user_id = $1 RETURNING id", user_id)
            await connection.execute("DELETE FROM veille_runs WHERE user_id = $1", user_id)
            await connection.execute("DELETE FROM veille_run_details WHERE user_id = $1", user_id)
        return [int(row["id"]) for row in rows]
