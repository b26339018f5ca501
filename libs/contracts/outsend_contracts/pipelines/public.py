"""What the Pipelines API returns, and the filter-preview exchange with the enrichers."""

from __future__ import annotations

from typing import Any

import msgspec

from outsend_contracts.pipelines.definition import PipelineDefinition

PREVIEW_WINDOW = 5000
"""Rows of the predecessor's output that input-columns and filter-preview read."""
PREVIEW_SAMPLES = 5


class PipelineStarted(msgspec.Struct, kw_only=True):
    """Answer of ``POST /api/pipelines`` (and of resume, with the jobs started again)."""

    id: str
    status: str
    initial_jobs: list[str]


class PipelineSummary(msgspec.Struct, kw_only=True):
    id: str
    name: str
    status: str
    created_at: str | None
    completed_at: str | None
    nodes_count: int
    done_count: int
    results_count: int
    progress_pct: int


class PipelineJob(msgspec.Struct, kw_only=True):
    id: str
    job_type: str
    status: str
    pipeline_node_id: str | None
    results_count: int
    error_message: str | None
    created_at: str | None
    completed_at: str | None
    processed_points: int = 0
    grid_points_count: int = 0
    download_available: bool = False


class OutputJob(msgspec.Struct, kw_only=True):
    id: str
    job_type: str
    results_count: int
    status: str
    download_available: bool
    pipeline_node_id: str | None = None


class NodeState(msgspec.Struct, kw_only=True):
    """Where each node stands (additive): ``waiting``, ``pending``, ``running``, ``done``,
    ``failed``, ``cancelled``, ``skipped`` (no usable input) or ``blocked`` (upstream failed
    or was cancelled)."""

    id: str
    type: str
    status: str
    job_id: str | None = None
    attempt: int = 0
    results_count: int = 0
    error_message: str | None = None


class PipelineDetail(msgspec.Struct, kw_only=True):
    id: str
    user_id: int
    name: str
    definition: PipelineDefinition
    status: str
    created_at: str | None
    completed_at: str | None
    progress_pct: int
    jobs: list[PipelineJob]
    output_job: OutputJob | None
    nodes_count: int = 0
    done_count: int = 0
    results_count: int = 0
    nodes: list[NodeState] = []
    error_message: str | None = None


class ColumnProfile(msgspec.Struct, kw_only=True):
    name: str
    type: str
    """``phone | email | url | number | category | text``."""
    fill_rate: float
    sample_values: list[str]
    distinct_count: int | None = None
    distinct_values: list[str] | None = None


class InputColumns(msgspec.Struct, kw_only=True):
    columns: list[ColumnProfile]
    row_count: int = 0
    predecessor_job_id: str | None = None
    capped: bool = False
    reason: str | None = None


class FilterPreviewRequest(msgspec.Struct, kw_only=True, frozen=True):
    """``svc.enrichers.filter_preview``: run the worker's filter on a job's output window."""

    job_id: str
    config: dict[str, Any]
    window: int = PREVIEW_WINDOW
    samples: int = PREVIEW_SAMPLES


class FilterPreview(msgspec.Struct, kw_only=True):
    total: int = 0
    matched: int = 0
    samples: list[dict[str, str]] = []
    predecessor_job_id: str | None = None
    fieldnames: list[str] = []
    capped: bool = False
    reason: str | None = None
