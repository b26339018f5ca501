"""A module's options, read once for ``POST /api/jobs/{type}``, a pipeline node and a filter preview.

The schema of each module checks and coerces them (:func:`coerce_config`); ``scrap`` first reads
its aliases and ``filter`` its two rule grammars, so that no path reads them another way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from outsend_contracts import scrape
from outsend_contracts.config_schema import coerce_config
from outsend_contracts.filter_rules import filter_options
from outsend_contracts.registry import ModuleSpec


def read_options(spec: ModuleSpec, raw: Mapping[str, Any]) -> dict[str, Any]:
    """The options ``spec`` knows in ``raw``, checked; raises ``ConfigFieldError``."""
    if spec.slug == "scrap":
        return coerce_config(spec.config_schema, scrape.canonical_options(raw))
    if spec.slug == "filter":
        return filter_options(spec.config_schema, raw)
    return coerce_config(spec.config_schema, dict(raw))
