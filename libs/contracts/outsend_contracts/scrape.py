"""Requests and answers of the scraper service (``svc.scraper.*``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from outsend_contracts import errors
from outsend_contracts.config_schema import ConfigFieldError, ConfigSchema, coerce_config

SCRAPER_ESTIMATE = "svc.scraper.estimate"
MODE_ALIAS = "scrap_mode"
"""Another name of ``mode`` (ruling 15)."""
MODE_SYNONYMS = {"normal": "advanced"}
"""Mode values that name another mode (ruling 15)."""


def canonical_options(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A scrap's options with ``scrap_mode`` read as ``mode`` and ``normal`` as ``advanced``.

    ``POST /api/jobs``, ``POST /api/estimate`` and a pipeline's scrap node read their options
    through this before their schema checks them, so the same words ask for the same scrape.
    """
    options = {key: value for key, value in raw.items() if key != MODE_ALIAS}
    alias, mode = _mode_name(raw.get(MODE_ALIAS)), _mode_name(options.get("mode"))
    if alias is not None and mode is not None and alias != mode:
        raise ConfigFieldError(
            MODE_ALIAS, errors.SCRAP_MODE_CONFLICT.format(alias=raw[MODE_ALIAS], mode=options["mode"]), misplaced=True
        )
    if alias is not None or mode is not None:
        options["mode"] = alias if alias is not None else mode
    return options


def read_scrap_options(schema: ConfigSchema, raw: Mapping[str, Any]) -> dict[str, Any]:
    """A scrap's options: its aliases read first (:func:`canonical_options`), then its schema."""
    return coerce_config(schema, canonical_options(raw))


def _mode_name(value: Any) -> Any:
    return MODE_SYNONYMS.get(value, value) if isinstance(value, str) else value


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


class EstimateQuery(msgspec.Struct, kw_only=True, frozen=True):
    """What a module's estimator (``ModuleSpec.estimate_subject``) is asked: the price of a run
    with these options, already checked. The scraper reads them as an :class:`EstimateRequest`."""

    options: dict[str, Any]


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
