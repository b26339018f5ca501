"""A pipeline's state as the fold of its events."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import msgspec

from outsend_contracts.pipelines import events as ev
from outsend_contracts.pipelines.definition import PipelineDefinition


class PipelineStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def terminal(self) -> bool:
        return self in (PipelineStatus.DONE, PipelineStatus.FAILED, PipelineStatus.CANCELLED)


class NodeStatus(StrEnum):
    WAITING = "waiting"
    """Not started: its predecessor has not finished, or will never feed it."""
    ACTIVE = "active"
    """Its job was decided (and is being created, queued or run)."""
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


class NodeRun(msgspec.Struct, kw_only=True):
    """The coordinator's record of one node: its latest attempt and how it ended."""

    status: NodeStatus = NodeStatus.WAITING
    attempt: int = 0
    job_id: str | None = None
    source_job_id: str | None = None
    items_count: int = 0
    results_count: int = 0
    usable_rows: dict[str, int] = {}
    error_message: str | None = None
    job_ids: list[str] = []
    """Every job this node ran as, oldest first (one per attempt)."""


class PipelineState(msgspec.Struct, kw_only=True):
    id: str
    user_id: int
    name: str
    definition: PipelineDefinition
    inputs: dict[str, str] = {}
    status: PipelineStatus = PipelineStatus.RUNNING
    version: int = 0
    created_seq: int = 0
    created_at: datetime | None = None
    completed_at: datetime | None = None
    error_message: str | None = None
    nodes: dict[str, NodeRun] = {}

    @classmethod
    def created(cls, event: ev.PipelineCreated, seq: int) -> PipelineState:
        return cls(
            id=event.pipeline_id,
            user_id=event.user_id,
            name=event.name,
            definition=event.definition,
            inputs=dict(event.inputs),
            version=seq,
            created_seq=seq,
            created_at=event.at,
            nodes={node.id: NodeRun() for node in event.definition.nodes},
        )

    def run(self, node_id: str) -> NodeRun:
        return self.nodes.setdefault(node_id, NodeRun())

    def apply(self, event: ev.AnyPipelineEvent, seq: int) -> None:
        """Fold one event in; events at or below ``version`` were already applied (idempotent)."""
        if seq <= self.version:
            return
        self.version = seq
        match event:
            case ev.NodeStarted():
                run = self.run(event.node_id)
                run.status = NodeStatus.ACTIVE
                run.attempt = event.attempt
                run.job_id = event.job_id
                run.source_job_id = event.source_job_id
                run.items_count = event.items_count
                run.results_count = 0
                run.usable_rows = {}
                run.error_message = None
                run.job_ids = [*run.job_ids, event.job_id]
            case ev.NodeEnded():
                run = self.run(event.node_id)
                if run.job_id != event.job_id or run.status is not NodeStatus.ACTIVE:
                    return
                run.status = NodeStatus(event.outcome)
                run.results_count = event.results_count
                run.usable_rows = dict(event.usable_rows)
                run.error_message = event.error_message
            case ev.PipelineResumed():
                for node_id in event.nodes:
                    self.run(node_id).status = NodeStatus.WAITING
                self.status = PipelineStatus.RUNNING
                self.completed_at = None
                self.error_message = None
            case ev.PipelineCompleted():
                self._terminate(PipelineStatus.DONE, event.at)
            case ev.PipelineFailed():
                self._terminate(PipelineStatus.FAILED, event.at)
                self.error_message = event.error_message
            case ev.PipelineCancelled():
                self._terminate(PipelineStatus.CANCELLED, event.at)

    def _terminate(self, status: PipelineStatus, at: datetime) -> None:
        self.status = status
        self.completed_at = at

    def active_jobs(self) -> list[tuple[str, str]]:
        """``(node_id, job_id)`` of every node whose job has not ended."""
        return [
            (node_id, run.job_id)
            for node_id, run in self.nodes.items()
            if run.status is NodeStatus.ACTIVE and run.job_id is not None
        ]
