"""The jobs read model: one row per job, the job's events folded in by ``outsend_platform``."""

from __future__ import annotations

import asyncpg

from outsend_contracts.jobs import events as ev
from outsend_contracts.jobs.state import JobState
from outsend_jobs.repository import JobRepository
from outsend_platform.projection import FoldProjection


class JobTable:
    """Where the fold of each job is kept: its row, and the EF its creation charged."""

    def created(self, event: ev.JobEvent, seq: int) -> JobState | None:
        return JobState.created(event, seq) if isinstance(event, ev.JobCreated) else None

    async def load_for_update(self, connection: asyncpg.Connection, job_id: str) -> JobState | None:
        return await JobRepository.load_for_update(connection, job_id)

    async def save(self, connection: asyncpg.Connection, state: JobState, event: ev.JobEvent) -> None:
        if state.deleted:
            await JobRepository.remove(connection, state.id)
            return
        await JobRepository.save(connection, state)
        if isinstance(event, ev.JobCreated):
            await JobRepository.charge(connection, event)

    async def reset(self, connection: asyncpg.Connection) -> None:
        await JobRepository.truncate(connection)


PROJECTION = FoldProjection("jobs", ev.CODEC, JobTable())
