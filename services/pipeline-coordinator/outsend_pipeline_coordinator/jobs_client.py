"""The coordinator's side of the jobs service: read jobs, create and cancel them."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from outsend_contracts import errors, subjects
from outsend_contracts.clock import new_id
from outsend_contracts.jobs.commands import CREATE_TIMEOUT, CancelJob, CreateJob, GetJob
from outsend_contracts.jobs.state import JobState
from outsend_platform import commands, rpc
from outsend_platform.broker import Broker


class JobsClient:
    def __init__(self, broker: Broker) -> None:
        self._broker = broker

    async def get(self, job_id: str) -> JobState | None:
        try:
            return await rpc.call(self._broker, subjects.JOBS_GET, GetJob(job_id=job_id), JobState)
        except errors.DomainError as error:
            if error.status == 404:
                return None
            raise

    async def get_many(self, job_ids: Iterable[str]) -> dict[str, JobState]:
        """The jobs that still exist among ``job_ids`` (deleted ones are left out)."""
        unique = list(dict.fromkeys(job_ids))
        found = await asyncio.gather(*(self.get(job_id) for job_id in unique))
        return {job.id: job for job in found if job is not None}

    async def create(self, command: CreateJob) -> JobState:
        # The job id makes creation idempotent; each send gets its own message id so that a
        # re-send (after a crash) reaches the jobs service and gets the existing job back.
        return await commands.send(
            self._broker,
            subjects.CMD_JOBS_CREATE,
            command,
            msg_id=new_id("pcmd"),
            result_type=JobState,
            timeout=CREATE_TIMEOUT,
        )

    async def cancel(self, job_id: str) -> None:
        """Stop a job for its owner; a job that already ended (or is gone) is left as it is."""
        try:
            await commands.send(
                self._broker,
                subjects.CMD_JOBS_CANCEL,
                CancelJob(job_id=job_id, user_id=None),
                msg_id=new_id("pcmd"),
                result_type=dict,
            )
        except errors.DomainError as error:
            if error.status not in (400, 404):
                raise
