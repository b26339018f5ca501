"""The veille's side of the rest of the platform: read sources, launch runs, read results."""

from __future__ import annotations

import asyncio
import uuid

import msgspec

from outsend_contracts import errors, subjects
from outsend_contracts.clock import new_id
from outsend_contracts.jobs.commands import CREATE_TIMEOUT, CreateJob, GetJob
from outsend_contracts.jobs.state import JobState
from outsend_contracts.pipelines.commands import CreatePipeline, GetPipeline
from outsend_contracts.pipelines.definition import PipelineDefinition
from outsend_contracts.pipelines.public import PipelineDetail, PipelineStarted
from outsend_contracts.resultfile import decode_csv, result_object
from outsend_contracts.veille.state import VeilleState
from outsend_platform import commands, rpc
from outsend_platform.broker import Broker
from outsend_platform.objects import ObjectStorage

SETTLE_ATTEMPTS = 50
SETTLE_PAUSE = 0.2


def new_run_id(state: VeilleState) -> str:
    """The id of a run's job, or of its pipeline (pipelines are named by UUIDs)."""
    return str(uuid.uuid4()) if state.template.pipeline_definition is not None else new_id("j")


class PlatformClient:
    def __init__(self, broker: Broker) -> None:
        self._broker = broker
        self._objects = ObjectStorage(broker.js)

    async def job(self, job_id: str, user_id: int | None) -> JobState | None:
        """The job, or ``None`` when it does not exist or is another user's."""
        try:
            return await rpc.call(self._broker, subjects.JOBS_GET, GetJob(job_id=job_id, user_id=user_id), JobState)
        except errors.DomainError as error:
            if error.status in (403, 404):
                return None
            raise

    async def pipeline(self, pipeline_id: str, user_id: int) -> PipelineDetail | None:
        query = GetPipeline(pipeline_id=pipeline_id, user_id=user_id)
        try:
            return await rpc.call(self._broker, subjects.PIPELINES_GET, query, PipelineDetail)
        except errors.DomainError as error:
            if error.status in (403, 404):
                return None
            raise

    async def settled_pipeline(self, pipeline_id: str, user_id: int) -> PipelineDetail | None:
        """The pipeline once its read model has seen its end (it follows the events by a moment)."""
        for _ in range(SETTLE_ATTEMPTS):
            pipeline = await self.pipeline(pipeline_id, user_id)
            if pipeline is None or pipeline.status != "running":
                return pipeline
            await asyncio.sleep(SETTLE_PAUSE)
        return await self.pipeline(pipeline_id, user_id)

    async def launch(self, state: VeilleState, run_job_id: str) -> None:
        """Start the run's job (or pipeline) under the owner's quotas; the id makes it idempotent."""
        template = state.template
        if template.pipeline_definition is not None:
            definition = msgspec.convert(template.pipeline_definition, PipelineDefinition)
            command = CreatePipeline(
                pipeline_id=run_job_id,
                user_id=state.user_id,
                name=f"{template.pipeline_name or state.name} · veille {state.id}",
                definition=definition,
            )
            await commands.send(
                self._broker,
                subjects.CMD_PIPELINES_CREATE,
                command,
                msg_id=new_id("vcmd"),
                result_type=PipelineStarted,
            )
            return
        # A plain create: the jobs service prepares the job from its module's spec (estimate,
        # charge, quotas), as for any other sender.
        job = CreateJob(
            job_id=run_job_id, user_id=state.user_id, job_type=template.job_type or "", params=dict(template.params)
        )
        await commands.send(
            self._broker,
            subjects.CMD_JOBS_CREATE,
            job,
            msg_id=new_id("vcmd"),
            result_type=JobState,
            timeout=CREATE_TIMEOUT,
        )

    async def run_exists(self, run_job_id: str, *, pipeline: bool, user_id: int) -> bool:
        if pipeline:
            return await self.pipeline(run_job_id, user_id) is not None
        return await self.job(run_job_id, None) is not None

    async def result_rows(self, job_id: str) -> tuple[list[str], list[dict[str, str]]]:
        """A finished job's result rows (none when the job found nothing)."""
        data = await self._objects.get(subjects.OBJ_RESULTS, result_object(job_id))
        return decode_csv(data) if data is not None else ([], [])


def result_job_of(pipeline: PipelineDetail) -> str | None:
    """The job whose rows are the pipeline's output (its last node's)."""
    return pipeline.output_job.id if pipeline.output_job is not None else None
