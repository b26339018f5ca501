"""What a pipeline does next: pure decisions on its state, each returning the event to record.

The coordinator records a node's job (``node_started``) before creating it, and the job's end
(``node_ended``) when the job's terminal event arrives; everything else follows from those
records. Job ids are derived from (pipeline, node, attempt), so deciding the same step twice —
after a crash or a redelivered event — names the same job, and the jobs service answers a
second creation with the job that exists.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime

from outsend_contracts import errors
from outsend_contracts.aliases import map_columns
from outsend_contracts.errors import DomainError
from outsend_contracts.pipelines import events as ev
from outsend_contracts.pipelines.schema import NODE_MODULES
from outsend_pipeline_coordinator.state import NodeRun, NodeStatus, PipelineState, PipelineStatus

JOB_ID_NAMESPACE = uuid.UUID("6f0b8c3e-5a7d-4c1e-9a63-2f4d8e1b7c90")
ENDED = (NodeStatus.DONE, NodeStatus.FAILED, NodeStatus.CANCELLED)


def pipeline_job_id(pipeline_id: str, node_id: str, attempt: int) -> str:
    return "j_" + uuid.uuid5(JOB_ID_NAMESPACE, f"{pipeline_id}\x00{node_id}\x00{attempt}").hex


def next_event(state: PipelineState, now: datetime) -> ev.PipelineEvent | None:
    """The next step: start a node that can run, else conclude once nothing runs; ``None`` to wait."""
    if state.status.terminal:
        return None
    for node in state.definition.nodes:
        run = state.nodes.get(node.id, NodeRun())
        if run.status is NodeStatus.WAITING and (started := _start(state, node.id, run, now)):
            return started
    if state.active_jobs():
        return None
    return _conclusion(state, now)


def _start(state: PipelineState, node_id: str, run: NodeRun, now: datetime) -> ev.NodeStarted | None:
    attempt = run.attempt + 1
    job_id = pipeline_job_id(state.id, node_id, attempt)
    predecessor = state.definition.predecessor(node_id)
    if predecessor is None:
        return ev.NodeStarted(at=now, node_id=node_id, job_id=job_id, attempt=attempt)
    source = state.nodes.get(predecessor)
    if source is None or source.status is not NodeStatus.DONE or source.usable_rows.get(node_id, 0) <= 0:
        return None
    return ev.NodeStarted(
        at=now,
        node_id=node_id,
        job_id=job_id,
        attempt=attempt,
        source_job_id=source.job_id,
        items_count=source.usable_rows[node_id],
    )


def _conclusion(state: PipelineState, now: datetime) -> ev.PipelineEvent:
    failed = [run for run in state.nodes.values() if run.status is NodeStatus.FAILED]
    if failed:
        return ev.PipelineFailed(at=now, error_message=failed[0].error_message)
    if any(run.status is NodeStatus.CANCELLED for run in state.nodes.values()):
        return ev.PipelineCancelled(at=now)
    return ev.PipelineCompleted(at=now)


def record_outcome(state: PipelineState, ended: ev.NodeEnded) -> ev.NodeEnded | None:
    """``ended`` if it is news: the node still runs as that job (a redelivered end is ignored)."""
    run = state.nodes.get(ended.node_id)
    if run is None or run.job_id != ended.job_id or run.status is not NodeStatus.ACTIVE:
        return None
    return ended


def abort(state: PipelineState, message: str, now: datetime) -> ev.PipelineFailed | None:
    """A root could not be created: the pipeline fails at once (its other roots are cancelled)."""
    return None if state.status.terminal else ev.PipelineFailed(at=now, error_message=message)


def cancel(state: PipelineState, now: datetime) -> ev.PipelineCancelled:
    if state.status.terminal:
        raise DomainError(400, errors.PIPELINE_ALREADY_FINISHED)
    return ev.PipelineCancelled(at=now)


def resume(state: PipelineState, now: datetime) -> ev.PipelineResumed:
    """Run the failed and cancelled nodes again; what waited behind them follows as they finish."""
    if state.status not in (PipelineStatus.FAILED, PipelineStatus.CANCELLED):
        raise DomainError(400, errors.PIPELINE_NOT_RESUMABLE)
    nodes = [
        node.id
        for node in state.definition.nodes
        if state.nodes.get(node.id, NodeRun()).status in (NodeStatus.FAILED, NodeStatus.CANCELLED)
    ]
    return ev.PipelineResumed(at=now, nodes=nodes)


def usable_rows(columns: list[str], rows: Iterable[Mapping[str, str]], successors: Mapping[str, str]) -> dict[str, int]:
    """For each successor (node id → type), how many rows it can work on.

    A module that drops rows without its ``needs`` gets only rows where every needed column
    (found through the alias table) has a value; other modules take every row.
    """
    mapping = map_columns(columns)
    row_list = list(rows)
    counts: dict[str, int] = {}
    for node_id, node_type in successors.items():
        spec = NODE_MODULES[node_type]
        if not spec.drops_rows_without_needs or not spec.needs:
            counts[node_id] = len(row_list)
            continue
        sources = [mapping.source(need) for need in spec.needs]
        if any(source is None for source in sources):
            counts[node_id] = 0
            continue
        counts[node_id] = sum(all((row.get(str(source)) or "").strip() for source in sources) for row in row_list)
    return counts


def node_view(state: PipelineState, node_id: str) -> str:
    """A node's status as users see it, with ``skipped`` and ``blocked`` for nodes that won't run."""
    run = state.nodes.get(node_id, NodeRun())
    if run.status is not NodeStatus.WAITING:
        return run.status.value
    predecessor = state.definition.predecessor(node_id)
    upstream = node_view(state, predecessor) if predecessor is not None else None
    if upstream == "skipped":
        return "skipped"
    if upstream == "done":
        source = state.nodes.get(str(predecessor), NodeRun())
        if source.usable_rows.get(node_id, 0) <= 0:
            return "skipped"
    if upstream in ("failed", "cancelled", "blocked") or state.status.terminal:
        return "blocked"
    return "waiting"
