"""The veille and its runs as the Veille API page shows them."""

from __future__ import annotations

from typing import Any

import msgspec


class VeillePublic(msgspec.Struct, kw_only=True):
    id: int
    name: str
    source_job_id: str | None
    source_pipeline_id: str | None
    frequency_days: int
    status: str
    next_run_at: str
    last_run_at: str | None
    last_run_job_id: str | None
    run_count: int
    created_at: str


class RunPublic(msgspec.Struct, kw_only=True, omit_defaults=False):
    id: int
    job_id: str
    prev_job_id: str | None
    is_baseline: bool
    total_count: int
    prev_total_count: int
    new_count: int
    removed_count: int
    modified_count: int
    unchanged_count: int
    computed_at: str | None
    job_status: str
    job_completed_at: str | None
    manual: bool = False
    error_message: str | None = None
    samples: dict[str, list[dict[str, Any]]] | None = None


class Items(msgspec.Struct, kw_only=True, omit_defaults=True):
    items: list[Any]
    total: int | None = None
