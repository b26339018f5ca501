"""Wiring of the jobs service."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

import asyncpg
from nats.aio.msg import Msg

from outsend_contracts import subjects
from outsend_contracts.jobs import commands as cmd
from outsend_contracts.jobs.usage import GetUsage
from outsend_jobs.lifecycle import JobLifecycle
from outsend_jobs.projection import PROJECTION
from outsend_jobs.queue import JobQueue
from outsend_jobs.quotas import COMMAND_HANDLERS, AccountQuotas
from outsend_jobs.repository import JobRepository
from outsend_jobs.retention import RetentionSweeper
from outsend_jobs.settings import JobsSettings
from outsend_jobs.writer import JobWriter
from outsend_platform import db
from outsend_platform.accounts import serve_account_erasure
from outsend_platform.commands import CommandRouter
from outsend_platform.consumer import listen
from outsend_platform.eventstore import EventStore
from outsend_platform.logging import get_logger
from outsend_platform.objects import ObjectStorage
from outsend_platform.service import Runtime, run_service

log = get_logger(__name__)
SCHEMA = "jobs"


async def setup(runtime: Runtime) -> list[Coroutine[Any, Any, None]]:
    js = runtime.broker.js
    settings = JobsSettings.from_env()
    store = EventStore(js)
    objects = ObjectStorage(js)
    repository = JobRepository(runtime.db)
    projector = runtime.projections[PROJECTION.name]
    writer = JobWriter(store, projector, repository)
    queue = JobQueue(runtime.broker, runtime.db, repository, writer)
    locks = await db.create_pool(runtime.settings.database_url, SCHEMA, min_size=0, max_size=COMMAND_HANDLERS)
    quotas = AccountQuotas(locks, repository, objects, settings)
    lifecycle = JobLifecycle(writer, repository, queue, store, objects, settings, runtime.broker, quotas)
    sweeper = RetentionSweeper(repository, writer, objects, settings)

    commands = CommandRouter(runtime.broker, "jobs")
    commands.route(subjects.CMD_JOBS_CREATE, cmd.CreateJob, lifecycle.create)
    commands.route(subjects.CMD_JOBS_CANCEL, cmd.CancelJob, lifecycle.cancel)
    commands.route(subjects.CMD_JOBS_DELETE, cmd.DeleteJob, lifecycle.delete)
    commands.route(subjects.CMD_JOBS_RESUME, cmd.ResumeJob, lifecycle.resume)
    commands.route(subjects.CMD_JOBS_PURGE_USER, cmd.PurgeUserJobs, lifecycle.purge_user)
    await runtime.rpc.route(subjects.JOBS_GET, cmd.GetJob, lifecycle.get)
    await runtime.rpc.route(subjects.JOBS_LIST, cmd.ListJobs, lifecycle.list)
    await runtime.rpc.route(subjects.JOBS_USAGE, GetUsage, quotas.usage)

    async def slot_freed(message: Msg) -> None:
        aggregate = subjects.job_events(subjects.job_id_from_subject(message.subject))
        try:
            await projector.wait(await store.version(aggregate), timeout=5)
        finally:
            queue.poke()

    for event in subjects.JOB_TERMINAL_EVENTS:
        await listen(runtime.broker, subjects.job_terminal_events(event), slot_freed, concurrency=COMMAND_HANDLERS)

    async def recover() -> None:
        await projector.wait(await store.version(subjects.EVT_JOB_ALL), timeout=60)
        await queue.resend_running()
        await runtime.stop.wait()

    async def erase_user(user_id: int) -> None:
        """Account deleted: once the read model has every job event so far, purge the user's jobs."""
        await projector.wait(await store.version(subjects.EVT_JOB_ALL), timeout=60)
        await lifecycle.purge_user(cmd.PurgeUserJobs(user_id=user_id))

    return [
        serve_account_erasure(runtime, erase_user),
        commands.run(runtime.stop, concurrency=COMMAND_HANDLERS),
        queue.run(runtime.stop),
        sweeper.run(runtime.stop),
        recover(),
        _close_on_stop(runtime.stop, locks),
    ]


async def _close_on_stop(stop: asyncio.Event, pool: asyncpg.Pool) -> None:
    await stop.wait()
    await pool.close()


def main() -> None:
    run_service("jobs", setup, schema=SCHEMA, migrations="outsend_jobs", projections=[PROJECTION])
