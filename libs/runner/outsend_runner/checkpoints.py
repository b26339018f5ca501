"""Rows already processed, committed in Postgres: what a redelivered job resumes from.

Each input row is written once (``ON CONFLICT DO NOTHING`` on ``(job, row, part)``), so a job
that restarts after a crash neither loses a finished row nor writes one twice. A job runs in
one place at a time (:meth:`Checkpoints.exclusive`), so a redelivered work order never races the
execution it duplicates.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg

NO_OUTPUT = -1
"""``part`` of the marker recorded for an input row that produced no output row."""


@dataclass(frozen=True)
class RowRecord:
    index: int
    part: int
    data: dict[str, Any]
    failed: bool = False
    counted: bool = True
    error: str | None = None
    """Why the row failed, for the job's log."""


@dataclass(frozen=True)
class Counts:
    processed: int
    results: int
    errors: int


class Checkpoints:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def save(self, job_id: str, records: Sequence[RowRecord]) -> None:
        if not records:
            return
        await self._pool.executemany(
            "INSERT INTO job_rows (job_id, idx, part, data, failed, counted, error)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
            [(job_id, r.index, r.part, r.data, r.failed, r.counted, r.error) for r in records],
        )

    async def processed_indices(self, job_id: str) -> set[int]:
        rows = await self._pool.fetch("SELECT DISTINCT idx FROM job_rows WHERE job_id = $1", job_id)
        return {row["idx"] for row in rows}

    async def counts(self, job_id: str) -> Counts:
        row = await self._pool.fetchrow(
            """
            SELECT count(DISTINCT idx) AS processed,
                   count(*) FILTER (WHERE counted AND NOT failed AND part <> $2) AS results,
                   count(DISTINCT idx) FILTER (WHERE failed) AS errors
            FROM job_rows WHERE job_id = $1
            """,
            job_id,
            NO_OUTPUT,
        )
        assert row is not None
        return Counts(processed=row["processed"], results=row["results"], errors=row["errors"])

    async def records(self, job_id: str) -> list[RowRecord]:
        rows = await self._pool.fetch(
            "SELECT idx, part, data, failed, counted FROM job_rows WHERE job_id = $1 ORDER BY idx, part", job_id
        )
        return [RowRecord(row["idx"], row["part"], row["data"], row["failed"], row["counted"]) for row in rows]

    async def failure_reasons(self, job_id: str, limit: int = 5) -> list[tuple[str, int]]:
        """The most frequent reasons rows failed, across every attempt of the job."""
        rows = await self._pool.fetch(
            """
            SELECT coalesce(error, '') AS reason, count(*) AS rows FROM job_rows
            WHERE job_id = $1 AND failed GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $2
            """,
            job_id,
            limit,
        )
        return [(row["reason"], row["rows"]) for row in rows]

    @contextlib.asynccontextmanager
    async def exclusive(self, job_id: str) -> AsyncIterator[None]:
        """Hold the job's advisory lock while it runs.

        JetStream redelivers a work order whose keep-alive came late while the first execution is
        still alive; without the lock the two would finish concurrently, and the late one, finding
        the rows already forgotten, would write an empty result. The duplicate waits here, then
        finds the job ended. A killed worker's connection closes, which frees the lock at once.
        """
        async with self._pool.acquire() as connection:
            await connection.execute("SELECT pg_advisory_lock(hashtextextended($1, 0))", job_id)
            try:
                yield
            finally:
                with contextlib.suppress(Exception):  # a dropped connection has released it already
                    await connection.execute("SELECT pg_advisory_unlock(hashtextextended($1, 0))", job_id)

    async def forget(self, job_id: str) -> None:
        await self._pool.execute("DELETE FROM job_rows WHERE job_id = $1", job_id)
