"""How far a pipeline got, and which of its jobs is the dataset to download — pure functions.

``progress_pct`` weighs each stage by how long such a stage usually takes: a Google Maps scrape
is long, an enrichment reads one website per row, an import downloads one file, a filter or a
sort is instantaneous. The stage in flight contributes its own ``processed / planned``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from outsend_contracts.clock import iso
from outsend_contracts.jobs.state import JobState, JobStatus
from outsend_contracts.pipelines.public import NodeState, OutputJob, PipelineJob
from outsend_contracts.pipelines.schema import NODE_MODULES, category
from outsend_pipeline_coordinator.orchestration import node_view
from outsend_pipeline_coordinator.state import NodeRun, NodeStatus, PipelineState, PipelineStatus

CATEGORY_WEIGHT: Mapping[str, float] = {"source": 10, "enrich": 10, "signals": 10, "outreach": 10, "transform": 1}
RUNNING_CEILING = 0.99
"""A running stage never counts as finished before its job says so."""
_EPOCH = datetime.min.replace(tzinfo=UTC)


def stage_weight(node_type: str) -> float:
    spec = NODE_MODULES[node_type]
    return spec.pipeline_weight or CATEGORY_WEIGHT[category(spec)]


def progress_pct(state: PipelineState, jobs: Mapping[str, JobState]) -> int:
    if state.status is PipelineStatus.DONE:
        return 100
    total = finished = 0.0
    for node in state.definition.nodes:
        weight = stage_weight(node.type)
        total += weight
        view = node_view(state, node.id)
        if view in ("done", "skipped"):
            finished += weight
        elif view == "active":
            finished += weight * _job_fraction(jobs.get(state.nodes[node.id].job_id or ""))
    return min(99, int(100 * finished / total)) if total else 0


def _job_fraction(job: JobState | None) -> float:
    if job is None or job.status is JobStatus.PENDING:
        return 0.0
    if job.status.terminal:
        return 1.0
    if job.grid_points_count <= 0:
        return 0.0
    return min(RUNNING_CEILING, job.processed_points / job.grid_points_count)


def done_count(state: PipelineState) -> int:
    return sum(run.status is NodeStatus.DONE for run in state.nodes.values())


def results_count(state: PipelineState, jobs: Mapping[str, JobState]) -> int:
    """Rows across every stage's latest run (a running stage counts what it has so far)."""
    total = 0
    for run in state.nodes.values():
        if run.status is NodeStatus.ACTIVE:
            job = jobs.get(run.job_id or "")
            total += job.results_count if job else 0
        else:
            total += run.results_count
    return total


def output_job(state: PipelineState, jobs: Mapping[str, JobState]) -> OutputJob | None:
    """The most downstream stage whose finished job produced rows (latest finished among equals)."""
    candidates = []
    for order, node in enumerate(state.definition.nodes):
        job = jobs.get(state.nodes.get(node.id, NodeRun()).job_id or "")
        if job is None or not job.status.terminal or job.results_count <= 0:
            continue
        candidates.append((state.definition.depth(node.id), job.completed_at or _EPOCH, -order, job))
    if not candidates:
        return None
    job = max(candidates, key=lambda candidate: candidate[:3])[3]
    return OutputJob(
        id=job.id,
        job_type=job.job_type,
        results_count=job.results_count,
        status=job.status.value,
        download_available=job.download_available,
        pipeline_node_id=job.pipeline_node_id,
    )


def public_job(job: JobState) -> PipelineJob:
    return PipelineJob(
        id=job.id,
        job_type=job.job_type,
        status=job.status.value,
        pipeline_node_id=job.pipeline_node_id,
        results_count=job.results_count,
        error_message=job.error_message,
        created_at=iso(job.created_at),
        completed_at=iso(job.completed_at),
        processed_points=job.processed_points,
        grid_points_count=job.grid_points_count,
        download_available=job.download_available,
    )


def node_states(state: PipelineState, jobs: Mapping[str, JobState]) -> list[NodeState]:
    views = []
    for node in state.definition.nodes:
        run = state.nodes.get(node.id, NodeRun())
        view = node_view(state, node.id)
        job = jobs.get(run.job_id or "")
        if view == "active":
            view = job.status.value if job is not None else "pending"
        views.append(
            NodeState(
                id=node.id,
                type=node.type,
                status=view,
                job_id=run.job_id,
                attempt=run.attempt,
                results_count=job.results_count if job is not None else run.results_count,
                error_message=run.error_message,
            )
        )
    return views
