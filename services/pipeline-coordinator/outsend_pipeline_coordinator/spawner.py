"""Turning a started node into its job: the ``CreateJob`` command and the input it needs."""

from __future__ import annotations

from msgspec.structs import replace

from outsend_contracts import errors, subjects
from outsend_contracts.jobs.commands import CreateJob
from outsend_contracts.pipelines.schema import NODE_MODULES
from outsend_pipeline_coordinator.jobs_client import JobsClient
from outsend_pipeline_coordinator.state import PipelineState
from outsend_platform.objects import ObjectStorage


class Spawner:
    def __init__(self, jobs: JobsClient, objects: ObjectStorage) -> None:
        self._jobs = jobs
        self._objects = objects

    async def create_job(self, state: PipelineState, node_id: str) -> None:
        """Create the node's current job; raises the jobs service's ``DomainError`` if refused.

        A successor reads its predecessor's result (``source_job_id``, ruling 16) and is told how
        many of those rows it can use; a root reads its own input.
        """
        run = state.nodes[node_id]
        node = state.definition.node(node_id)
        assert node is not None and run.job_id is not None
        spec = NODE_MODULES[node.type]
        command = CreateJob(
            job_id=run.job_id,
            user_id=state.user_id,
            job_type=spec.slug,
            params=dict(node.config),
            items_count=run.items_count,
            source_job_id=run.source_job_id,
            pipeline_id=state.id,
            pipeline_node_id=node_id,
        )
        choice = spec.source_choice
        if choice is not None and choice.inline_option(command.params):
            command = await self._with_inline_input(state, node_id, command, choice.inline_suffix)
        await self._jobs.create(command)

    async def _with_inline_input(
        self, state: PipelineState, node_id: str, command: CreateJob, suffix: str
    ) -> CreateJob:
        """The text pasted into the node, set aside when the pipeline was created, as the job's input."""
        # Each attempt gets its own copy: the jobs service removes a job's input with the job.
        pasted = await self._objects.get(subjects.OBJ_INPUTS, state.inputs.get(node_id, ""))
        if pasted is None:
            raise errors.DomainError(400, errors.RESULT_GONE)
        input_object = f"{command.job_id}{suffix}"
        await self._objects.put(subjects.OBJ_INPUTS, input_object, pasted)
        return replace(command, input_object=input_object)
