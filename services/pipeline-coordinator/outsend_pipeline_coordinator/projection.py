"""The pipelines read model: each event folded into its pipeline's row."""

from __future__ import annotations

import asyncpg

from outsend_contracts import subjects
from outsend_contracts.pipelines import events as ev
from outsend_pipeline_coordinator.repository import PipelineRepository
from outsend_pipeline_coordinator.state import PipelineState


class PipelineProjection:
    name = "pipelines"
    subject_filter = subjects.EVT_PIPELINE_ALL

    async def apply(self, connection: asyncpg.Connection, seq: int, subject: str, data: bytes) -> None:
        event = ev.decode_event(data)
        if isinstance(event, ev.PipelineCreated):
            await PipelineRepository.save(connection, PipelineState.created(event, seq))
            return
        state = await PipelineRepository.load_for_update(connection, subjects.pipeline_id_from_subject(subject))
        if state is None:
            return
        state.apply(event, seq)
        await PipelineRepository.save(connection, state)
        if isinstance(event, ev.NodeStarted):
            await PipelineRepository.add_job(connection, event.job_id, state.id, event.node_id)

    async def reset(self, connection: asyncpg.Connection) -> None:
        await PipelineRepository.truncate(connection)
