"""Units of a source job and the rows they found, committed in Postgres.

A unit, its rows and its follow-up units are written in one transaction: a worker killed at any
moment leaves either the whole unit or none of it. Rows are keyed by the module's row key
(``ON CONFLICT DO NOTHING``), so a unit explored twice, or two units finding the same row, never
produce a duplicate. The checkpoints of a job that was cancelled or failed are kept for
:data:`KEPT_FOR` so a resume job can inherit them; a finished job's are removed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

import asyncpg

from outsend_runner.module import Unit, UnitOutcome

KEPT_FOR = timedelta(days=7)
"""How long an interrupted job stays resumable (the result retention)."""


class UnitCheckpoints:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def add(self, job_id: str, units: Sequence[Unit]) -> None:
        await self._pool.executemany(
            "INSERT INTO job_units (job_id, key, data, parent) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            [(job_id, unit.key, unit.data, unit.parent) for unit in units],
        )

    async def inherit(self, job_id: str, source_job_id: str) -> int:
        """Copy an interrupted job's units and rows into its resume job; returns the units copied."""
        async with self._pool.acquire() as connection, connection.transaction():
            copied = await connection.execute(
                """
                INSERT INTO job_units (job_id, key, data, parent, outcome)
                SELECT $1, key, data, parent, outcome FROM job_units WHERE job_id = $2 ORDER BY seq
                ON CONFLICT DO NOTHING
                """,
                job_id,
                source_job_id,
            )
            await connection.execute(
                """
                INSERT INTO job_found_rows (job_id, key, data, unit)
                SELECT $1, key, data, unit FROM job_found_rows WHERE job_id = $2 ORDER BY seq
                ON CONFLICT DO NOTHING
                """,
                job_id,
                source_job_id,
            )
        return int(copied.split()[-1])

    async def pending(self, job_id: str) -> list[Unit]:
        rows = await self._pool.fetch(
            "SELECT key, data, parent FROM job_units WHERE job_id = $1 AND outcome IS NULL ORDER BY seq", job_id
        )
        return [Unit(row["key"], row["data"], row["parent"]) for row in rows]

    async def outcomes(self, job_id: str) -> list[UnitOutcome]:
        rows = await self._pool.fetch(
            "SELECT key, data, outcome FROM job_units WHERE job_id = $1 AND outcome IS NOT NULL ORDER BY seq", job_id
        )
        return [_outcome(row["key"], row["data"], row["outcome"]) for row in rows]

    async def total(self, job_id: str) -> int:
        return int(await self._pool.fetchval("SELECT count(*) FROM job_units WHERE job_id = $1", job_id))

    async def row_keys(self, job_id: str) -> set[str]:
        rows = await self._pool.fetch("SELECT key FROM job_found_rows WHERE job_id = $1", job_id)
        return {row["key"] for row in rows}

    async def rows(self, job_id: str) -> list[dict[str, Any]]:
        rows = await self._pool.fetch("SELECT data FROM job_found_rows WHERE job_id = $1 ORDER BY seq", job_id)
        return [row["data"] for row in rows]

    async def complete(
        self,
        job_id: str,
        unit: Unit,
        keyed_rows: Sequence[tuple[str, dict[str, Any]]],
        outcome: Callable[[list[str]], tuple[dict[str, Any], list[Unit]]],
    ) -> tuple[UnitOutcome, list[Unit]]:
        """Record a unit's rows, then its outcome and follow-ups as ``outcome(new_keys)`` decides."""
        async with self._pool.acquire() as connection, connection.transaction():
            # Units of one job complete one at a time: two tiles inserting the same places in
            # different orders would otherwise wait on each other's rows and deadlock. (Seed 1:
            # not the key of the job's run lock in ``Checkpoints.exclusive``, which is held.)
            await connection.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 1))", job_id)
            new: list[str] = []
            for key, data in keyed_rows:
                inserted = await connection.fetchval(
                    "INSERT INTO job_found_rows (job_id, key, data, unit) VALUES ($1, $2, $3, $4) "
                    "ON CONFLICT DO NOTHING RETURNING 1",
                    job_id,
                    key,
                    data,
                    unit.key,
                )
                if inserted:
                    new.append(key)
            record, follow_ups = outcome(new)
            await connection.executemany(
                "INSERT INTO job_units (job_id, key, data, parent) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                [(job_id, child.key, child.data, unit.key) for child in follow_ups],
            )
            await connection.execute(
                "UPDATE job_units SET outcome = $3, updated_at = now() WHERE job_id = $1 AND key = $2",
                job_id,
                unit.key,
                record,
            )
        return _outcome(unit.key, unit.data, record), follow_ups

    async def forget(self, job_id: str) -> None:
        async with self._pool.acquire() as connection, connection.transaction():
            await connection.execute("DELETE FROM job_units WHERE job_id = $1", job_id)
            await connection.execute("DELETE FROM job_found_rows WHERE job_id = $1", job_id)

    async def purge_stale(self) -> int:
        """Remove what interrupted jobs left once they can no longer be resumed."""
        stale = await self._pool.fetch(
            "SELECT job_id FROM job_units GROUP BY job_id HAVING max(updated_at) < now() - $1::interval", KEPT_FOR
        )
        for row in stale:
            await self.forget(row["job_id"])
        return len(stale)


def _outcome(key: str, data: dict[str, Any], record: dict[str, Any]) -> UnitOutcome:
    return UnitOutcome(
        key=key,
        data=data,
        found=int(record.get("found", 0)),
        new_rows=int(record.get("new_rows", 0)),
        attempts=int(record.get("attempts", 1)),
        flagged=bool(record.get("flagged", False)),
        facts=dict(record.get("facts") or {}),
    )
