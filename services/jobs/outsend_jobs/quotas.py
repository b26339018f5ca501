"""Per-account limits checked when a job is created: queued jobs, EF per month, stored bytes.

The queue cap keeps one account from filling the queue; the two budgets are optional and set by
the operator. Stored bytes are measured in the object store (input and result files of the
account's jobs), so a deleted or expired job frees its share at once.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import AsyncIterator
from datetime import datetime

import asyncpg

from outsend_contracts import errors, subjects
from outsend_contracts.clock import utc_now
from outsend_contracts.jobs.commands import CreateJob
from outsend_contracts.jobs.state import JobStatus
from outsend_contracts.jobs.usage import AccountUsage, GetUsage
from outsend_contracts.resultfile import result_object
from outsend_jobs.repository import JobRepository
from outsend_jobs.settings import MEGABYTE, JobsSettings
from outsend_platform.objects import ObjectStorage

COMMAND_HANDLERS = 8
"""Commands the jobs service handles at once; each may hold one connection of the lock pool."""


class AccountQuotas:
    def __init__(
        self, locks: asyncpg.Pool, repository: JobRepository, objects: ObjectStorage, settings: JobsSettings
    ) -> None:
        self._locks = locks
        self._repository = repository
        self._objects = objects
        self._settings = settings

    async def usage(self, query: GetUsage) -> AccountUsage:
        return AccountUsage(
            ef_month=round(await self._repository.ef_charged_since(query.user_id, month_start(utc_now())), 6),
            ef_monthly_quota=self._settings.ef_monthly_quota,
            storage_bytes=await self._stored_bytes(query.user_id, await self._objects.sizes(subjects.OBJ_INPUTS)),
            storage_quota_bytes=self._settings.storage_quota_bytes,
            queued_jobs=await self._repository.count_for_user(query.user_id, JobStatus.PENDING),
            max_queued_jobs=self._settings.max_queued_jobs_per_user,
        )

    @contextlib.asynccontextmanager
    async def room_for(self, command: CreateJob, ef_cost: float) -> AsyncIterator[None]:
        """Hold the account's creations while the job is checked against its limits and recorded.

        A Postgres advisory lock per account, across replicas and the concurrent command
        handlers: two simultaneous creations cannot both take the last place. Its connection
        comes from a pool of its own (``COMMAND_HANDLERS`` connections), so creations waiting
        for the lock never starve the pool the creation itself reads and writes through.
        """
        async with self._locks.acquire() as connection:
            await connection.execute("SELECT pg_advisory_lock($1)", _account_lock(command.user_id))
            try:
                await self._check(command, ef_cost)
                yield
            finally:
                await connection.execute("SELECT pg_advisory_unlock($1)", _account_lock(command.user_id))

    async def _check(self, command: CreateJob, ef_cost: float) -> None:
        if await self._repository.get(command.job_id) is not None:
            return  # a retried command: the job exists, it was admitted the first time
        limit = self._settings.max_queued_jobs_per_user
        if await self._repository.count_for_user(command.user_id, JobStatus.PENDING) >= limit:
            raise errors.DomainError(429, errors.TOO_MANY_QUEUED_JOBS.format(limit=limit))
        await self._check_ef(command.user_id, ef_cost)
        await self._check_storage(command)

    async def _check_ef(self, user_id: int, ef_cost: float) -> None:
        quota = self._settings.ef_monthly_quota
        if quota is None:
            return
        used = round(await self._repository.ef_charged_since(user_id, month_start(utc_now())), 6)
        if round(used + ef_cost, 6) > quota:  # EF costs are rounded to 6 decimals
            raise errors.DomainError(403, errors.EF_MONTHLY_QUOTA_EXCEEDED.format(used=used, cost=ef_cost, quota=quota))

    async def _check_storage(self, command: CreateJob) -> None:
        quota = self._settings.storage_quota_bytes
        if quota is None:
            return
        inputs = await self._objects.sizes(subjects.OBJ_INPUTS)
        used = await self._stored_bytes(command.user_id, inputs)
        incoming = inputs.get(command.input_object or "", 0)  # the new job's own input is already stored
        if used + incoming > quota:
            raise errors.DomainError(
                403, errors.STORAGE_QUOTA_EXCEEDED.format(used_mb=used / MEGABYTE, quota_mb=quota / MEGABYTE)
            )

    async def _stored_bytes(self, user_id: int, inputs: dict[str, int]) -> int:
        files = await self._repository.stored_files(user_id)
        results = await self._objects.sizes(subjects.OBJ_RESULTS)
        return sum(results.get(result_object(job_id), 0) + inputs.get(name or "", 0) for job_id, name in files)


def month_start(moment: datetime) -> datetime:
    """The first instant of ``moment``'s calendar month (UTC): EF budgets restart there."""
    return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _account_lock(user_id: int) -> int:
    return int.from_bytes(hashlib.sha256(f"jobs:account:{user_id}".encode()).digest()[:8], "big", signed=True)
