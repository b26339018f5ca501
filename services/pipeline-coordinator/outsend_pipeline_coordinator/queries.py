"""Reading pipelines: list, detail, and the inspection of a node's input."""

from __future__ import annotations

import asyncio
import csv
from dataclasses import dataclass
from typing import Any

from outsend_contracts import errors, subjects
from outsend_contracts.clock import iso
from outsend_contracts.config_schema import ConfigFieldError
from outsend_contracts.jobs.state import JobState, JobStatus
from outsend_contracts.module_options import read_options
from outsend_contracts.pipelines.commands import GetPipeline, InspectNode, ListPipelines, PreviewNodeFilter
from outsend_contracts.pipelines.public import (
    PREVIEW_WINDOW,
    FilterPreview,
    FilterPreviewRequest,
    InputColumns,
    PipelineDetail,
    PipelineSummary,
)
from outsend_contracts.pipelines.schema import NODE_MODULES
from outsend_contracts.registry import ModuleSpec
from outsend_contracts.resultfile import decode_csv, result_object
from outsend_pipeline_coordinator import progress
from outsend_pipeline_coordinator.coordinator import owned
from outsend_pipeline_coordinator.jobs_client import JobsClient
from outsend_pipeline_coordinator.profiling import profile_columns
from outsend_pipeline_coordinator.repository import PipelineRepository
from outsend_pipeline_coordinator.state import PipelineState
from outsend_platform import rpc
from outsend_platform.broker import Broker
from outsend_platform.objects import ObjectStorage

MAX_LIST = 50


@dataclass(frozen=True)
class Predecessor:
    """The job feeding a node, or why there is none to read (a ``reason`` code of the page)."""

    job_id: str | None = None
    reason: str | None = None


