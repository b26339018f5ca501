"""Veille run events, published on ``evt.veille.<veille_id>.<event>`` in stream ``EVENTS``.

A veille replays its source scrap or pipeline every ``frequency_days``; each replay is a run. A run
starts (its job is created), then completes once the diff against the previous run is computed,
or fails when its job does. Like every event they carry ids and counters: the rows of each diff
bucket stay behind ``GET /api/veille/{id}/runs/{run_id}``.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from outsend_contracts import SCHEMA_VERSION


class VeilleEvent(msgspec.Struct, tag_field="event", kw_only=True, frozen=True):
    at: datetime
    veille_id: int
    user_id: int
    schema_version: int = SCHEMA_VERSION


class VeilleRunStarted(VeilleEvent, tag="run_started", frozen=True):
    """A scheduled tick replayed the source: ``job_id`` is the run's job."""

    job_id: str
    source_job_id: str | None = None
    source_pipeline_id: str | None = None


class VeilleRunCompleted(VeilleEvent, tag="run_completed", frozen=True):
    """The run's job is done and its diff against the previous run is computed.

    The first run is the baseline: ``is_baseline`` and no previous job; its bucket counters are 0.
    """

    run_id: int
    job_id: str
    is_baseline: bool
    total_count: int
    prev_job_id: str | None = None
    prev_total_count: int | None = None
    new_count: int = 0
    removed_count: int = 0
    """The closed/dropped bucket: rows no longer listed at the source."""
    modified_count: int = 0
    unchanged_count: int = 0
    signals_count: int = 0
    """Modified rows ranked as reputation signals (rating drop, review surge)."""


class VeilleRunFailed(VeilleEvent, tag="run_failed", frozen=True):
    """The run's job failed or was cancelled: no diff, the next tick runs as scheduled."""

    job_id: str
    error_message: str


AnyVeilleEvent = VeilleRunStarted | VeilleRunCompleted | VeilleRunFailed
