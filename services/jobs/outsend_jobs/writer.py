"""Deciding on a job and recording the decision, safely against concurrent writers."""

from __future__ import annotations

from collections.abc import Callable

from outsend_contracts import errors, subjects
from outsend_contracts.jobs import events as ev
from outsend_contracts.jobs.state import JobState
from outsend_jobs.repository import JobRepository
from outsend_platform.aggregate import AggregateWriter
from outsend_platform.eventstore import EventStore
from outsend_platform.projection import ProjectionRunner

Decision = Callable[[JobState], ev.JobEvent | None]


class JobWriter:
    """Appends job events with optimistic concurrency, then waits until the read model has them."""

    def __init__(self, store: EventStore, projector: ProjectionRunner, repository: JobRepository) -> None:
        self._store = store
        self._projector = projector
        self._repository = repository
        self._writer: AggregateWriter[JobState, ev.JobEvent] = AggregateWriter(
            store, ev.CODEC, repository.get, settle=projector.wait
        )

    async def create(self, event: ev.JobCreated) -> JobState:
        """Record a new job; creating the same job id twice returns the first one."""
        await self._writer.create(event.job_id, event)
        return await self._existing(event.job_id)

    async def latest(self, job_id: str) -> JobState | None:
        """The job with every event appended so far, even ones the read model had not applied yet."""
        await self._projector.wait(await self._store.version(subjects.job_events(job_id)))
        return await self._repository.get(job_id)

    async def decide(self, job_id: str, decision: Decision) -> JobState:
        """Apply ``decision`` to the job's current state and append the event it returns, if any."""
        state, _ = await self._writer.decide_applied(job_id, decision, not_found=errors.JOB_NOT_FOUND)
        return state

    async def _existing(self, job_id: str) -> JobState:
        state = await self._repository.get(job_id)
        if state is None:
            raise errors.DomainError(404, errors.JOB_NOT_FOUND)
        return state