class PipelineQueries:
    def __init__(
        self, repository: PipelineRepository, jobs: JobsClient, objects: ObjectStorage, broker: Broker
    ) -> None:
        self._repository = repository
        self._jobs = jobs
        self._objects = objects
        self._broker = broker

    async def get(self, query: GetPipeline) -> PipelineDetail:
        state = owned(await self._repository.get(query.pipeline_id), query.user_id)
        jobs = await self._jobs.get_many(job_id for run in state.nodes.values() for job_id in run.job_ids)
        listed = sorted(jobs.values(), key=lambda job: (job.created_seq, job.id))
        return PipelineDetail(
            id=state.id,
            user_id=state.user_id,
            name=state.name,
            definition=state.definition,
            status=state.status.value,
            created_at=iso(state.created_at),
            completed_at=iso(state.completed_at),
            progress_pct=progress.progress_pct(state, jobs),
            jobs=[progress.public_job(job) for job in listed],
            output_job=progress.output_job(state, jobs),
            nodes_count=len(state.definition.nodes),
            done_count=progress.done_count(state),
            results_count=progress.results_count(state, jobs),
            nodes=progress.node_states(state, jobs),
            error_message=state.error_message,
        )

    async def export_user(self, user_id: int) -> list[PipelineDetail]:
        """``pipelines.json`` of the account export: every pipeline in full, pasted CSV included."""
        exported = []
        for state in await self._repository.list_for_user(user_id, limit=None):
            detail = await self.get(GetPipeline(pipeline_id=state.id, user_id=user_id))
            for node in detail.definition.nodes:
                choice = NODE_MODULES[node.type].source_choice
                option = choice.inline_option(node.config) if choice else None
                if (
                    option
                    and node.id in state.inputs
                    and (pasted := await self._objects.get(subjects.OBJ_INPUTS, state.inputs[node.id]))
                ):
                    node.config[option] = pasted.decode("utf-8")
            exported.append(detail)
        return exported

    async def list(self, query: ListPipelines) -> list[PipelineSummary]:
        states = await self._repository.list_for_user(query.user_id, min(max(query.limit, 1), MAX_LIST))
        running = await self._jobs.get_many(job_id for state in states for _, job_id in state.active_jobs())
        return [
            PipelineSummary(
                id=state.id,
                name=state.name,
                status=state.status.value,
                created_at=iso(state.created_at),
                completed_at=iso(state.completed_at),
                nodes_count=len(state.definition.nodes),
                done_count=progress.done_count(state),
                results_count=progress.results_count(state, running),
                progress_pct=progress.progress_pct(state, running),
            )
            for state in states
        ]

    # --- inspection ------------------------------------------------------------------------------
    async def input_columns(self, query: InspectNode) -> InputColumns:
        state = await self._node_owner(query.pipeline_id, query.node_id, query.user_id)
        predecessor = await self._predecessor(state, query.node_id)
        if predecessor.job_id is None:
            return InputColumns(columns=[], reason=predecessor.reason)
        data = await self._objects.get(subjects.OBJ_RESULTS, result_object(predecessor.job_id))
        if data is None:
            return InputColumns(columns=[], reason="no_csv_found", predecessor_job_id=predecessor.job_id)
        try:
            columns, rows = decode_csv(data)
        except (UnicodeDecodeError, csv.Error):
            return InputColumns(columns=[], reason="csv_read_error", predecessor_job_id=predecessor.job_id)
        window = rows[:PREVIEW_WINDOW]
        profiles = await asyncio.to_thread(profile_columns, columns, window)
        return InputColumns(
            columns=profiles,
            row_count=len(window),
            predecessor_job_id=predecessor.job_id,
            capped=len(rows) > PREVIEW_WINDOW,
        )

    async def filter_preview(self, query: PreviewNodeFilter) -> FilterPreview:
        state = await self._node_owner(query.pipeline_id, query.node_id, query.user_id)
        node = state.definition.node(query.node_id)
        assert node is not None
        spec = NODE_MODULES[node.type]
        if spec.preview_subject is None:
            raise errors.DomainError(400, errors.PIPELINE_NOT_A_FILTER.format(node=node.id))
        config = _preview_config(spec, node.id, query.config) if query.config else node.config
        predecessor = await self._predecessor(state, node.id)
        if predecessor.job_id is None:
            return FilterPreview(reason=predecessor.reason)
        request = FilterPreviewRequest(job_id=predecessor.job_id, config=config)
        preview = await rpc.call(self._broker, spec.preview_subject, request, FilterPreview, timeout=30)
        preview.predecessor_job_id = predecessor.job_id
        return preview

    async def _node_owner(self, pipeline_id: str, node_id: str, user_id: int) -> PipelineState:
        state = owned(await self._repository.get(pipeline_id), user_id)
        if state.definition.node(node_id) is None:
            raise errors.DomainError(404, errors.PIPELINE_NODE_NOT_FOUND.format(node=node_id))
        return state

    async def _predecessor(self, state: PipelineState, node_id: str) -> Predecessor:
        """The most recent job of the node's predecessor, if it is ``done``."""
        predecessor = state.definition.predecessor(node_id)
        if predecessor is None:
            return Predecessor(reason="no_predecessor")
        run = state.nodes.get(predecessor)
        if run is None or run.job_id is None:
            return Predecessor(reason="no_data_yet")
        job: JobState | None = await self._jobs.get(run.job_id)
        if job is None or job.status is JobStatus.EXPIRED:
            return Predecessor(reason="no_csv_found")
        if job.status is not JobStatus.DONE:
            return Predecessor(reason="no_data_yet")
        return Predecessor(job_id=job.id)


def _preview_config(spec: ModuleSpec, node_id: str, raw: dict[str, Any]) -> dict[str, Any]:
    """Options sent for a preview, read as the node's config is."""
    try:
        return read_options(spec, raw)
    except ConfigFieldError as error:
        raise errors.DomainError(
            400, errors.PIPELINE_BAD_FIELD.format(node=node_id, field=error.field, reason=error.reason)
        ) from error
