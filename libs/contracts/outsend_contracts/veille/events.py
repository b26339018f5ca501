"""Veille events, published on ``evt.veille.<veille_id>.<event>`` in stream ``EVENTS``.

``created`` and ``updated`` tell the watch's life (a status ``deleted`` is a soft delete);
``run_started`` is recorded before the run's job exists (its id is chosen first), so a run is
decided once whatever restarts follow; ``run_completed`` carries the diff's counts, and is what
webhooks and the events feed relay. Samples and signals live in the veille service's tables.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import msgspec

from outsend_contracts import SCHEMA_VERSION, subjects
from outsend_contracts.codec import AggregateCodec

VeilleStatus = Literal["active", "paused", "deleted"]


class VeilleTemplate(msgspec.Struct, kw_only=True, frozen=True):
    """What a run replays, copied from the source when the veille is created (so that the
    source job expiring changes nothing)."""

    job_type: str | None = None
    params: dict[str, Any] = {}
    pipeline_name: str | None = None
    pipeline_definition: dict[str, Any] | None = None


class VeilleEvent(msgspec.Struct, tag_field="event", kw_only=True, frozen=True, omit_defaults=True):
    at: datetime
    schema_version: int = SCHEMA_VERSION


class VeilleCreated(VeilleEvent, tag="created", frozen=True):
    veille_id: int
    user_id: int
    name: str
    frequency_days: int
    next_run_at: datetime
    template: VeilleTemplate
    source_job_id: str | None = None
    source_pipeline_id: str | None = None


class VeilleUpdated(VeilleEvent, tag="updated", frozen=True):
    """Only the fields given changed; a new frequency comes with its rescheduled ``next_run_at``."""

    name: str | None = None
    frequency_days: int | None = None
    next_run_at: datetime | None = None
    status: VeilleStatus | None = None


class VeilleRunStarted(VeilleEvent, tag="run_started", frozen=True):
    run_id: int
    job_id: str
    """The run's job (a pipeline run: its pipeline id, whose last node's job holds the result)."""
    due_at: datetime
    next_run_at: datetime
    manual: bool = False
    pipeline: bool = False


class VeilleRunCompleted(VeilleEvent, tag="run_completed", frozen=True):
    run_id: int
    job_id: str
    result_job_id: str
    job_completed_at: datetime | None = None
    prev_job_id: str | None = None
    is_baseline: bool = False
    total_count: int = 0
    prev_total_count: int = 0
    new_count: int = 0
    removed_count: int = 0
    modified_count: int = 0
    unchanged_count: int = 0
    signals_count: int = 0


class VeilleRunFailed(VeilleEvent, tag="run_failed", frozen=True):
    run_id: int
    job_id: str
    error_message: str | None = None


AnyVeilleEvent = VeilleCreated | VeilleUpdated | VeilleRunStarted | VeilleRunCompleted | VeilleRunFailed

_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(AnyVeilleEvent)


def encode_event(event: VeilleEvent) -> bytes:
    return _encoder.encode(event)


def decode_event(data: bytes) -> AnyVeilleEvent:
    event: AnyVeilleEvent = _decoder.decode(data)
    return event


def event_name(event: VeilleEvent) -> str:
    tag = type(event).__struct_config__.tag
    assert isinstance(tag, str)
    return tag


def _stream(veille_id: str) -> str:
    return subjects.veille_events(int(veille_id))


def _subject(veille_id: str, event: str) -> str:
    return subjects.veille_event(int(veille_id), event)


CODEC: AggregateCodec[VeilleEvent] = AggregateCodec(
    stream=_stream,
    subject=_subject,
    name=event_name,
    encode=encode_event,
    decode=decode_event,
    aggregate_id=lambda subject: str(subjects.veille_id_from_subject(subject)),
    every=subjects.EVT_VEILLE_ALL,
)
"""How the aggregate's events are spelt (used by the aggregate writer and the fold projection of
``outsend_platform``)."""
