"""A job's state as the fold of its events, and the shapes the API returns.

The same fold runs in the jobs service (projection, admission), in workers (checkpoints,
cancellation) and in the gateway (SSE ``status`` events), so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import msgspec

from outsend_contracts.clock import iso
from outsend_contracts.jobs import events as ev
from outsend_contracts.registry import REGISTRY

JOB_TIMEOUT = timedelta(hours=6)


class JobStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"

    @property
    def terminal(self) -> bool:
        return self not in (JobStatus.PENDING, JobStatus.RUNNING)


STAT_KEYS = ("breakdown", "dead_queries", "flagged_tiles_count", "total_attempts_count", "query_stats")


class JobState(msgspec.Struct, kw_only=True):
    """Everything known about a job; ``version`` is the stream sequence of its last event."""

    id: str
    user_id: int
    job_type: str
    lane: str
    params: dict[str, Any]
    status: JobStatus = JobStatus.PENDING
    version: int = 0
    created_seq: int = 0
    input_object: str | None = None
    items_count: int = 0
    source_job_id: str | None = None
    pipeline_id: str | None = None
    pipeline_node_id: str | None = None
    ef_cost: float = 0.0
    grid_points_count: int = 0
    processed_points: int = 0
    results_count: int = 0
    error_count: int = 0
    eta_seconds: int | None = None
    attempt: int = 0
    cancel_requested_at: datetime | None = None
    retention_seconds: int = 7 * 24 * 3600
    trace_context: dict[str, str] | None = None
    deleted: bool = False
    created_at: datetime | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None
    expires_at: datetime | None = None
    error_message: str | None = None
    output_filename: str | None = None
    notice: str | None = None
    stats: dict[str, Any] = msgspec.field(default_factory=dict)

    @classmethod
    def created(cls, event: ev.JobCreated, seq: int) -> JobState:
        return cls(
            id=event.job_id,
            user_id=event.user_id,
            job_type=event.job_type,
            lane=event.lane,
            params=event.params,
            version=seq,
            created_seq=seq,
            input_object=event.input_object,
            items_count=event.items_count,
            source_job_id=event.source_job_id,
            pipeline_id=event.pipeline_id,
            pipeline_node_id=event.pipeline_node_id,
            ef_cost=event.ef_cost,
            grid_points_count=event.grid_points_count or event.items_count,
            created_at=event.at,
            notice=event.notice,
            retention_seconds=event.retention_seconds,
            trace_context=event.trace_context,
        )

    def apply(self, event: ev.AnyJobEvent, seq: int) -> None:
        """Fold one event in. Events at or below ``version`` were already applied (idempotent)."""
        if seq <= self.version:
            return
        self.version = seq
        if self.status.terminal and not isinstance(event, ev.JobExpired | ev.JobDeleted):
            return
        match event:
            case ev.JobStarted():
                self.status = JobStatus.RUNNING
                self.attempt = event.attempt
                self.started_at = self.started_at or event.at
            case ev.JobProgress():
                self._count(event.processed, event.results_count, event.error_count)
                self.grid_points_count = event.planned
                self.eta_seconds = event.eta_seconds
                self.stats.update(event.stats or {})
                self.notice = event.notice or self.notice
            case ev.JobCancelRequested():
                self.cancel_requested_at = self.cancel_requested_at or event.at
            case ev.JobDone():
                self._count(max(event.processed, self.processed_points), event.results_count, event.error_count)
                self.grid_points_count = max(self.grid_points_count, self.processed_points)
                self.stats.update(event.stats or {})
                self.notice = event.notice or self.notice
                self._terminate(JobStatus.DONE, event.at, event.output_filename)
            case ev.JobFailed():
                self._count(self.processed_points, event.results_count, event.error_count)
                self.error_message = event.error_message
                self._terminate(JobStatus.FAILED, event.at, event.output_filename)
            case ev.JobCancelled():
                self._count(self.processed_points, event.results_count, event.error_count)
                self._terminate(JobStatus.CANCELLED, event.at, event.output_filename)
            case ev.JobExpired():
                self.status = JobStatus.EXPIRED
            case ev.JobDeleted():
                self.deleted = True

    def _count(self, processed: int, results: int, errors: int) -> None:
        self.processed_points = processed
        self.results_count = results
        self.error_count = errors

    def _terminate(self, status: JobStatus, at: datetime, output_filename: str | None) -> None:
        self.status = status
        self.completed_at = at
        self.expires_at = at + timedelta(seconds=self.retention_seconds)
        self.output_filename = output_filename
        self.eta_seconds = None

    @property
    def cancel_requested(self) -> bool:
        return self.cancel_requested_at is not None

    @property
    def download_available(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED) and bool(self.output_filename)

    @property
    def _shows_email_mode(self) -> bool:
        spec = REGISTRY.get(self.job_type)
        return spec is not None and spec.public_email_mode

    def public(self) -> JobPublic:
        return JobPublic(
            id=self.id,
            job_type=self.job_type,
            queries=list(self.params.get("queries") or []),
            zones=list(self.params.get("zones") or []),
            include_reviews=bool(self.params.get("include_reviews", False)),
            status=self.status.value,
            grid_points_count=self.grid_points_count,
            processed_points=self.processed_points,
            results_count=self.results_count,
            error_count=self.error_count,
            ef_cost=self.ef_cost,
            created_at=iso(self.created_at),
            started_at=iso(self.started_at),
            completed_at=iso(self.completed_at),
            expires_at=iso(self.expires_at),
            error_message=self.error_message,
            output_filename=self.output_filename,
            download_available=self.download_available,
            source_job_id=self.source_job_id,
            pipeline_id=self.pipeline_id,
            pipeline_node_id=self.pipeline_node_id,
            email_mode=self.params.get("mode") if self._shows_email_mode else None,
            breakdown=self.stats.get("breakdown") or {},
            dead_queries=self.stats.get("dead_queries") or [],
            flagged_tiles_count=int(self.stats.get("flagged_tiles_count") or 0),
            total_attempts_count=int(self.stats.get("total_attempts_count") or 0),
            query_stats=self.stats.get("query_stats") or {},
            notice=self.notice,
            eta_seconds=self.eta_seconds,
            options={key: value for key, value in self.params.items() if key not in ("queries", "zones")},
        )

    def status_event(self) -> dict[str, Any]:
        """Payload of the SSE ``status`` event (states-and-events page)."""
        return {
            "id": self.id,
            "status": self.status.value,
            "processed_points": self.processed_points,
            "grid_points_count": self.grid_points_count,
            "results_count": self.results_count,
            "error_count": self.error_count,
            "download_available": self.download_available,
            "query_stats": self.stats.get("query_stats") or {},
            "eta_seconds": self.eta_seconds,
        }


def fold(events: Iterable[tuple[int, ev.AnyJobEvent]]) -> JobState | None:
    """Build a job's state from ``(sequence, event)`` pairs in stream order."""
    state: JobState | None = None
    for seq, event in events:
        if state is None:
            if isinstance(event, ev.JobCreated):
                state = JobState.created(event, seq)
            continue
        state.apply(event, seq)
    return state


class JobPublic(msgspec.Struct, kw_only=True):
    """The job as every endpoint returns it (Jobs API page), plus additive fields at the end."""

    id: str
    job_type: str
    queries: list[str]
    zones: list[str]
    include_reviews: bool
    status: str
    grid_points_count: int
    processed_points: int
    results_count: int
    error_count: int
    ef_cost: float
    created_at: str | None
    started_at: str | None
    completed_at: str | None
    expires_at: str | None
    error_message: str | None
    output_filename: str | None
    download_available: bool
    source_job_id: str | None
    pipeline_id: str | None
    email_mode: str | None
    breakdown: dict[str, Any]
    dead_queries: list[str]
    flagged_tiles_count: int
    total_attempts_count: int
    query_stats: dict[str, Any]
    pipeline_node_id: str | None = None
    notice: str | None = None
    eta_seconds: int | None = None
    options: dict[str, Any] = msgspec.field(default_factory=dict)
