"""Pipeline events, published on ``evt.pipeline.<pipeline_id>.<event>`` in stream ``EVENTS``.

``created``, ``completed``, ``failed`` and ``cancelled`` tell the pipeline's life; ``node_started``
and ``node_ended`` are the coordinator's record of each node's job, from which successors are
decided. Events carry ids and counters: pasted CSV lives in the object store.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import msgspec

from outsend_contracts import SCHEMA_VERSION, subjects
from outsend_contracts.codec import AggregateCodec
from outsend_contracts.pipelines.definition import PipelineDefinition

NodeOutcome = Literal["done", "failed", "cancelled"]


class PipelineEvent(msgspec.Struct, tag_field="event", kw_only=True, frozen=True, omit_defaults=True):
    at: datetime
    schema_version: int = SCHEMA_VERSION


class PipelineCreated(PipelineEvent, tag="created", frozen=True):
    pipeline_id: str
    user_id: int
    name: str
    definition: PipelineDefinition
    inputs: dict[str, str] = {}


class NodeStarted(PipelineEvent, tag="node_started", frozen=True):
    """The coordinator decided to run ``node_id`` as job ``job_id`` (recorded before the job exists)."""

    node_id: str
    job_id: str
    attempt: int
    source_job_id: str | None = None
    items_count: int = 0


class NodeEnded(PipelineEvent, tag="node_ended", frozen=True):
    """The node's job reached a terminal state (or its creation was refused: ``failed``)."""

    node_id: str
    job_id: str
    outcome: NodeOutcome
    results_count: int = 0
    usable_rows: dict[str, int] = {}
    """Successor node id → rows of this output it can use; 0 short-circuits that branch."""
    error_message: str | None = None


class PipelineResumed(PipelineEvent, tag="resumed", frozen=True):
    nodes: list[str]
    """The failed or cancelled nodes that run again."""


class PipelineCompleted(PipelineEvent, tag="completed", frozen=True):
    pass


class PipelineFailed(PipelineEvent, tag="failed", frozen=True):
    error_message: str | None = None


class PipelineCancelled(PipelineEvent, tag="cancelled", frozen=True):
    pass


AnyPipelineEvent = (
    PipelineCreated | NodeStarted | NodeEnded | PipelineResumed | PipelineCompleted | PipelineFailed | PipelineCancelled
)

_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(AnyPipelineEvent)


def encode_event(event: PipelineEvent) -> bytes:
    return _encoder.encode(event)


def decode_event(data: bytes) -> AnyPipelineEvent:
    event: AnyPipelineEvent = _decoder.decode(data)
    return event


def event_name(event: PipelineEvent) -> str:
    tag = type(event).__struct_config__.tag
    assert isinstance(tag, str)
    return tag


CODEC: AggregateCodec[PipelineEvent] = AggregateCodec(
    stream=subjects.pipeline_events,
    subject=subjects.pipeline_event,
    name=event_name,
    encode=encode_event,
    decode=decode_event,
    aggregate_id=subjects.pipeline_id_from_subject,
    every=subjects.EVT_PIPELINE_ALL,
)
"""How the aggregate's events are spelt (used by the aggregate writer and the fold projection of
``outsend_platform``)."""
