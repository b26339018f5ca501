"""Job events, published on ``evt.job.<job_id>.<event>`` in stream ``EVENTS``.

A job's state is the fold of these events (:mod:`outsend_contracts.jobs.state`). Events carry
ids and counters, never personal data: input rows and results live in the object store.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import msgspec

from outsend_contracts import SCHEMA_VERSION, subjects
from outsend_contracts.codec import AggregateCodec

LogLevel = Literal["debug", "info", "warn", "error"]


class JobEvent(msgspec.Struct, tag_field="event", kw_only=True, frozen=True):
    at: datetime
    schema_version: int = SCHEMA_VERSION


class JobCreated(JobEvent, tag="created", frozen=True):
    job_id: str
    user_id: int
    job_type: str
    lane: str
    params: dict[str, Any]
    """Module options, as checked against the module's ``config_schema``."""
    input_object: str | None = None
    """Object holding the submitted items, when there were any."""
    items_count: int = 0
    source_job_id: str | None = None
    pipeline_id: str | None = None
    pipeline_node_id: str | None = None
    ef_cost: float = 0.0
    grid_points_count: int = 0
    notice: str | None = None
    retention_seconds: int = 7 * 24 * 3600
    """How long the result is kept after the terminal state (the platform's retention)."""
    trace_context: dict[str, str] | None = None
    """W3C trace context of the request that created the job, so its work joins that trace."""


class JobStarted(JobEvent, tag="started", frozen=True):
    """Admitted by the queue: a lane slot and a user slot are taken, work is dispatched."""

    attempt: int = 1


class JobProgress(JobEvent, tag="progress", frozen=True):
    """Cumulative counters (each event replaces the previous values)."""

    processed: int
    planned: int
    results_count: int
    error_count: int = 0
    eta_seconds: int | None = None
    stats: dict[str, Any] | None = None
    """Module statistics merged into the public job (``query_stats``, ``breakdown`` …)."""
    notice: str | None = None


class JobLogged(JobEvent, tag="log", frozen=True):
    message: str
    level: LogLevel = "info"


class JobCancelRequested(JobEvent, tag="cancel_requested", frozen=True):
    pass


class JobDone(JobEvent, tag="done", frozen=True):
    results_count: int
    error_count: int = 0
    processed: int = 0
    output_filename: str | None = None
    stats: dict[str, Any] | None = None
    notice: str | None = None


class JobFailed(JobEvent, tag="failed", frozen=True):
    error_message: str
    results_count: int = 0
    error_count: int = 0
    output_filename: str | None = None


class JobCancelled(JobEvent, tag="cancelled", frozen=True):
    results_count: int = 0
    error_count: int = 0
    output_filename: str | None = None


class JobExpired(JobEvent, tag="expired", frozen=True):
    """Seven days after the terminal state: the result is purged, the record kept."""


class JobDeleted(JobEvent, tag="deleted", frozen=True):
    pass


AnyJobEvent = (
    JobCreated
    | JobStarted
    | JobProgress
    | JobLogged
    | JobCancelRequested
    | JobDone
    | JobFailed
    | JobCancelled
    | JobExpired
    | JobDeleted
)

_encoder = msgspec.json.Encoder()
_decoder: msgspec.json.Decoder[AnyJobEvent] = msgspec.json.Decoder(AnyJobEvent)


def encode_event(event: JobEvent) -> bytes:
    return _encoder.encode(event)


def decode_event(data: bytes) -> AnyJobEvent:
    return _decoder.decode(data)


def event_name(event: JobEvent) -> str:
    tag = type(event).__struct_config__.tag
    assert isinstance(tag, str)
    return tag


CODEC: AggregateCodec[JobEvent] = AggregateCodec(
    stream=subjects.job_events,
    subject=subjects.job_event,
    name=event_name,
    encode=encode_event,
    decode=decode_event,
    aggregate_id=subjects.job_id_from_subject,
    every=subjects.EVT_JOB_ALL,
)
"""How the aggregate's events are spelt (used by the aggregate writer and the fold projection of
``outsend_platform``)."""
