"""The jobs read model: each event folded into its job's row."""

from __future__ import annotations

import asyncpg

from outsend_contracts import subjects
from outsend_contracts.jobs import events as ev
from outsend_contracts.jobs.state import JobState
from outsend_jobs.repository import JobRepository


class JobProjection:
    name = "jobs"
    subject_filter = subjects.EVT_JOB_ALL

    async def apply(self, connection: asyncpg.Connection, seq: int, subject: str, data: bytes) -> None:
        event = ev.decode_event(data)
        if isinstance(event, ev.JobCreated):
            await JobRepository.save(connection, JobState.created(event, seq))
            await JobRepository.charge(connection, event)
            return
        state = await JobRepository.load_for_update(connection, subjects.job_id_from_subject(subject))
        if state is None:
            return  # events of a deleted job still in flight
        state.apply(event, seq)
        if state.deleted:
            await JobRepository.remove(connection, state.id)
        else:
            await JobRepository.save(connection, state)

    async def reset(self, connection: asyncpg.Connection) -> None:
        await JobRepository.truncate(connection)
