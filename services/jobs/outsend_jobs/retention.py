"""Time-driven transitions: results expire, overlong jobs fail, unanswered cancellations end."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime, timedelta

from outsend_contracts import errors, subjects
from outsend_contracts.clock import utc_now
from outsend_contracts.jobs import events as ev
from outsend_contracts.jobs.state import JobState, JobStatus
from outsend_contracts.resultfile import result_object
from outsend_jobs.repository import JobRepository
from outsend_jobs.settings import JobsSettings
from outsend_jobs.writer import JobWriter
from outsend_platform.logging import get_logger
from outsend_platform.objects import ObjectStorage

log = get_logger(__name__)


def overdue_transition(state: JobState, now: datetime, settings: JobsSettings) -> ev.JobEvent | None:
    """The event a running job deserves at ``now``, if any (pure, for the sweeper and tests)."""
    if state.status is not JobStatus.RUNNING:
        return None
    if state.cancel_requested_at and now - state.cancel_requested_at > timedelta(seconds=settings.cancel_grace_seconds):
        return ev.JobCancelled(at=now, results_count=state.results_count, error_count=state.error_count)
    if state.started_at and now - state.started_at > timedelta(seconds=settings.job_timeout_seconds):
        return ev.JobFailed(
            at=now,
            error_message=errors.JOB_TIMED_OUT,
            results_count=state.results_count,
            error_count=state.error_count,
        )
    return None


class RetentionSweeper:
    def __init__(
        self, repository: JobRepository, writer: JobWriter, objects: ObjectStorage, settings: JobsSettings
    ) -> None:
        self._repository = repository
        self._writer = writer
        self._objects = objects
        self._settings = settings

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.sweep(utc_now())
            except Exception:
                log.exception("retention.sweep_failed")
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), self._settings.sweep_interval_seconds)

    async def sweep(self, now: datetime) -> None:
        for state in await self._repository.expired_before(now):
            await self._objects.delete(subjects.OBJ_RESULTS, result_object(state.id))
            if state.input_object:
                await self._objects.delete(subjects.OBJ_INPUTS, state.input_object)
            await self._writer.decide(state.id, lambda current: _expire(current, now))
            log.info("retention.expired", job_id=state.id)
        for state in await self._repository.with_status(JobStatus.RUNNING):
            await self._writer.decide(state.id, lambda current: overdue_transition(current, now, self._settings))


def _expire(state: JobState, now: datetime) -> ev.JobEvent | None:
    if state.status.terminal and state.status is not JobStatus.EXPIRED:
        return ev.JobExpired(at=now)
    return None
