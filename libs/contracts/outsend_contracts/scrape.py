"""Requests and answers of the scraper service (``svc.scraper.*``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

SCRAPER_ESTIMATE = "svc.scraper.estimate"


class EstimateRequest(msgspec.Struct, kw_only=True):
    """The body of ``POST /api/jobs`` / ``POST /api/estimate``, after option checks."""

    queries: list[str]
    zones: list[str]
    mode: str = "fast"
    include_reviews: bool = False
    country: str = "FRA"

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> EstimateRequest:
        """The request a scrap job's options (or a pipeline node's config) describe: the estimate
        the gateway shows and the plan the scraper runs are read the same way."""
        return cls(
            queries=list(options.get("queries") or []),
            zones=list(options.get("zones") or []),
            mode=str(options.get("mode") or "fast"),
            include_reviews=bool(options.get("include_reviews")),
            country=str(options.get("country") or "FRA"),
        )


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
