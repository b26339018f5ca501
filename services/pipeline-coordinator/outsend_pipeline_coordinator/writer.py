"""Deciding on a pipeline and recording the decision, safely against concurrent writers."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from outsend_contracts import errors
from outsend_contracts.clock import utc_now
from outsend_contracts.pipelines import events as ev
from outsend_pipeline_coordinator.orchestration import next_event
from outsend_pipeline_coordinator.repository import PipelineRepository
from outsend_pipeline_coordinator.state import PipelineState
from outsend_platform.aggregate import AggregateWriter
from outsend_platform.eventstore import EventStore
from outsend_platform.projection import ProjectionRunner

Decision = Callable[[PipelineState], ev.PipelineEvent | None]


@dataclass
class _Turn:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    holders: int = 0


class PipelineWriter:
    """Appends pipeline events with optimistic concurrency, then waits until the read model has them.

    Writers of one pipeline inside this process take turns (fewer conflicts when the branches of
    a fan-out finish together); across replicas the conditional append keeps them honest.
    """

    def __init__(self, store: EventStore, projector: ProjectionRunner, repository: PipelineRepository) -> None:
        self._repository = repository
        self._writer: AggregateWriter[PipelineState, ev.PipelineEvent] = AggregateWriter(
            store, ev.CODEC, repository.get, settle=projector.wait
        )
        self._turns: dict[str, _Turn] = {}

    async def create(self, event: ev.PipelineCreated) -> PipelineState:
        """Record a new pipeline; creating the same id twice returns the first one."""
        await self._writer.create(event.pipeline_id, event)
        state = await self._repository.get(event.pipeline_id)
        if state is None:
            raise errors.DomainError(404, errors.PIPELINE_NOT_FOUND)
        return state

    async def decide(self, pipeline_id: str, decision: Decision) -> tuple[PipelineState, ev.PipelineEvent | None]:
        """Apply ``decision`` to the current state and append the event it returns, if any."""
        turn = self._turns.setdefault(pipeline_id, _Turn())
        turn.holders += 1
        try:
            async with turn.lock:
                return await self._decide(pipeline_id, decision)
        finally:
            turn.holders -= 1
            if turn.holders == 0:
                del self._turns[pipeline_id]

    async def _decide(self, pipeline_id: str, decision: Decision) -> tuple[PipelineState, ev.PipelineEvent | None]:
        return await self._writer.decide_applied(pipeline_id, decision, not_found=errors.PIPELINE_NOT_FOUND)

    async def advance(self, pipeline_id: str) -> tuple[PipelineState, list[ev.NodeStarted]]:
        """Record every step the pipeline can take now; return the nodes started on the way."""
        started: list[ev.NodeStarted] = []
        while True:
            state, event = await self.decide(pipeline_id, lambda current: next_event(current, utc_now()))
            if event is None:
                return state, started
            if isinstance(event, ev.NodeStarted):
                started.append(event)
