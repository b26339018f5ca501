"""Running pipelines: create, resume and cancel them, and advance them as their jobs end.

Every step is recorded before it is acted on, and every action is idempotent, so a coordinator
killed at any moment and started again (or a redelivered event) neither misses nor duplicates
a successor: the node's job was recorded as ``node_started`` under a derived id before the
``CreateJob`` was sent, and whoever handles that node next sends the same ``CreateJob`` again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from functools import partial
from typing import Any

from outsend_contracts import errors, subjects
from outsend_contracts.clock import utc_now
from outsend_contracts.jobs import events as job_events
from outsend_contracts.pipelines import events as ev
from outsend_contracts.pipelines.commands import CancelPipeline, CreatePipeline, ResumePipeline
from outsend_contracts.pipelines.public import PipelineStarted
from outsend_contracts.resultfile import decode_csv, result_object
from outsend_pipeline_coordinator import orchestration
from outsend_pipeline_coordinator.jobs_client import JobsClient
from outsend_pipeline_coordinator.repository import PipelineRepository
from outsend_pipeline_coordinator.spawner import Spawner
from outsend_pipeline_coordinator.state import NodeStatus, PipelineState
from outsend_pipeline_coordinator.writer import PipelineWriter
from outsend_platform.eventstore import EventStore
from outsend_platform.logging import get_logger
from outsend_platform.objects import ObjectStorage
from outsend_platform.projection import ProjectionRunner

log = get_logger(__name__)

SWEEP_EVERY = 30.0
JobTerminalEvent = job_events.JobDone | job_events.JobFailed | job_events.JobCancelled


class Coordinator:
    def __init__(
        self,
        writer: PipelineWriter,
        repository: PipelineRepository,
        jobs: JobsClient,
        spawner: Spawner,
        objects: ObjectStorage,
        store: EventStore,
        projector: ProjectionRunner,
    ) -> None:
        self._writer = writer
        self._repository = repository
        self._jobs = jobs
        self._spawner = spawner
        self._objects = objects
        self._store = store
        self._projector = projector

    # --- commands --------------------------------------------------------------------------------
    async def create(self, command: CreatePipeline) -> PipelineStarted:
        """Record the pipeline, start its roots; a refused root fails it (and stops the others)."""
        state = await self._writer.create(
            ev.PipelineCreated(
                at=utc_now(),
                pipeline_id=command.pipeline_id,
                user_id=command.user_id,
                name=command.name,
                definition=command.definition,
                inputs=command.inputs,
            )
        )
        state, refusals = await self._progress(state.id, ensure=True)
        if refusals:
            message = next(iter(refusals.values()))
            state, _ = await self._writer.decide(state.id, lambda s: orchestration.abort(s, message, utc_now()))
            await self._stop_jobs(state)
            raise errors.DomainError(400, message)
        roots = [state.nodes[node.id].job_id for node in state.definition.roots()]
        return PipelineStarted(id=state.id, status=state.status.value, initial_jobs=[job for job in roots if job])

    async def resume(self, command: ResumePipeline) -> PipelineStarted:
        await self._owned(command.pipeline_id, command.user_id)
        _, event = await self._writer.decide(command.pipeline_id, lambda s: orchestration.resume(s, utc_now()))
        state, refusals = await self._progress(command.pipeline_id, ensure=False)
        resumed = event.nodes if isinstance(event, ev.PipelineResumed) else []
        if resumed and set(refusals) >= set(resumed):  # nothing could start again
            raise errors.DomainError(400, next(iter(refusals.values())))
        jobs = [state.nodes[node_id].job_id for node_id in resumed]
        return PipelineStarted(id=state.id, status=state.status.value, initial_jobs=[job for job in jobs if job])

    async def cancel(self, command: CancelPipeline) -> dict[str, Any]:
        await self._owned(command.pipeline_id, command.user_id)
        state, _ = await self._writer.decide(command.pipeline_id, lambda s: orchestration.cancel(s, utc_now()))
        await self._stop_jobs(state)
        return {"ok": True}

    async def erase_user(self, user_id: int) -> None:
        """Account deleted: the user's pipelines leave no row, event or pasted input behind.

        Idempotent (the deletion event comes at least once). The jobs are the jobs service's to
        erase; outcomes of jobs still ending are then ignored, as no pipeline claims them.
        """
        await self._projector.wait(await self._store.version(subjects.EVT_PIPELINE_ALL), timeout=60)
        for state in await self._repository.remove_for_user(user_id):
            await self._store.purge(subjects.pipeline_events(state.id))
            for name in state.inputs.values():
                await self._objects.delete(subjects.OBJ_INPUTS, name)

    # --- job outcomes ------------------------------------------------------------------------------
    async def job_ended(self, job_id: str, event: job_events.AnyJobEvent, *, redelivered: bool) -> None:
        """A job reached a terminal state: if a pipeline runs it, record it and start what follows."""
        if not isinstance(event, JobTerminalEvent):
            return
        # Its ``node_started`` was appended before the job existed: once the read model holds every
        # pipeline event appended so far, a job absent from it belongs to no pipeline.
        await self._projector.wait(await self._store.version(subjects.EVT_PIPELINE_ALL), timeout=30)
        located = await self._repository.node_of_job(job_id)
        if located is None:
            return
        pipeline_id, node_id = located
        state = await self._repository.get(pipeline_id)
        if state is None:
            return
        ended = await self._node_ended(state, node_id, job_id, event)
        if ended is not None:
            await self._writer.decide(pipeline_id, lambda s: orchestration.record_outcome(s, ended))
        state, _ = await self._progress(pipeline_id, ensure=redelivered)
        if state.status.terminal and state.active_jobs():
            await self._stop_jobs(state)

    async def _node_ended(
        self, state: PipelineState, node_id: str, job_id: str, event: JobTerminalEvent
    ) -> ev.NodeEnded | None:
        run = state.nodes.get(node_id)
        if run is None or run.job_id != job_id or run.status is not NodeStatus.ACTIVE:
            return None  # already recorded, or an older attempt
        if isinstance(event, job_events.JobFailed):
            return ev.NodeEnded(
                at=event.at, node_id=node_id, job_id=job_id, outcome="failed",
                results_count=event.results_count, error_message=event.error_message,
            )  # fmt: skip
        if isinstance(event, job_events.JobCancelled):
            return ev.NodeEnded(
                at=event.at, node_id=node_id, job_id=job_id, outcome="cancelled", results_count=event.results_count
            )
        successors = {
            successor: node.type
            for successor in state.definition.successors(node_id)
            if (node := state.definition.node(successor)) is not None
        }
        usable = await self._usable_rows(job_id, successors) if successors and event.output_filename else {}
        return ev.NodeEnded(
            at=event.at,
            node_id=node_id,
            job_id=job_id,
            outcome="done",
            results_count=event.results_count,
            usable_rows={successor: usable.get(successor, 0) for successor in successors},
        )

    async def _usable_rows(self, job_id: str, successors: dict[str, str]) -> dict[str, int]:
        data = await self._objects.get(subjects.OBJ_RESULTS, result_object(job_id))
        if data is None:
            return {}
        columns, rows = decode_csv(data)
        return orchestration.usable_rows(columns, rows, successors)

    # --- advancing -------------------------------------------------------------------------------
    async def _progress(self, pipeline_id: str, *, ensure: bool) -> tuple[PipelineState, dict[str, str]]:
        """Record every step the pipeline can take and create the jobs of the nodes started.

        With ``ensure``, the jobs of every running node are made to exist too (after a crash, the
        step may have been recorded without its job being created). Returns the refusals.
        """
        refusals: dict[str, str] = {}
        while True:
            state, started = await self._writer.advance(pipeline_id)
            nodes = [event.node_id for event in started]
            if ensure:
                nodes += await self._missing_jobs(state, exclude=nodes)
                ensure = False
            if not nodes:
                return state, refusals
            refused = await self._create_jobs(state, nodes)
            if not refused:
                return state, refusals
            refusals.update(refused)

    async def _missing_jobs(self, state: PipelineState, exclude: Iterable[str]) -> list[str]:
        candidates = [(node_id, job_id) for node_id, job_id in state.active_jobs() if node_id not in set(exclude)]
        existing = await self._jobs.get_many(job_id for _, job_id in candidates)
        return [node_id for node_id, job_id in candidates if job_id not in existing]

    async def _create_jobs(self, state: PipelineState, node_ids: list[str]) -> dict[str, str]:
        """Create the nodes' jobs; a refusal is recorded as the node failing. Returns the refusals."""
        outcomes = await asyncio.gather(
            *(self._spawner.create_job(state, node_id) for node_id in node_ids), return_exceptions=True
        )
        refusals: dict[str, str] = {}
        for node_id, outcome in zip(node_ids, outcomes, strict=True):
            if outcome is None:
                continue
            if not isinstance(outcome, errors.DomainError) or outcome.status >= 500:
                raise outcome  # the jobs service is unreachable: retried by redelivery or the sweep
            message = outcome.detail if isinstance(outcome.detail, str) else str(outcome.detail)
            refusals[node_id] = message
            job_id = state.nodes[node_id].job_id or ""
            log.info("pipeline.node_refused", pipeline_id=state.id, node_id=node_id, job_id=job_id)
            ended = ev.NodeEnded(at=utc_now(), node_id=node_id, job_id=job_id, outcome="failed", error_message=message)
            await self._writer.decide(state.id, partial(orchestration.record_outcome, ended=ended))
        return refusals

    async def _stop_jobs(self, state: PipelineState) -> None:
        """A pipeline that ended early (cancelled, or failed at creation) stops the jobs still running."""
        await asyncio.gather(*(self._jobs.cancel(job_id) for _, job_id in state.active_jobs()))

    # --- recovery --------------------------------------------------------------------------------
    async def sweep(self) -> None:
        """Finish what a crash or an unreachable jobs service left undone, pipeline by pipeline."""
        for pipeline_id in await self._repository.to_watch():
            try:
                state, _ = await self._progress(pipeline_id, ensure=True)
                if state.status.terminal and state.active_jobs():
                    await self._stop_jobs(state)
            except Exception:
                log.exception("pipeline.sweep_failed", pipeline_id=pipeline_id)

    async def run_sweeps(self, stop: asyncio.Event, every: float = SWEEP_EVERY) -> None:
        await self._projector.wait(await self._store.version(subjects.EVT_PIPELINE_ALL), timeout=60)
        while not stop.is_set():
            await self.sweep()
            try:
                await asyncio.wait_for(stop.wait(), every)
            except TimeoutError:
                continue

    async def _owned(self, pipeline_id: str, user_id: int) -> PipelineState:
        return owned(await self._repository.get(pipeline_id), user_id)


def owned(state: PipelineState | None, user_id: int) -> PipelineState:
    if state is None:
        raise errors.DomainError(404, errors.PIPELINE_NOT_FOUND)
    if state.user_id != user_id:
        raise errors.DomainError(403, errors.FORBIDDEN)
    return state
