"""Deciding on a job and recording the decision, safely against concurrent writers."""

from __future__ import annotations

from collections.abc import Callable

from outsend_contracts import errors, subjects
from outsend_contracts.jobs import events as ev
from outsend_contracts.jobs.state import JobState
from outsend_jobs.repository import JobRepository
from outsend_platform.eventstore import ConcurrencyError, EventStore
from outsend_platform.projection import ProjectionRunner

Decision = Callable[[JobState], ev.JobEvent | None]

MAX_ATTEMPTS = 8


class JobWriter:
    """Appends job events with optimistic concurrency, then waits until the read model has them."""

    def __init__(self, store: EventStore, projector: ProjectionRunner, repository: JobRepository) -> None:
        self._store = store
        self._projector = projector
        self._repository = repository

    async def create(self, event: ev.JobCreated) -> JobState:
        """Record a new job; creating the same job id twice returns the first one."""
        aggregate = subjects.job_events(event.job_id)
        try:
            seq = await self._store.append(
                subjects.job_event(event.job_id, "created"),
                ev.encode_event(event),
                aggregate=aggregate,
                expected_version=0,
            )
        except ConcurrencyError:
            seq = await self._store.version(aggregate)
        await self._projector.wait(seq)
        state = await self._repository.get(event.job_id)
        if state is None:
            raise errors.DomainError(404, errors.JOB_NOT_FOUND)
        return state

    async def latest(self, job_id: str) -> JobState | None:
        """The job with every event appended so far, even ones the read model had not applied yet."""
        await self._projector.wait(await self._store.version(subjects.job_events(job_id)))
        return await self._repository.get(job_id)

    async def decide(self, job_id: str, decision: Decision) -> JobState:
        """Apply ``decision`` to the job's current state and append the event it returns, if any.

        If another writer appended meanwhile, the state is re-read and the decision taken again.
        """
        aggregate = subjects.job_events(job_id)
        for _ in range(MAX_ATTEMPTS):
            state = await self._repository.get(job_id)
            if state is None:
                raise errors.DomainError(404, errors.JOB_NOT_FOUND)
            event = decision(state)
            if event is None:
                return state
            try:
                seq = await self._store.append(
                    subjects.job_event(job_id, ev.event_name(event)),
                    ev.encode_event(event),
                    aggregate=aggregate,
                    expected_version=state.version,
                )
            except ConcurrencyError:
                await self._projector.wait(await self._store.version(aggregate))
                continue
            await self._projector.wait(seq)
            state.apply(event, seq)  # type: ignore[arg-type]
            return state
        raise errors.DomainError(503, errors.SERVICE_UNAVAILABLE)
