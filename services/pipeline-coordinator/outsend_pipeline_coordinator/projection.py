"""The pipelines read model: one row per pipeline, its events folded in by ``outsend_platform``."""

from __future__ import annotations

import asyncpg

from outsend_contracts.pipelines import events as ev
from outsend_pipeline_coordinator.repository import PipelineRepository
from outsend_pipeline_coordinator.state import PipelineState
from outsend_platform.projection import FoldProjection


class PipelineTable:
    """Where the fold of each pipeline is kept: its row, and which pipeline node each job runs."""

    def created(self, event: ev.PipelineEvent, seq: int) -> PipelineState | None:
        return PipelineState.created(event, seq) if isinstance(event, ev.PipelineCreated) else None

    async def load_for_update(self, connection: asyncpg.Connection, pipeline_id: str) -> PipelineState | None:
        return await PipelineRepository.load_for_update(connection, pipeline_id)

    async def save(self, connection: asyncpg.Connection, state: PipelineState, event: ev.PipelineEvent) -> None:
        await PipelineRepository.save(connection, state)
        if isinstance(event, ev.NodeStarted):
            await PipelineRepository.add_job(connection, event.job_id, state.id, event.node_id)

    async def reset(self, connection: asyncpg.Connection) -> None:
        await PipelineRepository.truncate(connection)


PROJECTION = FoldProjection("pipelines", ev.CODEC, PipelineTable())
