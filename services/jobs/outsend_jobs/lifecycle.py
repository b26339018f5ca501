"""Commands and queries on jobs: create, cancel, delete, resume, get, list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from msgspec.structs import replace

from outsend_contracts import errors, registry, subjects
from outsend_contracts.clock import utc_now
from outsend_contracts.jobs import commands as cmd
from outsend_contracts.jobs import events as ev
from outsend_contracts.jobs.state import JobState, JobStatus
from outsend_contracts.resultfile import result_object
from outsend_contracts.scrape import Estimate, EstimateQuery
from outsend_jobs.queue import JobQueue
from outsend_jobs.quotas import AccountQuotas
from outsend_jobs.repository import JobRepository
from outsend_jobs.settings import JobsSettings
from outsend_jobs.writer import JobWriter
from outsend_platform import commands, rpc
from outsend_platform.broker import Broker
from outsend_platform.eventstore import EventStore
from outsend_platform.objects import ObjectStorage
from outsend_platform.tracing import inject_headers

MAX_LIST_LIMIT = 500


@dataclass(frozen=True)
class Charge:
    """What a job costs, decided before it is admitted."""

    ef_cost: float
    grid_points_count: int
    notice: str | None = None


class JobLifecycle:
    def __init__(
        self,
        writer: JobWriter,
        repository: JobRepository,
        queue: JobQueue,
        store: EventStore,
        objects: ObjectStorage,
        settings: JobsSettings,
        broker: Broker,
        quotas: AccountQuotas,
    ) -> None:
        self._broker = broker
        self._quotas = quotas
        self._writer = writer
        self._repository = repository
        self._queue = queue
        self._store = store
        self._objects = objects
        self._settings = settings

    # --- queries -------------------------------------------------------------------------------
    async def get(self, query: cmd.GetJob) -> JobState:
        return await self._owned(query.job_id, query.user_id)

    async def list(self, query: cmd.ListJobs) -> list[JobState]:
        limit = min(max(query.limit, 1), MAX_LIST_LIMIT)
        return await self._repository.list_for_user(query.user_id, limit, max(query.offset, 0))

    # --- commands ------------------------------------------------------------------------------
    async def create(self, command: cmd.CreateJob) -> JobState:
        """Prepare a job from its module's spec (its source, its price), then admit it."""
        spec = _launchable(command.job_type)
        if command.source_job_id is None and spec.source_choice is not None:
            command = replace(command, source_job_id=spec.source_choice.source_job(command.params))
        items_count = command.items_count
        prerequisite = spec.source_prerequisite
        if prerequisite is not None and prerequisite.applies(command.params) and command.source_job_id is None:
            raise errors.DomainError(400, errors.DEEP_REQUIRES_NORMAL)
        if command.source_job_id is not None:
            source = await self._check_source(command, spec)
            items_count = items_count or source.results_count
        if spec.estimate_subject is None:
            charge = Charge(ef_cost=spec.ef_cost(items_count, command.params), grid_points_count=items_count)
        else:
            charge = await self._estimate(spec.estimate_subject, command.params)
        return await self._admit(command, spec, items_count, charge)

    async def _estimate(self, subject: str, params: dict[str, Any]) -> Charge:
        """The module's own price of a run; its first error refuses the job."""
        query = EstimateQuery(options=params)
        estimate = await rpc.call(self._broker, subject, query, Estimate, timeout=cmd.ESTIMATE_TIMEOUT)
        if estimate.errors:
            raise errors.DomainError(400, estimate.errors[0])
        return Charge(ef_cost=estimate.ef_cost, grid_points_count=estimate.grid_points, notice=estimate.notice)

    async def _admit(
        self, command: cmd.CreateJob, spec: registry.ModuleSpec, items_count: int, charge: Charge
    ) -> JobState:
        """The EF limits and the account's quotas, checked once, then the job recorded and queued."""
        if charge.ef_cost > registry.MAX_EF_PER_JOB:
            limit = registry.MAX_EF_PER_JOB
            raise errors.DomainError(400, errors.QUOTA_EXCEEDED.format(cost=charge.ef_cost, limit=limit))
        async with self._quotas.room_for(command, charge.ef_cost):
            state = await self._record(command, spec, items_count, charge)
        await self._queue.dispatch_ready_jobs()
        return await self._repository.get(state.id) or state

    async def _record(
        self, command: cmd.CreateJob, spec: registry.ModuleSpec, items_count: int, charge: Charge
    ) -> JobState:
        assert spec.lane is not None
        event = ev.JobCreated(
            at=utc_now(),
            job_id=command.job_id,
            user_id=command.user_id,
            job_type=spec.slug,
            lane=spec.lane.value,
            params=command.params,
            input_object=command.input_object,
            items_count=items_count,
            source_job_id=command.source_job_id,
            pipeline_id=command.pipeline_id,
            pipeline_node_id=command.pipeline_node_id,
            ef_cost=charge.ef_cost,
            grid_points_count=charge.grid_points_count or items_count,
            notice=charge.notice,
            retention_seconds=self._settings.retention_seconds,
            trace_context=inject_headers(),
        )
        return await self._writer.create(event)

    async def _check_source(self, command: cmd.CreateJob, spec: registry.ModuleSpec) -> JobState:
        assert command.source_job_id is not None
        # The source may have just ended (a pipeline reacts to its ``done`` event): read it up to date.
        source = await self._owned(command.source_job_id, command.user_id, latest=True)
        prerequisite = spec.source_prerequisite
        if prerequisite is not None and prerequisite.applies(command.params):
            met = prerequisite.met_by(spec.slug, source.job_type, source.params)
            if not (met and source.status is JobStatus.DONE):
                raise errors.DomainError(400, errors.DEEP_REQUIRES_NORMAL)
        if source.status is not JobStatus.DONE:
            raise errors.DomainError(400, errors.SOURCE_JOB_NOT_DONE)
        if not registry.REGISTRY[source.job_type].reusable_output or not source.download_available:
            raise errors.DomainError(400, errors.SOURCE_JOB_NO_OUTPUT)
        return source

    async def cancel(self, command: cmd.CancelJob) -> dict[str, Any]:
        await self._owned(command.job_id, command.user_id)

        def decide(state: JobState) -> ev.JobEvent | None:
            if state.status.terminal:
                raise errors.DomainError(400, errors.JOB_ALREADY_TERMINAL)
            if state.status is JobStatus.PENDING:
                return ev.JobCancelled(at=utc_now())
            return None if state.cancel_requested else ev.JobCancelRequested(at=utc_now())

        await self._writer.decide(command.job_id, decide)
        return {"ok": True}

    async def delete(self, command: cmd.DeleteJob) -> dict[str, Any]:
        await self._owned(command.job_id, command.user_id)

        def decide(state: JobState) -> ev.JobEvent | None:
            if not state.status.terminal:
                raise errors.DomainError(400, errors.JOB_RUNNING_CANNOT_DELETE)
            return ev.JobDeleted(at=utc_now())

        state = await self._writer.decide(command.job_id, decide)
        await self.erase(state)
        return {"ok": True}

    async def erase(self, state: JobState) -> None:
        """Remove what a deleted job leaves behind: its files, its events, its worker's checkpoints."""
        await self._objects.delete(subjects.OBJ_RESULTS, result_object(state.id))
        if state.input_object:
            await self._objects.delete(subjects.OBJ_INPUTS, state.input_object)
        await self._store.purge(subjects.job_events(state.id))
        spec = registry.REGISTRY.get(state.job_type)
        if spec is not None and spec.service is not None:
            forget = cmd.ForgetJob(job_id=state.id)
            await commands.post(
                self._broker, subjects.cmd_forget_job(spec.service), forget, msg_id=f"forget-{state.id}"
            )

    async def resume(self, command: cmd.ResumeJob) -> JobState:
        source = await self._owned(command.job_id, command.user_id)
        spec = registry.REGISTRY.get(source.job_type)
        resumable = spec is not None and spec.resumable and source.status in (JobStatus.CANCELLED, JobStatus.FAILED)
        if not resumable or source.processed_points >= source.grid_points_count:
            raise errors.DomainError(400, errors.JOB_NOT_RESUMABLE)
        remaining = 1 - source.processed_points / max(source.grid_points_count, 1)
        create = cmd.CreateJob(
            job_id=command.new_job_id,
            user_id=command.user_id,
            job_type=source.job_type,
            params={**source.params, "resume": True},
            source_job_id=source.id,
            pipeline_id=source.pipeline_id,
            pipeline_node_id=source.pipeline_node_id,
        )
        # What is left of the run it continues: no new estimate, the rest of the same price.
        charge = Charge(ef_cost=round(source.ef_cost * remaining, 6), grid_points_count=source.grid_points_count)
        return await self._admit(create, _launchable(source.job_type), source.results_count, charge)

    async def purge_user(self, command: cmd.PurgeUserJobs) -> dict[str, Any]:
        """Account deletion: cancel what runs, then delete every job of the user."""
        for job_id in await self._repository.ids_for_user(command.user_id):
            state = await self._writer.decide(job_id, _force_end)
            state = await self._writer.decide(job_id, lambda _: ev.JobDeleted(at=utc_now()))
            await self.erase(state)
        await self._repository.forget_charges(command.user_id)
        return {"ok": True}

    async def _owned(self, job_id: str, user_id: int | None, *, latest: bool = False) -> JobState:
        state = await (self._writer.latest(job_id) if latest else self._repository.get(job_id))
        if state is None:
            raise errors.DomainError(404, errors.JOB_NOT_FOUND)
        if user_id is not None and state.user_id != user_id:
            raise errors.DomainError(403, errors.FORBIDDEN)
        return state


def _launchable(job_type: str) -> registry.ModuleSpec:
    spec = registry.REGISTRY.get(job_type)
    if spec is None or spec.lane is None or not registry.launchable(spec):
        raise errors.DomainError(400, errors.UNKNOWN_MODULE.format(slug=job_type))
    return spec


def _force_end(state: JobState) -> ev.JobEvent | None:
    return None if state.status.terminal else ev.JobCancelled(at=utc_now())
