"""The queue: admitting pending jobs into lanes, round-robin across accounts, and dispatching their work."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib

import asyncpg
from opentelemetry import context, propagate

from outsend_contracts import streams, subjects
from outsend_contracts.clock import utc_now
from outsend_contracts.jobs import events as ev
from outsend_contracts.jobs.commands import WorkOrder
from outsend_contracts.jobs.state import JobState, JobStatus
from outsend_jobs.admission import Slot, select_admissions
from outsend_jobs.repository import JobRepository
from outsend_jobs.writer import JobWriter
from outsend_platform import rpc
from outsend_platform.broker import Broker
from outsend_platform.logging import get_logger
from outsend_platform.tracing import tracer

log = get_logger(__name__)

_LOCK_KEY = int.from_bytes(hashlib.sha256(b"jobs:dispatch").digest()[:8], "big", signed=True)


class JobQueue:
    def __init__(self, broker: Broker, pool: asyncpg.Pool, repository: JobRepository, writer: JobWriter) -> None:
        self._broker = broker
        self._pool = pool
        self._repository = repository
        self._writer = writer
        self._local = asyncio.Lock()
        self._poked = asyncio.Event()

    def poke(self) -> None:
        """Something ended or was created: look at the queue again soon."""
        self._poked.set()

    async def run(self, stop: asyncio.Event, interval: float = 1.0) -> None:
        while not stop.is_set():
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._poked.wait(), interval)
            self._poked.clear()
            try:
                await self.dispatch_ready_jobs()
            except Exception:
                log.exception("queue.dispatch_failed")
                await asyncio.sleep(1.0)

    async def dispatch_ready_jobs(self) -> None:
        """Start every pending job that has room, round-robin across accounts, oldest first within one.

        One dispatcher at a time across replicas (a Postgres advisory lock); the ``started``
        append is conditional on the job's version, so a job cancelled meanwhile is not started.
        """
        async with self._local, self._pool.acquire() as connection:
            if not await connection.fetchval("SELECT pg_try_advisory_lock($1)", _LOCK_KEY):
                return
            try:
                await self._admit()
            finally:
                await connection.execute("SELECT pg_advisory_unlock($1)", _LOCK_KEY)

    async def _admit(self) -> None:
        pending = await self._repository.with_status(JobStatus.PENDING)
        if not pending:
            return
        running = await self._repository.with_status(JobStatus.RUNNING)
        last_started = await self._repository.last_started(sorted({state.user_id for state in pending}))
        for slot in select_admissions(_slots(pending), _slots(running), last_started=last_started):
            state = await self._writer.decide(slot.job_id, _start)
            if state.status is JobStatus.RUNNING:
                await self.send_work(state)

    async def send_work(self, state: JobState) -> None:
        """Publish the job's work order; re-sending the same attempt is deduplicated by JetStream."""
        order = WorkOrder(
            job_id=state.id,
            job_type=state.job_type,
            user_id=state.user_id,
            attempt=state.attempt,
            params=state.params,
            input_object=state.input_object,
            source_job_id=state.source_job_id,
            pipeline_id=state.pipeline_id,
        )
        token = context.attach(propagate.extract(state.trace_context or {}))
        try:
            with tracer().start_as_current_span("dispatch job", attributes={"job.id": state.id}):
                # The id makes a re-dispatch of the same attempt (after a restart) a no-op.
                await self._broker.stream.publish(
                    rpc.encode(order),
                    subjects.work(state.lane, state.job_type),
                    headers={"Nats-Msg-Id": f"{state.id}:{state.attempt}"},
                    stream=streams.WORK.name,
                    timeout=10,
                )
        finally:
            context.detach(token)
        log.info("queue.dispatched", job_id=state.id, job_type=state.job_type, attempt=state.attempt)

    async def resend_running(self) -> None:
        """After a restart: make sure every running job has its work order in the stream."""
        for state in await self._repository.with_status(JobStatus.RUNNING):
            await self.send_work(state)


def _slots(states: list[JobState]) -> list[Slot]:
    return [Slot(job_id=state.id, user_id=state.user_id, lane=state.lane) for state in states]


def _start(state: JobState) -> ev.JobEvent | None:
    if state.status is not JobStatus.PENDING:
        return None
    return ev.JobStarted(at=utc_now(), attempt=state.attempt + 1)
