"""Requests and answers of the scraper service (``svc.scraper.*``)."""

from __future__ import annotations

import msgspec

SCRAPER_ESTIMATE = "svc.scraper.estimate"


class EstimateRequest(msgspec.Struct, kw_only=True):
    """The body of ``POST /api/jobs`` / ``POST /api/estimate``, after option checks."""

    queries: list[str]
    zones: list[str]
    mode: str = "fast"
    include_reviews: bool = False
    country: str = "FRA"


class Estimate(msgspec.Struct, kw_only=True):
    """``JobEstimateResponse`` of the Jobs API page, plus the resolution notice."""

    valid: bool
    grid_points: int
    total_requests: int
    queries_count: int
    ef_cost: float
    estimated_duration_seconds: int
    errors: list[str]
    warnings: list[str]
    notice: str | None = None
